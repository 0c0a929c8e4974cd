import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage } from "../storage/memory.ts";
import { defaultClusterRoleBindings, defaultClusterRoles } from "./bootstrapPolicy.ts";
import { RbacAuthorizer } from "./RbacAuthorizer.ts";
import { requestAttributes } from "./requestAttributes.ts";

function put(storage: MemoryStorage, key: string, obj: object): void {
  storage.create(key, () => JSON.stringify(obj));
}

function setup() {
  const storage = new MemoryStorage({ historySize: 1000 });
  for (const r of defaultClusterRoles) put(storage, `/rbac.authorization.k8s.io/clusterroles/${r.metadata!.name}`, r);
  for (const b of defaultClusterRoleBindings) put(storage, `/rbac.authorization.k8s.io/clusterrolebindings/${b.metadata!.name}`, b);
  put(storage, "/rbac.authorization.k8s.io/roles/team/pod-reader", {
    metadata: { name: "pod-reader", namespace: "team" },
    rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
  });
  const rbac = new RbacAuthorizer(storage);
  rbac.start();
  return { storage, rbac };
}

const bob = { name: "bob", groups: ["system:authenticated"] };
const can = (rbac: RbacAuthorizer, user: typeof bob, method: string, path: string) =>
  rbac.authorize(requestAttributes(user, method, path, new URLSearchParams())).allowed;

test("system:masters may do anything; others get only what bindings grant", () => {
  const { rbac } = setup();
  assert.equal(can(rbac, { name: "root", groups: ["system:masters"] }, "DELETE", "/api/v1/nodes/x"), true);
  assert.equal(can(rbac, bob, "GET", "/api/v1/namespaces/team/pods"), false);
  assert.equal(can(rbac, bob, "GET", "/apis/apps/v1"), true, "system:discovery for system:authenticated");
  assert.equal(can(rbac, bob, "GET", "/metrics"), false);
});

test("a RoleBinding grants its Role in its namespace only, and takes effect on the next request", () => {
  const { storage, rbac } = setup();
  assert.equal(can(rbac, bob, "GET", "/api/v1/namespaces/team/pods"), false);
  put(storage, "/rbac.authorization.k8s.io/rolebindings/team/bob-reads", {
    metadata: { name: "bob-reads", namespace: "team" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }],
  });
  assert.equal(can(rbac, bob, "GET", "/api/v1/namespaces/team/pods"), true);
  assert.equal(can(rbac, bob, "DELETE", "/api/v1/namespaces/team/pods/p"), false);
  assert.equal(can(rbac, bob, "GET", "/api/v1/namespaces/other/pods"), false);
  const d = rbac.authorize(requestAttributes(bob, "GET", "/api/v1/namespaces/team/pods/p", new URLSearchParams()));
  assert.equal(d.reason, 'RBAC: allowed by RoleBinding "bob-reads/team" of Role "pod-reader" to User "bob"');
});

test("ServiceAccount subjects default to the binding's namespace; a missing role is the denial's reason", () => {
  const { storage, rbac } = setup();
  put(storage, "/rbac.authorization.k8s.io/rolebindings/team/sa", {
    metadata: { name: "sa", namespace: "team" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "missing" },
    subjects: [{ kind: "ServiceAccount", name: "worker" }],
  });
  const sa = { name: "system:serviceaccount:team:worker", groups: ["system:serviceaccounts", "system:authenticated"] };
  const d = rbac.authorize(requestAttributes(sa, "GET", "/api/v1/namespaces/team/pods", new URLSearchParams()));
  assert.deepEqual(d, { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found' });
});

test("authorizing a request costs microseconds, for a bound non-master user too", () => {
  const { storage, rbac } = setup();
  for (let i = 0; i < 200; i++) {
    put(storage, `/rbac.authorization.k8s.io/rolebindings/ns${i}/b`, {
      metadata: { name: "b", namespace: `ns${i}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:aggregate-to-edit" },
      subjects: [{ kind: "User", name: `user${i}` }],
    });
  }
  const user = { name: "user7", groups: ["system:authenticated"] };
  const attrs = requestAttributes(user, "PATCH", "/apis/apps/v1/namespaces/ns7/deployments/web", new URLSearchParams());
  assert.equal(rbac.authorize(attrs).allowed, true);
  const n = 20_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) rbac.authorize(attrs);
  const perCall = Number(process.hrtime.bigint() - start) / n / 1000;
  console.log(`rbac authorize, bound user: ${perCall.toFixed(2)} µs per decision`);
  assert.ok(perCall < 50, `${perCall} µs`);
});
