// kubectl apply --server-side: field managers, managedFields, conflicts
// between managers, --force-conflicts, and ownership of list items by key.
import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

type Entry = { manager: string; operation: string; apiVersion: string; fieldsV1: Record<string, any> };

const deployment = (ns: string, spec: Record<string, unknown>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: ns },
  spec,
});

const containerSpec = (containers: Record<string, unknown>[]) => ({
  selector: { matchLabels: { app: "web" } },
  template: { metadata: { labels: { app: "web" } }, spec: { containers } },
});

async function managed(ns: string, resource: string): Promise<{ obj: any; entries: Entry[] }> {
  const r = await cluster.kubectl(["get", resource, "-n", ns, "-o", "yaml", "--show-managed-fields"]);
  const obj = parse(r.stdout);
  return { obj, entries: obj.metadata.managedFields ?? [] };
}

test("apply --server-side creates, then updates, and records the Apply manager", async () => {
  const ns = await cluster.namespace("ssa-basic");
  const cm = (v: string) => yamlDocs({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: ns }, data: { mode: v } });
  const first = await cluster.apply(cm("a"), ["--server-side"]);
  assert.equal(first.stdout.trim(), "configmap/settings serverside-applied");
  const second = await cluster.apply(cm("b"), ["--server-side"]);
  assert.equal(second.stdout.trim(), "configmap/settings serverside-applied");
  const { obj, entries } = await managed(ns, "configmap/settings");
  assert.equal(obj.data.mode, "b");
  assert.deepEqual(
    entries.map((e) => [e.manager, e.operation, e.apiVersion]),
    [["kubectl", "Apply", "v1"]],
  );
  assert.deepEqual(entries[0].fieldsV1, { "f:data": { "f:mode": {} } });
  const plain = await cluster.kubectl(["get", "configmap/settings", "-n", ns, "-o", "yaml"]);
  assert.ok(!plain.stdout.includes("managedFields"), "managedFields are hidden without --show-managed-fields");
});

test("client-side apply and create record their own Update managers", async () => {
  const ns = await cluster.namespace("ssa-csa");
  const cm = yamlDocs({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "csa", namespace: ns }, data: { a: "1" } });
  assert.equal((await cluster.apply(cm)).stdout.trim(), "configmap/csa created");
  assert.equal((await cluster.apply(cm)).stdout.trim(), "configmap/csa unchanged");
  await cluster.kubectl(["create", "configmap", "made", "-n", ns, "--from-literal=k=v"]);
  const csa = (await managed(ns, "configmap/csa")).entries;
  assert.deepEqual(csa.map((e) => [e.manager, e.operation]), [["kubectl-client-side-apply", "Update"]]);
  assert.ok(csa[0].fieldsV1["f:metadata"]["f:annotations"]["f:kubectl.kubernetes.io/last-applied-configuration"]);
  const made = (await managed(ns, "configmap/made")).entries;
  assert.deepEqual(made.map((e) => [e.manager, e.operation]), [["kubectl-create", "Update"]]);
  assert.deepEqual(made[0].fieldsV1, { "f:data": { ".": {}, "f:k": {} } });
});

test("a second field manager changing .spec.replicas gets kubectl's conflict error, then --force-conflicts takes it over", async () => {
  const ns = await cluster.namespace("ssa-conflict");
  const spec = (replicas: number) => yamlDocs(deployment(ns, { replicas, ...containerSpec([{ name: "nginx", image: "nginx:1.27" }]) }));
  await cluster.apply(spec(1), ["--server-side", "--field-manager=a"]);
  const refused = await cluster.kubectl(["apply", "-f", "-", "--server-side", "--field-manager=b"], { input: spec(3), allowFail: true });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "a": \.spec\.replicas/);
  assert.match(refused.stderr, /Please review the fields above--they currently have other managers/);
  assert.equal((await managed(ns, "deployment/web")).obj.spec.replicas, 1);

  const forced = await cluster.apply(spec(3), ["--server-side", "--field-manager=b", "--force-conflicts"]);
  assert.equal(forced.stdout.trim(), "deployment.apps/web serverside-applied");
  const { obj, entries } = await managed(ns, "deployment/web");
  assert.equal(obj.spec.replicas, 3);
  const a = entries.find((e) => e.manager === "a")!;
  const b = entries.find((e) => e.manager === "b")!;
  assert.equal(a.fieldsV1["f:spec"]["f:replicas"], undefined);
  assert.deepEqual(b.fieldsV1["f:spec"]["f:replicas"], {});
  assert.ok(b.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}'], "same values are shared");
});

test("a ConfigMap key changed by kubectl patch conflicts with its applier, naming the Update manager and its version", async () => {
  const ns = await cluster.namespace("ssa-edit");
  const cm = (v: string) => yamlDocs({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: ns }, data: { key: v } });
  await cluster.apply(cm("1"), ["--server-side", "--field-manager=a"]);
  await cluster.kubectl(["patch", "configmap/c", "-n", ns, "--type=merge", "-p", '{"data":{"key":"2"}}']);
  const refused = await cluster.kubectl(["apply", "-f", "-", "--server-side", "--field-manager=a"], { input: cm("3"), allowFail: true });
  assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: \.data\.key/);
});

test("two managers applying different containers of one Deployment keep both; dropping one removes only that one", async () => {
  const ns = await cluster.namespace("ssa-lists");
  const apply = (manager: string, containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    cluster.apply(yamlDocs(deployment(ns, { ...containerSpec(containers), ...extra })), ["--server-side", `--field-manager=${manager}`]);
  await apply("team-a", [{ name: "app", image: "app:1", ports: [{ containerPort: 8080 }] }]);
  await apply("team-b", [{ name: "sidecar", image: "proxy:1" }]);
  let { obj, entries } = await managed(ns, "deployment/web");
  assert.deepEqual(obj.spec.template.spec.containers.map((c: any) => c.name), ["app", "sidecar"]);
  const containersOf = (m: string) => Object.keys(entries.find((e) => e.manager === m)!.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]);
  assert.deepEqual(containersOf("team-a"), ['k:{"name":"app"}']);
  assert.deepEqual(containersOf("team-b"), ['k:{"name":"sidecar"}']);
  const ports = entries.find((e) => e.manager === "team-a")!.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']["f:ports"];
  assert.deepEqual(Object.keys(ports), ['k:{"containerPort":8080,"protocol":"TCP"}']);

  // team-b no longer applies its sidecar; team-a's container stays.
  await apply("team-b", [{ name: "app", image: "app:1" }]);
  ({ obj, entries } = await managed(ns, "deployment/web"));
  assert.deepEqual(obj.spec.template.spec.containers.map((c: any) => c.name), ["app"]);
  assert.equal(obj.spec.template.spec.containers[0].ports[0].containerPort, 8080);
});

test("switching from client-side to server-side apply and back works as kubectl expects", async () => {
  const ns = await cluster.namespace("ssa-switch");
  const spec = (replicas: number) => yamlDocs(deployment(ns, { replicas, ...containerSpec([{ name: "nginx", image: "nginx:1.27" }]) }));
  assert.equal((await cluster.apply(spec(1))).stdout.trim(), "deployment.apps/web created");
  // kubectl moves kubectl-client-side-apply's fields to its Apply manager first, so this is no conflict.
  const upgraded = await cluster.apply(spec(2), ["--server-side"]);
  assert.equal(upgraded.stdout.trim(), "deployment.apps/web serverside-applied", upgraded.stderr);
  const { obj, entries } = await managed(ns, "deployment/web");
  assert.equal(obj.spec.replicas, 2);
  assert.ok(entries.some((e) => e.manager === "kubectl" && e.operation === "Apply"));
  const back = await cluster.apply(spec(4));
  assert.equal(back.code, 0, back.stderr);
  assert.equal((await managed(ns, "deployment/web")).obj.spec.replicas, 4);
});

async function patchRaw(path: string, query: string, contentType: string, body: string): Promise<{ status: number; body: any }> {
  const server = cluster.server!;
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}?${query}`,
      {
        method: "PATCH",
        headers: { "content-type": contentType, accept: "application/json" },
        ca: server.pki.ca.cert,
        cert: server.admin.cert,
        key: server.admin.key,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("apply without a fieldManager answers 422, and force on a merge patch is refused", { skip: !!process.env.KPANDA_TEST_KUBECONFIG }, async () => {
  const ns = await cluster.namespace("ssa-params");
  const path = `/api/v1/namespaces/${ns}/configmaps/p`;
  const config = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p" }, data: { a: "1" } });
  const missing = await patchRaw(path, "", "application/apply-patch+yaml", config);
  assert.equal(missing.status, 422);
  assert.equal(missing.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const created = await patchRaw(path, "fieldManager=raw", "application/apply-patch+yaml", config);
  assert.equal(created.status, 201);
  assert.equal(created.body.metadata.managedFields[0].manager, "raw");
  const forced = await patchRaw(path, "force=true", "application/merge-patch+json", '{"data":{"a":"2"}}');
  assert.equal(forced.status, 422);
  assert.match(forced.body.message, /force: Forbidden: may not be specified for non-apply patch/);
});
