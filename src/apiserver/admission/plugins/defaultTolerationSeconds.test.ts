// DefaultTolerationSeconds, after plugin/pkg/admission/defaulttolerationseconds/admission.go
// (Admit, 1.32; the same in 1.20): which existing tolerations count, and the two it adds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { systemContext } from "../../registry/context.ts";
import { pod, testStore } from "./testing.ts";

const notReady = {
  key: "node.kubernetes.io/not-ready",
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: 300,
};
const unreachable = {
  key: "node.kubernetes.io/unreachable",
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: 300,
};

test("a new pod gets not-ready and unreachable NoExecute tolerations for 300 s", () => {
  const t = testStore();
  assert.deepEqual(t.create("pods", "t", pod("p")).spec.tolerations, [notReady, unreachable]);
});

test("a toleration with that key or no key, and NoExecute or no effect, counts as tolerating", () => {
  const t = testStore();
  const tol = (name: string, tolerations: unknown[]) =>
    t.create("pods", "t", pod(name, {}, { tolerations })).spec.tolerations;
  const own = {
    key: "node.kubernetes.io/unreachable",
    operator: "Exists",
    effect: "NoExecute",
    tolerationSeconds: 6000,
  };
  assert.deepEqual(tol("a", [own]), [own, notReady]);
  const anyEffect = { key: "node.kubernetes.io/not-ready", operator: "Exists" };
  assert.deepEqual(tol("b", [anyEffect]), [anyEffect, unreachable]);
  const all = { operator: "Exists" };
  assert.deepEqual(tol("c", [all]), [all]);
  const allNoExecute = { operator: "Exists", effect: "NoExecute" };
  assert.deepEqual(tol("d", [allNoExecute]), [allNoExecute]);
  // NoSchedule does not count: the NoExecute ones are still added.
  const noSchedule = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" };
  assert.deepEqual(tol("e", [noSchedule]), [noSchedule, notReady, unreachable]);
});

test("an update that drops them gets them back, so it only adds tolerations", () => {
  const t = testStore();
  const made = t.create("pods", "t", pod("p"));
  const next = structuredClone(made);
  next.spec.tolerations = [];
  const updated = t.store.update(t.info("pods"), "t", "p", next, systemContext()).obj;
  assert.deepEqual(updated.spec.tolerations, [notReady, unreachable]);
});
