// What kpanda keeps in each member cluster's RBAC, as data: four
// ClusterRoles and one binding per kpanda RoleBinding that reaches the
// cluster. The proxy calls members as `kpanda:<user>` (Impersonate-User) in
// the group `kpanda:authenticated`, so these decide what a user may do there.
//
// The ClusterRoles follow Kubernetes' default user-facing roles
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, 1.32):
// kpanda-cluster-admin is cluster-admin; kpanda-ns-view, -ns-edit and
// -ns-admin are view, edit and admin with their aggregated rules written out
// (view ⊂ edit ⊂ admin), not aggregated, so they do not depend on the
// member's aggregation controller and drift is a plain comparison. Like
// kube's, edit has pods/exec, attach and portforward; view has none of them
// and no Secrets. Rules naming resources a 1.20 member lacks are harmless.
import type { V1ClusterRole, V1ClusterRoleBinding, V1PolicyRule, V1RoleBinding, RbacV1Subject } from "@kubernetes/client-node";
import type { Binding, Role } from "./roles.ts";

export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const BINDING_LABEL = "kpanda.io/rolebinding";
/** Selects every binding kpanda made for a RoleBinding (and nothing else kpanda manages). */
export const BINDINGS_SELECTOR = `${MANAGED_BY}=kpanda,${BINDING_LABEL}`;
export const USER_PREFIX = "kpanda:";
export const USER_GROUP = "kpanda:authenticated";
const RBAC_GROUP = "rbac.authorization.k8s.io";

export const CLUSTER_ROLE_OF: Record<Role, string> = {
  Owner: "kpanda-cluster-admin",
  ClusterAdmin: "kpanda-cluster-admin",
  NSAdmin: "kpanda-ns-admin",
  NSEditor: "kpanda-ns-edit",
  NSViewer: "kpanda-ns-view",
};

const READ = ["get", "list", "watch"];
const RW = ["create", "delete", "deletecollection", "patch", "update"];
const ALL = [...RW, ...READ].sort();
const rule = (apiGroups: string[], resources: string[], verbs: string[]): V1PolicyRule => ({ apiGroups, resources, verbs });

// kube's system:aggregate-to-view.
const VIEW: V1PolicyRule[] = [
  rule(
    [""],
    ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"],
    READ,
  ),
  rule(
    [""],
    ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"],
    READ,
  ),
  rule([""], ["namespaces"], READ),
  rule(["discovery.k8s.io"], ["endpointslices"], READ),
  rule(
    ["apps"],
    ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"],
    READ,
  ),
  rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
  rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
  rule(
    ["extensions"],
    ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"],
    READ,
  ),
  rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
  rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
  // kpanda's CronHorizontalPodAutoscaler (scaling/cronHpaCrd.ts), aggregated as a CRD's installer would: read with view, written with edit.
  rule(["autoscaling.kpanda.io"], ["cronhorizontalpodautoscalers", "cronhorizontalpodautoscalers/status"], READ),
];

// kube's system:aggregate-to-edit.
const EDIT: V1PolicyRule[] = [
  rule([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
  rule([""], ["serviceaccounts"], ["impersonate"]),
  rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], RW),
  rule([""], ["pods/eviction"], ["create"]),
  rule(
    [""],
    ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"],
    RW,
  ),
  rule([""], ["serviceaccounts/token"], ["create"]),
  rule(
    ["apps"],
    ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"],
    RW,
  ),
  rule(["autoscaling"], ["horizontalpodautoscalers"], RW),
  rule(["autoscaling.kpanda.io"], ["cronhorizontalpodautoscalers"], RW),
  rule(["batch"], ["cronjobs", "jobs"], RW),
  rule(
    ["extensions"],
    ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"],
    RW,
  ),
  rule(["policy"], ["poddisruptionbudgets"], RW),
  rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], RW),
  rule(["coordination.k8s.io"], ["leases"], ALL),
];

// kube's system:aggregate-to-admin.
const ADMIN: V1PolicyRule[] = [
  rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
  rule([RBAC_GROUP], ["rolebindings", "roles"], ALL),
];

const CLUSTER_ADMIN: V1PolicyRule[] = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

const labels = (extra: Record<string, string> = {}) => ({ [MANAGED_BY]: "kpanda", ...extra });

function clusterRole(name: string, rules: V1PolicyRule[]): V1ClusterRole {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: "ClusterRole", metadata: { name, labels: labels() }, rules };
}

/** The four ClusterRoles every member gets. */
export const CLUSTER_ROLES: readonly V1ClusterRole[] = [
  clusterRole("kpanda-cluster-admin", CLUSTER_ADMIN),
  clusterRole("kpanda-ns-admin", [...VIEW, ...EDIT, ...ADMIN]),
  clusterRole("kpanda-ns-edit", [...VIEW, ...EDIT]),
  clusterRole("kpanda-ns-view", VIEW),
];

/** The member-side name of the objects made for a kpanda RoleBinding. */
export const memberBindingName = (binding: string) => `kpanda-${binding}`;

export function subjectOf(user: string): RbacV1Subject {
  return { kind: "User", apiGroup: RBAC_GROUP, name: `${USER_PREFIX}${user}` };
}

export type DesiredBindings = { clusterRoleBindings: V1ClusterRoleBinding[]; roleBindings: V1RoleBinding[] };

/**
 * The member bindings for `cluster`: Owner bindings (every cluster) and
 * ClusterAdmin bindings of this cluster as ClusterRoleBindings to
 * kpanda-cluster-admin; NS bindings of this cluster as RoleBindings in
 * their namespace to kpanda-ns-*.
 */
export function desiredBindings(cluster: string, bindings: readonly Binding[]): DesiredBindings {
  const out: DesiredBindings = { clusterRoleBindings: [], roleBindings: [] };
  for (const b of bindings) {
    const role = CLUSTER_ROLE_OF[b.role];
    if (!role || !b.user) continue;
    const metadata = { name: memberBindingName(b.name), labels: labels({ [BINDING_LABEL]: b.name }) };
    const roleRef = { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role };
    const subjects = [subjectOf(b.user)];
    if (b.role === "Owner" || (b.role === "ClusterAdmin" && b.cluster === cluster)) {
      out.clusterRoleBindings.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: "ClusterRoleBinding", metadata, roleRef, subjects });
    } else if (b.cluster === cluster && b.namespace && b.role !== "ClusterAdmin") {
      out.roleBindings.push({
        apiVersion: `${RBAC_GROUP}/v1`,
        kind: "RoleBinding",
        metadata: { ...metadata, namespace: b.namespace },
        roleRef,
        subjects,
      });
    }
  }
  return out;
}

// Drift: what the member holds differs from what kpanda wants. Only kpanda's
// own labels and fields are compared; labels others add are kept.

type Labelled = { metadata?: { labels?: Record<string, string> } };

function labelsDrift(want: Labelled, got: Labelled): boolean {
  return Object.entries(want.metadata?.labels ?? {}).some(([k, v]) => got.metadata?.labels?.[k] !== v);
}

const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();

function ruleKey(r: V1PolicyRule): string {
  return JSON.stringify([sorted(r.apiGroups), sorted(r.resources), sorted(r.verbs), sorted(r.resourceNames), sorted(r.nonResourceURLs)]);
}

export function clusterRoleDrifts(want: V1ClusterRole, got: V1ClusterRole): boolean {
  const a = (want.rules ?? []).map(ruleKey);
  const b = (got.rules ?? []).map(ruleKey);
  return labelsDrift(want, got) || !!got.aggregationRule || a.length !== b.length || a.some((k, i) => k !== b[i]);
}

const subjectKey = (s: RbacV1Subject) => JSON.stringify([s.kind, s.apiGroup ?? "", s.name, s.namespace ?? ""]);

/** "replace" when labels or subjects differ; "recreate" when the roleRef does (it is immutable). */
export function bindingDrift(want: V1ClusterRoleBinding | V1RoleBinding, got: V1ClusterRoleBinding | V1RoleBinding) {
  if (want.roleRef.name !== got.roleRef?.name || want.roleRef.kind !== got.roleRef?.kind) return "recreate";
  const a = (want.subjects ?? []).map(subjectKey).sort();
  const b = (got.subjects ?? []).map(subjectKey).sort();
  if (labelsDrift(want, got) || a.length !== b.length || a.some((k, i) => k !== b[i])) return "replace";
  return undefined;
}
