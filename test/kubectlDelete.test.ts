// kubectl delete: finalizers, the three cascade modes over ownerReferences,
// and deleting a namespace with content.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const configMap = (ns: string, name: string, metadata: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, ...metadata },
  data: { k: "v" },
});

async function getJson(ns: string, ...what: string[]): Promise<any> {
  return JSON.parse((await cluster.kubectl(["-n", ns, "get", ...what, "-o", "json"])).stdout);
}

async function notFound(ns: string, kind: string, name: string): Promise<void> {
  const res = await cluster.kubectl(["-n", ns, "get", kind, name], { allowFail: true });
  assert.equal(res.code, 1, `${kind}/${name} still exists`);
  assert.match(res.stderr, /\(NotFound\)/);
}

test("an object with a finalizer stays, marked for deletion, until the finalizer is removed", async () => {
  const ns = await cluster.namespace("del-finalizer");
  await cluster.apply(yamlDocs(configMap(ns, "held", { finalizers: ["example.com/hold"] })));
  const del = await cluster.kubectl(["-n", ns, "delete", "configmap", "held", "--wait=false"]);
  assert.equal(del.stdout.trim(), 'configmap "held" deleted');

  const held = await getJson(ns, "configmap", "held");
  assert.ok(held.metadata.deletionTimestamp, "deletionTimestamp is set");
  assert.deepEqual(held.metadata.finalizers, ["example.com/hold"]);

  // Changing anything but finalizers of an object being deleted is still allowed; adding finalizers is not.
  const add = await cluster.kubectl(
    [
      "-n",
      ns,
      "patch",
      "configmap",
      "held",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}',
    ],
    { allowFail: true },
  );
  assert.equal(add.code, 1);
  assert.match(add.stderr, /no new finalizers can be added if the object is being deleted/);

  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "configmap",
    "held",
    "--type=json",
    "-p",
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
  await cluster.kubectl(["-n", ns, "wait", "--for=delete", "configmap/held", "--timeout=30s"]);
  await notFound(ns, "configmap", "held");
});

/** An owner ConfigMap and two dependents pointing at it by the uid the server gave it. */
async function family(ns: string): Promise<void> {
  await cluster.apply(yamlDocs(configMap(ns, "owner")));
  const uid = (await getJson(ns, "configmap", "owner")).metadata.uid;
  const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid };
  await cluster.apply(
    yamlDocs(
      configMap(ns, "child-1", { ownerReferences: [ref] }),
      configMap(ns, "child-2", { ownerReferences: [ref] }),
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "child-secret", namespace: ns, ownerReferences: [ref] },
        stringData: { a: "b" },
      },
    ),
  );
}

test("delete --cascade=orphan keeps the dependents and strips their ownerReferences", async () => {
  const ns = await cluster.namespace("del-orphan");
  await family(ns);
  await cluster.kubectl(["-n", ns, "delete", "configmap", "owner", "--cascade=orphan"]);
  await notFound(ns, "configmap", "owner");
  for (const [kind, name] of [
    ["configmap", "child-1"],
    ["configmap", "child-2"],
    ["secret", "child-secret"],
  ]) {
    const child = await getJson(ns, kind, name);
    assert.equal(child.metadata.deletionTimestamp, undefined, name);
    assert.equal(child.metadata.ownerReferences, undefined, `${name} keeps no ownerReferences`);
  }
});

test("delete --cascade=background removes the owner at once and its dependents after", {
  timeout: 60_000,
}, async () => {
  const ns = await cluster.namespace("del-background");
  await family(ns);
  await cluster.kubectl(["-n", ns, "delete", "configmap", "owner", "--cascade=background"]);
  await notFound(ns, "configmap", "owner");
  await cluster.kubectl([
    "-n",
    ns,
    "wait",
    "--for=delete",
    "configmap/child-1",
    "configmap/child-2",
    "secret/child-secret",
    "--timeout=30s",
  ]);
});

test("delete --cascade=foreground returns once the dependents are gone before the owner", async () => {
  const ns = await cluster.namespace("del-foreground");
  await family(ns);
  const res = await cluster.kubectl(["-n", ns, "delete", "configmap", "owner", "--cascade=foreground"]);
  assert.equal(res.stdout.trim(), 'configmap "owner" deleted');
  // kubectl waited for the owner to go, and foreground deletion removes dependents first.
  await notFound(ns, "configmap", "owner");
  await notFound(ns, "configmap", "child-1");
  await notFound(ns, "configmap", "child-2");
  await notFound(ns, "secret", "child-secret");
});

test("foreground deletion of an owner whose dependent is held keeps the owner with foregroundDeletion", async () => {
  const ns = await cluster.namespace("del-fg-held");
  await cluster.apply(yamlDocs(configMap(ns, "owner")));
  const uid = (await getJson(ns, "configmap", "owner")).metadata.uid;
  const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid, blockOwnerDeletion: true };
  await cluster.apply(
    yamlDocs(configMap(ns, "stuck", { ownerReferences: [ref], finalizers: ["example.com/hold"] })),
  );
  await cluster.kubectl(["-n", ns, "delete", "configmap", "owner", "--cascade=foreground", "--wait=false"]);
  const owner = await getJson(ns, "configmap", "owner");
  assert.ok(owner.metadata.deletionTimestamp);
  assert.deepEqual(owner.metadata.finalizers, ["foregroundDeletion"]);

  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "configmap",
    "stuck",
    "--type=json",
    "-p",
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
  await cluster.kubectl([
    "-n",
    ns,
    "wait",
    "--for=delete",
    "configmap/owner",
    "configmap/stuck",
    "--timeout=30s",
  ]);
});

test("delete namespace removes it with its content and returns", { timeout: 90_000 }, async () => {
  const ns = await cluster.namespace("del-namespace");
  await cluster.apply(
    yamlDocs(configMap(ns, "a"), configMap(ns, "b"), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: ns },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx" }] },
        },
      },
    }),
  );
  const res = await cluster.kubectl(["delete", "namespace", ns, "--timeout=60s"]);
  assert.equal(res.stdout.trim(), `namespace "${ns}" deleted`);
  const gone = await cluster.kubectl(["get", "namespace", ns], { allowFail: true });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, new RegExp(`Error from server \\(NotFound\\): namespaces "${ns}" not found`));
  const left = await cluster.kubectl(["-n", ns, "get", "configmaps,deployments", "-o", "name"]);
  assert.equal(left.stdout, "");

  // Creating into the deleted namespace is refused.
  const late = await cluster.kubectl(["create", "-f", "-"], {
    input: yamlDocs(configMap(ns, "late")),
    allowFail: true,
  });
  assert.equal(late.code, 1);
  assert.match(late.stderr, new RegExp(`\\(NotFound\\).*namespaces "${ns}" not found`));
});
