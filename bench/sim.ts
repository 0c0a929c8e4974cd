// Simulator benchmark: prints
//   1. one cluster of --nodes nodes given --deployments Deployments of
//      --replicas replicas: seconds until every pod is Running, pods/s, peak RSS;
//   2. --fleet-clusters clusters of --fleet-nodes nodes with
//      --fleet-deployments Deployments each, in one process: seconds to
//      steady state (every pod Running) and RSS;
//   3. a soak over the fleet with continuous churn (Deployments scaled up and
//      down, pods deleted) for --soak-seconds: RSS at start and end. The
//      start is read after --soak-warmup-seconds of the same churn, once the
//      bounded buffers (watch history, Events under --event-ttl, the event
//      recorders' 10-minute aggregation caches) have filled:
//      what a soak looks for is growth that never stops.
// Usage: node --expose-gc bench/sim.ts [--only 1,2,3] [--soak-seconds 600] ...
import { parseArgs } from "node:util";
import { type KObject, R } from "../src/apiserver/client.ts";
import type { SimulatedCluster } from "../src/simulator/index.ts";
import { startSimulator } from "../src/simulator/index.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "1,2,3" },
    nodes: { type: "string", default: "1000" },
    deployments: { type: "string", default: "300" },
    replicas: { type: "string", default: "100" },
    "fleet-clusters": { type: "string", default: "50" },
    "fleet-nodes": { type: "string", default: "20" },
    "fleet-deployments": { type: "string", default: "20" },
    "fleet-replicas": { type: "string", default: "5" },
    "soak-seconds": { type: "string", default: "600" },
    // The longest bounded window in a simulated cluster is the event
    // recorders' 10-minute aggregation window (upstream's too): until it has
    // passed once, their caches are still filling.
    "soak-warmup-seconds": { type: "string", default: "600" },
    "event-ttl": { type: "string", default: "120" },
    "timeout-seconds": { type: "string", default: "900" },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);
const phases = new Set(String(values.only).split(","));

const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Samples RSS every 250 ms and keeps the peak. */
function rssMeter() {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 250);
  t.unref();
  return { peak: () => Math.max(peak, process.memoryUsage.rss()), stop: () => clearInterval(t) };
}

function deployment(name: string, replicas: number): KObject {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] },
      },
    },
  };
}

/** Counts Running pods of a cluster from its shared pod informer. */
function runningCounter(c: SimulatedCluster) {
  const running = new Set<string>();
  const key = (p: KObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;
  const see = (p: KObject) => {
    if (p.status?.phase === "Running" && !p.metadata?.deletionTimestamp) running.add(key(p));
    else running.delete(key(p));
  };
  const inf = c.ctx.informer(R.pods);
  for (const p of inf.list()) see(p);
  inf.on({ add: see, update: (_o, p) => see(p), delete: (p) => running.delete(key(p)) });
  return () => running.size;
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function createAll(c: SimulatedCluster, n: number, replicas: number): Promise<void> {
  for (let i = 0; i < n; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, j) => c.client.create(R.deployments, "default", deployment(`app-${i + j}`, replicas))));
  }
}

async function bigCluster(): Promise<void> {
  const nodes = num("nodes");
  const deps = num("deployments");
  const replicas = num("replicas");
  const total = deps * replicas;
  const rss = rssMeter();
  const sim = await startSimulator({ names: ["bench-big"], nodes });
  const c = sim.clusters[0];
  await until(() => c.ctx.informer(R.nodes).list().length === nodes, 120_000, "nodes");
  const running = runningCounter(c);
  const t0 = performance.now();
  await createAll(c, deps, replicas);
  let last = 0;
  let elu = performance.eventLoopUtilization();
  const progress = setInterval(() => {
    const n = running();
    const busy = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    process.stdout.write(`  ${n}/${total} Running (${Math.round((n - last) / 5)} pods/s), event loop ${Math.round(busy.utilization * 100)}% busy, RSS ${mb(process.memoryUsage.rss())}\n`);
    last = n;
  }, 5000);
  try {
    await until(() => running() >= total, num("timeout-seconds") * 1000, `${total} Running pods`);
  } finally {
    clearInterval(progress);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`1 cluster, ${nodes} nodes, ${deps} Deployments x ${replicas}: ${total} pods Running in ${secs.toFixed(1)} s, ${Math.round(total / secs)} pods/s, peak RSS ${mb(rss.peak())}`);
  rss.stop();
  await sim.stop();
}

async function fleet(soakSeconds: number): Promise<void> {
  const n = num("fleet-clusters");
  const nodes = num("fleet-nodes");
  const deps = num("fleet-deployments");
  const replicas = num("fleet-replicas");
  gc();
  const rss = rssMeter();
  const t0 = performance.now();
  const sim = await startSimulator({ clusters: n, nodes, eventTTLSeconds: num("event-ttl") });
  const counters = sim.clusters.map(runningCounter);
  await Promise.all(sim.clusters.map((c) => createAll(c, deps, replicas)));
  const total = n * deps * replicas;
  await until(() => counters.reduce((s, f) => s + f(), 0) >= total, num("timeout-seconds") * 1000, "fleet steady state");
  const secs = (performance.now() - t0) / 1000;
  gc();
  console.log(`${n} clusters x ${nodes} nodes x ${deps} Deployments (${total} pods): steady in ${secs.toFixed(1)} s (start included), RSS ${mb(process.memoryUsage.rss())}, peak ${mb(rss.peak())}`);
  if (soakSeconds > 0) await soak(sim.clusters, soakSeconds, deps, replicas);
  rss.stop();
  await sim.stop();
}

/** Continuous churn: every tick each cluster scales one Deployment up or down and deletes one pod. */
async function soak(clusters: SimulatedCluster[], seconds: number, deps: number, replicas: number): Promise<void> {
  const warmup = num("soak-warmup-seconds");
  console.log(`  soak warm-up ${warmup} s (event TTL ${num("event-ttl")} s), then ${seconds} s measured`);
  await churn(clusters, warmup, deps, replicas, () => {});
  // Every reading is taken the same way, without forcing a collection: right
  // after a forced full GC the heap is briefly smaller than the size V8
  // settles at under this load, which would make the start look low.
  const start = process.memoryUsage.rss();
  const t0 = Date.now();
  let ops = 0;
  let nextReport = Date.now() + 60_000;
  await churn(clusters, seconds, deps, replicas, (n) => {
    ops += n;
    if (Date.now() >= nextReport) {
      console.log(`  soak ${Math.round((Date.now() - t0) / 1000)} s: RSS ${mb(process.memoryUsage.rss())}, ${ops} writes`);
      nextReport += 60_000;
    }
  });
  // Settle back to the base size before the final reading.
  await Promise.all(clusters.flatMap((c) => Array.from({ length: deps }, (_, i) => c.client.patch(R.deployments, "default", `app-${i}`, "merge", { spec: { replicas } }).catch(() => {}))));
  await new Promise((r) => setTimeout(r, 10_000));
  const final = process.memoryUsage.rss();
  console.log(`soak ${seconds} s with churn (${ops} writes): RSS start ${mb(start)}, end ${mb(final)} (${(((final - start) / start) * 100).toFixed(1)}%)`);
}

/** Every tick each cluster scales one Deployment up or down and deletes one pod. */
async function churn(clusters: SimulatedCluster[], seconds: number, deps: number, replicas: number, onTick: (writes: number) => void): Promise<void> {
  const end = Date.now() + seconds * 1000;
  let tick = 0;
  while (Date.now() < end) {
    await Promise.all(
      clusters.map(async (c) => {
        const name = `app-${tick % deps}`;
        const up = Math.floor(tick / deps) % 2 === 0;
        await c.client.patch(R.deployments, "default", name, "merge", { spec: { replicas: up ? replicas * 2 : replicas } }).catch(() => {});
        const pods = c.ctx.informer(R.pods).list();
        const victim = pods[(tick * 7919) % Math.max(1, pods.length)];
        if (victim) await c.client.delete(R.pods, "default", victim.metadata?.name ?? "").catch(() => {});
      }),
    );
    onTick(2 * clusters.length);
    tick++;
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (phases.has("1")) await bigCluster();
if (phases.has("2") || phases.has("3")) await fleet(phases.has("3") ? num("soak-seconds") : 0);
process.exit(0);
