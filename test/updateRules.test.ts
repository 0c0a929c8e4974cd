// Updates kube-apiserver (1.32) accepts while keeping a field, or refuses
// before validation: the other side of test/immutableFields.test.ts. Runs
// against any cluster with KPANDA_TEST_KUBECONFIG.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";
import { type KubeHttp, kubeHttp } from "./kubeHttp.ts";

let cluster: Cluster;
let http: KubeHttp;
let ns = "";
let minor = 32;
before(async () => {
  cluster = await startCluster();
  http = await kubeHttp(cluster.kubeconfigPath);
  ns = await cluster.namespace("update-rules");
  minor = Number.parseInt((await http("GET", "/version")).body.minor, 10);
});
after(() => cluster.close());

const MERGE = "application/merge-patch+json";

test("a patch that moves metadata.namespace answers 400 and changes nothing", async () => {
  await cluster.apply(yamlDocs({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: ns }, data: { a: "1" } }));
  const path = `/api/v1/namespaces/${ns}/configmaps/cm`;
  const reply = await http("PATCH", path, { metadata: { namespace: "kube-system" }, data: { a: "2" } }, MERGE);
  assert.equal(reply.status, 400, JSON.stringify(reply.body));
  assert.equal(reply.body.reason, "BadRequest");
  // The patch handler's checkName (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go).
  assert.equal(reply.body.message, `the namespace of the object (kube-system) does not match the namespace on the request (${ns})`);
  assert.equal((await http("GET", path)).body.data.a, "1");
});

test("an update keeps a Namespace's spec.finalizers: only the finalize subresource changes them", async () => {
  const name = `fin-${ns}`;
  await cluster.apply(yamlDocs({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
  try {
    // namespace strategy PrepareForUpdate copies the old spec.finalizers.
    const reply = await http("PATCH", `/api/v1/namespaces/${name}`, { metadata: { labels: { a: "b" } }, spec: { finalizers: [] } }, MERGE);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.spec.finalizers, ["kubernetes"]);
    assert.equal(reply.body.metadata.labels.a, "b");
  } finally {
    await http("DELETE", `/api/v1/namespaces/${name}`);
  }
});

test("patching a Service without its clusterIP keeps the allocated one", async (t) => {
  await cluster.apply(yamlDocs({ apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: ns }, spec: { ports: [{ port: 80 }] } }));
  const path = `/api/v1/namespaces/${ns}/services/svc`;
  const ip = (await http("GET", path)).body.spec.clusterIP;
  // patchAllocatedValues: a cleared clusterIP is the allocated one again (1.20 answered 422 here).
  const reply = await http("PATCH", path, { spec: { clusterIP: "" } }, MERGE);
  if (minor <= 20) {
    t.skip("v1.20 answers 422 primary clusterIP can not be unset");
    return;
  }
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.spec.clusterIP, ip);
  assert.deepEqual(reply.body.spec.clusterIPs, [ip]);
});

test("a suspended Job that never started may change its template's scheduling directives", async (t) => {
  if (minor <= 20) {
    t.skip("v1.20 has no spec.suspend");
    return;
  }
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "job", namespace: ns },
    spec: { suspend: true, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } } },
  };
  await cluster.apply(yamlDocs(job));
  // validatePodTemplateUpdate with AllowMutableSchedulingDirectives.
  const patch = { spec: { template: { metadata: { labels: { extra: "x" } }, spec: { nodeSelector: { zone: "a" } } } } };
  const reply = await http("PATCH", `/apis/batch/v1/namespaces/${ns}/jobs/job`, patch, MERGE);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body.spec.template.spec.nodeSelector, { zone: "a" });
});

test("a PodDisruptionBudget's selector may change", async (t) => {
  const pdb = (app: string) => ({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "pdb", namespace: ns },
    spec: { minAvailable: 1, selector: { matchLabels: { app } } },
  });
  if (minor <= 20) {
    t.skip("policy/v1 is served from 1.21");
    return;
  }
  await cluster.apply(yamlDocs(pdb("a")));
  const reply = await http("PATCH", `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/pdb`, { spec: { selector: { matchLabels: { app: "b" } } } }, MERGE);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
});
