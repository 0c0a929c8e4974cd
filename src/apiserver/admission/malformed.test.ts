import assert from "node:assert/strict";
import { test } from "node:test";
import { builtinResources } from "../registry/builtin.ts";
import type { KObject } from "../registry/types.ts";
import { validateCRD } from "./crd.ts";
import { pruneUnknownFields, validateCustomResource } from "./customResource.ts";
import { applyDefaults, setDefaultsFromSchema } from "./defaults.ts";
import { SAMPLES } from "./samples.ts";
import { prepareForCreate } from "./strategy.ts";
import { lines } from "./testing.ts";
import { validateObject } from "./validation.ts";

const BAD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  "",
  "x",
  [],
  [1, "a", null, {}],
  {},
  { a: { b: [] } },
];

function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function run(info: (typeof builtinResources)[number], obj: KObject, old?: KObject) {
  applyDefaults(info, obj);
  prepareForCreate(info, obj);
  return validateObject(info, obj, old);
}

test("every built-in kind's sample object is valid after defaulting", () => {
  for (const info of builtinResources) {
    const make = SAMPLES[`${info.group}/${info.kind}`];
    assert.ok(make, `sample for ${info.group}/${info.kind}`);
    const obj = make();
    assert.deepEqual(lines(run(info, obj)), [], `${info.group}/${info.version}/${info.kind}`);
    assert.deepEqual(lines(validateObject(info, structuredClone(obj), obj)), [], `update ${info.kind}`);
  }
});

test("a wrong JSON type at any top-level field yields FieldErrors and never throws", () => {
  for (const info of builtinResources) {
    const base = SAMPLES[`${info.group}/${info.kind}`]();
    const fields = new Set([...Object.keys(base), "metadata", "spec", "status"]);
    for (const field of fields) {
      for (const bad of BAD_VALUES) {
        const obj: any = structuredClone(base);
        obj[field] = structuredClone(bad);
        const label = `${info.kind}.${field} = ${JSON.stringify(bad)}`;
        let errs: ReturnType<typeof validateObject> = [];
        assert.doesNotThrow(() => {
          errs = run(info, obj, structuredClone(base));
        }, label);
        const want = base[field];
        const wrongType =
          want !== undefined &&
          bad !== null &&
          jsonType(bad) !== jsonType(want) &&
          !(typeof want === "object" && bad === undefined);
        if (wrongType) assert.ok(errs.length > 0, `${label} gave no errors`);
      }
    }
  }
});

test("a non-object body or wrong types inside metadata yield FieldErrors", () => {
  const info = builtinResources[1];
  for (const bad of [null, 1, "x", [], true]) {
    assert.ok(validateObject(info, bad as any).length > 0);
    assert.doesNotThrow(() => applyDefaults(info, bad as any));
    assert.doesNotThrow(() => prepareForCreate(info, bad as any));
  }
  for (const field of [
    "name",
    "generateName",
    "namespace",
    "labels",
    "annotations",
    "finalizers",
    "ownerReferences",
    "generation",
  ]) {
    for (const bad of BAD_VALUES) {
      const obj: any = SAMPLES["/Pod"]();
      obj.metadata[field] = structuredClone(bad);
      assert.doesNotThrow(() => run(info, obj), `metadata.${field} = ${JSON.stringify(bad)}`);
    }
  }
  const pod: any = SAMPLES["/Pod"]();
  pod.metadata.labels = "app=a";
  assert.ok(lines(run(info, pod)).some((l) => l.startsWith("metadata.labels: Invalid value")));
});

/** Every path in a JSON value, as key lists. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object") return [prefix];
  const out: (string | number)[][] = [prefix];
  for (const [k, x] of Object.entries(v))
    out.push(...paths(x, [...prefix, Array.isArray(v) ? Number(k) : k]));
  return out;
}

function setAt(obj: any, path: (string | number)[], value: unknown): void {
  let node = obj;
  for (const k of path.slice(0, -1)) node = node[k];
  node[path[path.length - 1]] = value;
}

test("any wrong value anywhere inside a workload or Service never makes admission throw", () => {
  for (const key of [
    "/Pod",
    "apps/Deployment",
    "batch/CronJob",
    "/Service",
    "apps/StatefulSet",
    "rbac.authorization.k8s.io/RoleBinding",
  ]) {
    const [group, kind] = key.split("/");
    const info = builtinResources.find((r) => r.group === group && r.kind === kind)!;
    const base = SAMPLES[key]();
    applyDefaults(info, base);
    for (const path of paths(base).filter((p) => p.length > 0)) {
      for (const bad of BAD_VALUES) {
        const obj = structuredClone(base);
        setAt(obj, path, structuredClone(bad));
        assert.doesNotThrow(
          () => run(info, obj, structuredClone(base)),
          `${kind} ${path.join(".")} = ${JSON.stringify(bad)}`,
        );
      }
    }
  }
});

test("custom resource functions never throw on malformed schemas or objects", () => {
  const schemas: any[] = [
    undefined,
    null,
    1,
    "x",
    [],
    {},
    { type: "object", properties: 5, required: "spec", additionalProperties: "x", items: 3 },
    { type: "object", properties: { spec: null, a: { type: "string", pattern: "([" } } },
    { type: "array", items: { type: "integer", enum: "x" } },
  ];
  for (const schema of schemas) {
    for (const bad of BAD_VALUES) {
      const obj: any = { metadata: { name: "x" }, spec: structuredClone(bad), a: structuredClone(bad) };
      assert.doesNotThrow(() => setDefaultsFromSchema(schema, obj));
      assert.doesNotThrow(() => validateCustomResource(schema, obj));
      assert.doesNotThrow(() => pruneUnknownFields(schema, obj));
      assert.doesNotThrow(() => validateCustomResource(schema, bad as any));
      assert.doesNotThrow(() => pruneUnknownFields(schema, bad));
    }
  }
  assert.ok(validateCustomResource(undefined, 5 as any).length > 0);
});

test("validateCRD reports wrong types at every field instead of throwing", () => {
  const base = SAMPLES["apiextensions.k8s.io/CustomResourceDefinition"]();
  for (const path of paths(base).filter((p) => p.length > 0)) {
    for (const bad of BAD_VALUES) {
      const crd = structuredClone(base);
      setAt(crd, path, structuredClone(bad));
      assert.doesNotThrow(() => validateCRD(crd), `${path.join(".")} = ${JSON.stringify(bad)}`);
    }
  }
  for (const bad of BAD_VALUES) {
    const crd: any = structuredClone(base);
    crd.spec = bad;
    assert.ok(validateCRD(crd).length > 0, `spec = ${JSON.stringify(bad)}`);
  }
});
