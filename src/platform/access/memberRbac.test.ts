// What kpanda keeps in a member's RBAC for each kind of kpanda RoleBinding.
import assert from "node:assert/strict";
import { it } from "node:test";
import { bindingDrift, desiredBindings } from "./memberRbac.ts";
import type { Binding } from "./roles.ts";

const bindings: Binding[] = [
  { name: "o", user: "olga", role: "Owner" },
  { name: "c", user: "carl", role: "ClusterAdmin", cluster: "dev" },
  { name: "v", user: "vic", role: "NSViewer", cluster: "dev", namespace: "shop" },
  { name: "e", user: "ed", role: "NSEditor", cluster: "prod", namespace: "shop" },
];

it("maps Owner to a ClusterRoleBinding in every cluster, ClusterAdmin in its cluster, NS roles to RoleBindings in their namespace", () => {
  const dev = desiredBindings("dev", bindings);
  assert.deepEqual(
    dev.clusterRoleBindings.map((b) => [b.metadata!.name, b.roleRef.name, b.subjects![0].name]),
    [
      ["kpanda-o", "kpanda-cluster-admin", "kpanda:olga"],
      ["kpanda-c", "kpanda-cluster-admin", "kpanda:carl"],
    ],
  );
  assert.deepEqual(
    dev.roleBindings.map((b) => [b.metadata!.namespace, b.metadata!.name, b.roleRef.name, b.metadata!.labels!["kpanda.io/rolebinding"]]),
    [["shop", "kpanda-v", "kpanda-ns-view", "v"]],
  );
  const prod = desiredBindings("prod", bindings);
  assert.deepEqual(
    prod.clusterRoleBindings.map((b) => b.metadata!.name),
    ["kpanda-o"],
  );
  assert.deepEqual(
    prod.roleBindings.map((b) => b.roleRef.name),
    ["kpanda-ns-edit"],
  );
});

it("repairs a binding in place when its subjects or labels drift, and recreates it when its roleRef does (roleRef is immutable)", () => {
  const [want] = desiredBindings("dev", bindings).roleBindings;
  assert.equal(bindingDrift(want, structuredClone(want)), undefined);
  assert.equal(bindingDrift(want, { ...want, subjects: [] }), "replace");
  assert.equal(bindingDrift(want, { ...want, metadata: { ...want.metadata, labels: {} } }), "replace");
  assert.equal(bindingDrift(want, { ...want, roleRef: { ...want.roleRef, name: "kpanda-ns-admin" } }), "recreate");
});
