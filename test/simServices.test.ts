// Endpoints and EndpointSlices, volumes, disruption budgets and metrics of a
// simulated cluster, through the API and kubectl.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { type KObject, type KubeError, R } from "../src/apiserver/client.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";

const run = promisify(execFile);
let sim: Simulator;
let c: SimulatedCluster;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-sim-"));
  sim = await startSimulator({ clusters: 1, nodes: 3, dataDir: dir });
  c = sim.clusters[0];
});
after(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const kubectl = async (...args: string[]) => (await run("kubectl", ["--kubeconfig", c.kubeconfigPath!, ...args])).stdout;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not reached: ${JSON.stringify(v)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function deployment(name: string, replicas: number): KObject {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "app", image: "nginx", ports: [{ name: "http", containerPort: 8080 }], resources: { requests: { cpu: "100m", memory: "64Mi" } } }],
        },
      },
    },
  };
}

const readyPods = async (app: string) =>
  (await c.client.list(R.pods, "default", { labelSelector: `app=${app}` })).items.filter((p) =>
    p.status?.conditions?.some((x: any) => x.type === "Ready" && x.status === "True"),
  );

test("a Service's Endpoints and EndpointSlices list its ready pods on the named target port", async () => {
  await c.client.create(R.deployments, "default", deployment("web", 3));
  await c.client.create(R.services, "default", { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  const pods = await eventually(() => readyPods("web"), (p) => p.length === 3);
  const ep = await eventually(
    () => c.client.get(R.endpoints, "default", "web"),
    (e) => e.subsets?.[0]?.addresses?.length === 3,
  );
  assert.deepEqual(ep.subsets[0].ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  assert.deepEqual(ep.subsets[0].addresses.map((a: any) => a.ip).sort(), pods.map((p) => p.status.podIP).sort());
  const slices = (await c.client.list(R.endpointslices, "default", { labelSelector: "kubernetes.io/service-name=web" })).items;
  assert.equal(slices.length, 1);
  assert.equal(slices[0].addressType, "IPv4");
  assert.equal(slices[0].endpoints.length, 3);
  assert.ok(slices[0].endpoints.every((e: any) => e.conditions.ready === true && e.targetRef.kind === "Pod"));
  assert.equal(slices[0].metadata?.ownerReferences?.[0]?.kind, "Service");
});

test("a PVC of the default StorageClass gets a provisioned PV and both are Bound", async () => {
  const sc = await c.client.get(R.storageclasses, "", "standard");
  assert.equal(sc.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"], "true");
  await c.client.create(R.pvcs, "default", { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } });
  const pvc = await eventually(() => c.client.get(R.pvcs, "default", "data"), (p) => p.status?.phase === "Bound");
  const pv = await c.client.get(R.pvs, "", pvc.spec.volumeName);
  assert.equal(pv.status.phase, "Bound");
  assert.equal(pv.spec.claimRef.name, "data");
  assert.equal(pv.spec.capacity.storage, "2Gi");
  const events = (await c.client.list(R.events, "default")).items.filter((e) => e.involvedObject?.name === "data");
  assert.ok(events.some((e) => e.reason === "ProvisioningSucceeded"));
});

test("a WaitForFirstConsumer claim binds once a pod using it is scheduled", async () => {
  await c.client.create(R.storageclasses, "", { metadata: { name: "local" }, provisioner: "sim.kpanda.io/hostpath", volumeBindingMode: "WaitForFirstConsumer" });
  await c.client.create(R.pvcs, "default", { metadata: { name: "late" }, spec: { storageClassName: "local", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
  // The volume controller has looked at the claim once it says why it waits
  // (pv_controller's WaitForFirstConsumer event); only then is Pending proof.
  await eventually(
    async () => (await c.client.list(R.events, "default", { fieldSelector: "involvedObject.name=late" })).items,
    (evs) => evs.some((e) => e.reason === "WaitForFirstConsumer" && e.message === "waiting for first consumer to be created before binding"),
  );
  assert.equal((await c.client.get(R.pvcs, "default", "late")).status?.phase, "Pending");
  await c.client.create(R.pods, "default", {
    metadata: { name: "consumer" },
    spec: { containers: [{ name: "app", image: "nginx" }], volumes: [{ name: "v", persistentVolumeClaim: { claimName: "late" } }] },
  });
  const pvc = await eventually(() => c.client.get(R.pvcs, "default", "late"), (p) => p.status?.phase === "Bound");
  const pod = await c.client.get(R.pods, "default", "consumer");
  assert.equal(pvc.metadata?.annotations?.["volume.kubernetes.io/selected-node"], pod.spec.nodeName);
});

test("the eviction API refuses what a PodDisruptionBudget forbids with 429, and allows the rest", async () => {
  await c.client.create(R.deployments, "default", deployment("db", 2));
  await eventually(() => readyPods("db"), (p) => p.length === 2);
  await c.client.create(R.pdbs, "default", { metadata: { name: "db" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "db" } } } });
  const pdb = await eventually(() => c.client.get(R.pdbs, "default", "db"), (p) => p.status?.disruptionsAllowed === 1);
  assert.equal(pdb.status.expectedPods, 2);
  assert.equal(pdb.status.desiredHealthy, 1);
  const [first, second] = await readyPods("db");
  await c.client.create(R.pods, "default", { metadata: { name: first.metadata!.name } }, { name: first.metadata!.name!, subresource: "eviction" });
  const after1 = await c.client.get(R.pdbs, "default", "db");
  assert.equal(after1.status.disruptionsAllowed, 0);
  assert.ok(after1.status.disruptedPods[first.metadata!.name!]);
  await assert.rejects(
    c.client.create(R.pods, "default", { metadata: { name: second.metadata!.name } }, { name: second.metadata!.name!, subresource: "eviction" }),
    (e: KubeError) => e.code === 429 && e.message === "Cannot evict pod as it would violate the pod's disruption budget.",
  );
});

test("kubectl drain is blocked by a PodDisruptionBudget, then allowed once it permits", async () => {
  await c.client.create(R.deployments, "default", deployment("cache", 1));
  const [pod] = await eventually(() => readyPods("cache"), (p) => p.length === 1);
  await c.client.create(R.pdbs, "default", { metadata: { name: "cache" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "cache" } } } });
  await eventually(() => c.client.get(R.pdbs, "default", "cache"), (p) => p.status?.observedGeneration === 1);
  const node = pod.spec.nodeName;
  const blocked = await run(
    "kubectl",
    ["--kubeconfig", c.kubeconfigPath!, "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--force", "--timeout=3s", "--pod-selector=app=cache"],
  ).catch((e) => e);
  assert.notEqual(blocked.code ?? 0, 0);
  assert.match(blocked.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.equal((await c.client.get(R.nodes, "", node)).spec.unschedulable, true);
  await c.client.patch(R.pdbs, "default", "cache", "merge", { spec: { minAvailable: 0 } });
  await eventually(() => c.client.get(R.pdbs, "default", "cache"), (p) => p.status?.disruptionsAllowed === 1);
  const out = await kubectl("drain", node, "--ignore-daemonsets", "--force", "--timeout=20s", "--pod-selector=app=cache");
  assert.match(out, /evicted/);
  await kubectl("uncordon", node);
});

test("kubectl top nodes and top pods read the simulated metrics API", async () => {
  const nodes = await kubectl("top", "nodes");
  assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
  assert.match(nodes, /node-0\s+\d+m\s+\d+%/);
  c.load.setLoad({ app: "web" }, 0.5);
  const pods = await kubectl("top", "pods", "-l", "app=web");
  const rows = pods.trim().split("\n").slice(1);
  assert.equal(rows.length, 3);
  for (const r of rows) assert.match(r, /^web-\S+\s+50m\s+19Mi/);
});
