// The platform phase of bench/search.ts, issue 11's acceptance as written:
// child processes (searchMembers.ts, several) host the member API servers, filled
// with the objects by direct creates; kpanda (startPlatform, in this process,
// with the index on `searchDb`) integrates them through POST /clusters with
// their kubeconfigs and syncs them into its search cache. Figures: the time
// to first full sync (from the first POST /clusters until every kind of
// every cluster is synced in the freshness rows); p50/p99 of a page of 50
// sorted by name over HTTPS through the REST lists (/clusters/{c}/pods and
// /asl/pods, with and without fuzzySearch); the lag from a member write (in
// the member process, its clock when the create answered) to the change in
// the index's change feed, at a set rate; kpanda's RSS after GC per cached
// pod, and the database size.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { Agent, fetch } from "undici";
import { ADMIN_PASSWORD_FILE, type Platform, startPlatform } from "../src/platform/platform.ts";
import { KINDS } from "../src/platform/search/kinds.ts";
import { MIX, nameOf } from "./searchData.ts";
import { runConcurrent, Samples } from "./stats.ts";

const API = "/apis/kpanda.io/v1alpha1";
const QUERY_TIMEOUT_MS = 60_000;
const HERE = dirname(fileURLToPath(import.meta.url));
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const now = () => performance.timeOrigin + performance.now();
export const loadAvg = () => loadavg().map((l) => l.toFixed(2)).join(" ");

export type Members = {
  names: string[];
  dir: string;
  /** Every JSON line the child prints from now on goes to fn too (until the returned function is called). */
  listen(fn: (msg: any) => void): () => void;
  send(cmd: unknown): void;
  pids: number[];
  stop(): Promise<void>;
};

/** One searchMembers.ts child with members first … first+clusters-1; resolves once they are filled. */
async function startChild(dir: string, first: number, clusters: number, objects: number, heapMb: number, listeners: Set<(m: any) => void>) {
  const args = [`--max-old-space-size=${heapMb}`, "--expose-gc", join(HERE, "searchMembers.ts"), "--clusters", String(clusters), "--first", String(first), "--objects", String(objects), "--dir", dir];
  const proc: ChildProcess = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  let onReady: (m: any) => void = () => {};
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    let m: any;
    try {
      m = JSON.parse(l);
    } catch {
      return;
    }
    if (m.ready) onReady(m);
    else if (m.filled || m.started) console.log(`  members ${first}…${first + clusters - 1}: ${JSON.stringify(m)}`);
    for (const fn of listeners) fn(m);
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const ready = await new Promise<any>((ok, fail) => {
    onReady = ok;
    proc.once("exit", (code) => fail(new Error(`searchMembers exited (${code})\n${stderr}`)));
  });
  return { proc, ready, exited };
}

/**
 * Starts the members in `processes` searchMembers.ts children (one event loop
 * and one heap for all 100 made that process, not kpanda, the bottleneck of
 * the first sync: its major GCs over a 4 GiB heap); resolves once all are filled.
 */
export async function startMembers(dir: string, clusters: number, objects: number, heapMb: number, processes = 1): Promise<Members> {
  const listeners = new Set<(m: any) => void>();
  const share = Math.ceil(clusters / processes);
  const per = Math.floor(objects / clusters);
  const children = await Promise.all(
    Array.from({ length: Math.ceil(clusters / share) }, (_, i) => {
      const n = Math.min(share, clusters - i * share);
      return startChild(dir, i * share, n, n * per, Math.ceil(heapMb / processes), listeners);
    }),
  );
  const fill = Math.max(...children.map((c) => c.ready.fillSeconds));
  const rss = children.reduce((a, c) => a + c.ready.rss, 0);
  console.log(`members: ${clusters} API servers in ${children.length} process(es) (pids ${children.map((c) => c.proc.pid).join(", ")}), ${objects} objects created in ${fill.toFixed(0)} s, RSS ${(rss / 2 ** 30).toFixed(2)} GiB`);
  return {
    names: children.flatMap((c) => c.ready.ready),
    dir,
    pids: children.map((c) => c.proc.pid!),
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    // A write command's rate is shared out: each child writes its part to its own members.
    send: (cmd: any) => {
      for (const c of children) {
        const part = cmd.write ? { write: { ...cmd.write, rate: cmd.write.rate / children.length } } : cmd;
        c.proc.stdin!.write(`${JSON.stringify(part)}\n`);
      }
    },
    stop: async () => {
      for (const c of children) {
        c.proc.stdin!.end();
        setTimeout(() => c.proc.kill("SIGTERM"), 10_000).unref();
      }
      await Promise.all(children.map((c) => c.exited));
    },
  };
}

export type PlatformPhaseOptions = { clusters: number; objects: number; queries: number; writeRate: number; writeSeconds: number };
type Figures = Record<string, unknown>;

type Http = { get(path: string): Promise<any>; post(path: string, body: unknown): Promise<{ status: number; body: any }> };

async function client(p: Platform, dataDir: string): Promise<Http> {
  const dispatcher = new Agent({ connect: { ca: p.caCert }, connections: 16 });
  let token = "";
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${p.url}${API}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      dispatcher,
      // No request may hold the run up for long: one that does is counted at this time (and marked).
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const password = (await readFile(join(dataDir, ADMIN_PASSWORD_FILE), "utf8")).trim();
  const r = await call("POST", "/login", { username: "admin", password });
  if (r.status !== 200) throw new Error(`login: ${r.status}`);
  token = r.body.token;
  return {
    get: async (path) => {
      const r = await call("GET", path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body;
    },
    post: (path, body) => call("POST", path, body),
  };
}

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/** Integrates every member, waits for the first full sync, then measures queries, lag, RSS and size. */
export async function platformPhase(members: Members, label: string, dataDir: string, searchDb: string, size: () => Promise<number>, o: PlatformPhaseOptions): Promise<Figures> {
  console.log(`\n== kpanda with ${label}: ${o.objects} objects over ${o.clusters} member API servers (load ${loadAvg()})`);
  const rss0 = rss();
  // The members share one process, busy serving the first lists: integration's checks get a minute, not 5 s.
  const p = await startPlatform({ dataDir, port: 0, searchDb, logger: pino({ level: "error" }), clusterTimeouts: { validateTimeoutMs: 60_000 } });
  try {
    const http = await client(p, dataDir);
    const rssEmpty = rss();
    const t0 = performance.now();
    await runConcurrent(members.names.length, 8, async (i) => {
      const name = members.names[i];
      const kubeconfig = await readFile(join(members.dir, name, "kubeconfig"), "utf8");
      for (let attempt = 1; ; attempt++) {
        const r = await http.post("/clusters", { name, kubeconfig });
        if (r.status === 201) return;
        // A check timed out or could not connect while the member process was busy: the Cluster was not made, so try again.
        if (r.status !== 400 || !/timed out|fetch failed/.test(r.body?.message) || attempt === 5) throw new Error(`integrate ${name}: ${r.status} ${JSON.stringify(r.body)}`);
        console.log(`  integrate ${name}: ${r.body.message}; again`);
      }
    });
    const integrated = (performance.now() - t0) / 1000;
    const index = p.ctx.search.index;
    const rows = o.clusters * KINDS.length;
    for (let i = 0; ; i++) {
      const f = await index.freshness();
      if (f.length >= rows && f.every((x) => x.state === "synced")) break;
      if (i % 60 === 59) console.log(`  ${f.filter((x) => x.state === "synced").length}/${rows} kinds synced (${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadAvg()})`);
      await sleep(500);
    }
    const firstSync = (performance.now() - t0) / 1000;
    const pods = (await http.get("/asl/pods?pageSize=1")).pagination.total as number;
    console.log(`first full sync: ${firstSync.toFixed(1)} s (integration of all ${o.clusters} through POST /clusters: ${integrated.toFixed(1)} s); ${pods} pods cached`);
    const queries = await timeQueries(http, o);
    const lag = await measureLag(index, members, o);
    const rssAfter = rss();
    const db = await size();
    const m = process.memoryUsage();
    if (process.env.BENCH_SMAPS) { const fs = await import("node:fs"); fs.writeFileSync(process.env.BENCH_SMAPS, fs.readFileSync("/proc/self/smaps")); }
    if (process.env.BENCH_HEAPSNAPSHOT) console.log(`  heap snapshot: ${(await import("node:v8")).writeHeapSnapshot(process.env.BENCH_HEAPSNAPSHOT)}`);
    console.log(`  memory: V8 heap ${(m.heapUsed / 2 ** 20).toFixed(0)} used / ${(m.heapTotal / 2 ** 20).toFixed(0)} MiB held, external ${(m.external / 2 ** 20).toFixed(0)} MiB (array buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)}), the rest of RSS ${((m.rss - m.heapTotal - m.external) / 2 ** 20).toFixed(0)} MiB`);
    console.log(
      `kpanda RSS after GC ${(rssAfter / 2 ** 20).toFixed(0)} MiB: ${(rssAfter / pods).toFixed(0)} B per cached pod (${((rssAfter - rssEmpty) / pods).toFixed(0)} B over kpanda before integration; the bench process alone was ${(rss0 / 2 ** 20).toFixed(0)} MiB)`,
    );
    console.log(`database size ${(db / 2 ** 20).toFixed(0)} MiB (${(db / o.objects).toFixed(0)} B per object)`);
    return { backend: label, clusters: o.clusters, objects: o.objects, pods, firstSyncSeconds: firstSync, integrateSeconds: integrated, queries, lag, rssBytes: rssAfter, rssPerPod: rssAfter / pods, rssOverEmptyPerPod: (rssAfter - rssEmpty) / pods, dbBytes: db, load: loadavg() };
  } finally {
    await p.close();
  }
}

/** A search term: even i a fragment of an app name (many matches), odd i a fragment of one pod's hash in cluster c (few). */
function term(i: number, c: number, per: number): string {
  if (i % 2 === 0) return ["check", "PAY", "gate", "inv", "mail", "sear"][(i / 2) % 6];
  const pods = Math.round(per * MIX[0].share);
  return nameOf("pods", c * per + ((i * 7919) % pods)).name.slice(-9, -4);
}

async function timeQueries(http: Http, o: PlatformPhaseOptions): Promise<Record<string, { p50: number; p99: number; timedOut: number }>> {
  const per = Math.floor(o.objects / o.clusters);
  const member = (i: number) => `member-${String(i % o.clusters).padStart(3, "0")}`;
  const shapes: [string, (i: number) => string][] = [
    ["/clusters/{c}/pods by name", (i) => `/clusters/${member(i)}/pods?pageSize=50&sortBy=name&page=${1 + (i % 10)}`],
    ["/clusters/{c}/pods fuzzySearch", (i) => `/clusters/${member(i)}/pods?pageSize=50&sortBy=name&fuzzySearch=${term(i, i % o.clusters, per)}`],
    ["/asl/pods by name", (i) => `/asl/pods?pageSize=50&sortBy=name&page=${1 + (i % 10)}`],
    ["/asl/pods fuzzySearch", (i) => `/asl/pods?pageSize=50&sortBy=name&fuzzySearch=${term(i, i % o.clusters, per)}`],
  ];
  const out: Record<string, { p50: number; p99: number; timedOut: number }> = {};
  for (const [label, path] of shapes) {
    const s = new Samples();
    let timedOut = 0;
    for (let i = 0; i < o.queries; i++) {
      const t = performance.now();
      try {
        const body = await http.get(path(i));
        if (!Array.isArray(body.items)) throw new Error(`${path(i)}: no items`);
      } catch (e) {
        if ((e as Error).name !== "TimeoutError") throw e;
        timedOut++;
        console.log(`  ${path(i)}: no answer within ${QUERY_TIMEOUT_MS} ms`);
      }
      s.add(performance.now() - t);
    }
    const { p50, p99 } = s.summary();
    out[label] = { p50, p99, timedOut };
    const late = timedOut ? `, ${timedOut} cut at ${QUERY_TIMEOUT_MS / 1000} s` : "";
    console.log(`page of 50, ${label}: p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms (${o.queries} sequential GETs over HTTPS${late})`);
  }
  return out;
}

type Index = Platform["ctx"]["search"]["index"];

/** ConfigMap creates at writeRate/s in the member process; each one's lag from the member's answer to its change in the index's feed. */
async function measureLag(index: Index, members: Members, o: PlatformPhaseOptions): Promise<Record<string, number>> {
  const written = new Map<string, number>();
  const seen = new Map<string, number>();
  const samples = new Samples();
  const match = (k: string) => {
    const w = written.get(k);
    const s = seen.get(k);
    if (w === undefined || s === undefined) return;
    samples.add(Math.max(0, s - w));
    written.delete(k);
    seen.delete(k);
  };
  let since = await index.revision();
  let reading = false;
  let dirty = false;
  const unsubscribe = index.subscribe(() => {
    dirty = true;
    if (reading) return;
    reading = true;
    void (async () => {
      try {
        while (dirty) {
          dirty = false;
          const ch = await index.changes({ group: "", resource: "configmaps" }, since, 5000);
          since = ch.revision;
          const t = now();
          for (const e of ch.events) {
            const k = `${e.item.cluster}/${e.item.namespace}/${e.item.name}/${e.item.resourceVersion}`;
            seen.set(k, t);
            match(k);
          }
          if (ch.events.length === 5000) dirty = true;
        }
      } finally {
        reading = false;
      }
    })();
  });
  let total = 0;
  let done = 0;
  let errors = 0;
  const unlisten = members.listen((m) => {
    if (m.w) {
      written.set(m.w, m.t);
      match(m.w);
    } else if (m.written !== undefined) {
      total += m.written;
      done++;
    } else if (m.error) errors++;
  });
  members.send({ write: { rate: o.writeRate, seconds: o.writeSeconds } });
  // Each member process answers {"written":N} when its share is done.
  while (done < members.pids.length) await sleep(100);
  const deadline = performance.now() + 10_000;
  while (written.size && performance.now() < deadline) await sleep(50);
  unsubscribe();
  unlisten();
  const s = samples.summary();
  console.log(
    `lag from a member write to the index at ${o.writeRate}/s: ${total} writes (${errors} failed), p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; ${written.size} not seen within 10 s`,
  );
  return { writes: total, failed: errors, p50: s.p50, p99: s.p99, max: s.max, missed: written.size };
}
