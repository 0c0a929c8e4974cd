import assert from "node:assert/strict";
import { test } from "node:test";
import { getModel, getModelDocs, parseType, reachableModels } from "./typeGraph.ts";

test("a model's fields carry parsed types keyed by JSON name", () => {
  const spec = getModel("V1PodSpec");
  assert.ok(spec);
  assert.deepEqual(spec.fields.get("containers")?.type, { kind: "array", items: { kind: "ref", name: "V1Container" } });
  assert.deepEqual(spec.fields.get("nodeSelector")?.type, { kind: "map", values: { kind: "primitive", type: "string" } });
  assert.deepEqual(spec.fields.get("activeDeadlineSeconds")?.type, { kind: "primitive", type: "integer", format: "int64" });
  assert.ok(getModel("V1JSONSchemaProps")?.fields.has("default"), "baseName, not the generator's _default");
});

test("type strings parse into primitives, refs, arrays, maps, int-or-string and any", () => {
  assert.deepEqual(parseType("Date", "date-time"), { kind: "primitive", type: "string", format: "date-time" });
  // metav1.MicroTime is `{type: string, format: date-time}` upstream, not a
  // model: a reference to it would dangle, and kubectl ≤ 1.28 rejects the
  // whole OpenAPI v2 document ("unknown model in reference").
  assert.deepEqual(parseType("V1MicroTime", "date-time"), { kind: "primitive", type: "string", format: "date-time" });
  assert.deepEqual(parseType("IntOrString", "int-or-string"), { kind: "intOrString" });
  assert.deepEqual(parseType("any"), { kind: "any" });
  assert.deepEqual(parseType("number", "double"), { kind: "primitive", type: "number", format: "double" });
  assert.deepEqual(parseType("{ [key: string]: Array<string>; }"), {
    kind: "map",
    values: { kind: "array", items: { kind: "primitive", type: "string" } },
  });
});

test("unknown and malformed model names answer undefined", () => {
  assert.equal(getModel("V1DoesNotExist"), undefined);
  assert.equal(getModel("../index"), undefined);
});

test("descriptions come from the model's JSDoc", () => {
  const d = getModelDocs("V1Pod");
  assert.match(d?.description ?? "", /^Pod is a collection of containers/);
  assert.match(d?.fields.get("kind") ?? "", /^Kind is a string value/);
  assert.deepEqual(getModelDocs("V1PodSpec")?.required, ["containers"]);
});

test("the reachable set of Deployment includes the pod template and object meta", () => {
  const names = reachableModels(["V1Deployment"]);
  assert.equal(names[0], "V1Deployment");
  for (const n of ["V1PodTemplateSpec", "V1Container", "V1ObjectMeta", "V1ManagedFieldsEntry"]) assert.ok(names.includes(n), n);
});
