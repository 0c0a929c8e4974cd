import assert from "node:assert/strict";
import { test } from "node:test";
import { QuotaController } from "../../controllers/quota.ts";
import { systemContext } from "../../registry/context.ts";
import { deleteObject } from "../../registry/deletion.ts";
import { ApiError } from "../../registry/errors.ts";
import { pod, type TestStore, testStore } from "./testing.ts";

function forbiddenMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 403);
    return e.message;
  }
  assert.fail("expected 403 Forbidden");
}

/** A quota whose status the controller has filled in. */
function quota(t: TestStore, hard: Record<string, string>, spec: Record<string, unknown> = {}): QuotaController {
  t.create("resourcequotas", "t", { metadata: { name: "q" }, spec: { hard, ...spec } });
  const c = new QuotaController({ store: t.store });
  c.syncNamespace("t");
  return c;
}

const used = (t: TestStore) => t.get("resourcequotas", "t", "q").status.used;
const withCpu = (name: string, cpu: string, memory = "64Mi") =>
  pod(name, { resources: { requests: { cpu, memory }, limits: { cpu, memory } } });

test("the controller mirrors spec.hard and counts what the namespace holds", () => {
  const t = testStore();
  t.create("configmaps", "t", { metadata: { name: "a" } });
  t.create("pods", "t", withCpu("p", "250m"));
  const c = quota(t, { configmaps: "5", pods: "10", "requests.cpu": "2000m", "count/serviceaccounts": "3" });
  c.stop();
  const q = t.get("resourcequotas", "t", "q");
  assert.deepEqual(q.status.hard, { configmaps: "5", "count/serviceaccounts": "3", pods: "10", "requests.cpu": "2" });
  assert.deepEqual(q.status.used, { configmaps: "1", "count/serviceaccounts": "1", pods: "1", "requests.cpu": "250m" });
});

test("admission charges usage and refuses what would exceed the quota", () => {
  const t = testStore();
  quota(t, { pods: "2", "requests.cpu": "1", "requests.memory": "1Gi" }).stop();
  t.create("pods", "t", withCpu("a", "500m", "512Mi"));
  t.create("pods", "t", withCpu("b", "250m", "256Mi"));
  assert.deepEqual(used(t), { pods: "2", "requests.cpu": "750m", "requests.memory": "768Mi" });
  assert.equal(
    forbiddenMessage(() => t.create("pods", "t", withCpu("c", "500m"))),
    'pods "c" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=500m, used: pods=2,requests.cpu=750m, limited: pods=2,requests.cpu=1',
  );
  // A dry run is checked but not charged.
  const dry = { ...systemContext(), dryRun: true };
  t.store.create(t.info("configmaps"), "t", { metadata: { name: "x" } }, dry);
  assert.deepEqual(used(t), { pods: "2", "requests.cpu": "750m", "requests.memory": "768Mi" });
});

test("a pod must request what a compute quota tracks", () => {
  const t = testStore();
  quota(t, { "requests.cpu": "1", "limits.memory": "1Gi" }).stop();
  assert.equal(
    forbiddenMessage(() => t.create("pods", "t", pod("p", {}, { initContainers: [{ name: "i", image: "x" }] }))),
    'pods "p" is forbidden: failed quota: q: must specify limits.memory for: c,i; requests.cpu for: c,i',
  );
});

test("object counts cover services, node ports, claims and count/<resource>.<group>", () => {
  const t = testStore();
  quota(t, { services: "5", "services.nodeports": "1", "requests.storage": "3Gi", "count/deployments.apps": "1" }).stop();
  const svc = (name: string, type: string) => ({
    metadata: { name },
    spec: { type, ports: [{ port: 80 }], selector: { a: "b" } },
  });
  t.create("services", "t", svc("one", "NodePort"));
  assert.equal(
    forbiddenMessage(() => t.create("services", "t", svc("two", "NodePort"))),
    'services "two" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1',
  );
  const claim = { metadata: { name: "c" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "4Gi" } } } };
  assert.match(forbiddenMessage(() => t.create("persistentvolumeclaims", "t", claim)), /requested: requests.storage=4Gi, used: requests.storage=0, limited: requests.storage=3Gi$/);
  const dep = (name: string) => ({
    metadata: { name },
    spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x" }] } } },
  });
  t.store.create(t.info("deployments", "apps"), "t", dep("d1"), systemContext());
  assert.match(
    forbiddenMessage(() => t.store.create(t.info("deployments", "apps"), "t", dep("d2"), systemContext())),
    /^deployments.apps "d2" is forbidden: exceeded quota: q, requested: count\/deployments.apps=1/,
  );
});

test("deleting an object and a pod reaching a terminal phase release usage", async () => {
  const t = testStore();
  const c = quota(t, { pods: "5", configmaps: "5" });
  t.create("pods", "t", pod("p"));
  t.create("pods", "t", pod("done"));
  t.create("configmaps", "t", { metadata: { name: "cm" } });
  assert.deepEqual(used(t), { configmaps: "1", pods: "2" });
  deleteObject(t.store, t.info("configmaps"), "t", "cm", {}, systemContext());
  t.store.mutate(t.info("pods"), "t", "done", systemContext(), (p) => {
    p.status = { ...p.status, phase: "Succeeded" };
    return true;
  }, "status");
  c.syncNamespace("t");
  c.stop();
  assert.deepEqual(used(t), { configmaps: "0", pods: "1" });
});

test("scoped quotas count only the pods in scope", () => {
  const t = testStore();
  quota(t, { pods: "1" }, { scopes: ["BestEffort"] }).stop();
  t.create("pods", "t", withCpu("burstable", "100m"));
  t.create("pods", "t", withCpu("burstable2", "100m"));
  t.create("pods", "t", pod("besteffort"));
  assert.match(forbiddenMessage(() => t.create("pods", "t", pod("besteffort2"))), /exceeded quota: q, requested: pods=1/);
  t.create("configmaps", "t", { metadata: { name: "not-counted" } });
});
