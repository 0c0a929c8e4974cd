// Who wrote what on a simulated cluster: each controller writes under the
// field manager of the component it stands in for, as in a real cluster,
// where kube-apiserver names a write without fieldManager after its client's
// User-Agent (handlers/rest.go managerOrUserAgent): kube-controller-manager,
// kube-scheduler, kubelet. Status writes are Update operations on the
// "status" subresource (managedFields entries carry it since 1.22).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { type NodeSim, nodeControllers } from "../src/simulator/nodes/index.ts";
import { workloadControllers } from "../src/simulator/workloads/index.ts";

let c: SimCluster;
let nodes: NodeSim;

before(async () => {
  nodes = nodeControllers({ profiles: [{ count: 2 }] });
  const controllers = [...nodes.controllers, ...workloadControllers()];
  c = await startSimCluster({ name: "managers", controllers });
});
after(() => c.stop());

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** [manager, operation, subresource] of each managedFields entry, sorted. */
const managers = (o: KObject) =>
  ((o.metadata?.managedFields ?? []) as KObject[]).map((m) => [m.manager, m.operation, m.subresource ?? ""].join(" ")).sort();

const deployment = (name: string, nodeSelector?: Record<string, string>): KObject => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { nodeSelector, containers: [{ name: "app", image: "nginx" }] } },
  },
});

const podOf = (app: string, ok: (p: KObject) => boolean) =>
  eventually(`a pod of ${app}`, async () => (await c.client.list(R.pods, "default", { labelSelector: `app=${app}` })).items.find(ok));

test("a Deployment's ReplicaSet is written by kube-controller-manager, its spec and its status", async () => {
  await c.client.create(R.deployments, "default", deployment("web"));
  const rs = await eventually("rs status", async () => {
    const [x] = (await c.client.list(R.replicasets, "default", { labelSelector: "app=web" })).items;
    return x?.status?.readyReplicas === 1 && x;
  });
  assert.deepEqual(managers(rs), ["kube-controller-manager Update ", "kube-controller-manager Update status"]);
  const d = await eventually("deployment status", async () => {
    const x = await c.client.get(R.deployments, "default", "web");
    return x.status?.readyReplicas === 1 && x;
  });
  // The Deployment's spec is the test's own write (the in-process client without a User-Agent).
  assert.ok(managers(d).includes("kube-controller-manager Update status"), managers(d).join(", "));
});

test("a bound, running pod: created by kube-controller-manager, its status by kubelet; binding records no entry", async () => {
  // pods/binding writes through storage (pod registry assignPod), not the field manager.
  const pod = await podOf("web", (p) => p.status?.phase === "Running");
  assert.deepEqual(managers(pod), ["kube-controller-manager Update ", "kubelet Update status"]);
});

test("a pod that fits nowhere gets its PodScheduled condition from kube-scheduler", async () => {
  await c.client.create(R.deployments, "default", deployment("nowhere", { "no-such-label": "x" }));
  const pod = await podOf("nowhere", (p) => p.status?.conditions?.some((x: KObject) => x.type === "PodScheduled" && x.status === "False"));
  assert.deepEqual(managers(pod), ["kube-controller-manager Update ", "kube-scheduler Update status"]);
});

test("a Node and its Lease are the kubelet's, its status too", async () => {
  // The kubelet registers its Node with its status, then posts the status
  // (every 5 minutes, or at once when it comes back).
  nodes.stopNode("node-0");
  await nodes.startNode("node-0");
  const node = await c.client.get(R.nodes, "", "node-0");
  assert.deepEqual(managers(node), ["kubelet Update ", "kubelet Update status"]);
  const lease = await c.client.get(R.leases, "kube-node-lease", "node-0");
  assert.deepEqual(managers(lease), ["kubelet Update "]);
  const [ev] = (await c.client.list(R.events, "default", { fieldSelector: "involvedObject.name=node-0,source=kubelet" })).items;
  assert.deepEqual(managers(ev), ["kubelet Update "]);
});
