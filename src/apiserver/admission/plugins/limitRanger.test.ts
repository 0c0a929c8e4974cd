import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../registry/errors.ts";
import { pod, testStore } from "./testing.ts";

const limitRange = (limits: Record<string, any>[]) => ({ metadata: { name: "lr" }, spec: { limits } });

function forbiddenMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    return e.message;
  }
  assert.fail("expected 403 Forbidden");
}

test("a new pod gets the LimitRange's default requests and limits, noted in an annotation", () => {
  const t = testStore();
  t.create("limitranges", "t", limitRange([{ type: "Container", default: { cpu: "1000m", memory: "256Mi" }, defaultRequest: { cpu: "100m" } }]));
  const p = t.create("pods", "t", pod("p", { resources: { requests: { memory: "128Mi" } } }, { initContainers: [{ name: "init", image: "busybox" }] }));
  assert.deepEqual(p.spec.containers[0].resources, { requests: { memory: "128Mi", cpu: "100m" }, limits: { cpu: "1", memory: "256Mi" } });
  assert.deepEqual(p.spec.initContainers[0].resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "256Mi" } });
  assert.equal(
    p.metadata?.annotations?.["kubernetes.io/limit-ranger"],
    "LimitRanger plugin set: cpu request for container c; cpu, memory limit for container c; cpu, memory request for init container init; cpu, memory limit for init container init",
  );
  assert.equal(p.status.qosClass, "Burstable");
});

test("Container max, min and ratio violations answer 403 with upstream's messages", () => {
  const t = testStore();
  t.create("limitranges", "t", limitRange([{ type: "Container", max: { cpu: "1" }, min: { memory: "64Mi" }, maxLimitRequestRatio: { memory: "2" } }]));
  assert.equal(
    forbiddenMessage(() => t.create("pods", "t", pod("a", { resources: { limits: { cpu: "2", memory: "128Mi" } } }))),
    'pods "a" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
  );
  assert.equal(
    forbiddenMessage(() => t.create("pods", "t", pod("b", { resources: { limits: { cpu: "1", memory: "32Mi" } } }))),
    'pods "b" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi',
  );
  assert.equal(
    forbiddenMessage(() =>
      t.create("pods", "t", pod("c", { resources: { requests: { memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } } })),
    ),
    'pods "c" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 4.000000',
  );
  t.create("pods", "t", pod("ok", { resources: { requests: { memory: "100Mi" }, limits: { cpu: "500m", memory: "128Mi" } } }));
});

test("a Pod item bounds the sum of the containers", () => {
  const t = testStore();
  t.create("limitranges", "t", limitRange([{ type: "Pod", max: { cpu: "1" } }]));
  const two = { containers: [{ name: "a", image: "x", resources: { limits: { cpu: "600m" } } }, { name: "b", image: "x", resources: { limits: { cpu: "600m" } } }] };
  assert.equal(
    forbiddenMessage(() => t.create("pods", "t", { metadata: { name: "p" }, spec: two })),
    'pods "p" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m',
  );
});

test("a claim above the PersistentVolumeClaim max storage is refused", () => {
  const t = testStore();
  t.create("limitranges", "t", limitRange([{ type: "PersistentVolumeClaim", max: { storage: "2Gi" }, min: { storage: "1Gi" } }]));
  const claim = (name: string, storage: string) => ({
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
  });
  assert.equal(
    forbiddenMessage(() => t.create("persistentvolumeclaims", "t", claim("big", "5Gi"))),
    'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi',
  );
  assert.equal(
    forbiddenMessage(() => t.create("persistentvolumeclaims", "t", claim("small", "500Mi"))),
    'persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi',
  );
  t.create("persistentvolumeclaims", "t", claim("fine", "1Gi"));
});
