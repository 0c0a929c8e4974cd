// Network policy, limit range and quota cluster policies over three
// simulated clusters: their dry runs, a default-deny network policy applied
// and reported, limit-range defaults on new pods, Warn mode for pod
// security, and who may manage which policy.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type KObject, R } from "../../src/apiserver/client.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const NETPOLS = { group: "networking.k8s.io", version: "v1", resource: "networkpolicies" };

const deployment = (name: string, replicas: number, resources?: object) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "nginx:1.27", ...(resources ? { resources } : {}) }] } },
  },
});

let t: WithMembers;
let admin: string;
before(async () => {
  t = await startWithMembers({ clusters: 3, nodes: 1 });
  admin = await t.adminToken();
  for (const c of t.sim.clusters) {
    await c.client.create(R.namespaces, "", { metadata: { name: "shop", labels: { team: "shop" } } });
    await c.client.create(R.deployments, "shop", deployment("web", 2, { requests: { cpu: "500m" }, limits: { cpu: "2" } }));
  }
  for (const c of t.sim.clusters) {
    await until(`${c.name}: web's pods`, async () => (await c.client.list(R.pods, "shop")).items.length === 2, 30_000);
  }
  // The dry runs read pods from kpanda's cache.
  await until("pods in the cache", async () => (await t.platform.ctx.search.index.query({ group: "", resource: "pods", namespaces: ["shop"] })).total === 6);
});
after(() => t?.close());

const post = async (body: object) => {
  const r = await t.call("POST", "/clusterpolicies", body, admin);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
};
const dryRun = async (name: string) => {
  const r = await t.call("POST", `/clusterpolicies/${name}:dryrun?pageSize=500`, undefined, admin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items as { cluster: string; namespace: string; kind: string; name: string; reason: string }[];
};
const applied = (name: string, n: number) =>
  until(`${name} Applied in ${n} namespaces`, async () => (await t.call("GET", `/clusterpolicies/${name}/compliance`, undefined, admin)).body.totals.fleet.Applied === n);

test("a default-deny network policy allowing the same namespace: the dry run names the pods it would isolate; enforced it is applied and reported", async () => {
  const template = { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] };
  await post({ name: "same-ns-only", kind: "NetworkPolicy", template, clusters: { selector: {} }, namespaceSelector: { matchLabels: { team: "shop" } }, mode: "DryRun" });
  const findings = await dryRun("same-ns-only");
  assert.equal(findings.length, 6, JSON.stringify(findings));
  for (const f of findings) {
    assert.equal(f.namespace, "shop");
    assert.match(f.name, /^web-/);
    assert.equal(f.reason, "would become isolated for ingress: only ingress from every pod of namespace shop is allowed");
  }
  const put = await t.call("PUT", "/clusterpolicies/same-ns-only", { kind: "NetworkPolicy", template, clusters: { selector: {} }, namespaceSelector: { matchLabels: { team: "shop" } }, mode: "Enforce" }, admin);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await applied("same-ns-only", 3);
  for (const c of t.sim.clusters) {
    const np = await c.client.get(NETPOLS, "shop", "kpanda-policy-same-ns-only");
    assert.deepEqual(np.spec.ingress, [{ from: [{ podSelector: {} }] }]);
    // Only the selected namespaces: default has none.
    assert.equal((await c.client.list(NETPOLS, "default")).items.length, 0);
  }
  // The member's own defaults (policyTypes) are no drift: nothing is rewritten.
  const before = await t.sim.cluster("sim-1").client.get(NETPOLS, "shop", "kpanda-policy-same-ns-only");
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await t.sim.cluster("sim-1").client.get(NETPOLS, "shop", "kpanda-policy-same-ns-only")).metadata?.resourceVersion, before.metadata?.resourceVersion);
});

test("limit-range defaults reach new pods' containers; the dry run names pods outside its max and pods that would get defaults", async () => {
  const template = { limits: [{ type: "Container", max: { cpu: "1" }, default: { cpu: "300m", memory: "128Mi" }, defaultRequest: { cpu: "100m", memory: "64Mi" } }] };
  await post({ name: "container-limits", kind: "LimitRange", template, clusters: { names: ["sim-1", "sim-2", "sim-3"] }, namespaceSelector: { matchLabels: { team: "shop" } }, mode: "DryRun" });
  const findings = await dryRun("container-limits");
  const web = findings.filter((f) => f.cluster === "sim-2" && f.name.startsWith("web-"));
  // LimitRanger's words: the limit of 2 is over the max of 1; memory defaults would be added.
  assert.deepEqual(web.map((f) => f.reason).sort(), [
    "container app: maximum cpu usage per Container is 1, but limit is 2",
    "container app: maximum cpu usage per Container is 1, but limit is 2",
    "would get defaults when created again: memory request for container app; memory limit for container app",
    "would get defaults when created again: memory request for container app; memory limit for container app",
  ]);
  const put = await t.call("PUT", "/clusterpolicies/container-limits", { kind: "LimitRange", template, clusters: { names: ["sim-1", "sim-2", "sim-3"] }, namespaceSelector: { matchLabels: { team: "shop" } }, mode: "Enforce" }, admin);
  assert.equal(put.status, 200);
  await applied("container-limits", 3);
  for (const c of t.sim.clusters) {
    const p = await c.client.create(R.pods, "shop", { metadata: { name: "plain" }, spec: { containers: [{ name: "app", image: "busybox:1.36" }] } });
    assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: "300m", memory: "128Mi" }, requests: { cpu: "100m", memory: "64Mi" } });
  }
});

test("a quota dry run names the namespaces whose usage already exceeds the new hard limits, and by how much", async () => {
  await post({ name: "tight", kind: "ResourceQuota", template: { hard: { pods: "2", "requests.cpu": "600m" } }, clusters: { selector: {} }, mode: "DryRun" });
  // Each cluster's shop runs web's two pods (500m each) and the plain one (100m by the limit range),
  // made by the test before: the dry run reads usage from the cache, which sees that pod a moment later.
  let findings: Awaited<ReturnType<typeof dryRun>> = [];
  await until("the plain pods counted", async () => {
    findings = await dryRun("tight");
    return findings.filter((f) => f.namespace === "shop").length === 2 * t.sim.clusters.length;
  });
  for (const c of t.sim.clusters) {
    const shop = findings.filter((f) => f.cluster === c.name && f.namespace === "shop").map((f) => f.reason);
    assert.deepEqual(shop, ["pods: 3 in use exceeds the hard limit 2 by 1", "requests.cpu: 1100m in use exceeds the hard limit 600m by 500m"]);
  }
  assert.ok(!findings.some((f) => f.namespace === "default"));
  // Paged and searchable like any list.
  const page = await t.call("POST", "/clusterpolicies/tight:dryrun?pageSize=2&page=2&fuzzySearch=requests.cpu", undefined, admin);
  assert.deepEqual([page.body.pagination.total, page.body.items.length], [3, 1]);
});

test("Warn mode sets only the warn and audit Pod Security labels", async () => {
  await post({ name: "warn-baseline", kind: "PodSecurity", level: "baseline", version: "v1.30", clusters: { names: ["sim-2"] }, mode: "Warn" });
  await applied("warn-baseline", 2);
  const labels = (await t.sim.cluster("sim-2").client.get(R.namespaces, "", "shop")).metadata?.labels ?? {};
  const psa = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith("pod-security.kubernetes.io/")));
  assert.deepEqual(psa, {
    "pod-security.kubernetes.io/audit": "baseline",
    "pod-security.kubernetes.io/audit-version": "v1.30",
    "pod-security.kubernetes.io/warn": "baseline",
    "pod-security.kubernetes.io/warn-version": "v1.30",
  });
  // A namespace's own labels are then a manual change the REST refuses: the policy keeps them.
  const r = await t.call("POST", "/clusters/sim-2/namespaces/shop/podsecurity:enable", { level: "restricted" }, admin);
  assert.equal(r.status, 409);
  assert.match(r.body.message, /kept by cluster policy "warn-baseline"/);
  // Back to DryRun: what the policy set goes, and the namespaces wait.
  const put = await t.call("PUT", "/clusterpolicies/warn-baseline", { kind: "PodSecurity", level: "baseline", clusters: { names: ["sim-2"] }, mode: "DryRun" }, admin);
  assert.equal(put.status, 200);
  await until("labels removed", async () => {
    const l = (await t.sim.cluster("sim-2").client.get(R.namespaces, "", "shop")).metadata?.labels ?? {};
    return !Object.keys(l).some((k) => k.startsWith("pod-security.kubernetes.io/") || k === "kpanda.io/cluster-policy");
  });
  await until("Pending", async () => (await t.call("GET", "/clusterpolicies/warn-baseline/compliance", undefined, admin)).body.totals.fleet.Pending === 2);
});

test("a ClusterAdmin manages policies naming only its own clusters; selectors are the Owner's", async () => {
  const token = await t.addUser("ops1", [{ role: "ClusterAdmin", cluster: "sim-1" }]);
  const body = (clusters: object) => ({ name: "ops1-quota", kind: "ResourceQuota", template: { hard: { pods: "50" } }, clusters, mode: "DryRun" });
  assert.equal((await t.call("POST", "/clusterpolicies", body({ names: ["sim-1", "sim-2"] }), token)).status, 403);
  assert.equal((await t.call("POST", "/clusterpolicies", body({ selector: {} }), token)).status, 403);
  assert.equal((await t.call("POST", "/clusterpolicies", body({ names: ["sim-1"] }), token)).status, 201);
  const mine = await t.call("GET", "/clusterpolicies", undefined, token);
  assert.deepEqual(mine.body.items.map((p: { name: string }) => p.name), ["ops1-quota"]);
  assert.equal((await t.call("GET", "/clusterpolicies/tight", undefined, token)).status, 403);
  assert.equal((await t.call("DELETE", "/clusterpolicies/ops1-quota", undefined, token)).status, 200);
  // Bad input is a 400 that says what is wrong.
  const bad = await t.call("POST", "/clusterpolicies", { name: "x", kind: "PodSecurity", clusters: { names: ["sim-1"] }, mode: "Enforce" }, admin);
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /level must be one of privileged, baseline, restricted/);
});

test("the objects of a deleted network policy go from every cluster", async () => {
  assert.equal((await t.call("DELETE", "/clusterpolicies/same-ns-only", undefined, admin)).status, 200);
  for (const c of t.sim.clusters) {
    await until(`${c.name}: network policy gone`, async () => (await c.client.list(NETPOLS, "shop")).items.every((n: KObject) => n.metadata?.name !== "kpanda-policy-same-ns-only"));
  }
});
