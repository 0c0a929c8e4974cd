import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PostStartHooks, serverHealthChecks, storageCheck } from "./healthChecks.ts";
import { MemoryStorage } from "./storage/memory.ts";
import { SqliteStorage } from "./storage/sqlite.ts";

const failure = (c: { check(): Error | undefined }): string | undefined => {
  try {
    return c.check()?.message;
  } catch (e) {
    return (e as Error).message;
  }
};

test("the etcd check reads the storage: it passes on an open database and fails once the file is closed", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-health-"));
  try {
    const storage = new SqliteStorage({ path: join(dir, "state.db") });
    const etcd = storageCheck(storage);
    assert.equal(etcd.name, "etcd");
    assert.equal(failure(etcd), undefined);
    storage.closeDatabase();
    assert.ok(failure(etcd), "a closed database is not reachable");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a post-start hook fails with kube's \"not finished\" until its step is done", () => {
  // genericapiserver's postStartHookHealthz: `fmt.Errorf("not finished")` until the hook's done channel closes.
  const hooks = new PostStartHooks(["rbac/bootstrap-roles", "bootstrap-controller"]);
  const [roles, boot] = hooks.checks();
  assert.equal(roles.name, "poststarthook/rbac/bootstrap-roles");
  assert.equal(failure(roles), "not finished");
  hooks.finish("rbac/bootstrap-roles");
  assert.equal(failure(roles), undefined);
  assert.equal(failure(boot), "not finished");
  assert.throws(() => hooks.finish("made-up"), /unknown post-start hook/);
});

test("readyz alone checks informer-sync, which follows the controllers' watch", () => {
  let synced = false;
  const checks = serverHealthChecks({ storage: new MemoryStorage({}), controllersSynced: () => synced, hooks: new PostStartHooks([]) });
  assert.deepEqual(checks.livez.map((c) => c.name), ["ping", "etcd"]);
  assert.deepEqual(checks.healthz.map((c) => c.name), ["ping", "etcd"]);
  assert.deepEqual(checks.readyz.map((c) => c.name), ["ping", "etcd", "informer-sync"]);
  const informers = checks.readyz[2];
  assert.ok(failure(informers));
  synced = true;
  assert.equal(failure(informers), undefined);
});
