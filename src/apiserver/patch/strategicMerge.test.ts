import assert from "node:assert/strict";
import { test } from "node:test";
import type { KObject } from "../registry/types.ts";
import { PatchError } from "./PatchError.ts";
import { strategicMergePatch } from "./strategicMerge.ts";

const c = (name: string, extra: object = {}) => ({ name, image: `${name}:1`, ...extra });

function deployment(containers: object[], extra: object = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", tier: "front" } },
    spec: { replicas: 1, template: { metadata: { labels: { app: "web" } }, spec: { containers, ...extra } } },
  };
}

function containersOf(o: KObject): unknown[] {
  return o.spec.template.spec.containers;
}

const podSpec = (spec: object) => ({ spec: { template: { spec } } });

test("label add and remove merge the map and delete null keys", () => {
  const out = strategicMergePatch(deployment([c("a")]), { metadata: { labels: { tier: null, env: "prod", gone: null } } }, "V1Deployment");
  assert.deepEqual(out.metadata?.labels, { app: "web", env: "prod" });
});

test("kubectl set image merges the container by name and keeps its other fields and siblings", () => {
  const live = deployment([c("web", { ports: [{ containerPort: 80 }] }), c("sidecar")]);
  const out = strategicMergePatch(live, podSpec({ containers: [{ image: "nginx:1.25", name: "web" }] }), "V1Deployment");
  assert.deepEqual(containersOf(out), [{ name: "web", image: "nginx:1.25", ports: [{ containerPort: 80 }] }, c("sidecar")]);
});

test("kubectl apply's $setElementOrder/containers places an added container where the manifest has it", () => {
  const live = deployment([c("a"), c("b")]);
  const patch = podSpec({ "$setElementOrder/containers": [{ name: "a" }, { name: "c" }, { name: "b" }], containers: [c("c")] });
  assert.deepEqual(containersOf(strategicMergePatch(live, patch, "V1Deployment")), [c("a"), c("c"), c("b")]);
});

test("$setElementOrder keeps a server-only container between the items that surround it live", () => {
  const live = deployment([c("a"), c("istio"), c("b")]);
  const patch = podSpec({ "$setElementOrder/containers": [{ name: "a" }, { name: "c" }, { name: "b" }], containers: [c("c")] });
  assert.deepEqual(
    containersOf(strategicMergePatch(live, patch, "V1Deployment")).map((x) => (x as { name: string }).name),
    ["a", "c", "istio", "b"],
  );
});

test("$setElementOrder reorders live items and interleaves server-only ones (upstream golden case)", () => {
  const live = deployment([c("1"), c("2"), c("9"), c("3"), c("4")]);
  const order = ["2", "1", "4", "3"].map((name) => ({ name }));
  const out = strategicMergePatch(live, podSpec({ "$setElementOrder/containers": order }), "V1Deployment");
  assert.deepEqual(
    containersOf(out).map((x) => (x as { name: string }).name),
    ["2", "1", "9", "4", "3"],
  );
});

test("a container added without $setElementOrder goes first, as kube-apiserver puts it", () => {
  const out = strategicMergePatch(deployment([c("a"), c("b")]), podSpec({ containers: [c("new")] }), "V1Deployment");
  assert.deepEqual(
    containersOf(out).map((x) => (x as { name: string }).name),
    ["new", "a", "b"],
  );
});

test("$patch: delete in a list item removes the container with that name", () => {
  const out = strategicMergePatch(deployment([c("a"), c("b")]), podSpec({ containers: [{ name: "b", $patch: "delete" }] }), "V1Deployment");
  assert.deepEqual(containersOf(out), [c("a")]);
});

test("$patch: replace as a list item replaces the whole list", () => {
  const out = strategicMergePatch(deployment([c("a"), c("b")]), podSpec({ containers: [c("z"), { $patch: "replace" }] }), "V1Deployment");
  assert.deepEqual(containersOf(out), [c("z")]);
});

test("$patch: replace in a map replaces the map and $patch: delete empties it", () => {
  const live = deployment([c("a")]);
  const replaced = strategicMergePatch(live, { metadata: { labels: { $patch: "replace", only: "me" } } }, "V1Deployment");
  assert.deepEqual(replaced.metadata?.labels, { only: "me" });
  const deleted = strategicMergePatch(live, { metadata: { labels: { $patch: "delete" } } }, "V1Deployment");
  assert.deepEqual(deleted.metadata?.labels, {});
});

test("$retainKeys on the Deployment strategy drops rollingUpdate when switching to Recreate", () => {
  const live = deployment([c("a")]);
  live.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } };
  const out = strategicMergePatch(live, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, "V1Deployment");
  assert.deepEqual(out.spec.strategy, { type: "Recreate" });
});

test("$retainKeys in a volume item clears the old volume source", () => {
  const live = deployment([c("a")], { volumes: [{ name: "v", emptyDir: {} }] });
  const patch = podSpec({ volumes: [{ name: "v", $retainKeys: ["configMap", "name"], configMap: { name: "cm" } }] });
  assert.deepEqual(strategicMergePatch(live, patch, "V1Deployment").spec.template.spec.volumes, [{ name: "v", configMap: { name: "cm" } }]);
});

test("a patch key missing from $retainKeys is a 400", () => {
  const live = deployment([c("a")]);
  live.spec.strategy = { type: "RollingUpdate" };
  assert.throws(
    () => strategicMergePatch(live, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: {} } } }, "V1Deployment"),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === "invalid patch format of retainKeys",
  );
});

test("$deleteFromPrimitiveList removes finalizers and merged primitive lists union", () => {
  const live: KObject = { metadata: { name: "x", finalizers: ["a", "b", "c"] } };
  const removed = strategicMergePatch(live, { metadata: { "$deleteFromPrimitiveList/finalizers": ["b", "zzz"] } }, "V1Pod");
  assert.deepEqual(removed.metadata?.finalizers, ["a", "c"]);
  const added = strategicMergePatch(live, { metadata: { finalizers: ["d", "a"] } }, "V1Pod");
  assert.deepEqual(added.metadata?.finalizers, ["d", "a", "b", "c"]);
});

test("$setElementOrder on a primitive list keeps a server-only item in place (upstream golden case)", () => {
  const live: KObject = { metadata: { finalizers: ["1", "4", "2"] } };
  const out = strategicMergePatch(live, { metadata: { "$setElementOrder/finalizers": ["3", "1", "2"], finalizers: ["3"] } }, "V1Pod");
  assert.deepEqual(out.metadata?.finalizers, ["3", "1", "4", "2"]);
});

test("env merges by name inside a merged container; tolerations without a strategy are replaced", () => {
  const live = deployment([c("a", { env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] })], { tolerations: [{ key: "x" }] });
  const patch = podSpec({ containers: [{ name: "a", env: [{ name: "B", value: "3" }] }], tolerations: [{ key: "y" }] });
  const out = strategicMergePatch(live, patch, "V1Deployment");
  assert.deepEqual(containersOf(out), [c("a", { env: [{ name: "A", value: "1" }, { name: "B", value: "3" }] })]);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: "y" }]);
});

test("ownerReferences merge by uid", () => {
  const live: KObject = { metadata: { ownerReferences: [{ uid: "1", name: "a", kind: "X", apiVersion: "v1" }] } };
  const out = strategicMergePatch(live, { metadata: { ownerReferences: [{ uid: "1", controller: true }] } }, "V1Pod");
  assert.deepEqual(out.metadata?.ownerReferences, [{ uid: "1", name: "a", kind: "X", apiVersion: "v1", controller: true }]);
});

test("an unknown type merges maps and replaces lists, like JSON merge patch", () => {
  const live: KObject = { spec: { items: [1, 2], nested: { a: 1, b: 2 } } };
  const out = strategicMergePatch(live, { spec: { items: [3], nested: { b: null, c: 3 } } }, "WidgetV1");
  assert.deepEqual(out.spec, { items: [3], nested: { a: 1, c: 3 } });
});

test("new values lose their nulls and directives; a value of another type replaces", () => {
  const live: KObject = { spec: { replicas: 1 } };
  const out = strategicMergePatch(live, { spec: { replicas: { odd: true }, paused: null, selector: { matchLabels: { a: "b", c: null } } } }, "V1Deployment");
  assert.deepEqual(out.spec, { replicas: { odd: true }, selector: { matchLabels: { a: "b" } } });
});

test("inputs are not modified", () => {
  const live = deployment([c("a"), c("b")]);
  const before = structuredClone(live);
  const patch = podSpec({ containers: [{ name: "b", $patch: "delete" }] });
  const patchBefore = structuredClone(patch);
  strategicMergePatch(live, patch, "V1Deployment");
  assert.deepEqual(live, before);
  assert.deepEqual(patch, patchBefore);
});

test("a container without its merge key is refused with kube-apiserver's message", () => {
  assert.throws(
    () => strategicMergePatch(deployment([c("a")]), podSpec({ containers: [{ image: "x" }] }), "V1Deployment"),
    (e: unknown) => e instanceof PatchError && e.code === 500 && e.message === "map: map[image:x] does not contain declared merge key: name",
  );
});

test("a patch body that is not a JSON object is a 400; null changes nothing", () => {
  assert.throws(
    () => strategicMergePatch(deployment([]), [{ op: "add" }], "V1Deployment"),
    (e: unknown) => e instanceof PatchError && e.code === 400 && e.kind === "invalidDocument",
  );
  assert.deepEqual(strategicMergePatch(deployment([]), null, "V1Deployment"), deployment([]));
});

test("a $setElementOrder list that contradicts the patch list is refused", () => {
  const patch = podSpec({ "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [c("a"), c("b")] });
  assert.throws(() => strategicMergePatch(deployment([c("a")]), patch, "V1Deployment"), (e: unknown) => e instanceof PatchError && e.kind === "badDirective");
});

test("lists of lists are a 422 and an unknown $patch value is refused", () => {
  assert.throws(
    () => strategicMergePatch({ metadata: { finalizers: [["a"]] as unknown as string[] } }, { metadata: { finalizers: [["b"]] } }, "V1Pod"),
    (e: unknown) => e instanceof PatchError && e.code === 422 && e.detail === "lists of lists are not supported",
  );
  assert.throws(
    () => strategicMergePatch(deployment([]), { spec: { $patch: "bogus" } }, "V1Deployment"),
    (e: unknown) => e instanceof PatchError && e.kind === "badDirective",
  );
});
