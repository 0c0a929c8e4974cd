// The ReplicaSet controller against a real in-process apiserver.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { ReplicaSetController } from "../src/simulator/workloads/ReplicaSetController.ts";
import { InstantKubelet, until } from "./simWorkloadsKubelet.ts";

const NS = "default";

const rs = (name: string, replicas: number) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  },
});

describe("ReplicaSet controller", () => {
  let c: SimCluster;
  before(async () => {
    c = await startSimCluster({
      name: "rs",
      controllers: [new InstantKubelet({ nodes: ["n1", "n2"] }), new ReplicaSetController()],
    });
  });
  after(() => c.stop());

  const pods = async (app: string) =>
    (await c.client.list(R.pods, NS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);

  it("creates owned pods named <rs>-xxxxx and reports them ready", async () => {
    await c.client.create(R.replicasets, NS, rs("web", 3));
    const got = await until("3 ready", async () => {
      const s = (await c.client.get(R.replicasets, NS, "web")).status;
      return s?.readyReplicas === 3 && s.availableReplicas === 3 && s.replicas === 3 && s.fullyLabeledReplicas === 3 && s;
    });
    assert.equal(got.observedGeneration, 1);
    const ps = await pods("web");
    assert.equal(ps.length, 3);
    for (const p of ps) {
      assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
      const ref = p.metadata!.ownerReferences![0];
      assert.deepEqual([ref.kind, ref.name, ref.controller, ref.blockOwnerDeletion], ["ReplicaSet", "web", true, true]);
    }
    const ev = await until("events", async () => {
      const items = (await c.client.list(R.events, NS)).items.filter((e) => e.involvedObject?.name === "web");
      return items.length >= 3 && items;
    });
    assert.ok(ev.every((e) => e.reason === "SuccessfulCreate" && /^Created pod: web-/.test(e.message)));
    assert.equal(ev[0].source.component, "replicaset-controller");
  });

  it("replaces a deleted pod and scales down by deleting", async () => {
    const [victim] = await pods("web");
    await c.client.delete(R.pods, NS, victim.metadata!.name!);
    await until("replacement", async () => {
      const ps = await pods("web");
      return ps.length === 3 && !ps.some((p) => p.metadata?.name === victim.metadata?.name);
    });
    await c.client.patch(R.replicasets, NS, "web", "merge", { spec: { replicas: 1 } });
    await until("1 pod", async () => (await pods("web")).length === 1);
    await until("status 1", async () => (await c.client.get(R.replicasets, NS, "web")).status?.replicas === 1);
  });

  it("adopts a matching orphan pod and releases a pod whose labels stop matching", async () => {
    await c.client.create(R.replicasets, NS, rs("adopt", 2));
    await until("2 pods", async () => (await pods("adopt")).length === 2);
    await c.client.create(R.pods, NS, {
      metadata: { name: "orphan", labels: { app: "adopt" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
    await until("adopted, one deleted", async () => {
      const ps = await pods("adopt");
      return ps.length === 2 && ps.every((p) => p.metadata?.ownerReferences?.[0]?.name === "adopt");
    });
    const [p] = await pods("adopt");
    await c.client.patch(R.pods, NS, p.metadata!.name!, "merge", { metadata: { labels: { app: "gone" } } });
    await until("released", async () => {
      const r = await c.client.get(R.pods, NS, p.metadata!.name!);
      return !r.metadata?.ownerReferences?.length && (await pods("adopt")).length === 2;
    });
  });
});
