// Platform benchmark: kpanda serve (a child process, embedded host) over N
// simulated clusters (`kpanda sim`, another child process, so the figures are
// kpanda's own). Prints:
//   1. p50 and p99 of --gets sequential GETs of one pod through kpanda's
//      Kubernetes proxy and as many straight to the member, and their ratio
//      (target: p50 ratio <= 1.3);
//   2. p50 and p99 of GET /clustersummary (pageSize 500) with every cluster
//      integrated (target with 100 clusters: p99 <= 100 ms);
//   3. the time for every cluster to be Running after a cold start of serve:
//      from spawning it until each Cluster is Running with a lastSeen after
//      the spawn, i.e. confirmed by a fresh probe (target with 100: <= 10 s).
// A part whose endpoint does not answer yet (404) is skipped with a note.
// serve answers over HTTPS with the CA it makes in its data dir (DIR/pki/ca.crt),
// which every client here trusts.
// Usage: node bench/platform.ts [--clusters 100] [--nodes 2] [--gets 1000] [--only 1,2,3]
//        [--keep] (keep the temporary directory) [--serve-log FILE] (serve's info log, appended)
//        [--member-kubeconfig FILE] (part 1 also against this cluster, a real one, integrated as "member")
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Agent, fetch } from "undici";
import { KubeClient } from "./client.ts";
import { loadKubeconfig } from "./kubeconfig.ts";
import { ms, runConcurrent, Samples } from "./stats.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "100" },
    nodes: { type: "string", default: "2" },
    gets: { type: "string", default: "1000" },
    summaries: { type: "string", default: "500" },
    only: { type: "string", default: "1,2,3" },
    keep: { type: "boolean" },
    "serve-log": { type: "string" },
    "member-kubeconfig": { type: "string" },
  },
});
const N = Number(values.clusters);
const GETS = Number(values.gets);
const parts = new Set(String(values.only).split(","));
const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/kpanda");
const API = "/apis/kpanda.io/v1alpha1";
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
/** The machine's load average (1, 5, 15 min): the figures mean little on a busy machine. */
const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

type Child = { proc: ChildProcess; line: (match: (l: string) => boolean, timeoutMs: number) => Promise<string>; stop(): Promise<void> };

/** `node bin/kpanda ARGS` with its stdout lines watched. */
function kpanda(args: string[]): Child {
  const proc = spawn(process.execPath, [KPANDA, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const waiters: { match: (l: string) => boolean; ok: (l: string) => void }[] = [];
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  const log = args[0] === "serve" && values["serve-log"] ? createWriteStream(values["serve-log"], { flags: "a" }) : undefined;
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    log?.write(`${l}\n`);
    for (const w of [...waiters]) if (w.match(l)) w.ok(l);
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
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
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** A running serve: its https URL, the CA its certificate chains to, and a kept-alive connection pool trusting it. */
type Kpanda = { url: string; ca: string; dispatcher: Agent };

async function startServe(dataDir: string): Promise<{ child: Child } & Kpanda> {
  const level = values["serve-log"] ? "info" : "warn";
  const child = kpanda(["serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", level]);
  const line = await child.line((l) => l.startsWith("kpanda is serving on "), 120_000);
  const ca = await readFile(join(dataDir, "pki", "ca.crt"), "utf8");
  return { child, url: line.slice("kpanda is serving on ".length).trim(), ca, dispatcher: new Agent({ connect: { ca } }) };
}

/** A small JSON client for kpanda's REST API. */
function rest(at: Kpanda, token?: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${at.url}${API}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      dispatcher: at.dispatcher,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function login(at: Kpanda, dataDir: string): Promise<string> {
  const password = (await readFile(join(dataDir, "initial-admin-password"), "utf8")).trim();
  const r = await rest(at)("POST", "/login", { username: "admin", password });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

const names = Array.from({ length: N }, (_, i) => `sim-${i + 1}`);

/**
 * Integrates every cluster through POST /clusters, 8 at a time; false when
 * the endpoint is missing. On a loaded machine a validation may time out
 * (400, "timed out"): that one is tried again a second later, up to 10 times, and counted.
 */
async function integrateAll(call: ReturnType<typeof rest>, simDir: string): Promise<boolean> {
  const t0 = performance.now();
  let missing = false;
  let retries = 0;
  await runConcurrent(N, 8, async (i) => {
    const kubeconfig = await readFile(join(simDir, names[i], "kubeconfig"), "utf8");
    for (let attempt = 1; ; attempt++) {
      const r = await call("POST", "/clusters", { name: names[i], kubeconfig });
      if (r.status === 404 && r.body?.message?.startsWith("no route")) missing = true;
      else if (r.status === 400 && /timed out/.test(r.body?.message ?? "") && attempt < 10) {
        retries++;
        await sleep(1000);
        continue;
      } else if (r.status !== 201 && r.status !== 409) throw new Error(`integrate ${names[i]}: ${r.status} ${JSON.stringify(r.body)}`);
      break;
    }
  });
  if (retries) console.log(`(${retries} integrations timed out in validation and were tried again)`);
  if (!missing) console.log(`integrated ${N} clusters through POST /clusters in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return !missing;
}

async function proxyVsDirect(at: Kpanda, token: string, kubeconfig: string, cluster: string): Promise<void> {
  const direct = new KubeClient(loadKubeconfig(kubeconfig), 1);
  const proxied = new KubeClient({ server: `${at.url}/k8s/clusters/${cluster}`, token, ca: at.ca, insecure: false, context: "kpanda" }, 1);
  const path = "/api/v1/namespaces/default/pods/bench";
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "bench" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } };
  if ((await direct.status("GET", path)) === 404) await direct.json("POST", "/api/v1/namespaces/default/pods", pod);
  // The proxy answers once kpanda's member RBAC has bound the Owner in the member.
  for (let i = 0; ; i++) {
    const s = await proxied.status("GET", path);
    if (s === 200) break;
    if (s === 404 && i === 0 && (await proxied.status("GET", "/version")) === 404) {
      console.log("1. proxy vs direct: skipped (no Kubernetes proxy at /k8s/clusters/)");
      return;
    }
    if (i > 300) throw new Error(`the proxy still answers ${s} for the pod`);
    await sleep(100);
  }
  for (const c of [direct, proxied]) for (let i = 0; i < 50; i++) await c.request("GET", path); // warm-up: connections, caches
  // Alternately, one direct then one proxied: both see the same machine (a background
  // burst, the members' own work after integration), so the ratio compares like with like.
  const ds = new Samples();
  const ps = new Samples();
  for (let i = 0; i < GETS; i++) {
    for (const [c, s] of [[direct, ds], [proxied, ps]] as const) {
      const t = performance.now();
      await c.request("GET", path);
      s.add(performance.now() - t);
    }
  }
  const d = ds.summary();
  const p = ps.summary();
  console.log(`1. GET of a pod in ${cluster}, ${GETS} sequential each, alternating`);
  console.log(`   direct:  p50 ${ms(d.p50)}  p99 ${ms(d.p99)}`);
  console.log(`   proxied: p50 ${ms(p.p50)}  p99 ${ms(p.p99)}`);
  console.log(`   ratio:   p50 ${(p.p50 / d.p50).toFixed(2)}  p99 ${(p.p99 / d.p99).toFixed(2)}  (target: p50 ratio <= 1.3)  ${load()}`);
  await direct.close();
  await proxied.close();
}

async function summaries(at: Kpanda, token: string): Promise<void> {
  const call = rest(at, token);
  const first = await call("GET", "/clustersummary?pageSize=500");
  if (first.status === 404) return console.log("2. GET /clustersummary: skipped (no such endpoint)");
  const lat = new Samples();
  const count = Number(values.summaries);
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const r = await call("GET", "/clustersummary?pageSize=500");
    lat.add(performance.now() - t);
    if (r.status !== 200) throw new Error(`clustersummary: ${r.status}`);
  }
  const s = lat.summary();
  console.log(`2. GET /clustersummary with ${first.body.pagination.total} clusters, ${count} sequential`);
  console.log(`   p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  (target with 100 clusters: p99 <= 100 ms)  ${load()}`);
}

/** From spawning serve until every cluster is Running with a lastSeen after the spawn. */
async function coldStart(dataDir: string): Promise<{ child: Child } & Kpanda> {
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const serve = await startServe(dataDir);
  const listening = performance.now() - t0;
  const call = rest(serve, await login(serve, dataDir));
  for (;;) {
    const r = await call("GET", "/clusters?pageSize=500");
    const fresh = (r.body?.items ?? []).filter((c: any) => c.status?.phase === "Running" && Date.parse(c.status?.lastSeen ?? "") >= spawnedAt);
    if (fresh.length >= N) break;
    if (performance.now() - t0 > 300_000) throw new Error(`only ${fresh.length} of ${N} clusters Running after 300 s`);
    await sleep(100);
  }
  const all = (performance.now() - t0) / 1000;
  console.log(`3. cold start of serve with ${N} integrated clusters`);
  console.log(`   serving after ${(listening / 1000).toFixed(1)} s; all ${N} Running (freshly probed) after ${all.toFixed(1)} s  (target with 100: <= 10 s)  ${load()}`);
  return serve;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-"));
  const simDir = join(dir, "sim");
  const dataDir = join(dir, "kpanda");
  const children: Child[] = [];
  try {
    console.log(`kpanda platform benchmark: ${N} simulated clusters of ${values.nodes} nodes (kpanda sim in its own process)`);
    const t0 = performance.now();
    const sim = kpanda(["sim", "--clusters", String(N), "--nodes", String(values.nodes), "--data-dir", simDir, "--log-level", "info"]);
    children.push(sim);
    await sim.line((l) => l.includes('"kpanda sim ready"'), 30 * 60_000);
    console.log(`simulator ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    let serve = await startServe(dataDir);
    children.push(serve.child);
    let token = await login(serve, dataDir);
    if (!(await integrateAll(rest(serve, token), simDir))) {
      console.log("POST /clusters is not there yet: every part needs integrated clusters; stopping");
      return;
    }
    if (parts.has("1")) await proxyVsDirect(serve, token, join(simDir, names[0], "kubeconfig"), names[0]);
    const member = values["member-kubeconfig"];
    if (parts.has("1") && member) {
      const r = await rest(serve, token)("POST", "/clusters", { name: "member", kubeconfig: await readFile(member, "utf8") });
      if (r.status !== 201) throw new Error(`integrating ${member}: ${r.status} ${JSON.stringify(r.body)}`);
      await proxyVsDirect(serve, token, member, "member");
    }
    if (parts.has("2")) await summaries(serve, token);
    if (parts.has("3")) {
      await serve.child.stop();
      serve = await coldStart(dataDir);
      children.push(serve.child);
      token = await login(serve, dataDir);
    }
  } finally {
    for (const c of children.reverse()) await c.stop();
    if (values.keep) console.log(`kept ${dir}`);
    else if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}

await main();
