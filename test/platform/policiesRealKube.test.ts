// Cluster policies on a real member, when KPANDA_TEST_KUBECONFIG names one
// (e.g. the kube-apiserver v1.20.2 of ~/.cache/real-kube): nothing a policy
// does needs an API newer than 1.20. The policies select only a namespace
// of this test's own (the server is shared), by a label.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";
import { integrate, until } from "./members.ts";
import type { SimulatedCluster } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";

const kubeconfig = process.env.KPANDA_TEST_KUBECONFIG;
const skip = !kubeconfig && "KPANDA_TEST_KUBECONFIG is not set";
const NS = `kpanda-policies-${process.pid}`;
const kubectl = (args: string[], allowFail = false) => runKubectl(["--kubeconfig", kubeconfig!, ...args], { allowFail });

let t: TestPlatform;
let admin: string;
before(async () => {
  if (skip) return;
  t = await startTestPlatform();
  admin = await t.adminToken();
  await integrate(t, { name: "real", kubeconfigPath: kubeconfig } as SimulatedCluster);
  await kubectl(["create", "namespace", NS]);
  await kubectl(["label", "namespace", NS, `kpanda-test=${NS}`]);
});
after(async () => {
  if (skip) return;
  await kubectl(["delete", "namespace", NS, "--wait=false"], true);
  await t?.close();
});

const policy = (name: string, kind: string, template: object, mode = "Enforce") => ({
  name,
  kind,
  template,
  clusters: { names: ["real"] },
  namespaceSelector: { matchLabels: { "kpanda-test": NS } },
  mode,
});

test("on a v1.20 member a quota and a network policy are applied, repaired and removed", { skip }, async () => {
  assert.equal((await t.call("POST", "/clusterpolicies", policy("real-quota", "ResourceQuota", { hard: { pods: "10" } }), admin)).status, 201);
  const deny = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
  assert.equal((await t.call("POST", "/clusterpolicies", policy("real-deny", "NetworkPolicy", deny), admin)).status, 201);
  const get = async (kind: string, name: string) => {
    const r = await kubectl(["get", kind, name, "-n", NS, "-o", "json"], true);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
  };
  const quota = await until("quota on the real member", () => get("resourcequota", "kpanda-policy-real-quota"));
  assert.equal(quota.spec.hard.pods, "10");
  await until("network policy on the real member", () => get("networkpolicy", "kpanda-policy-real-deny"));
  await until("both Applied", async () => {
    const a = (await t.call("GET", "/clusterpolicies/real-quota/compliance", undefined, admin)).body;
    const b = (await t.call("GET", "/clusterpolicies/real-deny/compliance", undefined, admin)).body;
    return a.totals.fleet.Applied === 1 && b.totals.fleet.Applied === 1;
  });
  await kubectl(["delete", "resourcequota", "kpanda-policy-real-quota", "-n", NS]);
  await until("quota back", async () => (await get("resourcequota", "kpanda-policy-real-quota"))?.metadata.uid !== quota.metadata.uid && (await get("resourcequota", "kpanda-policy-real-quota")), 5000);
  assert.equal((await t.call("DELETE", "/clusterpolicies/real-quota", undefined, admin)).status, 200);
  assert.equal((await t.call("DELETE", "/clusterpolicies/real-deny", undefined, admin)).status, 200);
  await until("objects removed", async () => !(await get("resourcequota", "kpanda-policy-real-quota")) && !(await get("networkpolicy", "kpanda-policy-real-deny")));
});

test("a pod-security dry run on a member older than 1.23 says the labels would have no effect", { skip }, async () => {
  const p = { ...policy("real-restricted", "PodSecurity", {}, "DryRun"), template: undefined, level: "restricted" };
  assert.equal((await t.call("POST", "/clusterpolicies", p, admin)).status, 201);
  const run = await t.call("POST", "/clusterpolicies/real-restricted:dryrun", undefined, admin);
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.items.length, 1);
  assert.equal(run.body.items[0].kind, "Cluster");
  assert.match(run.body.items[0].reason, /^Kubernetes v1\.20\.\d+ has no Pod Security admission on by default/);
  assert.equal((await t.call("DELETE", "/clusterpolicies/real-restricted", undefined, admin)).status, 200);
});
