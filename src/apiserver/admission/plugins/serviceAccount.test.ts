import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../registry/errors.ts";
import { TOKEN_MOUNT_PATH } from "./serviceAccount.ts";
import { pod, testStore } from "./testing.ts";

test("a pod runs as the default ServiceAccount and mounts a projected token volume", () => {
  const t = testStore();
  const p = t.create("pods", "t", pod("p", {}, { initContainers: [{ name: "i", image: "x" }] }));
  assert.equal(p.spec.serviceAccountName, "default");
  assert.equal(p.spec.serviceAccount, "default");
  const vol = p.spec.volumes.at(-1);
  assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(vol.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: "token" } });
  for (const c of [...p.spec.containers, ...p.spec.initContainers]) {
    assert.deepEqual(c.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
  }
});

test("automountServiceAccountToken false on the pod or the account skips the mount", () => {
  const t = testStore();
  t.create("serviceaccounts", "t", { metadata: { name: "quiet" }, automountServiceAccountToken: false, imagePullSecrets: [{ name: "reg" }] });
  const a = t.create("pods", "t", pod("a", {}, { serviceAccountName: "quiet" }));
  assert.equal(a.spec.volumes, undefined);
  assert.deepEqual(a.spec.imagePullSecrets, [{ name: "reg" }]);
  const b = t.create("pods", "t", pod("b", {}, { automountServiceAccountToken: false }));
  assert.equal(b.spec.containers[0].volumeMounts, undefined);
});

test("a pod naming a missing ServiceAccount is refused", () => {
  const t = testStore();
  assert.throws(
    () => t.create("pods", "t", pod("p", {}, { serviceAccountName: "ghost" })),
    (e) =>
      e instanceof ApiError &&
      e.code === 403 &&
      e.message === 'pods "p" is forbidden: error looking up service account t/ghost: serviceaccount "ghost" not found',
  );
});

test("a claim without a class gets the newest default StorageClass; an explicit empty class stays", () => {
  const t = testStore();
  const sc = (name: string, isDefault: boolean) => ({
    metadata: { name, annotations: { "storageclass.kubernetes.io/is-default-class": String(isDefault) } },
    provisioner: "example.com/p",
  });
  t.create("storageclasses", "", sc("slow", false));
  t.create("storageclasses", "", sc("fast", true));
  const claim = (name: string, spec: Record<string, unknown> = {}) => ({
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
  });
  assert.equal(t.create("persistentvolumeclaims", "t", claim("a")).spec.storageClassName, "fast");
  assert.equal(t.create("persistentvolumeclaims", "t", claim("b", { storageClassName: "" })).spec.storageClassName, "");
  assert.equal(t.create("persistentvolumeclaims", "t", claim("c", { storageClassName: "slow" })).spec.storageClassName, "slow");
});
