// Unit tests of the policies' pure parts: reading members' warnings,
// comparing what a policy wants with what a member holds, and the dry-run
// findings and namespace computations per kind.
import assert from "node:assert/strict";
import { test } from "node:test";
import { holds } from "./desired.ts";
import { warningFindings } from "./dryrun.ts";
import { allowed, limitRangeFindings, networkPolicyFindings, quotaFindings } from "./findings.ts";
import { parseWarnings } from "./memberCall.ts";
import { computeLimitRanges, computeQuotas } from "./namespaceCompute.ts";

test("Warning headers are read as kube-apiserver writes them, one or several values per header", () => {
  // NewWarningHeader: `299 - "text"` with `"` and `\` escaped; a client may get several joined by commas.
  const one = '299 - "existing pods in namespace \\"x\\" violate the new PodSecurity enforce level \\"restricted:latest\\""';
  const two = `${one}, 299 - "p: privileged, runAsNonRoot != true"`;
  assert.deepEqual(parseWarnings([two]), [
    'existing pods in namespace "x" violate the new PodSecurity enforce level "restricted:latest"',
    "p: privileged, runAsNonRoot != true",
  ]);
  assert.deepEqual(parseWarnings([one, '299 - "a \\\\ b"']), [parseWarnings([one])[0], "a \\ b"]);
  assert.deepEqual(parseWarnings(undefined), []);
});

test("a pod-security warning line becomes a finding naming its pod, with the others of its set counted", () => {
  const f = warningFindings("c", "ns", [
    'existing pods in namespace "ns" violate the new PodSecurity enforce level "restricted:latest"',
    "a-1 (and 2 other pods): runAsNonRoot != true",
    "b: privileged",
    "new PodSecurity enforce level only checked against the first 3000 of 4000 existing pods",
  ]);
  assert.deepEqual(f, [
    { cluster: "c", namespace: "ns", kind: "Pod", name: "a-1", reason: "runAsNonRoot != true (and 2 other pods with the same violations)" },
    { cluster: "c", namespace: "ns", kind: "Pod", name: "b", reason: "privileged" },
    { cluster: "c", namespace: "ns", kind: "Namespace", name: "ns", reason: "new PodSecurity enforce level only checked against the first 3000 of 4000 existing pods" },
  ]);
});

test("what the member adds to a policy's object (defaults, canonical quantities) is no difference; a changed value is", () => {
  const want = { hard: { "requests.cpu": "1000m", pods: "10" }, podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] };
  const got = { hard: { "requests.cpu": "1", pods: "10" }, podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 80, protocol: "TCP" }] }] };
  assert.ok(holds(want, got));
  assert.ok(!holds(want, { ...got, hard: { "requests.cpu": "2", pods: "10" } }));
  assert.ok(!holds(want, { ...got, ingress: [] }));
});

const pod = (name: string, containers: object[], labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: "ns", labels },
  spec: { containers },
  status: { phase: "Running" },
});

test("quota findings: usage over each hard limit, and by how much", () => {
  const pods = [pod("a", [{ name: "c", resources: { requests: { cpu: "600m" } } }]), pod("b", [{ name: "c", resources: { requests: { cpu: "600m" } } }])];
  const f = quotaFindings({ hard: { "requests.cpu": "1", pods: "5" } }, [{ kind: { group: "", resource: "pods" }, items: pods }], "q");
  assert.deepEqual(f, [{ kind: "ResourceQuota", name: "q", reason: "requests.cpu: 1200m in use exceeds the hard limit 1 by 200m" }]);
});

test("limit range findings: defaults a pod would get and containers outside min and max, in LimitRanger's words", () => {
  const lr = { limits: [{ type: "Container", max: { cpu: "1" }, default: { cpu: "500m" }, defaultRequest: { cpu: "100m" } }] };
  const f = limitRangeFindings(lr, [pod("big", [{ name: "app", resources: { limits: { cpu: "2" }, requests: { cpu: "1" } } }]), pod("bare", [{ name: "app" }])]);
  assert.deepEqual(f, [
    { kind: "Pod", name: "big", reason: "container app: maximum cpu usage per Container is 1, but limit is 2" },
    { kind: "Pod", name: "bare", reason: "would get defaults when created again: cpu request for container app; cpu limit for container app" },
  ]);
});

test("network policy findings: selected pods not isolated yet, and what stays allowed", () => {
  const t = { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] };
  const pods = [pod("a", [], { app: "a" }), pod("b", [], { app: "b" })];
  const existing = [{ metadata: { name: "x" }, spec: { podSelector: { matchLabels: { app: "b" } }, policyTypes: ["Ingress"] } }];
  assert.deepEqual(networkPolicyFindings(t, "ns", pods, existing), [
    { kind: "Pod", name: "a", reason: "would become isolated for ingress: only ingress from every pod of namespace ns is allowed" },
  ]);
  assert.equal(allowed([], "Egress", "ns"), "all egress is denied");
});

test("quota compute: per resource the quota with the least room left", () => {
  const r = computeQuotas([
    { metadata: { name: "a" }, status: { hard: { pods: "10", "requests.cpu": "4" }, used: { pods: "5", "requests.cpu": "1" } } },
    { metadata: { name: "b" }, status: { hard: { pods: "6" }, used: { pods: "5" } } },
  ]);
  assert.deepEqual(r.resources, [
    { resource: "pods", hard: "6", used: "5", remaining: "1", percent: 83.3, quota: "b" },
    { resource: "requests.cpu", hard: "4", used: "1", remaining: "3", percent: 25, quota: "a" },
  ]);
});

test("limit range compute: the first LimitRange to default a resource decides it; the tightest min and max bind", () => {
  const r = computeLimitRanges([
    { metadata: { name: "a" }, spec: { limits: [{ type: "Container", default: { cpu: "200m" }, min: { cpu: "50m" }, max: { cpu: "2" } }] } },
    { metadata: { name: "b" }, spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, min: { cpu: "100m" }, max: { cpu: "4" } }] } },
  ]);
  assert.deepEqual(r, [
    { type: "Container", default: { cpu: "200m", memory: "1Gi" }, defaultRequest: {}, min: { cpu: "100m" }, max: { cpu: "2" }, maxLimitRequestRatio: {} },
  ]);
});
