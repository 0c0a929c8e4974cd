// Pod update rules. Expected values from kube 1.32
// pkg/apis/core/validation/validation.go: ValidatePodUpdate (the
// updatablePodSpecFields message), ValidateContainerUpdates,
// validateOnlyAddedTolerations, validateOnlyDeletedSchedulingGates,
// validateNodeSelectorMutation and ValidateTolerations; 1.20's message
// differed ("… `spec.activeDeadlineSeconds` or `spec.tolerations` (only
// additions to existing tolerations)").
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults } from "./defaults.ts";
import { infoFor, lines, pod } from "./testing.ts";
import { validateObject } from "./validation.ts";
import { POD_UPDATE_MESSAGE } from "./validatePodUpdate.ts";

const FORBIDDEN = `spec: Forbidden: ${POD_UPDATE_MESSAGE}`;

function update(old: Record<string, any>, change: (p: Record<string, any>) => void): string[] {
  const info = infoFor("Pod");
  applyDefaults(info, old);
  const cur = structuredClone(old);
  change(cur);
  applyDefaults(info, cur);
  return lines(validateObject(info, cur, old));
}

test("the message lists kube 1.32's updatable fields", () => {
  assert.equal(
    POD_UPDATE_MESSAGE,
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
  );
});

test("images of containers and init containers may change", () => {
  const p = pod({ initContainers: [{ name: "init", image: "busybox" }] });
  assert.deepEqual(
    update(p, (x) => {
      x.spec.containers[0].image = "nginx:1.28";
      x.spec.initContainers[0].image = "busybox:2";
    }),
    [],
  );
});

test("any other spec change is forbidden, with the changed paths appended", () => {
  const errs = update(pod(), (x) => {
    x.spec.containers[0].ports = [{ containerPort: 80 }];
  });
  assert.equal(errs.length, 1);
  const [head, ...diff] = errs[0].split("\n");
  assert.equal(head, FORBIDDEN);
  assert.deepEqual(diff, ['+ spec.containers[0].ports: [{"containerPort":80,"protocol":"TCP"}]']);
  assert.match(
    update(pod(), (x) => (x.spec.nodeName = "n1"))[0],
    /^spec: Forbidden: pod updates may not change fields other than/,
  );
  assert.match(
    update(pod(), (x) => (x.spec.restartPolicy = "Never"))[0],
    /\n- spec.restartPolicy: "Always"\n\+ spec.restartPolicy: "Never"$/,
  );
});

test("containers may not be added or removed", () => {
  assert.deepEqual(
    update(pod(), (x) => x.spec.containers.push({ name: "b", image: "b" })),
    ["spec.containers: Forbidden: pod updates may not add or remove containers"],
  );
});

test("activeDeadlineSeconds may be set or lowered, not raised or removed", () => {
  assert.deepEqual(
    update(pod(), (x) => (x.spec.activeDeadlineSeconds = 30)),
    [],
  );
  const p = pod({ activeDeadlineSeconds: 30 });
  assert.deepEqual(
    update(p, (x) => (x.spec.activeDeadlineSeconds = 10)),
    [],
  );
  assert.deepEqual(
    update(p, (x) => (x.spec.activeDeadlineSeconds = 60)),
    ["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"],
  );
  assert.deepEqual(
    update(p, (x) => delete x.spec.activeDeadlineSeconds),
    [
      'spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value',
    ],
  );
});

test("tolerations may be added and their tolerationSeconds changed, not modified or removed", () => {
  const t = { key: "k", operator: "Equal", value: "v", effect: "NoExecute", tolerationSeconds: 5 };
  const p = pod({ tolerations: [t] });
  assert.deepEqual(
    update(p, (x) => {
      x.spec.tolerations[0].tolerationSeconds = 9;
      x.spec.tolerations.push({ key: "other", operator: "Exists" });
    }),
    [],
  );
  assert.deepEqual(
    update(p, (x) => (x.spec.tolerations[0].value = "w")),
    ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"],
  );
  assert.deepEqual(
    update(p, (x) => (x.spec.tolerations = [])),
    ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"],
  );
  assert.deepEqual(
    update(p, (x) =>
      x.spec.tolerations.push({ key: "", operator: "Equal", effect: "NoSchedule", tolerationSeconds: 1 }),
    ),
    [
      'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      `spec.tolerations[1].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
    ],
  );
});

test("terminationGracePeriodSeconds may only go from a negative value to 1", () => {
  assert.match(
    update(pod(), (x) => (x.spec.terminationGracePeriodSeconds = 1))[0],
    /^spec: Forbidden: pod updates may not change/,
  );
  const neg = pod({ terminationGracePeriodSeconds: -1 });
  assert.deepEqual(
    update(neg, (x) => (x.spec.terminationGracePeriodSeconds = 1)),
    [],
  );
  assert.match(update(neg, (x) => (x.spec.terminationGracePeriodSeconds = 2))[0], /^spec: Forbidden/);
});

test("scheduling gates may be removed, not added; a gated pod may add to its nodeSelector", () => {
  const p = pod({ schedulingGates: [{ name: "a" }, { name: "b" }], nodeSelector: { zone: "z1" } });
  assert.deepEqual(
    update(p, (x) => (x.spec.schedulingGates = [{ name: "b" }])),
    [],
  );
  assert.deepEqual(
    update(p, (x) => x.spec.schedulingGates.push({ name: "c" })),
    ["spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"],
  );
  assert.deepEqual(
    update(p, (x) => (x.spec.nodeSelector.disk = "ssd")),
    [],
  );
  assert.deepEqual(
    update(p, (x) => (x.spec.nodeSelector = { zone: "z2" })),
    [
      'spec.nodeSelector: Invalid value: map[string]string{"zone":"z2"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)',
    ],
  );
  // Once ungated, the nodeSelector is fixed like the rest of the spec.
  assert.match(
    update(pod({ nodeSelector: { zone: "z1" } }), (x) => (x.spec.nodeSelector.disk = "ssd"))[0],
    /^spec: Forbidden/,
  );
});

test("metadata-only updates pass", () => {
  assert.deepEqual(
    update(pod(), (x) => (x.metadata.labels = { a: "b" })),
    [],
  );
});
