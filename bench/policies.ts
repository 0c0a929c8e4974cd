// Cluster policy benchmark (issue 14): one ResourceQuota policy over N
// simulated clusters with M target namespaces each (default 100 × 50:
// 5,000 quotas). `kpanda sim` and `kpanda serve` run as child processes
// (bench/consoleSetup.ts), so the figures are kpanda's own. The policy is
// posted once kpanda's first sync of every cached kind is done. Prints:
//   1. the time from POST /clusterpolicies until its compliance reports
//      every target namespace Applied (target: <= 10 s);
//   2. drift repair: D quotas (default 100, one per cluster round-robin)
//      deleted at once straight on the members; per quota, the time from
//      its deletion until the member has it again (seen through a watch on
//      each member); p50, p99 and max (target: p99 <= 5 s).
// Usage: node bench/policies.ts [--clusters 100] [--namespaces 50] [--deletions 100] [--keep]
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KubeClient } from "./client.ts";
import { readFile } from "node:fs/promises";
import { type Child, type Serve, sleep, startServe, startSim, untilSynced } from "./consoleSetup.ts";
import { KINDS } from "../src/platform/search/kinds.ts";
import { loadKubeconfig } from "./kubeconfig.ts";
import { ms, runConcurrent, Samples } from "./stats.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "100" },
    namespaces: { type: "string", default: "50" },
    deletions: { type: "string", default: "100" },
    keep: { type: "boolean" },
  },
});
const N = Number(values.clusters);
const M = Number(values.namespaces);
const D = Number(values.deletions);
const POLICY = "bench-quota";
const QUOTA = `kpanda-policy-${POLICY}`;
// The system namespaces are excluded by default; default and team-1 … team-(M-1) are the targets.
const targets = ["default", ...Array.from({ length: M - 1 }, (_, i) => `team-${i + 1}`)];

async function fillNamespaces(clients: KubeClient[]): Promise<number> {
  const t0 = performance.now();
  await runConcurrent(clients.length, 8, async (i) => {
    await runConcurrent(M - 1, 8, (j) => clients[i].json("POST", "/api/v1/namespaces", { metadata: { name: `team-${j + 1}` } }));
  });
  return (performance.now() - t0) / 1000;
}

/** Waits until every cached kind reports a synced freshness row for each of the N clusters. */
async function untilAllSynced(serve: Serve): Promise<number> {
  const t0 = performance.now();
  for (const { resource } of KINDS) {
    for (;;) {
      const r = await serve.call("GET", `/asl/${resource}?pageSize=1`);
      const rows: { state: string }[] = r.body?.freshness ?? [];
      if (r.status === 200 && rows.length >= N && rows.every((f) => f.state === "synced")) break;
      if (performance.now() - t0 > 10 * 60_000) throw new Error(`${resource}: not synced after 10 min (${r.status} ${rows.length} rows)`);
      await sleep(250);
    }
  }
  return (performance.now() - t0) / 1000;
}

/** Integrates each cluster through POST /clusters, 4 at a time, trying again when a busy machine makes its checks time out. */
async function integrateAll(serve: Serve, clusters: { name: string; kubeconfig: string }[]): Promise<number> {
  const t0 = performance.now();
  await runConcurrent(clusters.length, 4, async (i) => {
    const { name, kubeconfig } = clusters[i];
    const body = { name, kubeconfig: await readFile(kubeconfig, "utf8") };
    for (let attempt = 1; ; attempt++) {
      const r = await serve.call("POST", "/clusters", body);
      if (r.status === 201 || r.status === 409) return;
      if (attempt === 10 || !/timed out/.test(r.body?.message ?? "")) throw new Error(`integrate ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(2000);
    }
  });
  return (performance.now() - t0) / 1000;
}

/** Part 1: POST the policy, then poll its compliance until every target is Applied. */
async function applyAll(serve: Serve): Promise<void> {
  const want = N * M;
  const t0 = performance.now();
  const r = await serve.call("POST", "/clusterpolicies", {
    name: POLICY,
    kind: "ResourceQuota",
    template: { hard: { pods: "100", "requests.cpu": "20", "requests.memory": "64Gi" } },
    clusters: { selector: {} },
    mode: "Enforce",
  });
  if (r.status !== 201) throw new Error(`create policy: ${r.status} ${JSON.stringify(r.body)}`);
  let applied = 0;
  for (;;) {
    const c = await serve.call("GET", `/clusterpolicies/${POLICY}/compliance?pageSize=1`);
    applied = c.body?.totals?.fleet?.Applied ?? 0;
    if (process.env.BENCH_PROGRESS) console.error(`${((performance.now() - t0) / 1000).toFixed(1)} s ${JSON.stringify(c.body?.totals?.fleet)}`);
    if (applied >= want) break;
    if (performance.now() - t0 > 600_000) throw new Error(`only ${applied} of ${want} Applied after 600 s: ${JSON.stringify(c.body?.totals?.fleet)}`);
    await sleep(100);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`1. one ResourceQuota policy over ${N} clusters × ${M} namespaces`);
  console.log(`   all ${want} Applied (per GET …/compliance) ${s.toFixed(1)} s after POST  (target: <= 10 s)`);
}

/** Part 2: deletes D quotas at once and times each one's return, seen through a watch per member. */
async function driftRepair(clients: KubeClient[]): Promise<void> {
  const back = new Map<string, number>();
  const abort = new AbortController();
  const streams = await Promise.all(
    clients.map(async (c, i) => {
      const list = await c.json("GET", `/api/v1/resourcequotas?labelSelector=kpanda.io/cluster-policy%3D${POLICY}&limit=1`);
      let buf = "";
      return c.watch(`/api/v1/resourcequotas?watch=1&labelSelector=kpanda.io/cluster-policy%3D${POLICY}&resourceVersion=${list.metadata.resourceVersion}`, abort.signal, (chunk, at) => {
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line.trim()) continue;
          const ev = JSON.parse(line);
          if (ev.type === "ADDED") back.set(`${i}/${ev.object.metadata.namespace}`, at);
        }
      });
    }),
  );
  const picks = Array.from({ length: D }, (_, k) => ({ cluster: k % N, ns: targets[Math.floor(k / N) % targets.length] }));
  const deletedAt = new Map<string, number>();
  await Promise.all(
    picks.map(async ({ cluster, ns }) => {
      await clients[cluster].request("DELETE", `/api/v1/namespaces/${ns}/resourcequotas/${QUOTA}`);
      deletedAt.set(`${cluster}/${ns}`, performance.now());
    }),
  );
  const t0 = performance.now();
  while ([...deletedAt.keys()].some((k) => !back.has(k)) && performance.now() - t0 < 120_000) await sleep(50);
  abort.abort();
  await Promise.allSettled(streams.map((s) => s.close()));
  const lat = new Samples();
  let missing = 0;
  for (const [k, at] of deletedAt) {
    const seen = back.get(k);
    if (seen === undefined) missing++;
    else lat.add(Math.max(0, seen - at));
  }
  const s = lat.summary();
  console.log(`2. drift repair: ${D} quotas deleted at once on the members`);
  console.log(`   back after p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}${missing ? `; ${missing} not back within 120 s` : ""}  (target: p99 <= 5 s)`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-policies-"));
  const children: Child[] = [];
  const clients: KubeClient[] = [];
  try {
    console.log(`kpanda cluster policy benchmark: ${N} simulated clusters × ${M} target namespaces (kpanda sim and serve in processes of their own)`);
    const t0 = performance.now();
    const sim = await startSim(join(dir, "sim"), N, 1);
    children.push(sim.child);
    console.log(`simulator ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const name of sim.names) clients.push(new KubeClient(loadKubeconfig(join(dir, "sim", name, "kubeconfig")), 4));
    console.log(`made ${N * (M - 1)} namespaces in ${(await fillNamespaces(clients)).toFixed(1)} s`);
    const serve = await startServe(join(dir, "kpanda"));
    children.push(serve.child);
    const kubeconfigs = sim.names.map((name) => ({ name, kubeconfig: join(dir, "sim", name, "kubeconfig") }));
    console.log(`integrated ${N} clusters in ${(await integrateAll(serve, kubeconfigs)).toFixed(1)} s`);
    // Each member has its M targets plus kube-system, kube-public and kube-node-lease.
    console.log(`namespaces synced into kpanda's cache in ${(await untilSynced(serve, "/asl/namespaces?pageSize=1", N * (M + 3))).toFixed(1)} s`);
    // The policy is timed on a settled platform: after kpanda's first sync of every cached kind of
    // every cluster (4 clusters at a time), not alongside it.
    console.log(`every kind of every cluster synced in ${(await untilAllSynced(serve)).toFixed(1)} s more`);
    await applyAll(serve);
    await driftRepair(clients);
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    for (const c of children.reverse()) await c.stop();
    if (values.keep) console.log(`kept ${dir}`);
    else if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}

await main();
