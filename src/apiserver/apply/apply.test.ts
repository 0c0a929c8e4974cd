import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../registry/errors.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { applyConfig } from "./apply.ts";
import { type ManagedEntry, recordUpdate } from "./managedFields.ts";

const deployments = { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", modelType: "V1Deployment", subresources: ["status", "scale"] } as ResourceInfo;
const configmaps = { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", modelType: "V1ConfigMap", subresources: [] as string[] } as ResourceInfo;

function entries(obj: KObject): ManagedEntry[] {
  return (obj.metadata?.managedFields ?? []) as ManagedEntry[];
}

function owner(obj: KObject, manager: string): ManagedEntry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}

function deployment(containers: KObject[], replicas?: number): KObject {
  const spec: KObject = { template: { spec: { containers } } };
  if (replicas !== undefined) spec.replicas = replicas;
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec };
}

function apply(live: KObject | undefined, config: KObject, manager: string, force = false, info = deployments): KObject {
  return applyConfig({ info, live, config, manager, force, time: "2025-01-01T00:00:00Z" });
}

test("a create records an Update entry owning the fields it set, with maps marked", () => {
  const obj: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "ns", uid: "u" }, data: { a: "1" } };
  recordUpdate({ info: configmaps, apiVersion: "v1", old: undefined, obj, manager: "kubectl-create", time: "t" });
  assert.deepEqual(obj.metadata!.managedFields, [
    { manager: "kubectl-create", operation: "Update", apiVersion: "v1", time: "t", fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:a": {} } } },
  ]);
});

test("an update takes changed fields from their owner and drops removed fields from everyone", () => {
  const v1: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "1" } };
  recordUpdate({ info: configmaps, apiVersion: "v1", old: undefined, obj: v1, manager: "creator", time: "t1" });
  const v2: KObject = structuredClone(v1);
  v2.data = { a: "2" };
  recordUpdate({ info: configmaps, apiVersion: "v1", old: v1, obj: v2, manager: "editor", time: "t2" });
  assert.deepEqual(owner(v2, "creator")?.fieldsV1, { "f:data": {} });
  assert.deepEqual(owner(v2, "editor")?.fieldsV1, { "f:data": { "f:a": {} } });
  assert.equal(owner(v2, "editor")?.time, "t2");
});

test("an update that changes nothing keeps managedFields as they were", () => {
  const v1: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
  recordUpdate({ info: configmaps, apiVersion: "v1", old: undefined, obj: v1, manager: "creator", time: "t1" });
  const v2 = structuredClone(v1);
  recordUpdate({ info: configmaps, apiVersion: "v1", old: v1, obj: v2, manager: "other", time: "t2" });
  assert.deepEqual(v2.metadata!.managedFields, v1.metadata!.managedFields);
});

test("an empty managedFields list from the client resets them", () => {
  const v1: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
  recordUpdate({ info: configmaps, apiVersion: "v1", old: undefined, obj: v1, manager: "creator", time: "t1" });
  const v2 = structuredClone(v1);
  v2.metadata!.managedFields = [];
  recordUpdate({ info: configmaps, apiVersion: "v1", old: v1, obj: v2, manager: "other", time: "t2" });
  assert.equal(v2.metadata!.managedFields, undefined);
});

test("apply owns exactly the applied fields and status is never owned on the main resource", () => {
  const out = apply(undefined, { ...deployment([{ name: "a", image: "1" }], 2), status: { replicas: 9 } }, "a");
  assert.deepEqual(entries(out).map((e) => [e.manager, e.operation]), [["a", "Apply"]]);
  assert.deepEqual(owner(out, "a")?.fieldsV1, {
    "f:spec": { "f:replicas": {}, "f:template": { "f:spec": { "f:containers": { 'k:{"name":"a"}': { ".": {}, "f:image": {}, "f:name": {} } } } } },
  });
});

test("a field set by another applier with a different value conflicts, and force takes it over", () => {
  const live = apply(undefined, deployment([{ name: "a", image: "1" }], 1), "a");
  assert.throws(
    () => apply(live, deployment([], 3), "b"),
    (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 409);
      assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
      assert.deepEqual(e.details?.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.replicas" }]);
      return true;
    },
  );
  const forced = apply(live, deployment([], 3), "b", true);
  assert.equal(forced.spec.replicas, 3);
  assert.deepEqual(owner(forced, "b")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  assert.equal(owner(forced, "a")?.fieldsV1["f:spec"]["f:replicas"], undefined);
});

test("an update manager is named with its version in a conflict, and equal values are shared without conflict", () => {
  const live: KObject = { ...deployment([{ name: "a", image: "1" }], 1), metadata: { name: "web" } };
  recordUpdate({ info: deployments, apiVersion: "apps/v1", old: undefined, obj: live, manager: "kubectl-client-side-apply", time: "t" });
  assert.throws(() => apply(live, deployment([], 5), "ssa"), /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
  const shared = apply(live, deployment([], 1), "ssa");
  assert.deepEqual(owner(shared, "ssa")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  assert.ok(owner(shared, "kubectl-client-side-apply")?.fieldsV1["f:spec"]["f:replicas"]);
});

test("two appliers each keep their own container, and dropping one removes only that one", () => {
  let live = apply(undefined, deployment([{ name: "a", image: "1" }]), "ma");
  live = apply(live, deployment([{ name: "b", image: "2" }]), "mb");
  assert.deepEqual(live.spec.template.spec.containers.map((c: KObject) => c.name), ["a", "b"]);
  assert.ok(owner(live, "ma")?.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"a"}']);
  assert.ok(owner(live, "mb")?.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"b"}']);
  // mb stops applying its container (it applies an unrelated field instead).
  const next = apply(live, { ...deployment([]), spec: { paused: true } }, "mb");
  assert.deepEqual(next.spec.template.spec.containers.map((c: KObject) => c.name), ["a"]);
});

test("apply removes a field the manager stopped applying, unless another manager owns it", () => {
  let live = apply(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "1" } }, "m1", false, configmaps);
  live = apply(live, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { b: "1" } }, "m2", false, configmaps);
  live = apply(live, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {} }, "m1", false, configmaps);
  assert.deepEqual(live.data, { b: "1" });
  assert.deepEqual(owner(live, "m2")?.fieldsV1, { "f:data": { "f:b": {} } });
});

test("a container field owned by another manager survives when its container's applier drops the container", () => {
  let live = apply(undefined, deployment([{ name: "a", image: "1" }]), "ma");
  live = apply(live, deployment([{ name: "a", env: [{ name: "X", value: "1" }] }]), "mb");
  live = apply(live, { ...deployment([]), spec: { paused: true } }, "ma");
  const containers = live.spec.template.spec.containers;
  assert.equal(containers.length, 1);
  assert.equal(containers[0].image, undefined);
  assert.deepEqual(containers[0].env, [{ name: "X", value: "1" }]);
});

test("a status subresource write records its own entry owning only status", () => {
  const old: KObject = { ...deployment([{ name: "a", image: "1" }], 1), status: { replicas: 0 } };
  recordUpdate({ info: deployments, apiVersion: "apps/v1", old: undefined, obj: old, manager: "creator", time: "t1" });
  const next: KObject = { ...structuredClone(old), status: { replicas: 1, readyReplicas: 1 } };
  recordUpdate({ info: deployments, apiVersion: "apps/v1", old, obj: next, manager: "controller", subresource: "status", time: "t2" });
  const status = owner(next, "controller")!;
  assert.equal(status.subresource, "status");
  assert.deepEqual(status.fieldsV1, { "f:status": { "f:readyReplicas": {}, "f:replicas": {} } });
  assert.equal(owner(next, "creator")?.fieldsV1["f:status"], undefined);
});

test("custom resources merge and own list-type map items by their list-map keys", () => {
  const info = {
    group: "example.com",
    version: "v1",
    resource: "routes",
    kind: "Route",
    subresources: [] as string[],
    crd: {
      crdName: "routes.example.com",
      printerColumns: [],
      preserveUnknownFields: false,
      storage: true,
      schema: {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: {
              rules: {
                type: "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["host"],
                items: { type: "object", properties: { host: { type: "string" }, backend: { type: "string" } } },
              },
            },
          },
        },
      },
    },
  } as unknown as ResourceInfo;
  const route = (rules: KObject[]): KObject => ({ apiVersion: "example.com/v1", kind: "Route", metadata: { name: "r" }, spec: { rules } });
  let live = apply(undefined, route([{ host: "a", backend: "x" }]), "one", false, info);
  live = apply(live, route([{ host: "b", backend: "y" }]), "two", false, info);
  assert.deepEqual(live.spec.rules.map((r: KObject) => r.host), ["a", "b"]);
  assert.throws(() => apply(live, route([{ host: "a", backend: "z" }]), "two", false, info), /conflict with "one": \.spec\.rules\[host="a"\]\.backend/);
  live = apply(live, route([]), "one", false, info);
  assert.deepEqual(live.spec.rules, [{ host: "b", backend: "y" }]);
});
