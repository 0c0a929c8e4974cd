import assert from "node:assert/strict";
import { test } from "node:test";
import { applyMergePatch, mergePatch } from "./mergePatch.ts";
import { PatchError } from "./PatchError.ts";

// RFC 7386 appendix A test cases.
const rfcCases: [unknown, unknown, unknown][] = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: "b" }, { a: null }, {}],
  [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [["a", "b"], ["c", "d"], ["c", "d"]],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, null, null],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b", c: null }, { a: "b" }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test("the RFC 7386 appendix examples produce their documented results", () => {
  for (const [target, patch, want] of rfcCases) assert.deepEqual(mergePatch(target, patch), want, JSON.stringify({ target, patch }));
});

test("lists are replaced whole and inputs are not modified", () => {
  const live = { spec: { containers: [{ name: "a" }, { name: "b" }] }, metadata: { labels: { x: "1" } } };
  const patch = { spec: { containers: [{ name: "c" }] }, metadata: { labels: { x: null, y: "2" } } };
  const before = structuredClone([live, patch]);
  assert.deepEqual(applyMergePatch(live, patch), { spec: { containers: [{ name: "c" }] }, metadata: { labels: { y: "2" } } });
  assert.deepEqual([live, patch], before);
});

test("a merge patch that is not an object answers like kube-apiserver", () => {
  assert.throws(() => applyMergePatch({}, "x"), (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === "Invalid JSON Patch");
  assert.throws(() => applyMergePatch({}, null), (e: unknown) => e instanceof PatchError && e.code === 400);
  assert.throws(() => applyMergePatch({}, [1]), (e: unknown) => e instanceof PatchError && e.code === 422);
});
