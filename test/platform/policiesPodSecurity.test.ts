// A Restricted Pod Security policy over three simulated clusters running
// the demo shop and a privileged log agent: its dry run names the pods the
// members' own Pod Security admission says would violate it, then, enforced,
// a new privileged pod is refused with the member's error everywhere but in
// the excluded namespaces.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { R } from "../../src/apiserver/client.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const SHOP = fileURLToPath(new URL("../../src/platform/demo/workloads/shop.yaml", import.meta.url));

/** A node agent of the kind that runs privileged (a log collector reading the host). */
const agent = (namespace: string) => ({
  metadata: { name: "log-agent", namespace },
  spec: {
    selector: { matchLabels: { app: "log-agent" } },
    template: {
      metadata: { labels: { app: "log-agent" } },
      spec: { containers: [{ name: "agent", image: "fluent/fluent-bit:3.0", securityContext: { privileged: true } }] },
    },
  },
});
const privilegedPod = (name: string) => ({
  metadata: { name },
  spec: { containers: [{ name: "debug", image: "busybox:1.36", securityContext: { privileged: true } }] },
});

let t: WithMembers;
let admin: string;
before(async () => {
  t = await startWithMembers({ clusters: 3, nodes: 1 });
  admin = await t.adminToken();
  for (const c of t.sim.clusters) {
    await t.direct(c.name, ["apply", "-f", SHOP]);
    for (const ns of ["shop", "kube-system"]) await c.client.create(R.daemonsets, ns, agent(ns));
  }
  for (const c of t.sim.clusters) {
    await until(`${c.name}: the shop's and the agents' pods`, async () => {
      const pods = (await c.client.list(R.pods, undefined)).items;
      return pods.filter((p) => p.metadata?.namespace === "shop").length === 6 && pods.some((p) => p.metadata?.namespace === "kube-system");
    }, 30_000);
  }
});
after(() => t?.close());

test("a Restricted pod-security dry run names, per cluster, the privileged pods the members already run", async () => {
  const created = await t.call("POST", "/clusterpolicies", { name: "restricted", kind: "PodSecurity", level: "restricted", clusters: { selector: {} }, mode: "DryRun" }, admin);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.version, "latest");
  const run = await t.call("POST", "/clusterpolicies/restricted:dryrun?pageSize=500", undefined, admin);
  assert.equal(run.status, 200, JSON.stringify(run.body));
  for (const c of t.sim.clusters) {
    const agentPod = (await c.client.list(R.pods, "shop", { labelSelector: "app=log-agent" })).items[0];
    const f = run.body.items.find((x: any) => x.cluster === c.name && x.name === agentPod.metadata!.name);
    assert.ok(f, `${c.name}: no finding names ${agentPod.metadata!.name}: ${JSON.stringify(run.body.items)}`);
    assert.equal(f.namespace, "shop");
    assert.equal(f.kind, "Pod");
    // The member's wording: EvaluatePodsInNamespace lists each pod's ForbiddenReason, the checks' short reasons.
    assert.match(f.reason, /^privileged, allowPrivilegeEscalation != false/);
    // Kube names one pod per set of violations, the first by name: web's three pods and cache's two
    // (no securityContext at all) are one finding.
    const rest = run.body.items.filter((x: any) => x.cluster === c.name && x !== f);
    assert.deepEqual(rest.map((x: any) => x.name), ["cache-0"]);
    assert.match(rest[0].reason, /^allowPrivilegeEscalation != false, .* \(and 4 other pods with the same violations\)$/);
  }
  // Excluded namespaces are not looked at.
  assert.ok(!run.body.items.some((x: any) => x.namespace === "kube-system"));
  // Searchable and paged like any list.
  const searched = await t.call("POST", "/clusterpolicies/restricted:dryrun?fuzzySearch=privileged&cluster=sim-2&pageSize=1", undefined, admin);
  assert.equal(searched.status, 200);
  assert.equal(searched.body.pagination.total, 1);
  assert.match(searched.body.items[0].name, /^log-agent-/);
  // A dry run changes nothing.
  const shop = await t.sim.cluster("sim-1").client.get(R.namespaces, "", "shop");
  assert.equal(shop.metadata?.labels?.["pod-security.kubernetes.io/enforce"], undefined);
  const comp = await until("Pending in compliance", async () => {
    const r = await t.call("GET", "/clusterpolicies/restricted/compliance?state=Pending", undefined, admin);
    return r.body.pagination.total === 6 && r.body;
  });
  assert.match(comp.items[0].reason, /mode DryRun/);
});

test("enforced, a new privileged pod is refused with the member's error everywhere but in excluded namespaces", async () => {
  const put = await t.call("PUT", "/clusterpolicies/restricted", { kind: "PodSecurity", level: "restricted", clusters: { selector: {} }, mode: "Enforce" }, admin);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await until("Applied on every target namespace", async () => {
    const r = await t.call("GET", "/clusterpolicies/restricted/compliance", undefined, admin);
    return r.body.totals.fleet.Applied === 6;
  });
  // The DryRun reason is gone from the Applied rows (not left behind by the status patch).
  const applied = await t.call("GET", "/clusterpolicies/restricted/compliance?state=Applied", undefined, admin);
  for (const row of applied.body.items) assert.equal(row.reason, undefined, JSON.stringify(row));
  for (const c of t.sim.clusters) {
    const ns = await c.client.get(R.namespaces, "", "shop");
    for (const mode of ["enforce", "audit", "warn"]) {
      assert.equal(ns.metadata?.labels?.[`pod-security.kubernetes.io/${mode}`], "restricted");
      assert.equal(ns.metadata?.labels?.[`pod-security.kubernetes.io/${mode}-version`], "latest");
    }
    const refused = await c.client.create(R.pods, "shop", privilegedPod("debug")).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(refused, `${c.name}: a privileged pod was admitted in shop`);
    assert.equal(refused.code, 403);
    // kube-apiserver's text (pod-security-admission, admission.go): pods "debug" is forbidden: violates PodSecurity "restricted:latest": …
    assert.match(refused.message, /^pods "debug" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "debug" must not set securityContext\.privileged=true\)/);
    await c.client.create(R.pods, "kube-system", privilegedPod("debug"));
  }
  // Relabelled by hand, the namespace is put back.
  const c = t.sim.cluster("sim-3");
  await c.client.patch(R.namespaces, "", "shop", "merge", { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } });
  await until("enforce label restored", async () => (await c.client.get(R.namespaces, "", "shop")).metadata?.labels?.["pod-security.kubernetes.io/enforce"] === "restricted", 5000);
});

test("deleting the pod-security policy removes its labels", async () => {
  assert.equal((await t.call("DELETE", "/clusterpolicies/restricted", undefined, admin)).status, 200);
  for (const c of t.sim.clusters) {
    await until(`${c.name}: labels gone`, async () => {
      const labels = (await c.client.get(R.namespaces, "", "shop")).metadata?.labels ?? {};
      return !Object.keys(labels).some((k) => k.startsWith("pod-security.kubernetes.io/") || k === "kpanda.io/cluster-policy");
    });
  }
});
