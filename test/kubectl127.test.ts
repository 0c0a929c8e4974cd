// kubectl 1.27 (and 1.28) fetch /openapi/v2 as gnostic protobuf before
// apply, diff and explain, and fail on anything else with "proto: cannot
// parse invalid wire-format data". The key flows with that client; the
// other kubectl suites can run with it too: KPANDA_TEST_KUBECTL=<path of
// kubectl.1.27> node --test test/kubectl*.test.ts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, kubectlVersion, startCluster } from "./harness.ts";

const kubectl127 = kubectlVersion("1.27");
if (!kubectl127) {
  console.error(
    "\n*** SKIPPING kubectl 1.27 tests: no kubectl.1.27 beside the kubectl on the PATH ***\n",
  );
}

let cluster: Cluster;
before(async () => {
  if (kubectl127) cluster = await startCluster({ kubectl: kubectl127 });
});
after(() => cluster?.close());

const deployment = (ns: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

test("the client is kubectl 1.27", { skip: !kubectl127 }, async () => {
  const out = JSON.parse((await cluster.kubectl(["version", "--client", "-o", "json"])).stdout);
  assert.equal(`${out.clientVersion.major}.${out.clientVersion.minor}`, "1.27");
});

test("kubectl 1.27 apply creates then updates, and diff shows the change", { skip: !kubectl127 }, async () => {
  const ns = await cluster.namespace("k127-apply");
  const created = await cluster.apply(deployment(ns, 1));
  assert.match(created.stdout, /deployment.apps\/web created/);
  // kubectl diff exits 1 when there are differences, 0 when none (kubectl diff --help).
  const diff = await cluster.kubectl(["diff", "-f", "-"], { input: deployment(ns, 3), allowFail: true });
  assert.equal(diff.code, 1, diff.stderr);
  assert.match(diff.stdout, /^- {2}replicas: 1$/m);
  assert.match(diff.stdout, /^\+ {2}replicas: 3$/m);
  const updated = await cluster.apply(deployment(ns, 3));
  assert.match(updated.stdout, /deployment.apps\/web configured/);
  const same = await cluster.kubectl(["diff", "-f", "-"], { input: deployment(ns, 3), allowFail: true });
  assert.equal(same.code, 0, same.stderr);
  const got = JSON.parse((await cluster.kubectl(["get", "deployment", "web", "-n", ns, "-o", "json"])).stdout);
  assert.equal(got.spec.replicas, 3);
  // Client-side apply records what it applied (kubectl apply's last-applied annotation).
  const last = JSON.parse(got.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
  assert.equal(last.spec.replicas, 3);
});

test("kubectl 1.27 explain deployment.spec describes its fields", { skip: !kubectl127 }, async () => {
  const out = (await cluster.kubectl(["explain", "deployment.spec"])).stdout;
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /FIELD: spec <DeploymentSpec>|FIELD:\s+spec <Object>/);
  assert.match(out, /^ {2}replicas\s+<integer>/m);
  assert.match(out, /^ {2}template\s+<PodTemplateSpec> -required-/m);
});

test("kubectl 1.27 apply --server-side and get", { skip: !kubectl127 }, async () => {
  const ns = await cluster.namespace("k127-ssa");
  const out = await cluster.apply(deployment(ns, 2), ["--server-side"]);
  assert.match(out.stdout, /deployment.apps\/web serverside-applied/);
  const args = ["get", "deployment", "web", "-n", ns, "-o", "json", "--show-managed-fields"];
  const got = JSON.parse((await cluster.kubectl(args)).stdout);
  assert.equal(got.spec.replicas, 2);
  assert.ok(got.metadata.managedFields.some((e: any) => e.manager === "kubectl" && e.operation === "Apply"));
  const table = (await cluster.kubectl(["get", "deployments", "-n", ns])).stdout;
  assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  assert.match(table, /^web\s/m);
});
