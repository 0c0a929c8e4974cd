// The sync phase of bench/search.ts: member clusters are `kpanda apiserver
// --storage memory` processes (no controllers, so the objects stay as
// created), filled by direct creates over HTTPS; then kpanda's SearchSync, in
// this process, does its first full sync into the index, and writes at a set
// rate across the members measure the lag from a member's answer to the
// change being in the index (where a search finds it).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseKubeconfig } from "../src/platform/clusters/kubeconfig.ts";
import { Member } from "../src/platform/clusters/members.ts";
import type { SearchIndex } from "../src/platform/search/index.ts";
import { SearchSync } from "../src/platform/search/SearchSync.ts";
import { MIX, makeObject } from "./searchData.ts";
import { Samples } from "./stats.ts";

type MemberProc = { name: string; proc: ChildProcess; member: Member; agent: Agent };

async function startMember(name: string, root: string): Promise<MemberProc> {
  const dir = join(root, name);
  const proc = spawn(process.execPath, ["bin/kpanda", "apiserver", "--listen", "127.0.0.1:0", "--data-dir", dir, "--storage", "memory", "--log-level", "warn", "--event-ttl", "86400"], {
    stdio: "ignore",
  });
  const kc = join(dir, "kubeconfig");
  for (let i = 0; !existsSync(kc); i++) {
    if (i > 600) throw new Error(`${name}: no kubeconfig after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
  const member = new Member(name, parseKubeconfig(readFileSync(kc, "utf8")));
  const up = member.upstream("/");
  return { name, proc, member, agent: new Agent({ keepAlive: true, maxSockets: 32, ...up.tls }) };
}

function call(m: MemberProc, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const up = m.member.upstream(path);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(up.url, { method, agent: m.agent, headers: { ...up.headers, "content-type": "application/json", accept: "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(data);
  });
}

const pathOf = (group: string, version: string, resource: string, ns: string) => `${group ? `/apis/${group}/${version}` : "/api/v1"}/namespaces/${ns}/${resource}`;

/** Creates `n` objects of the mix in a member, 32 at a time. */
async function fill(m: MemberProc, base: number, n: number): Promise<void> {
  for (let t = 0; t < 20; t++) {
    const ns = `team-${t}`;
    await call(m, "POST", "/api/v1/namespaces", { metadata: { name: ns } });
    await call(m, "POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: "default" } });
  }
  const jobs: (() => Promise<void>)[] = [];
  for (const kind of MIX) {
    const count = Math.round(n * kind.share);
    for (let i = 0; i < count; i++) {
      jobs.push(async () => {
        const o = makeObject(kind.resource, base + i, "");
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...metadata } = o.metadata;
        const r = await call(m, "POST", pathOf(kind.group, kind.version, kind.resource, metadata.namespace), { ...o, metadata });
        if (r.status !== 201 && r.status !== 409) throw new Error(`${m.name}: create ${kind.resource} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      });
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

export type SyncPhaseOptions = { clusters: number; objects: number; writeRate: number; writeSeconds: number };

/** Runs the phase against `index`; prints its figures. */
export async function syncPhase(index: SearchIndex, label: string, opts: SyncPhaseOptions, size: () => Promise<number>): Promise<void> {
  console.log(`\n== sync into ${label}: ${opts.objects} objects over ${opts.clusters} member API servers (separate processes)`);
  const root = mkdtempSync(join(tmpdir(), "kpanda-search-members-"));
  const members: MemberProc[] = [];
  let sync: SearchSync | undefined;
  try {
    for (let c = 0; c < opts.clusters; c++) members.push(await startMember(`member-${String(c).padStart(3, "0")}`, root));
    const per = Math.floor(opts.objects / opts.clusters);
    let t = performance.now();
    await Promise.all(members.map((m, c) => fill(m, c * per, per)));
    console.log(`members filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const byName = new Map(members.map((m) => [m.name, m.member]));
    sync = new SearchSync({
      index,
      clusters: { list: () => members.map((m) => ({ name: m.name, phase: "Running" })), onChange: () => {} },
      member: async (n) => byName.get(n),
      log: pino({ level: "warn" }),
    });
    const rss0 = process.memoryUsage().rss;
    t = performance.now();
    sync.start();
    for (;;) {
      const f = await index.freshness();
      if (f.length === opts.clusters * 22 && f.every((x) => x.state === "synced")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`first full sync: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await lag(index, members, opts);
    (globalThis as { gc?: () => void }).gc?.();
    const rss = process.memoryUsage().rss;
    console.log(`RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${((rss - rss0) / opts.objects).toFixed(0)} B per object over the process before the sync); database ${(
      (await size()) / 2 ** 20
    ).toFixed(0)} MiB`);
  } finally {
    await sync?.stop();
    for (const m of members) m.proc.kill("SIGTERM");
    rmSync(root, { recursive: true, force: true });
  }
}

/** ConfigMap updates at writeRate/s across members; each one's lag from the member's answer to its change in the index. */
async function lag(index: SearchIndex, members: MemberProc[], opts: SyncPhaseOptions): Promise<void> {
  const pending = new Map<string, number>();
  /** Changes the index had before their write's answer came back (lag 0). */
  const early = new Set<string>();
  const samples = new Samples();
  let since = await index.revision();
  let reading = false;
  let dirty = false;
  const unsubscribe = index.subscribe(() => {
    dirty = true;
    if (reading) return;
    reading = true;
    void (async () => {
      try {
        // Read again while revisions arrived during a read (notifications while reading are not dropped).
        while (dirty) {
          dirty = false;
          const ch = await index.changes({ group: "", resource: "configmaps" }, since, 5000);
          since = ch.revision;
          for (const e of ch.events) {
            const k = `${e.item.cluster}/${e.item.namespace}/${e.item.name}/${e.item.resourceVersion}`;
            const t0 = pending.get(k);
            if (t0 !== undefined) {
              samples.add(performance.now() - t0);
              pending.delete(k);
            } else early.add(k);
          }
          if (ch.events.length === 5000) dirty = true;
        }
      } finally {
        reading = false;
      }
    })();
  });
  const end = performance.now() + opts.writeSeconds * 1000;
  let n = 0;
  const interval = 1000 / opts.writeRate;
  const inflight = new Set<Promise<void>>();
  for (let start = performance.now(); performance.now() < end; ) {
    const m = members[n % members.length];
    const name = `lag-${n}`;
    const p = call(m, "POST", "/api/v1/namespaces/team-0/configmaps", { metadata: { name }, data: { n: String(n) } }).then((r) => {
      if (r.status !== 201) return;
      const k = `${m.name}/team-0/${name}/${r.body.metadata.resourceVersion}`;
      if (early.delete(k)) samples.add(0);
      else pending.set(k, performance.now());
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    n++;
    const wait = start + n * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inflight);
  const deadline = performance.now() + 10_000;
  while (pending.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  unsubscribe();
  const s = samples.summary();
  console.log(
    `lag from a member write to the index at ${opts.writeRate}/s: ${n} writes, p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; ${pending.size} not seen within 10 s`,
  );
}
