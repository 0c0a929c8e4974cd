// A real @kubernetes/client-node informer against the server: list then
// watch, surviving a server-side watch close, and relisting after 410 Gone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { systemContext } from "../src/apiserver/registry/context.ts";
import { type Cluster, startCluster } from "./harness.ts";

const NS = "informer";

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("client-node informer", () => {
  let cluster: Cluster;
  let api: CoreV1Api;
  let kc: KubeConfig;

  before(async () => {
    cluster = await startCluster({ historySize: 1000 });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    api = kc.makeApiClient(CoreV1Api);
    await api.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(() => cluster.close());

  const cm = (name: string, v: string): V1ConfigMap => ({ metadata: { name }, data: { v } });
  const names = (inf: { list(): readonly V1ConfigMap[] }) =>
    inf
      .list()
      .map((c) => `${c.metadata!.name}=${c.data?.v}`)
      .sort();

  it("lists, watches, survives a server-side watch close and relists after 410 Gone", { skip: process.env.KPANDA_TEST_KUBECONFIG ? "needs the in-process server" : false }, async () => {
    const server = cluster.server!;
    let lists = 0;
    const inf = makeInformer(kc, `/api/v1/namespaces/${NS}/configmaps`, () => {
      lists++;
      return api.listNamespacedConfigMap({ namespace: NS });
    });
    const errors: unknown[] = [];
    inf.on("error", (e) => errors.push(e));
    for (const n of ["a", "b"]) await api.createNamespacedConfigMap({ namespace: NS, body: cm(n, "1") });
    await inf.start();
    await until("initial list", () => names(inf).length === 3); // a, b and kube-root-ca.crt
    await api.createNamespacedConfigMap({ namespace: NS, body: cm("c", "1") });
    await until("watch ADDED", () => names(inf).includes("c=1"));
    assert.equal(lists, 1);

    // Server-side close: every watch ends; the informer resumes from its resourceVersion.
    server.storage.close();
    await api.replaceNamespacedConfigMap({ name: "a", namespace: NS, body: cm("a", "2") });
    await until("MODIFIED after a server-side close", () => names(inf).includes("a=2"));
    assert.equal(lists, 1, "resuming after a plain close needs no relist");

    // Gone: drop the watch, change state, compact past the informer's revision.
    const info = server.registry.lookup("", "v1", "configmaps")!;
    server.storage.close();
    server.store.create(info, NS, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d" }, data: { v: "1" } }, systemContext());
    server.storage.delete(`/core/configmaps/${NS}/b`);
    server.storage.compact(server.storage.currentRevision());
    await until("relist after 410", () => lists >= 2);
    await until("cache matches the server", () => names(inf).join() === ["a=2", "c=1", "d=1", `kube-root-ca.crt=undefined`].join());
    assert.deepEqual(errors, []);
    await inf.stop();
  });
});
