// A failed node with the real node controllers (scheduler, kubelets, node
// lifecycle) on a fake clock: its pods are evicted after their
// tolerationSeconds and the ReplicaSet replaces them on the other nodes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { type NodeSim, nodeControllers } from "../src/simulator/nodes/index.ts";
import { workloadControllers } from "../src/simulator/workloads/index.ts";

const NS = "default";

describe("ReplicaSet replacement after a node failure", () => {
  const clock = new FakeClock(Math.ceil(Date.now() / 1000) * 1000);
  let c: SimCluster;
  let nodes: NodeSim;
  before(async () => {
    nodes = nodeControllers({ profiles: [{ count: 3 }] });
    c = await startSimCluster({ name: "nodefail", clock, controllers: [...nodes.controllers, ...workloadControllers()] });
  });
  after(() => c.stop());

  /** Advances fake time a second at a time until fn holds. */
  async function tickUntil<T>(what: string, fn: () => Promise<T | false | undefined>, maxSeconds = 900): Promise<T> {
    for (let i = 0; i < maxSeconds; i++) {
      const v = await fn();
      if (v) return v;
      await clock.advance(1000);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const livePods = async () =>
    (await c.client.list(R.pods, NS, { labelSelector: "app=web" })).items.filter((p) => !p.metadata?.deletionTimestamp);

  it("pods of a stopped node are evicted and recreated elsewhere", async () => {
    await c.client.create(R.deployments, NS, {
      metadata: { name: "web" },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "10m" } } }] },
        },
      },
    });
    await tickUntil("6 available", async () => (await c.client.get(R.deployments, NS, "web")).status?.availableReplicas === 6);
    const before = await livePods();
    const counts = new Map<string, number>();
    for (const p of before) counts.set(p.spec.nodeName, (counts.get(p.spec.nodeName) ?? 0) + 1);
    const victim = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const lost = before.filter((p) => p.spec.nodeName === victim).map((p) => p.metadata!.name);
    assert.ok(lost.length > 0);

    nodes.stopNode(victim);
    const after = await tickUntil("replacements running elsewhere", async () => {
      const d = await c.client.get(R.deployments, NS, "web");
      const live = await livePods();
      const ok =
        d.status?.availableReplicas === 6 &&
        live.length === 6 &&
        live.every((p: KObject) => p.spec.nodeName !== victim && p.status?.phase === "Running");
      return ok && live;
    });
    for (const name of lost) assert.ok(!after.some((p) => p.metadata?.name === name), `${name} was replaced`);
    const ev = (await c.client.list(R.events, NS)).items.filter((e) => e.source?.component === "replicaset-controller");
    assert.ok(ev.some((e) => e.reason === "SuccessfulCreate"));
  });
});
