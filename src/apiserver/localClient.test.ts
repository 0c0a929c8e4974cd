import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KubeClient, KubeError, R } from "./client.ts";
import { type ApiServer, startApiServer } from "./server.ts";

describe("in-process client", () => {
  let server: ApiServer;
  let c: KubeClient;
  before(async () => {
    server = await startApiServer({ port: 0 });
    c = server.client();
  });
  after(() => server.close());

  it("creates, reads, patches and deletes with API semantics", async () => {
    const cm = await c.create(R.configmaps, "default", { metadata: { name: "a" }, data: { k: "1" } });
    assert.equal(cm.kind, "ConfigMap");
    assert.ok(cm.metadata?.resourceVersion);
    const p = await c.patch(R.configmaps, "default", "a", "merge", { data: { k: "2" } });
    assert.equal(p.data.k, "2");
    await assert.rejects(c.create(R.configmaps, "default", { metadata: { name: "a" } }), (e: unknown) => e instanceof KubeError && e.code === 409);
    await c.delete(R.configmaps, "default", "a");
    await assert.rejects(c.get(R.configmaps, "default", "a"), (e: unknown) => e instanceof KubeError && e.reason === "NotFound");
  });

  it("an invalid object is refused with 422 and nothing is stored", async () => {
    await assert.rejects(c.create(R.configmaps, "default", { metadata: { name: "Bad_Name" } }), (e: unknown) => e instanceof KubeError && e.code === 422);
    const l = await c.list(R.configmaps, "default", { fieldSelector: "metadata.name=Bad_Name" });
    assert.equal(l.items.length, 0);
  });

  it("watch delivers events after the write returns, in order, and 410 for a compacted version", async () => {
    const start = (await c.list(R.configmaps, "default")).resourceVersion;
    const seen: string[] = [];
    const w = c.watch(R.configmaps, "default", { resourceVersion: start }, (t, o) => seen.push(`${t} ${o.metadata?.name}`), () => {});
    await c.create(R.configmaps, "default", { metadata: { name: "w1" } });
    await c.patch(R.configmaps, "default", "w1", "merge", { data: { a: "b" } });
    await c.delete(R.configmaps, "default", "w1");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ["ADDED w1", "MODIFIED w1", "DELETED w1"]);
    w.stop();
    server.storage.compact(server.storage.currentRevision());
    const err = await new Promise<KubeError | undefined>((resolve) => c.watch(R.configmaps, "default", { resourceVersion: start }, () => {}, resolve));
    assert.equal(err?.code, 410);
  });

  it("binds a pod to a node in one write", async () => {
    await c.create(R.pods, "default", { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    await c.create(R.pods, "default", { target: { name: "node-1" } }, { name: "p", subresource: "binding" });
    const p = await c.get(R.pods, "default", "p");
    assert.equal(p.spec.nodeName, "node-1");
    assert.equal(p.status.conditions.find((x: any) => x.type === "PodScheduled")?.status, "True");
  });
  it("a client with a User-Agent writes under its first segment as field manager, as kube-apiserver's managerOrUserAgent", async () => {
    const kcm = server.client({ userAgent: "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/0000000" });
    await kcm.create(R.configmaps, "default", { metadata: { name: "ua" }, data: { k: "1" } });
    await c.patch(R.configmaps, "default", "ua", "merge", { data: { j: "2" } });
    const got = await c.get(R.configmaps, "default", "ua");
    const managers = got.metadata!.managedFields!.map((m: any) => [m.manager, m.operation, Object.keys(m.fieldsV1["f:data"])]);
    // A client without one is the server itself (DEFAULT_MANAGER). Entries of the
    // same operation and second sort by manager (fieldmanager's sortEncodedManagedFields).
    assert.deepEqual(managers, [
      ["kube-apiserver", "Update", ["f:j"]],
      ["kube-controller-manager", "Update", [".", "f:k"]],
    ]);
  });

  it("the namespace controllers' objects name kube-controller-manager, where they run in a real cluster", async () => {
    await c.create(R.namespaces, "", { metadata: { name: "managers" } });
    // Checked against kube-apiserver v1.20.2 with kube-controller-manager: kube-root-ca.crt
    // carries one Update entry by kube-controller-manager (root-ca-cert-publisher).
    const cm = await waitFor(() => c.get(R.configmaps, "managers", "kube-root-ca.crt"));
    assert.deepEqual(
      cm.metadata!.managedFields!.map((m: any) => [m.manager, m.operation]),
      [["kube-controller-manager", "Update"]],
    );
  });
});

async function waitFor<T>(fn: () => Promise<T>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
