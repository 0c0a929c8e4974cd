// Node taints as kube validates them (pkg/apis/core/validation/validation.go validateNodeTaints).
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults } from "./defaults.ts";
import { infoFor, lines } from "./testing.ts";
import { validateObject } from "./validation.ts";

const node = (taints: unknown[]) => ({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { taints } });

function check(obj: any): string[] {
  const info = infoFor("Node", "");
  applyDefaults(info, obj);
  return lines(validateObject(info, obj, undefined));
}

test("a node taint needs a qualified-name key, a label value and a known effect", () => {
  assert.deepEqual(check(node([{ key: "dedicated", value: "gpu", effect: "NoSchedule" }])), []);
  const out = check(node([{ key: "not a key", value: "x y", effect: "Sometimes" }, { key: "k" }]));
  assert.equal(out.length, 4, out.join("\n"));
  assert.match(out[0], /^spec\.taints\[0\]\.key: Invalid value: "not a key": name part must consist of alphanumeric characters/);
  assert.match(out[1], /^spec\.taints\[0\]\.value: Invalid value: "x y": a valid label must be/);
  assert.equal(out[2], 'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
  assert.equal(out[3], "spec.taints[1].effect: Required value");
});

test("two taints with the same key and effect are a duplicate; the same key with another effect is not", () => {
  assert.deepEqual(check(node([{ key: "k", effect: "NoSchedule" }, { key: "k", effect: "NoExecute" }])), []);
  const out = check(node([{ key: "k", effect: "NoSchedule" }, { key: "k", value: "v", effect: "NoSchedule" }]));
  assert.equal(out.length, 1);
  assert.match(out[0], /^spec\.taints\[1\]: Duplicate value: .*: taints must be unique by key and effect pair$/);
});
