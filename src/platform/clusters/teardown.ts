// Removing a cluster: what kpanda installed in the member goes with it,
// found by its label app.kubernetes.io/managed-by=kpanda — RoleBindings and
// Roles in any namespace, ClusterRoles, ClusterRoleBindings, and kpanda's
// ServiceAccount (with the namespace kpanda-system when kpanda created it).
// Best effort: an unreachable member stops the cleanup at its first failed
// call, and the caller removes the Cluster anyway, reporting what was left.
//
// Order matters, since kpanda deletes with its own ServiceAccount's rights:
// everything else first, then the ClusterRoleBinding kpanda:controller that
// grants those rights. The ServiceAccount and the namespace kpanda-system
// (when kpanda made it) are owned by that binding (memberCredential.ts), so
// the member's garbage collector removes them after it.
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { codeOf } from "../host/host.ts";
import { CONTROLLER_BINDING, MANAGED_SELECTOR } from "./memberCredential.ts";
import type { Member } from "./members.ts";

export type CleanupReport = { complete: boolean; errors: string[] };

const gone = (e: unknown) => {
  if (codeOf(e) !== 404) throw e;
};

export async function removeFromMember(m: Member, timeoutMs = 3000): Promise<CleanupReport> {
  const rbac = m.kc.makeApiClient(RbacAuthorizationV1Api);
  const run = <T>(fn: () => Promise<T>) => m.run(fn, timeoutMs);
  const errors: string[] = [];
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      errors.push(`${what}: ${describe(e)}`);
      // Unreachable: the next calls would fail alike.
      if (codeOf(e) === undefined) throw e;
    }
  };
  try {
    await step("rolebindings", async () => {
      const rbs = await run(() => rbac.listRoleBindingForAllNamespaces({ labelSelector: MANAGED_SELECTOR }));
      await Promise.all(rbs.items.map((rb) => run(() => rbac.deleteNamespacedRoleBinding({ name: rb.metadata!.name!, namespace: rb.metadata!.namespace! })).catch(gone)));
    });
    await step("roles", async () => {
      const roles = await run(() => rbac.listRoleForAllNamespaces({ labelSelector: MANAGED_SELECTOR }));
      await Promise.all(roles.items.map((r) => run(() => rbac.deleteNamespacedRole({ name: r.metadata!.name!, namespace: r.metadata!.namespace! })).catch(gone)));
    });
    await step("clusterroles", () => run(() => rbac.deleteCollectionClusterRole({ labelSelector: MANAGED_SELECTOR })));
    await step("clusterrolebindings", () =>
      run(() => rbac.deleteCollectionClusterRoleBinding({ labelSelector: MANAGED_SELECTOR, fieldSelector: `metadata.name!=${CONTROLLER_BINDING}` })),
    );
    // kpanda's ServiceAccount and its namespace are owned by this binding: the garbage collector removes them after it.
    await step(`clusterrolebinding ${CONTROLLER_BINDING}`, () =>
      run(() => rbac.deleteClusterRoleBinding({ name: CONTROLLER_BINDING, propagationPolicy: "Background" })).catch(gone),
    );
  } catch (e) {
    if (!errors.length) errors.push(describe(e));
  }
  return { complete: errors.length === 0, errors };
}

function describe(e: unknown): string {
  const code = codeOf(e);
  if (code === undefined) return (e as Error)?.message ?? String(e);
  const body = (e as { body?: unknown }).body;
  try {
    const status = typeof body === "string" ? JSON.parse(body) : body;
    if (status?.message) return `${code} ${status.message}`;
  } catch {}
  return `answered ${code}`;
}
