// The objects the Secret, PVC and Ingress create forms send
// (web/src/resources/objects.ts) pass a server-side dry run, and the fields
// the browser tests get refused are refused by the server under the names
// the forms show them by. Runs against any cluster named by
// KPANDA_TEST_KUBECONFIG (a real kube-apiserver), else against our server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KObject } from "../../web/src/api/apps.ts";
import { dockerConfigJson, ingressObject, pvcObject, secretObject } from "../../web/src/resources/objects.ts";
import { type Cluster, startCluster } from "../harness.ts";

let c: Cluster;
let ns = "";
before(async () => {
  c = await startCluster();
  ns = await c.namespace("form-objects");
});
after(() => c?.close());

const dryRun = (o: KObject) => c.kubectl(["create", "--dry-run=server", "-f", "-", "-o", "json"], { input: JSON.stringify(o), allowFail: true });

const registry = { server: "registry.example.com", username: "robot", password: "pässword", email: "" };
const noData = { pairs: {}, registry, tls: { crt: "", key: "" } };
const rule = { host: "shop.example.com", path: "/", pathType: "Prefix", service: "web", port: "8080" };
const pvc = { storage: "1Gi", accessModes: ["ReadWriteOnce"], storageClass: "", volumeMode: "Filesystem" };

test("each form's object passes the server's dry run", async () => {
  const objects = [
    secretObject("opaque", ns, "Opaque", { ...noData, pairs: { password: "s3cr3t value" } }),
    secretObject("registry", ns, "kubernetes.io/dockerconfigjson", noData),
    secretObject("tls", ns, "kubernetes.io/tls", { ...noData, tls: { crt: "cert", key: "key" } }),
    pvcObject("data", ns, pvc),
    pvcObject("block", ns, { storage: "500Mi", accessModes: ["ReadWriteMany", "ReadOnlyMany"], storageClass: "fast", volumeMode: "Block" }),
    ingressObject("shop", ns, {
      className: "nginx",
      rules: [rule, { host: "", path: "/api", pathType: "Exact", service: "api", port: "http" }],
      tlsHosts: "shop.example.com, www.example.com",
      tlsSecret: "shop-tls",
    }),
  ];
  for (const o of objects) {
    const r = await dryRun(o);
    assert.equal(r.code, 0, `${o.kind} ${o.metadata.name}: ${r.stderr}`);
  }
});

test("a registry's .dockerconfigjson is the one kubectl create secret docker-registry writes", async () => {
  const r = await c.kubectl([
    "create", "secret", "docker-registry", "x", "--dry-run=client", "-o", "jsonpath={.data.\\.dockerconfigjson}",
    `--docker-server=${registry.server}`, `--docker-username=${registry.username}`, `--docker-password=${registry.password}`,
  ]);
  assert.equal(dockerConfigJson(registry), Buffer.from(r.stdout, "base64").toString());
});

test("the fields the browser tests get refused are named as the forms show them", async () => {
  const cases: [KObject, RegExp][] = [
    // ValidateSecret: a key must be a valid config key, named data[…] (v1's stringData is merged into data
    // before validation).
    [secretObject("bad", ns, "Opaque", { ...noData, pairs: { "pass word": "x" } }), /(^|[^A-Za-z])data\[pass word\]/],
    // ValidatePersistentVolumeClaimSpec: at least 1 access mode.
    [pvcObject("bad", ns, { ...pvc, accessModes: [] }), /spec\.accessModes: Required value/],
    // ... and ValidatePositiveQuantityValue on the storage request.
    [pvcObject("bad", ns, { ...pvc, storage: "0" }), /spec\.resources\[storage\]: Invalid value: "0": must be greater than zero/],
    // validateHTTPIngressPath: a Prefix path must be absolute.
    [ingressObject("bad", ns, { className: "", rules: [{ ...rule, path: "api" }], tlsHosts: "", tlsSecret: "" }), /spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value: "api": must be an absolute path/],
  ];
  for (const [o, want] of cases) {
    const r = await dryRun(o);
    assert.equal(r.code, 1, `${o.kind} refused`);
    assert.match(r.stderr, want);
  }
});
