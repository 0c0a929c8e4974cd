import assert from "node:assert/strict";
import { test } from "node:test";
import { allPatchMeta, patchMetaFor } from "./patchMeta.ts";
import { getModel } from "./typeGraph.ts";

test("every patch strategy names a field that exists in the client-node model", () => {
  for (const [typeName, field, meta] of allPatchMeta()) {
    const model = getModel(typeName);
    assert.ok(model, `model ${typeName}`);
    const f = model.fields.get(field);
    assert.ok(f, `${typeName}.${field}`);
    if (meta.strategy.startsWith("merge")) {
      assert.equal(f.type.kind, "array", `${typeName}.${field} is a list`);
      if (meta.mergeKey && f.type.kind === "array") {
        assert.equal(f.type.items.kind, "ref");
        const item = f.type.items.kind === "ref" ? getModel(f.type.items.name) : undefined;
        assert.ok(item?.fields.has(meta.mergeKey), `${typeName}.${field} items have ${meta.mergeKey}`);
      }
    } else {
      assert.equal(f.type.kind, "ref", `${typeName}.${field} is an object`);
    }
  }
});

test("containers merge by name, ports by containerPort and volumes keep retainKeys", () => {
  assert.deepEqual(patchMetaFor("V1PodSpec", "containers"), { strategy: "merge", mergeKey: "name" });
  assert.deepEqual(patchMetaFor("V1Container", "ports"), { strategy: "merge", mergeKey: "containerPort" });
  assert.deepEqual(patchMetaFor("V1PodSpec", "volumes"), { strategy: "merge,retainKeys", mergeKey: "name" });
  assert.deepEqual(patchMetaFor("V1DeploymentSpec", "strategy"), { strategy: "retainKeys" });
  assert.deepEqual(patchMetaFor("V1ObjectMeta", "finalizers"), { strategy: "merge" });
});

test("untagged fields and unknown types have no patch strategy", () => {
  assert.equal(patchMetaFor("V1PodSpec", "tolerations"), undefined);
  assert.equal(patchMetaFor("V1Nothing", "containers"), undefined);
  assert.equal(patchMetaFor("V1PodSpec", "constructor"), undefined);
});
