import assert from "node:assert/strict";
import { test } from "node:test";
import { difference, intersection, isMember, memberPaths, sortSet, union } from "./fieldSet.ts";
import { objectShape, schemaShape } from "./shape.ts";
import { compare, configFieldSet } from "./walk.ts";
import type { ResourceInfo } from "../registry/types.ts";

const deployments = { group: "apps", version: "v1", kind: "Deployment", modelType: "V1Deployment", subresources: ["status"] } as ResourceInfo;

test("a node is a member when it has no children or holds the '.' marker", () => {
  assert.equal(isMember({}), true);
  assert.equal(isMember({ ".": {}, "f:a": {} }), true);
  assert.equal(isMember({ "f:a": {} }), false);
});

test("difference keeps a parent only on the way to remaining members", () => {
  const a = { "f:spec": { "f:replicas": {}, "f:paused": {} } };
  assert.deepEqual(difference(a, { "f:spec": { "f:replicas": {} } }), { "f:spec": { "f:paused": {} } });
  assert.deepEqual(difference(a, a), {});
  const item = { "f:c": { 'k:{"name":"x"}': { ".": {}, "f:image": {} } } };
  assert.deepEqual(difference(item, { "f:c": { 'k:{"name":"x"}': {} } }), { "f:c": { 'k:{"name":"x"}': { "f:image": {} } } });
});

test("union and intersection respect membership", () => {
  const a = { "f:data": { "f:a": {} } };
  const b = { "f:data": { ".": {}, "f:b": {} } };
  assert.deepEqual(sortSet(union(a, b)), { "f:data": { ".": {}, "f:a": {}, "f:b": {} } });
  assert.deepEqual(intersection(a, b), {});
  assert.deepEqual(intersection(union(a, b), a), a);
});

test("member paths print as structured-merge-diff paths", () => {
  const set = {
    "f:spec": { "f:replicas": {}, "f:ports": { 'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:name": {} } } },
    "f:metadata": { "f:finalizers": { 'v:"a"': {} } },
  };
  assert.deepEqual(memberPaths(set), [
    ".spec.replicas",
    '.spec.ports[port=80,protocol="TCP"]',
    '.spec.ports[port=80,protocol="TCP"].name',
    '.metadata.finalizers[="a"]',
  ]);
});

test("containers are keyed by name and container ports by containerPort and protocol", () => {
  const set = configFieldSet(
    {
      spec: {
        template: {
          spec: {
            containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }] }],
          },
        },
      },
    },
    objectShape(deployments),
  );
  assert.deepEqual(set, {
    "f:spec": {
      "f:template": {
        "f:spec": {
          "f:containers": {
            'k:{"name":"nginx"}': {
              ".": {},
              "f:name": {},
              "f:image": {},
              "f:ports": {
                'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} },
                'k:{"containerPort":53,"protocol":"UDP"}': { ".": {}, "f:containerPort": {}, "f:protocol": {} },
              },
            },
          },
        },
      },
    },
  });
});

test("finalizers are a set, args an atomic list, a label selector an atomic struct", () => {
  const set = configFieldSet(
    {
      metadata: { finalizers: ["a", "b"], labels: { app: "x" } },
      spec: { selector: { matchLabels: { app: "x" } }, template: { spec: { containers: [{ name: "c", args: ["-v"] }] } } },
    },
    objectShape(deployments),
  );
  assert.deepEqual(set["f:metadata"], { "f:finalizers": { 'v:"a"': {}, 'v:"b"': {} }, "f:labels": { "f:app": {} } });
  assert.deepEqual((set["f:spec"] as any)["f:selector"], {});
  assert.deepEqual((set["f:spec"] as any)["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:args"], {});
});

test("CRD schemas give list types map, set and atomic, and atomic map types", () => {
  const shape = schemaShape({
    type: "object",
    properties: {
      routes: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["host", "port"],
        items: { type: "object", properties: { host: { type: "string" }, port: { type: "integer", default: 443 }, path: { type: "string" } } },
      },
      tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
      steps: { type: "array", items: { type: "string" } },
      ref: { type: "object", "x-kubernetes-map-type": "atomic", properties: { name: { type: "string" } } },
      extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  });
  const set = configFieldSet(
    { routes: [{ host: "a", path: "/" }], tags: ["x"], steps: ["1", "2"], ref: { name: "n" }, extra: { deep: { k: 1 } } },
    shape,
  );
  assert.deepEqual(set, {
    "f:routes": { 'k:{"host":"a","port":443}': { ".": {}, "f:host": {}, "f:path": {} } },
    "f:tags": { 'v:"x"': {} },
    "f:steps": {},
    "f:ref": {},
    "f:extra": { "f:deep": { ".": {}, "f:k": {} } },
  });
});

test("comparing versions reports added, modified and removed fields by list key", () => {
  const shape = objectShape(deployments);
  const before = { spec: { replicas: 1, template: { spec: { containers: [{ name: "a", image: "1" }, { name: "b", image: "1" }] } } } };
  const after = { spec: { replicas: 2, template: { spec: { containers: [{ name: "b", image: "1" }, { name: "c", image: "1" }] } } } };
  const c = compare(before, after, shape);
  const containers = (s: any) => s["f:spec"]["f:template"]["f:spec"]["f:containers"];
  assert.deepEqual(c.modified, { "f:spec": { "f:replicas": {} } });
  assert.deepEqual(containers(c.added), { 'k:{"name":"c"}': { ".": {}, "f:name": {}, "f:image": {} } });
  assert.deepEqual(containers(c.removed), { 'k:{"name":"a"}': { ".": {}, "f:name": {}, "f:image": {} } });
});
