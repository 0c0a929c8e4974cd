// Policies of one namespace through the REST API, made on the member as the
// caller: NetworkPolicies, ResourceQuotas and LimitRanges (create, read,
// replace, delete, dry run), what quotas and limit ranges add up to, and
// the Pod Security labels.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { R } from "../../src/apiserver/client.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const QUOTAS = { group: "", version: "v1", resource: "resourcequotas" };
const NS = "/clusters/sim-1/namespaces/team";

let t: WithMembers;
let admin: string;
before(async () => {
  t = await startWithMembers({ clusters: 1, nodes: 1 });
  admin = await t.adminToken();
  const c = t.sim.cluster("sim-1");
  await c.client.create(R.namespaces, "", { metadata: { name: "team" } });
  await c.client.create(R.pods, "team", {
    metadata: { name: "root-shell" },
    spec: { containers: [{ name: "sh", image: "busybox:1.36", securityContext: { privileged: true }, resources: { requests: { cpu: "250m", memory: "64Mi" } } }] },
  });
});
after(() => t?.close());

const netpol = { metadata: { name: "web-in" }, spec: { podSelector: { matchLabels: { app: "web" } }, ingress: [{ ports: [{ port: 8080 }] }] } };

test("a NetworkPolicy is created, read, replaced and deleted through kpanda, and a dry run stores nothing", async () => {
  const dry = await t.call("POST", `${NS}/networkpolicies?dryRun=All`, netpol, admin);
  assert.equal(dry.status, 201, JSON.stringify(dry.body));
  assert.equal((await t.call("GET", `${NS}/networkpolicies/web-in`, undefined, admin)).status, 404);
  const created = await t.call("POST", `${NS}/networkpolicies`, netpol, admin);
  assert.equal(created.status, 201);
  // The member's defaults: policyTypes from the rules, a port's protocol TCP (networking/v1 defaults).
  assert.deepEqual(created.body.spec.policyTypes, ["Ingress"]);
  assert.equal(created.body.spec.ingress[0].ports[0].protocol, "TCP");
  const got = await t.call("GET", `${NS}/networkpolicies/web-in`, undefined, admin);
  assert.equal(got.body.metadata.managedFields, undefined);
  const raw = await t.call("GET", `${NS}/networkpolicies/web-in/json`, undefined, admin);
  assert.equal(raw.body.metadata.name, "web-in");
  const changed = { ...got.body, spec: { ...got.body.spec, ingress: [{ ports: [{ port: 9090 }] }] } };
  const put = await t.call("PUT", `${NS}/networkpolicies/web-in`, changed, admin);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.spec.ingress[0].ports[0].port, 9090);
  assert.equal((await t.call("PUT", `${NS}/networkpolicies/other`, changed, admin)).status, 400);
  assert.equal((await t.call("DELETE", `${NS}/networkpolicies/web-in`, undefined, admin)).status, 200);
  assert.equal((await t.call("GET", `${NS}/networkpolicies/web-in`, undefined, admin)).status, 404);
  const audit = (await t.auditEntries()).filter((e) => e.resource === "networkpolicies");
  assert.deepEqual(audit.map((e) => [e.verb, e.name, e.namespace, e.code]), [
    ["create", "web-in", "team", 201],
    ["create", "web-in", "team", 201],
    ["update", "web-in", "team", 200],
    ["update", "other", "team", 400],
    ["delete", "web-in", "team", 200],
  ]);
});

test("the member's RBAC decides: an NS editor writes NetworkPolicies but not quotas; a viewer writes neither", async () => {
  const editor = await t.addUser("ed", [{ role: "NSEditor", cluster: "sim-1", namespace: "team" }]);
  const viewer = await t.addUser("vi", [{ role: "NSViewer", cluster: "sim-1", namespace: "team" }]);
  await until("member bindings", async () => (await t.call("POST", `${NS}/networkpolicies?dryRun=All`, netpol, editor)).status === 201);
  const quota = { metadata: { name: "q" }, spec: { hard: { pods: "10" } } };
  // Kubernetes' edit role (kpanda-ns-edit) has networkpolicies but only reads resourcequotas.
  const refused = await t.call("POST", `${NS}/resourcequotas`, quota, editor);
  assert.equal(refused.status, 403);
  assert.match(refused.body.message, /User "kpanda:ed" cannot create resource "resourcequotas"/);
  assert.equal(refused.body.cluster, "sim-1");
  assert.equal((await t.call("POST", `${NS}/networkpolicies`, netpol, viewer)).status, 403);
  assert.equal((await t.call("GET", `${NS}/networkpolicies/web-in`, undefined, viewer)).status, 404);
});

test("resourcequotas:compute shows usage against each hard limit; limitranges:compute the effective defaults, min and max", async () => {
  assert.equal((await t.call("POST", `${NS}/resourcequotas`, { metadata: { name: "compute" }, spec: { hard: { "requests.cpu": "1", pods: "4" } } }, admin)).status, 201);
  assert.equal((await t.call("POST", `${NS}/resourcequotas`, { metadata: { name: "pods" }, spec: { hard: { pods: "2" } } }, admin)).status, 201);
  // The member's quota controller fills in status.used.
  await until("quota usage", async () => (await t.sim.cluster("sim-1").client.get(QUOTAS, "team", "pods")).status?.used?.pods === "1");
  await until("quota usage", async () => (await t.sim.cluster("sim-1").client.get(QUOTAS, "team", "compute")).status?.used?.["requests.cpu"] === "250m");
  const q = await t.call("GET", `${NS}/resourcequotas:compute`, undefined, admin);
  assert.equal(q.status, 200, JSON.stringify(q.body));
  assert.deepEqual(q.body.resources, [
    { resource: "pods", hard: "2", used: "1", remaining: "1", percent: 50, quota: "pods" },
    { resource: "requests.cpu", hard: "1", used: "250m", remaining: "750m", percent: 25, quota: "compute" },
  ]);
  // As YAML, as a form's YAML view sends it.
  const yaml = "metadata:\n  name: limits\nspec:\n  limits:\n    - type: Container\n      max: {cpu: '2'}\n      default: {cpu: 500m}\n";
  const res = await fetch(`${t.platform.url}/apis/kpanda.io/v1alpha1${NS}/limitranges`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/yaml" },
    body: yaml,
  });
  assert.equal(res.status, 201, await res.text());
  const l = await t.call("GET", `${NS}/limitranges:compute`, undefined, admin);
  assert.equal(l.status, 200);
  // The member defaulted defaultRequest from default (LimitRange defaulting in core/v1).
  assert.deepEqual(l.body, {
    limitRanges: ["limits"],
    types: [{ type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "500m" }, min: {}, max: { cpu: "2" }, maxLimitRequestRatio: {} }],
  });
});

test("podsecurity:enable sets the labels and returns the member's warnings about existing pods; :disable removes them", async () => {
  const nsAdmin = await t.addUser("na", [{ role: "NSAdmin", cluster: "sim-1", namespace: "team" }]);
  assert.equal((await t.call("POST", "/clusters/sim-1/namespaces/team/podsecurity:enable", { level: "baseline" }, nsAdmin)).status, 403);
  const on = await t.call("POST", "/clusters/sim-1/namespaces/team/podsecurity:enable", { level: "baseline", modes: ["enforce", "warn"] }, admin);
  assert.equal(on.status, 200, JSON.stringify(on.body));
  assert.deepEqual(on.body.labels, {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "baseline",
    "pod-security.kubernetes.io/warn-version": "latest",
  });
  assert.deepEqual(on.body.warnings, ['existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"', "root-shell: privileged"]);
  const off = await t.call("POST", "/clusters/sim-1/namespaces/team/podsecurity:disable", undefined, admin);
  assert.equal(off.status, 200);
  assert.deepEqual(off.body.labels, {});
  const labels = (await t.sim.cluster("sim-1").client.get(R.namespaces, "", "team")).metadata?.labels ?? {};
  assert.ok(!Object.keys(labels).some((k) => k.startsWith("pod-security.kubernetes.io/")));
  const audit = (await t.auditEntries()).filter((e) => e.resource === "namespaces/podsecurity" && e.code === 200);
  assert.deepEqual(audit.map((e) => [e.verb, e.namespace]), [["enable", "team"], ["disable", "team"]]);
});
