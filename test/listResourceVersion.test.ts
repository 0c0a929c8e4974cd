// Lists at a resourceVersion, by api-concepts "Semantics for get and list":
// with a limit and no resourceVersionMatch, resourceVersion N reads exactly
// revision N (the watch cache hands these to storage as a "legacy exact
// match", cacher's shouldDelegateList), without a limit N is only a lower
// bound, and a compacted N answers 410 Expired. Checked against a real
// kube-apiserver too (KPANDA_TEST_KUBECONFIG).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const configMap = (ns: string, name: string, v: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data: { v } });

async function rawList(path: string): Promise<{ metadata: { resourceVersion: string }; items: any[] }> {
  return JSON.parse((await cluster.kubectl(["get", "--raw", path])).stdout);
}

test("a paged list at a resourceVersion reads exactly that revision, an unpaged one the newest", async () => {
  const ns = await cluster.namespace("list-rv");
  await cluster.apply(yamlDocs(configMap(ns, "a", "1")));
  const rv = (await cluster.kubectl(["-n", ns, "get", "configmap", "a", "-o", "jsonpath={.metadata.resourceVersion}"])).stdout;
  await cluster.kubectl(["-n", ns, "patch", "configmap", "a", "-p", '{"data":{"v":"2"}}']);
  const path = `/api/v1/namespaces/${ns}/configmaps`;

  const paged = await rawList(`${path}?limit=10&resourceVersion=${rv}`);
  assert.equal(paged.metadata.resourceVersion, rv);
  assert.equal(paged.items.find((o) => o.metadata.name === "a").data.v, "1");

  const unpaged = await rawList(`${path}?resourceVersion=${rv}`);
  assert.equal(unpaged.items.find((o) => o.metadata.name === "a").data.v, "2");
  const exact = await rawList(`${path}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
  assert.equal(exact.items.find((o) => o.metadata.name === "a").data.v, "1");
});

test("a paged list at a compacted resourceVersion answers 410 Expired", async () => {
  const ns = await cluster.namespace("list-rv-gone");
  await cluster.apply(yamlDocs(configMap(ns, "a", "1")));
  // Our server compacts on request; a real one has long compacted revision 1.
  const storage = cluster.server?.storage;
  storage?.compact(storage.currentRevision());
  const res = await cluster.kubectl(["get", "--raw", `/api/v1/namespaces/${ns}/configmaps?limit=10&resourceVersion=1`], {
    allowFail: true,
  });
  assert.notEqual(res.code, 0);
  // The etcd3 store's list at a compacted revision: errors.NewResourceExpired.
  assert.match(res.stderr, /Error from server \(Expired\): The resourceVersion for the provided list is too old/);
});
