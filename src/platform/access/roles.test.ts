// kpanda's roles: what each grants where, from the one action table that
// GET /me reports and the REST routes check.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { actionsOf, Authorizer } from "./roles.ts";

/** An Authorizer over these bindings (a fixed list in place of the host's live cache). */
function authz(bindings: { user: string; role: string; cluster?: string; namespace?: string }[]): Authorizer {
  const objs: KObj[] = bindings.map((spec, i) => ({ metadata: { name: `b${i}` }, spec }));
  return new Authorizer({ list: () => objs } as unknown as KindCache);
}

describe("roles", () => {
  const a = authz([
    { user: "olga", role: "Owner" },
    { user: "carl", role: "ClusterAdmin", cluster: "dev" },
    { user: "nina", role: "NSAdmin", cluster: "dev", namespace: "shop" },
    { user: "nina", role: "NSViewer", cluster: "prod", namespace: "shop" },
  ]);

  it("an Owner may do every action everywhere", () => {
    assert.ok(a.can("olga", "users.manage"));
    assert.ok(a.can("olga", "cluster.delete", "any"));
    assert.ok(a.can("olga", "exec", "any", "ns"));
  });

  it("a ClusterAdmin may do every cluster and namespace action in its cluster but delete it, and nothing elsewhere", () => {
    assert.ok(a.can("carl", "nodes.edit", "dev"));
    assert.ok(a.can("carl", "namespace.delete", "dev", "anything"));
    assert.ok(!a.can("carl", "cluster.delete", "dev"));
    assert.ok(!a.can("carl", "cluster.view", "prod"));
    assert.ok(!a.can("carl", "users.manage"));
  });

  it("a namespace role reaches its namespace only, and lets its user see (not administer) the cluster", () => {
    assert.ok(a.can("nina", "rbac.edit", "dev", "shop"));
    assert.ok(!a.can("nina", "rbac.edit", "dev", "other"));
    assert.ok(!a.can("nina", "workloads.edit", "prod", "shop"));
    assert.ok(a.can("nina", "workloads.view", "prod", "shop"));
    assert.ok(a.can("nina", "cluster.view", "prod"));
    assert.ok(!a.can("nina", "nodes.view", "dev"));
    // An NSAdmin edits its namespace's labels, but not its Pod Security ones (ClusterAdmin), as in Kpanda.
    assert.ok(a.can("nina", "namespace.edit", "dev", "shop"));
    assert.ok(!a.can("nina", "namespace.edit", "prod", "shop"));
    assert.ok(!a.can("nina", "namespace.podSecurity", "dev", "shop"));
    assert.ok(a.can("carl", "namespace.podSecurity", "dev", "shop"));
    // Without a namespace, a namespace action is refused rather than read as "any namespace".
    assert.ok(!a.can("nina", "workloads.view", "dev"));
  });

  it("lists the actions of a role over a scope in table order", () => {
    assert.deepEqual(actionsOf("NSViewer", "namespace"), ["namespace.view", "workloads.view"]);
    assert.deepEqual(actionsOf("NSAdmin", "cluster", false), ["cluster.view", "cluster.kubeconfig"]);
    assert.ok(actionsOf("ClusterAdmin", "cluster").includes("exec"));
    assert.deepEqual(actionsOf("Owner", "platform", false), ["users.manage", "clusters.create", "audit.view"]);
  });
});
