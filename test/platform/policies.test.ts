// Cluster policies over three simulated clusters: a ResourceQuota policy
// reaches every namespace (and new ones), is repaired after a hand
// deletion, respects a user's own quota (a Conflict), and goes with the
// policy. Timings are the issue's: new namespaces and repairs within 5 s.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type KObject, R } from "../../src/apiserver/client.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const QUOTAS = { group: "", version: "v1", resource: "resourcequotas" };
const LIMITS = { group: "", version: "v1", resource: "limitranges" };
const DEFAULT_EXCLUDED = ["kube-system", "kube-public", "kube-node-lease"];

let t: WithMembers;
let admin: string;
before(async () => {
  t = await startWithMembers({ clusters: 3, nodes: 1 });
  admin = await t.adminToken();
  for (const c of t.sim.clusters) {
    for (const ns of ["team-a", "team-b"]) await c.client.create(R.namespaces, "", { metadata: { name: ns, labels: { tier: "apps" } } });
  }
});
after(() => t?.close());

const quotaIn = async (cluster: string, ns: string, name: string) =>
  t.sim
    .cluster(cluster)
    .client.get(QUOTAS, ns, name)
    .catch(() => undefined);

async function namespacesOf(cluster: string): Promise<string[]> {
  return (await t.sim.cluster(cluster).client.list(R.namespaces, undefined)).items.map((n: KObject) => n.metadata!.name!);
}

async function compliance(name: string, query = "") {
  const r = await t.call("GET", `/clusterpolicies/${name}/compliance?pageSize=500${query}`, undefined, admin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test("a quota policy over all clusters reaches every namespace but the excluded ones, and a namespace created afterwards within 5 s", async () => {
  const hard = { pods: "20", "requests.cpu": "4" };
  const created = await t.call(
    "POST",
    "/clusterpolicies",
    { name: "team-quota", kind: "ResourceQuota", template: { hard }, clusters: { selector: {} }, mode: "Enforce" },
    admin,
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  // Omitted exclusions are the defaults: the system namespaces and kpanda's own.
  assert.deepEqual(created.body.exclude, [...DEFAULT_EXCLUDED, "kpanda-system"]);
  for (const c of t.sim.clusters) {
    for (const ns of await namespacesOf(c.name)) {
      if (DEFAULT_EXCLUDED.includes(ns) || ns === "kpanda-system") continue;
      const q = await until(`quota in ${c.name}/${ns}`, () => quotaIn(c.name, ns, "kpanda-policy-team-quota"));
      assert.deepEqual(q.spec.hard, hard);
      assert.equal(q.metadata?.labels?.["kpanda.io/cluster-policy"], "team-quota");
      assert.equal(q.metadata?.annotations?.["kpanda.io/cluster-policy"], "team-quota");
    }
    assert.equal(await quotaIn(c.name, "kube-system", "kpanda-policy-team-quota"), undefined);
  }
  const body = await until("every namespace Applied and reported", async () => {
    const b = await compliance("team-quota");
    return b.totals.fleet.Applied === 9 && b;
  });
  // default, team-a, team-b on each of three clusters; the three system namespaces Excluded on each.
  assert.equal(body.totals.fleet.Excluded, 9);
  for (const c of t.sim.clusters) assert.equal(body.totals.clusters[c.name].Applied, 3);
  const row = body.items.find((i: any) => i.cluster === "sim-2" && i.namespace === "team-a");
  assert.equal(row.state, "Applied");
  assert.ok(!Number.isNaN(Date.parse(row.time)));

  const start = Date.now();
  await t.sim.cluster("sim-3").client.create(R.namespaces, "", { metadata: { name: "created-later" } });
  await until("quota in the new namespace", () => quotaIn("sim-3", "created-later", "kpanda-policy-team-quota"), 5000);
  t.platform.ctx.log.info({ ms: Date.now() - start }, "new namespace got its quota");
});

test("a quota deleted by hand in a member is back within 5 s and reported Repaired", async () => {
  const c = t.sim.cluster("sim-1");
  await until("quota in team-b", () => quotaIn("sim-1", "team-b", "kpanda-policy-team-quota"));
  await until("team-b Applied", async () => (await compliance("team-quota", "&cluster=sim-1")).items.some((i: any) => i.namespace === "team-b" && i.state === "Applied"));
  const old = await quotaIn("sim-1", "team-b", "kpanda-policy-team-quota");
  await c.client.delete(QUOTAS, "team-b", "kpanda-policy-team-quota");
  const back = await until("quota recreated", async () => {
    const q = await quotaIn("sim-1", "team-b", "kpanda-policy-team-quota");
    return q && q.metadata!.uid !== old!.metadata!.uid ? q : undefined;
  }, 5000);
  assert.deepEqual(back.spec.hard, { pods: "20", "requests.cpu": "4" });
  const row = await until("Repaired in compliance", async () => {
    const b = await compliance("team-quota", "&cluster=sim-1&state=Repaired");
    return b.items.find((i: any) => i.namespace === "team-b");
  });
  assert.match(row.reason, /deleted in the member/);

  // An edit is put back too.
  await c.client.patch(QUOTAS, "team-a", "kpanda-policy-team-quota", "merge", { spec: { hard: { pods: "1000" } } });
  await until("quota restored", async () => (await quotaIn("sim-1", "team-a", "kpanda-policy-team-quota"))?.spec.hard.pods === "20", 5000);
});

test("a user's own quota in a namespace is reported as a Conflict and left alone", async () => {
  const c = t.sim.cluster("sim-2");
  await c.client.create(R.namespaces, "", { metadata: { name: "own-quota" } });
  // Created with the namespace, before the policy's controller sees it (a quota of the user's own).
  await c.client.create(QUOTAS, "own-quota", { metadata: { name: "mine" }, spec: { hard: { pods: "3" } } });
  const row = await until("Conflict reported", async () => {
    const b = await compliance("team-quota", "&cluster=sim-2");
    return b.items.find((i: any) => i.namespace === "own-quota" && i.state === "Conflict");
  });
  assert.match(row.reason, /ResourceQuota "mine"/);
  assert.equal((await quotaIn("sim-2", "own-quota", "mine"))?.spec.hard.pods, "3");
  assert.equal(await quotaIn("sim-2", "own-quota", "kpanda-policy-team-quota"), undefined);
});

test("deleting the policy removes its quotas from every cluster; keep=true leaves them", async () => {
  const kept = await t.call(
    "POST",
    "/clusterpolicies",
    // Another kind: a second quota policy would meet the first one's quotas as conflicts.
    { name: "kept-limits", kind: "LimitRange", template: { limits: [{ type: "Container", max: { cpu: "2" } }] }, clusters: { names: ["sim-1"] }, mode: "Enforce" },
    admin,
  );
  assert.equal(kept.status, 201, JSON.stringify(kept.body));
  const limits = (ns: string) => t.sim.cluster("sim-1").client.get(LIMITS, ns, "kpanda-policy-kept-limits").catch(() => undefined);
  await until("kept-limits applied", () => limits("team-a"));
  assert.equal((await t.call("DELETE", "/clusterpolicies/kept-limits?keep=true", undefined, admin)).status, 200);
  const del = await t.call("DELETE", "/clusterpolicies/team-quota", undefined, admin);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  await until("policies gone from the host", async () => (await t.call("GET", "/clusterpolicies", undefined, admin)).body.items.length === 0);
  for (const c of t.sim.clusters) {
    const left = (await c.client.list(QUOTAS, undefined, { labelSelector: "kpanda.io/cluster-policy=team-quota" })).items;
    assert.deepEqual(left.map((q: KObject) => `${q.metadata?.namespace}/${q.metadata?.name}`), [], `${c.name} still has quotas`);
  }
  assert.ok(await limits("team-a"), "keep=true leaves what the policy made");
  assert.equal((await quotaIn("sim-2", "own-quota", "mine"))?.spec.hard.pods, "3", "the user's own quota stays");
});
