// Where a cluster's summary takes its pod figures from: the search index once
// it holds the cluster's pods (a list of every pod of every member each cycle
// kept members busy at scale), the last summary's while it does not, and a
// list of the member's pods only for a first summary. A real simulated member
// (with one pod) and a real SQLite index (holding three), so each source gives
// other figures.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import { computeSummary, nodeTotalsFromIndex, podTotalsFromIndex, type SummaryData } from "../../src/platform/clusters/summary.ts";
import { SYNCED } from "../../src/platform/search/freshness.ts";
import type { KObject, SearchIndex } from "../../src/platform/search/index.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";

const PODS = { group: "", version: "v1", resource: "pods" };
let sim: Simulator;
let index: SearchIndex;
let member: Member;
let dir: string;

const pod = (name: string, cpu: string, memory: string, phase = "Running"): KObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { nodeName: "node-1", containers: [{ name: "main", image: "nginx", resources: { requests: { cpu, memory } } }] },
  status: { phase },
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "kpanda-summary-source-"));
  sim = await startSimulator({ names: ["dev"], nodes: 1 });
  const c = sim.cluster("dev");
  await c.client.create({ group: "", version: "v1", resource: "pods" }, "default", {
    metadata: { name: "only" },
    spec: { containers: [{ name: "main", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" } } }] },
  });
  member = new Member("dev", parseKubeconfig(c.kubeconfig()));
  index = await SqlIndex.open(new SqliteDb({ path: join(dir, "index.db") }));
  // Three pods in the index; the finished one holds nothing any more (kubectl describe node's "Allocated resources").
  const held = [pod("a", "250m", "1Gi"), pod("b", "1", "512Mi"), pod("done", "2", "2Gi", "Succeeded")];
  await index.apply(held.map((object) => ({ type: "upsert" as const, cluster: "dev", ...PODS, object })));
});

after(async () => {
  await index?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("while the index has not synced a cluster's pods, it gives no pod totals", async () => {
  assert.equal(await podTotalsFromIndex(index, "dev"), undefined);
});

it("a first summary, with nothing from the index, counts the member's own pods", async () => {
  const s = await computeSummary(member, 5000, () => podTotalsFromIndex(index, "dev"));
  assert.equal(s.pods, 1);
});

/** A last summary whose pod figures are neither the member's nor the index's. */
const previous = async (): Promise<SummaryData> => ({ ...(await computeSummary(member, 5000)), pods: 41, cpu: { capacity: 8, allocatable: 8, requested: 3, usage: null } });

it("a later summary, while the index has not synced, keeps the last summary's pod figures", async () => {
  const s = await computeSummary(member, 5000, () => podTotalsFromIndex(index, "dev"), await previous());
  assert.equal(s.pods, 41);
  assert.equal(s.cpu.requested, 3);
});

it("once the index holds the cluster's pods, a summary counts and adds them up there, not in the member", async () => {
  await index.setFreshness("dev", PODS, SYNCED);
  const s = await computeSummary(member, 5000, () => podTotalsFromIndex(index, "dev"), await previous());
  assert.equal(s.pods, 3);
  // 250m + 1 CPU and 1 GiB + 512 MiB of the two running pods (PodRequests: the sum of the containers' requests).
  assert.equal(s.cpu.requested, 1.25);
  assert.equal(s.memory.requested, 1.5 * 1024 ** 3);
});

const NODES = { group: "", version: "v1", resource: "nodes" };

const node = (name: string, ready?: "True" | "False" | "Unknown"): KObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, uid: `uid-${name}`, resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" },
  status: { conditions: ready ? [{ type: "Ready", status: ready }] : [] },
});

it("the health probe's node counts come from the index once it holds the cluster's nodes: Ready ones of all", async () => {
  const held = [node("n1", "True"), node("n2", "True"), node("n3", "False"), node("n4", "Unknown"), node("n5")];
  await index.apply(held.map((object) => ({ type: "upsert" as const, cluster: "dev", ...NODES, object })));
  await index.apply([{ type: "upsert" as const, cluster: "other", ...NODES, object: node("elsewhere", "True") }]);
  assert.equal(await nodeTotalsFromIndex(index, "dev"), undefined, "not synced yet: the probe lists the member's nodes");
  await index.setFreshness("dev", NODES, SYNCED);
  // A node without a Ready condition is not ready (kubectl shows it Unknown).
  assert.deepEqual(await nodeTotalsFromIndex(index, "dev"), { ready: 2, total: 5 });
});
