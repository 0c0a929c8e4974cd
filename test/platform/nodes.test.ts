// The nodes REST API against a simulated member: list and detail as
// kubectl sees the same nodes, cordon and uncordon, label, annotation and
// taint edits, and a PDB-aware drain whose report names the pod a budget
// blocks. Checks read the member directly with kubectl.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const C = "sim-1";
let t: WithMembers;
let owner: string;
let clusterAdmin: string;
let viewer: string;

const nodeJson = async (node: string) => JSON.parse((await t.direct(C, ["get", "node", node, "-o", "json"])).stdout);

before(async () => {
  t = await startWithMembers({ clusters: 1, nodes: 3 });
  owner = await t.adminToken();
  clusterAdmin = await t.addUser("ops", [{ role: "ClusterAdmin", cluster: C }]);
  viewer = await t.addUser("viewer", [{ role: "NSViewer", cluster: C, namespace: "default" }]);
});
after(() => t?.close());

describe("reading nodes", () => {
  test("the list is paged and sorted by name, each node as kubectl sees it", async () => {
    const first = await t.call("GET", `/clusters/${C}/nodes?pageSize=2`, undefined, owner);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.pagination, { total: 3, page: 1, pageSize: 2 });
    assert.deepEqual(
      first.body.items.map((n: { name: string }) => n.name),
      ["node-0", "node-1"],
    );
    const second = await t.call("GET", `/clusters/${C}/nodes?pageSize=2&page=2`, undefined, owner);
    assert.deepEqual(
      second.body.items.map((n: { name: string }) => n.name),
      ["node-2"],
    );
    const n0 = first.body.items[0];
    const k = await nodeJson("node-0");
    assert.equal(n0.status, "Ready");
    assert.equal(n0.unschedulable, false);
    assert.equal(n0.version, k.status.nodeInfo.kubeletVersion);
    assert.equal(n0.internalIP, k.status.addresses.find((a: { type: string }) => a.type === "InternalIP").address);
    // The simulated profile's allocatable: 8 cpu less 100m reserved, 32Gi less 512Mi, 110 pods.
    assert.deepEqual([k.status.allocatable.cpu, k.status.allocatable.memory, k.status.allocatable.pods], ["7900m", "32256Mi", "110"]);
    assert.deepEqual(n0.allocatable, { cpu: 7.9, memory: 32256 * 2 ** 20, pods: 110 });
    // The simulated cluster serves metrics.k8s.io.
    assert.equal(typeof n0.usage?.cpu, "number");
    const filtered = await t.call("GET", `/clusters/${C}/nodes?fuzzySearch=DE-2`, undefined, owner);
    assert.deepEqual(
      filtered.body.items.map((n: { name: string }) => n.name),
      ["node-2"],
    );
  });

  test("a ClusterAdmin reads nodes; a namespace role does not see them", async () => {
    assert.equal((await t.call("GET", `/clusters/${C}/nodes`, undefined, clusterAdmin)).status, 200);
    const refused = await t.call("GET", `/clusters/${C}/nodes`, undefined, viewer);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.cluster, C);
    assert.match(refused.body.message, /not a ClusterAdmin of cluster "sim-1"/);
    assert.equal((await t.call("GET", `/clusters/${C}/nodes/node-0`, undefined, viewer)).status, 403);
  });

  test("a node's detail has its conditions, resources, pods and events; an unknown node is 404", async () => {
    await t.direct(C, ["run", "pinned", "--image=nginx:1.27", "--overrides", JSON.stringify({ spec: { nodeName: "node-1" } })]);
    const d = await until("the pod in node-1's detail", async () => {
      const r = await t.call("GET", `/clusters/${C}/nodes/node-1`, undefined, owner);
      return r.body.podList?.some((p: { name: string }) => p.name === "pinned") && r.body;
    });
    assert.equal(d.name, "node-1");
    assert.equal(d.conditions.find((c: { type: string }) => c.type === "Ready").status, "True");
    assert.deepEqual(d.resources.cpu, { capacity: "8", allocatable: "7900m" });
    assert.equal(d.capacity.cpu, 8);
    assert.equal(d.labels["kubernetes.io/hostname"], "node-1");
    assert.ok(d.events.some((e: { reason: string }) => e.reason === "Starting"), JSON.stringify(d.events));
    const missing = await t.call("GET", `/clusters/${C}/nodes/node-9`, undefined, owner);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.cluster, C);
    assert.equal(missing.body.message, 'nodes "node-9" not found');
  });
});

describe("changing nodes", () => {
  test("cordon and uncordon set and clear spec.unschedulable, and are audited", async () => {
    const cordoned = await t.call("POST", `/clusters/${C}/nodes/node-0/cordon`, undefined, clusterAdmin);
    assert.equal(cordoned.status, 200, JSON.stringify(cordoned.body));
    assert.equal(cordoned.body.unschedulable, true);
    assert.equal((await nodeJson("node-0")).spec.unschedulable, true);
    const back = await t.call("POST", `/clusters/${C}/nodes/node-0/uncordon`, undefined, clusterAdmin);
    assert.equal(back.body.unschedulable, false);
    // kubectl uncordon removes the field (Go's omitempty), it does not set false.
    assert.equal((await nodeJson("node-0")).spec.unschedulable, undefined);
    assert.equal((await t.call("POST", `/clusters/${C}/nodes/node-0/cordon`, undefined, viewer)).status, 403);
    const mine = (await t.auditEntries()).filter((e) => e.user === "ops" && e.cluster === C && e.name === "node-0");
    assert.deepEqual(
      mine.map((e) => [e.verb, e.resource, e.code]),
      [
        ["cordon", "nodes", 200],
        ["uncordon", "nodes", 200],
      ],
    );
  });

  test("labels, annotations and taints are replaced as given", async () => {
    const k = await nodeJson("node-1");
    const labels = { ...k.metadata.labels, "node-role.kubernetes.io/worker": "", team: "blue" };
    const r = await t.call("PUT", `/clusters/${C}/nodes/node-1/labels`, { labels }, owner);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.roles, ["worker"]);
    delete labels.team;
    await t.call("PUT", `/clusters/${C}/nodes/node-1/labels`, { labels }, owner);
    assert.equal((await nodeJson("node-1")).metadata.labels.team, undefined);
    // The member validates: a label key must be a qualified name (apimachinery's ValidateLabels).
    const bad = await t.call("PUT", `/clusters/${C}/nodes/node-1/labels`, { labels: { ...labels, "not a key": "x" } }, owner);
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.equal(bad.body.cluster, C);
    assert.match(bad.body.message, /metadata\.labels: Invalid value: "not a key"/);
    const annotations = { ...k.metadata.annotations, note: "rack 4" };
    await t.call("PUT", `/clusters/${C}/nodes/node-1/annotations`, { annotations }, owner);
    assert.deepEqual((await nodeJson("node-1")).metadata.annotations, annotations);
    const tainted = await t.call("PUT", `/clusters/${C}/nodes/node-1/taints`, { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }, owner);
    assert.equal(tainted.status, 200, JSON.stringify(tainted.body));
    assert.deepEqual((await nodeJson("node-1")).spec.taints, [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]);
    // An effect outside kube's three is refused by the schema.
    const badEffect = await t.call("PUT", `/clusters/${C}/nodes/node-1/taints`, { taints: [{ key: "a", effect: "Sometimes" }] }, owner);
    assert.equal(badEffect.status, 400);
    await t.call("PUT", `/clusters/${C}/nodes/node-1/taints`, { taints: [] }, owner);
    assert.equal((await nodeJson("node-1")).spec.taints, undefined);
  });
});

const DRAIN_FIXTURE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-2}
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: loner, namespace: default}
spec:
  nodeName: node-2
  containers: [{name: main, image: busybox:1.36}]
`;

describe("draining a node", () => {
  test("evicts what it may, skips DaemonSet pods, and names the pod a PodDisruptionBudget blocks", async () => {
    await t.direct(C, ["apply", "-f", "-"], { input: DRAIN_FIXTURE });
    const podsOnNode2 = async () => {
      const r = await t.direct(C, ["get", "pods", "-n", "default", "--field-selector", "spec.nodeName=node-2,status.phase=Running", "-o", "name"]);
      return r.stdout.trim().split("\n").filter(Boolean);
    };
    await until("web, agent and loner running on node-2", async () => (await podsOnNode2()).length === 4);
    await until("the budget allows one disruption", async () => {
      const r = await t.direct(C, ["get", "pdb", "web", "-n", "default", "-o", "jsonpath={.status.disruptionsAllowed}"]);
      return r.stdout === "1";
    });
    const web = (await podsOnNode2()).filter((p) => p.startsWith("pod/web-")).map((p) => p.slice(4));
    const agent = (await podsOnNode2()).find((p) => p.startsWith("pod/agent-"))!.slice(4);

    const r = await t.call("POST", `/clusters/${C}/nodes/node-2:drain`, { timeoutSeconds: 3 }, clusterAdmin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const report = r.body;
    // One web pod goes; its replacement cannot schedule (pinned to the cordoned node), so the budget holds the other.
    assert.equal(report.evicted.length, 1, JSON.stringify(report));
    assert.ok(web.includes(report.evicted[0].name));
    const blocked = report.failed.find((p: { name: string }) => p.name.startsWith("web-"));
    assert.deepEqual([blocked.namespace, web.includes(blocked.name)], ["default", true]);
    // kubectl's words at its global timeout (k8s.io/kubectl/pkg/drain/drain.go evictPods), naming the pod, then
    // kube's eviction answer (pkg/registry/core/pod/storage/eviction.go).
    assert.match(
      blocked.reason,
      new RegExp(`^error when evicting pods/"${blocked.name}" -n "default": global timeout reached: 3s \\(last refused: Cannot evict pod as it would violate the pod's disruption budget\\.`),
    );
    // kubectl drain's filters (k8s.io/kubectl/pkg/drain/filters.go).
    assert.deepEqual(
      report.failed.filter((p: { name: string }) => p.name === "loner"),
      [{ namespace: "default", name: "loner", reason: "cannot delete Pods that declare no controller (use force to override)" }],
    );
    assert.deepEqual(report.skipped, [{ namespace: "default", name: agent, reason: "ignoring DaemonSet-managed Pods" }]);
    assert.equal((await nodeJson("node-2")).spec.unschedulable, true);
    await until("the evicted pod gone", async () => !(await podsOnNode2()).includes(`pod/${report.evicted[0].name}`));
    await t.call("POST", `/clusters/${C}/nodes/node-2/uncordon`, undefined, clusterAdmin);
  });

  test("evicts nothing once its timeout is reached, even when the budget would allow it by then", async () => {
    await t.direct(C, ["apply", "-f", "-"], { input: BLOCKED_FIXTURE });
    const podOf = async (app: string) => {
      const r = await t.direct(C, ["get", "pods", "-n", "default", "-l", `app=${app}`, "--field-selector", "status.phase=Running", "-o", "name"]);
      return r.stdout.trim().split("\n").filter(Boolean)[0]?.slice(4);
    };
    const db = await until("db running on node-1", () => podOf("db"));
    const marker = await until("marker running on node-1", () => podOf("marker"));
    await until("the budget allows no disruption", async () => {
      const r = await t.direct(C, ["get", "pdb", "db", "-n", "default", "-o", "jsonpath={.status.currentHealthy}"]);
      return r.stdout === "1";
    });
    // kubectl retries a refused eviction every 5 s, checking its global timeout first: with 9 s, at about
    // 0 s and 5 s, and not at 10 s. The budget goes at 7 s; an attempt at the 9 s deadline would now succeed.
    // The clock starts at the drain's first evictions, seen on the marker pod (evicted at once, no budget):
    // the drain's request may take seconds to start on a loaded machine.
    const drained = t.call("POST", `/clusters/${C}/nodes/node-1:drain`, { timeoutSeconds: 9, force: true }, clusterAdmin);
    await until("the drain's first evictions", async () => {
      const r = await fetch(`${t.platform.url}/k8s/clusters/${C}/api/v1/namespaces/default/pods/${marker}`, { headers: { authorization: `Bearer ${owner}` } });
      return r.status === 404 || !!((await r.json()) as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 7000));
    await t.direct(C, ["delete", "pdb", "db", "-n", "default"]);
    const r = await drained;
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const blocked = r.body.failed.find((p: { name: string }) => p.name === db);
    assert.ok(blocked, JSON.stringify(r.body));
    assert.match(blocked.reason, new RegExp(`^error when evicting pods/"${db}" -n "default": global timeout reached: 9s \\(last refused: Cannot evict pod`));
    assert.ok(!r.body.evicted.some((p: { name: string }) => p.name === db));
    assert.equal(await podOf("db"), db, "the pod is still there");
    await t.call("POST", `/clusters/${C}/nodes/node-1/uncordon`, undefined, clusterAdmin);
  });
});

const BLOCKED_FIXTURE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-1}
      containers: [{name: db, image: postgres:16}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: marker, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: marker}}
  template:
    metadata: {labels: {app: marker}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-1}
      containers: [{name: marker, image: busybox:1.36}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: db}}
`;
