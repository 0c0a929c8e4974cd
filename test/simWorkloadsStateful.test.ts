// StatefulSets and DaemonSets on a simulated cluster: ordered pods, PVCs,
// ControllerRevisions, partitioned rolling updates, `kubectl rollout undo`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { workloadControllers } from "../src/simulator/workloads/index.ts";
import { InstantKubelet, kubectlFor, until } from "./simWorkloadsKubelet.ts";

const NS = "default";

const sts = (image: string, extra = "") => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: c
        image: ${image}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
${extra}`;

const ds = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: c
        image: ${image}
`;

describe("StatefulSet and DaemonSet controllers with kubectl", () => {
  let c: SimCluster;
  let kubelet: InstantKubelet;
  let k: Awaited<ReturnType<typeof kubectlFor>>;
  before(async () => {
    kubelet = new InstantKubelet({ nodes: ["n1", "n2", "n3"] });
    c = await startSimCluster({ name: "sts", controllers: [kubelet, ...workloadControllers()] });
    k = await kubectlFor(c);
  });
  after(async () => {
    await k.close();
    await c.stop();
  });

  const images = async (selector: string) =>
    Object.fromEntries(
      (await c.client.list(R.pods, NS, { labelSelector: selector })).items
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => [p.metadata!.name, p.spec.containers[0].image]),
    );

  it("creates db-0, db-1, db-2 in order with their PVCs and one revision", async () => {
    await k.kubectl(["apply", "-f", "-"], { input: sts("db:1") });
    const st = await k.kubectl(["rollout", "status", "statefulset/db", "--timeout=30s"]);
    assert.match(st.stdout, /partitioned roll out complete|roll out complete/);
    const pods = (await c.client.list(R.pods, NS, { labelSelector: "app=db" })).items;
    assert.deepEqual(pods.map((p) => p.metadata!.name).sort(), ["db-0", "db-1", "db-2"]);
    assert.equal(pods[0].spec.hostname, pods[0].metadata!.name);
    assert.equal(pods[0].spec.subdomain, "db");
    const created = pods.map((p) => Date.parse(p.metadata!.creationTimestamp!));
    assert.ok(created[0] <= created[1] && created[1] <= created[2]);
    const pvcs = (await c.client.list(R.pvcs, NS)).items.map((p) => p.metadata!.name).sort();
    assert.deepEqual(pvcs, ["data-db-0", "data-db-1", "data-db-2"]);
    const revs = (await c.client.list(R.controllerrevisions, NS)).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === "db");
    assert.equal(revs.length, 1);
    assert.match(revs[0].metadata!.name!, /^db-[a-z0-9]+$/);
    const s = (await c.client.get(R.statefulsets, NS, "db")).status;
    assert.equal(s.currentRevision, revs[0].metadata!.name);
    assert.deepEqual([s.replicas, s.readyReplicas, s.currentReplicas, s.updatedReplicas, s.availableReplicas], [3, 3, 3, 3, 3]);
    const ev = (await c.client.list(R.events, NS)).items.filter((e) => e.involvedObject?.name === "db").map((e) => e.message);
    assert.ok(ev.includes("create Pod db-0 in StatefulSet db successful"));
    assert.ok(ev.includes("create Claim data-db-0 Pod db-0 in StatefulSet db success"));
  });

  it("a partitioned rolling update touches only ordinals at or above the partition", async () => {
    await k.kubectl(["patch", "statefulset/db", "-p", '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}']);
    await k.kubectl(["set", "image", "statefulset/db", "c=db:2"]);
    await until("db-2 updated", async () => (await images("app=db"))["db-2"] === "db:2");
    await until("status", async () => (await c.client.get(R.statefulsets, NS, "db")).status?.updatedReplicas === 1);
    assert.deepEqual(await images("app=db"), { "db-0": "db:1", "db-1": "db:1", "db-2": "db:2" });
    const s = (await c.client.get(R.statefulsets, NS, "db")).status;
    assert.notEqual(s.currentRevision, s.updateRevision);
    await k.kubectl(["patch", "statefulset/db", "-p", '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
    await k.kubectl(["rollout", "status", "statefulset/db", "--timeout=30s"]);
    await until("all at db:2", async () => Object.values(await images("app=db")).every((i) => i === "db:2"));
    await until("current = update", async () => {
      const st = (await c.client.get(R.statefulsets, NS, "db")).status;
      return st.currentRevision === st.updateRevision && st.currentReplicas === 3;
    });
  });

  it("rollout undo returns to the previous revision", async () => {
    const hist = await k.kubectl(["rollout", "history", "statefulset/db"]);
    assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    await k.kubectl(["rollout", "undo", "statefulset/db"]);
    await k.kubectl(["rollout", "status", "statefulset/db", "--timeout=30s"]);
    await until("all at db:1", async () => Object.values(await images("app=db")).every((i) => i === "db:1"));
    const revs = (await c.client.list(R.controllerrevisions, NS)).items
      .filter((r) => r.metadata?.ownerReferences?.[0]?.name === "db")
      .map((r) => r.revision)
      .sort();
    assert.deepEqual(revs, [2, 3], "the old revision is re-numbered, not copied");
  });

  it("scaling down removes the highest ordinal first and keeps its PVC", async () => {
    await k.kubectl(["scale", "statefulset/db", "--replicas=1"]);
    await until("one pod", async () => Object.keys(await images("app=db")).join() === "db-0");
    const pvcs = (await c.client.list(R.pvcs, NS)).items.map((p) => p.metadata!.name).sort();
    assert.deepEqual(pvcs, ["data-db-0", "data-db-1", "data-db-2"]);
  });

  it("a DaemonSet runs one pod pinned to each node; tainted nodes are skipped", async () => {
    await c.client.patch(R.nodes, "", "n3", "merge", { spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } });
    await k.kubectl(["apply", "-f", "-"], { input: ds("agent:1") });
    await k.kubectl(["rollout", "status", "daemonset/agent", "--timeout=30s"]);
    const pods = (await c.client.list(R.pods, NS, { labelSelector: "app=agent" })).items;
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ["n1", "n2"]);
    const terms = pods[0].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    assert.deepEqual(terms[0].matchFields[0], { key: "metadata.name", operator: "In", values: [pods[0].spec.nodeName] });
    assert.ok(pods[0].spec.tolerations.some((t: any) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute"));
    const s = (await c.client.get(R.daemonsets, NS, "agent")).status;
    assert.deepEqual(
      [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.updatedNumberScheduled, s.numberAvailable],
      [2, 2, 2, 2, 2],
    );
    await c.client.patch(R.nodes, "", "n3", "merge", { spec: { taints: null } });
    await until("3 pods", async () => Object.keys(await images("app=agent")).length === 3);
  });

  it("a DaemonSet rolls to a new image and rollout undo brings the old one back", async () => {
    await until("3 ready", async () => (await c.client.get(R.daemonsets, NS, "agent")).status?.numberAvailable === 3);
    await k.kubectl(["set", "image", "daemonset/agent", "c=agent:2"]);
    await k.kubectl(["rollout", "status", "daemonset/agent", "--timeout=30s"]);
    await until("all at agent:2", async () => {
      const i = Object.values(await images("app=agent"));
      return i.length === 3 && i.every((x) => x === "agent:2");
    });
    await k.kubectl(["rollout", "undo", "daemonset/agent"]);
    await k.kubectl(["rollout", "status", "daemonset/agent", "--timeout=30s"]);
    await until("all at agent:1", async () => {
      const i = Object.values(await images("app=agent"));
      return i.length === 3 && i.every((x) => x === "agent:1");
    });
    const hist = await k.kubectl(["rollout", "history", "daemonset/agent"]);
    assert.match(hist.stdout, /\n2\s+<none>\n3\s+<none>/);
  });
});
