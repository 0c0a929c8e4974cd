import assert from "node:assert/strict";
import { test } from "node:test";
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./jsonPatch.ts";
import { PatchError } from "./PatchError.ts";

const pod = () => ({ metadata: { name: "p", labels: { a: "1" } }, spec: { containers: [{ name: "c", image: "x" }] } });

function fails(patch: unknown, code: number, kind: string) {
  return () =>
    assert.throws(
      () => applyJsonPatch(pod(), patch),
      (e: unknown) => e instanceof PatchError && e.code === code && e.kind === kind,
    );
}

test("add, replace, remove and test apply in order", () => {
  const out = applyJsonPatch(pod(), [
    { op: "test", path: "/metadata/name", value: "p" },
    { op: "add", path: "/metadata/labels/b", value: "2" },
    { op: "replace", path: "/spec/containers/0/image", value: "y" },
    { op: "remove", path: "/metadata/labels/a" },
    { op: "add", path: "/spec/containers/-", value: { name: "d" } },
  ]);
  assert.deepEqual(out, { metadata: { name: "p", labels: { b: "2" } }, spec: { containers: [{ name: "c", image: "y" }, { name: "d" }] } });
});

test("neither the document nor the patch is modified, and the result shares nothing with the patch", () => {
  const doc = pod();
  const value = { name: "d" };
  const out = applyJsonPatch(doc, [{ op: "add", path: "/spec/containers/-", value }]);
  assert.deepEqual(doc, pod());
  out.spec.containers[1].name = "changed";
  assert.equal(value.name, "d");
});

test("a body that is not a list of operations is a 400", fails({ op: "add" }, 400, "invalidDocument"));
test("an operation that is not an object is a 400", fails([42], 400, "invalidDocument"));
test("a failed test operation is a 422 testFailed", fails([{ op: "test", path: "/metadata/name", value: "q" }], 422, "testFailed"));
test("a path that does not resolve is a 422 badPath", fails([{ op: "replace", path: "/metadata/nothing", value: 1 }], 422, "badPath"));
test("adding under a missing parent is a 422 badPath", fails([{ op: "add", path: "/status/phase", value: "x" }], 422, "badPath"));
test("an unknown op is a 422 invalidOperation", fails([{ op: "frobnicate", path: "/a" }], 422, "invalidOperation"));
test("touching __proto__ is refused", fails([{ op: "add", path: "/__proto__/x", value: 1 }], 422, "invalidOperation"));
test("more than 10000 operations is a 413", () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: "test", path: "/metadata/name", value: "p" }));
  fails(ops, 413, "tooManyOperations")();
});

test("a 422 keeps kube-apiserver's generic message and the specific detail", () => {
  try {
    applyJsonPatch(pod(), [{ op: "test", path: "/metadata/name", value: "q" }]);
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof PatchError);
    assert.equal(e.reason, "Invalid");
    assert.equal(e.message, "the server rejected our request due to an error in our request");
    assert.match(e.detail, /^Test operation failed \(operation 0: test \/metadata\/name\)$/);
  }
});
