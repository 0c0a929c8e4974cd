// The search sync inside kpanda: startPlatform opens the embedded index in
// DIR/search and syncs every Running member cluster into it; ctx.search is
// what the list routes read.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { R } from "../../src/apiserver/client.ts";
import { patchClusterStatus } from "../../src/platform/clusters/clusterObjects.ts";
import { startWithMembers, type WithMembers } from "./members.ts";

let t: WithMembers;
before(async () => {
  t = await startWithMembers({ clusters: 2, nodes: 1 });
  // Integration turns a cluster Running (ClusterLifecycle does it after its checks); these were written directly.
  for (const c of t.sim.clusters) await patchClusterStatus(t.platform.ctx.host, c.name, { phase: "Running" });
});
after(() => t?.close());

async function until(what: string, fn: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("kpanda caches every Running member's objects in its embedded index, in DIR/search", async () => {
  const { index } = t.platform.ctx.search;
  assert.ok(existsSync(join(t.dataDir, "search", "index.db")));
  const names = t.sim.clusters.map((c) => c.name).sort();
  await until("nodes of both clusters", async () => (await index.query({ group: "", resource: "nodes" })).total === 2).catch(async (e) => {
    const phases = t.platform.ctx.members.clusterObjects().map((o) => `${o.metadata?.name}=${o.status?.phase}`);
    throw new Error(`${e.message}; phases ${phases.join(",")}; freshness ${JSON.stringify(await index.freshness())}`);
  });
  for (const n of names) {
    await until(`${n} synced`, async () => {
      const f = await index.freshness(undefined, [n]);
      return f.length > 0 && f.every((x) => x.state === "synced");
    });
  }
  const res = await index.query({ group: "", resource: "namespaces", namespaces: ["default"] });
  assert.deepEqual(res.items.map((i) => i.cluster).sort(), names);
  await t.sim.clusters[1].client.create(R.configmaps, "default", { metadata: { name: "through-kpanda" } });
  await until("the new ConfigMap", async () => (await index.query({ group: "", resource: "configmaps", fuzzySearch: "through-kpanda" })).total === 1, 1000);
  const fresh = await index.freshness({ group: "", resource: "pods" });
  assert.deepEqual(fresh.map((f) => [f.cluster, f.state]), names.map((n) => [n, "synced"]));
});
