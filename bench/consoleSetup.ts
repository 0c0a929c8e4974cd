// What bench/console.ts measures the console against, each part a child
// process so the figures are kpanda's own: `kpanda sim` with N small
// clusters, one big member (`kpanda apiserver --storage memory`: no
// controllers, so its objects stay as created) filled with Nodes and Pods by
// direct creates, and `kpanda serve` with all of them integrated through
// POST /clusters and synced into its search cache.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Agent, fetch } from "undici";
import { KubeClient } from "./client.ts";
import { loadKubeconfig } from "./kubeconfig.ts";
import { runConcurrent } from "./stats.ts";

const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/kpanda");
const API = "/apis/kpanda.io/v1alpha1";
export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

export type Child = { line: (match: (l: string) => boolean, timeoutMs: number) => Promise<string>; stop(): Promise<void> };

/** `node bin/kpanda ARGS` with its stdout lines watched. */
export function kpanda(args: string[]): Child {
  const proc: ChildProcess = spawn(process.execPath, [KPANDA, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  const waiters: { match: (l: string) => boolean; ok: (l: string) => void }[] = [];
  // BENCH_SERVE_LOG=FILE keeps serve's log lines (warnings and errors) for a look after the run.
  const log = args[0] === "serve" && process.env.BENCH_SERVE_LOG ? createWriteStream(process.env.BENCH_SERVE_LOG, { flags: "a" }) : undefined;
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    log?.write(`${l}\n`);
    for (const w of [...waiters]) if (w.match(l)) w.ok(l);
  });
  let stopping = false;
  // A child that dies mid-run would only show as the browser's refused connections: say so, with its last words.
  proc.once("exit", (code, signal) => {
    if (!stopping) console.log(`  ! kpanda ${args[0]} exited (${code ?? signal}) during the run:\n${stderr}`);
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    line: (match, timeoutMs) =>
      new Promise((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`kpanda ${args[0]}: no expected line within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
        proc.once("exit", (code) => fail(new Error(`kpanda ${args[0]} exited (${code})\n${stderr}`)));
        waiters.push({
          match,
          ok: (l) => {
            clearTimeout(t);
            ok(l);
          },
        });
      }),
    stop: async () => {
      stopping = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** `kpanda sim` with `clusters` clusters of `nodes` nodes, named sim-1 ...; their kubeconfigs under dir. */
export async function startSim(dir: string, clusters: number, nodes: number): Promise<{ child: Child; names: string[] }> {
  const child = kpanda(["sim", "--clusters", String(clusters), "--nodes", String(nodes), "--data-dir", dir, "--log-level", "info"]);
  await child.line((l) => l.includes('"kpanda sim ready"'), 30 * 60_000);
  return { child, names: Array.from({ length: clusters }, (_, i) => `sim-${i + 1}`) };
}

/** A bare member API server; its admin kubeconfig is dir/kubeconfig. */
export async function startBigMember(dir: string): Promise<Child> {
  const child = kpanda(["apiserver", "--listen", "127.0.0.1:0", "--data-dir", dir, "--storage", "memory", "--log-level", "warn"]);
  // Written once it serves; read it only whole.
  const kc = join(dir, "kubeconfig");
  for (let i = 0; ; i++) {
    if (existsSync(kc) && (await readFile(kc, "utf8")).includes("current-context")) return child;
    if (i > 1200) throw new Error("the big member wrote no kubeconfig within 120 s");
    await sleep(100);
  }
}

/** Pods are named after these, so a search by one finds about a tenth of them. */
export const APPS = ["checkout", "payments", "catalog", "search", "cart", "auth", "orders", "shipping", "billing", "inventory"];
const NAMESPACES = 20;

function node(i: number) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: `node-${String(i).padStart(4, "0")}`, labels: { "kubernetes.io/hostname": `node-${i}`, zone: `zone-${i % 3}` } },
    status: {
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: new Date().toISOString() }],
      capacity: { cpu: "16", memory: "64Gi", pods: "110" },
      allocatable: { cpu: "15800m", memory: "62Gi", pods: "110" },
      nodeInfo: { kubeletVersion: "v1.32.0" },
    },
  };
}

function pod(i: number, nodes: number) {
  const app = APPS[i % APPS.length];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `${app}-${i.toString(36).padStart(4, "0")}`, labels: { app, tier: i % 4 === 0 ? "db" : "web" } },
    spec: { nodeName: nodes ? `node-${String(i % nodes).padStart(4, "0")}` : undefined, containers: [{ name: "main", image: `registry.example/${app}:1.${i % 7}` }] },
  };
}

/** Creates `nodes` Nodes and `pods` Pods (over 20 namespaces) in the big member, 32 at a time. */
export async function fillBig(kubeconfig: string, nodes: number, pods: number): Promise<number> {
  const c = new KubeClient(loadKubeconfig(kubeconfig), 32);
  const t0 = performance.now();
  try {
    for (let n = 0; n < NAMESPACES; n++) await c.json("POST", "/api/v1/namespaces", { metadata: { name: `team-${n}` } });
    await runConcurrent(nodes, 32, (i) => c.json("POST", "/api/v1/nodes", node(i)));
    await runConcurrent(pods, 32, (i) => c.json("POST", `/api/v1/namespaces/team-${i % NAMESPACES}/pods`, pod(i, nodes)));
  } finally {
    await c.close();
  }
  return (performance.now() - t0) / 1000;
}

/** A running serve: its https URL, the CA its certificate chains to and that certificate, an admin token, and a JSON client. */
export type Serve = { child: Child; url: string; ca: string; cert: string; token: string; call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }> };

export async function startServe(dataDir: string): Promise<Serve> {
  const child = kpanda(["serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", process.env.BENCH_SERVE_LOG_LEVEL ?? "warn"]);
  const line = await child.line((l) => l.startsWith("kpanda is serving on "), 180_000);
  const url = line.slice("kpanda is serving on ".length).trim();
  const ca = await readFile(join(dataDir, "pki", "ca.crt"), "utf8");
  const cert = await readFile(join(dataDir, "pki", "serving.crt"), "utf8");
  const dispatcher = new Agent({ connect: { ca } });
  let token = "";
  const call: Serve["call"] = async (method, path, body) => {
    const res = await fetch(`${url}${API}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      dispatcher,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const password = (await readFile(join(dataDir, "initial-admin-password"), "utf8")).trim();
  const r = await call("POST", "/login", { username: "admin", password });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
  token = r.body.token;
  // A user signs in on the console's login page, whose request has kpanda serve load the renderer of
  // first pages (src/platform/http/console.ts). Signed in through the API, ask for it as their browser did.
  await (await fetch(`${url}/login`, { dispatcher })).text();
  return { child, url, ca, cert, token, call };
}

/** Integrates each (name, kubeconfig file) through POST /clusters, 8 at a time. */
export async function integrateAll(serve: Serve, clusters: { name: string; kubeconfig: string }[]): Promise<number> {
  const t0 = performance.now();
  await runConcurrent(clusters.length, 8, async (i) => {
    const { name, kubeconfig } = clusters[i];
    const body = { name, kubeconfig: await readFile(kubeconfig, "utf8") };
    // On a busy machine a member may miss the verification's 5 s: try again a few times.
    for (let attempt = 1; ; attempt++) {
      const r = await serve.call("POST", "/clusters", body);
      if (r.status === 201 || r.status === 409) return;
      if (attempt >= 5 || !/unreachable|timed out/.test(r.body?.message ?? "")) throw new Error(`integrate ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(2000);
    }
  });
  return (performance.now() - t0) / 1000;
}

/** Waits until `path` (a list) answers at least `total` items with every cluster synced. */
export async function untilSynced(serve: Serve, path: string, total: number, timeoutMs = 30 * 60_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await serve.call("GET", path);
    const fresh = (r.body?.freshness ?? []).every((f: { state: string }) => f.state === "synced");
    if (r.status === 200 && (r.body?.pagination?.total ?? 0) >= total && fresh) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body?.pagination)} after ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The share of the machine's CPU time that was idle over the next `ms`. */
async function idleShare(ms: number): Promise<number> {
  const snap = () => cpus().reduce((a, c) => ({ idle: a.idle + c.times.idle, all: a.all + Object.values(c.times).reduce((x, y) => x + y, 0) }), { idle: 0, all: 0 });
  const a = snap();
  await sleep(ms);
  const b = snap();
  return (b.idle - a.idle) / Math.max(1, b.all - a.all);
}

/**
 * Waits until the platform is past the burst of work that follows integrating and syncing many
 * clusters: kpanda serve's event loop lags up to a second or more for some seconds, and the members
 * and the search index keep the CPUs busy longer. Calm is prom-client's event-loop lag p99 in
 * /metrics (reset at each scrape) under `p99Ms` and the machine at least `idle` idle over the 2 s
 * before, twice in a row. Answers the seconds waited, the last p99 in ms and the last idle share.
 */
export async function untilSettled(serve: Serve, p99Ms = 50, idle = 0.7, timeoutMs = 120_000): Promise<{ waited: number; p99: number; idle: number }> {
  const t0 = performance.now();
  const dispatcher = new Agent({ connect: { ca: serve.ca } });
  let calm = 0;
  for (;;) {
    const quiet = await idleShare(2000);
    const res = await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${serve.token}` }, dispatcher });
    const p99 = Number(/^kpanda_nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(await res.text())?.[1] ?? Number.NaN) * 1000;
    calm = p99 < p99Ms && quiet >= idle ? calm + 1 : 0;
    if (calm >= 2 || performance.now() - t0 > timeoutMs) return { waited: (performance.now() - t0) / 1000, p99, idle: quiet };
  }
}
