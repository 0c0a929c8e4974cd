// kubectl's typed-client commands send protobuf bodies; the server decodes
// them into the same objects the JSON form would give.
import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, test } from "node:test";
import { type Cluster, startCluster } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const getJson = async (args: string[]) =>
  JSON.parse((await cluster.kubectl(["get", ...args, "-o", "json"])).stdout);

test("kubectl create configmap, namespace and deployment (protobuf bodies) store the expected objects", async () => {
  const ns = await cluster.namespace("pb-create");
  await cluster.kubectl([
    "create",
    "configmap",
    "settings",
    "-n",
    ns,
    "--from-literal=a=b",
    "--from-literal=empty=",
  ]);
  const cm = await getJson(["configmap", "settings", "-n", ns]);
  assert.deepEqual(cm.data, { a: "b", empty: "" });
  assert.equal(cm.metadata.namespace, ns);

  const newNs = `${ns}-made`;
  await cluster.kubectl(["create", "namespace", newNs]);
  const made = await getJson(["namespace", newNs]);
  assert.equal(made.metadata.name, newNs);
  assert.equal(made.status.phase, "Active");
  await cluster.kubectl(["delete", "namespace", newNs, "--wait=false"]);

  await cluster.kubectl([
    "create",
    "deployment",
    "web",
    "-n",
    ns,
    "--image=nginx",
    "--replicas=2",
    "--port=80",
  ]);
  const dep = await getJson(["deployment", "web", "-n", ns]);
  assert.equal(dep.spec.replicas, 2);
  assert.deepEqual(dep.spec.selector, { matchLabels: { app: "web" } });
  assert.deepEqual(dep.metadata.labels, { app: "web" });
  const [c] = dep.spec.template.spec.containers;
  assert.equal(c.name, "nginx");
  assert.equal(c.image, "nginx");
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
});

test("kubectl create secret generic (protobuf bytes map) stores the values base64-encoded", async () => {
  const ns = await cluster.namespace("pb-secret");
  await cluster.kubectl(["create", "secret", "generic", "creds", "-n", ns, "--from-literal=user=admin"]);
  const s = await getJson(["secret", "creds", "-n", ns]);
  assert.deepEqual(s.data, { user: Buffer.from("admin").toString("base64") });
  assert.equal(s.type, "Opaque");
});

test("kubectl create service and role (protobuf) store int-or-string ports and rules", async () => {
  const ns = await cluster.namespace("pb-svc");
  await cluster.kubectl(["create", "service", "clusterip", "api", "-n", ns, "--tcp=80:8080"]);
  const svc = await getJson(["service", "api", "-n", ns]);
  assert.deepEqual(svc.spec.ports, [{ name: "80-8080", port: 80, protocol: "TCP", targetPort: 8080 }]);
  await cluster.kubectl(["create", "role", "reader", "-n", ns, "--verb=get", "--resource=pods"]);
  const role = await getJson(["role", "reader", "-n", ns]);
  assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
});

function post(path: string, contentType: string, body: Buffer): Promise<{ status: number; json: any }> {
  const server = cluster.server!;
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        ca: server.pki.ca.cert,
        cert: server.admin.cert,
        key: server.admin.key,
        headers: { "content-type": contentType, accept: "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("a malformed protobuf body answers 400 BadRequest, not a server error", async (t) => {
  if (!cluster.server) return t.skip("needs our own server");
  const pb = "application/vnd.kubernetes.protobuf";
  const typeMeta = Buffer.from([0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, ...Buffer.from("ConfigMap")]);
  const magic = Buffer.from("k8s\0", "binary");
  const cases: [string, Buffer][] = [
    ["truncated", Buffer.concat([magic, typeMeta, Buffer.from([0x12, 0x20, 0x0a])])],
    ["bad magic", Buffer.from('{"kind":"ConfigMap","apiVersion":"v1"}')],
    ["wrong wire type", Buffer.concat([magic, typeMeta, Buffer.from([0x12, 0x02, 0x08, 0x01])])],
  ];
  for (const [what, body] of cases) {
    const res = await post("/api/v1/namespaces/default/configmaps", pb, body);
    assert.equal(res.status, 400, what);
    assert.equal(res.json.kind, "Status");
    assert.equal(res.json.reason, "BadRequest", what);
  }
});
