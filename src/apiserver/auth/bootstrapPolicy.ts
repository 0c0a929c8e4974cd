// The default ClusterRoles and ClusterRoleBindings kube-apiserver creates at
// start (plugin/pkg/auth/authorizer/rbac/bootstrappolicy, as of 1.32), limited
// to those that matter for a server without nodes or controllers of its own:
// cluster-admin, the aggregated admin/edit/view with their aggregate-to-*
// rule sets, discovery, basic-user and public-info-viewer. Objects that exist
// are left alone (kube reconciles those marked autoupdate; we do not yet).
import { systemContext } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";
import type { PolicyRule } from "./types.ts";

const RW = ["create", "delete", "deletecollection", "patch", "update"];
const READ = ["get", "list", "watch"];
const ALL_RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const AGG = "rbac.authorization.k8s.io/aggregate-to-";

const r = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });

const aggregateToAdmin: PolicyRule[] = [
  r(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
  r(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], ALL_RW),
];

const aggregateToEdit: PolicyRule[] = [
  r([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
  r([""], ["serviceaccounts"], ["impersonate"]),
  r([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], RW),
  r([""], ["pods/eviction"], ["create"]),
  r(
    [""],
    ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"],
    RW,
  ),
  r([""], ["serviceaccounts/token"], ["create"]),
  r(
    ["apps"],
    ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"],
    RW,
  ),
  r(["autoscaling"], ["horizontalpodautoscalers"], RW),
  r(["batch"], ["cronjobs", "jobs"], RW),
  r(
    ["extensions"],
    ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"],
    RW,
  ),
  r(["policy"], ["poddisruptionbudgets"], RW),
  r(["networking.k8s.io"], ["ingresses", "networkpolicies"], RW),
  r(["coordination.k8s.io"], ["leases"], ALL_RW),
];

const aggregateToView: PolicyRule[] = [
  r(
    [""],
    ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"],
    READ,
  ),
  r(
    [""],
    ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"],
    READ,
  ),
  r([""], ["namespaces"], READ),
  r(["discovery.k8s.io"], ["endpointslices"], READ),
  r(
    ["apps"],
    ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"],
    READ,
  ),
  r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
  r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
  r(
    ["extensions"],
    ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"],
    READ,
  ),
  r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
  r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
];

function meta(name: string, labels: Record<string, string> = {}) {
  return {
    name,
    labels: { "kubernetes.io/bootstrapping": "rbac-defaults", ...labels },
    annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
  };
}

function clusterRole(name: string, rules: PolicyRule[] | null, labels: Record<string, string> = {}, aggregateTo?: string): KObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: meta(name, labels),
    ...(aggregateTo ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${AGG}${aggregateTo}`]: "true" } }] } } : {}),
    rules: rules ?? [],
  };
}

function binding(name: string, role: string, groups: string[]): KObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: meta(name),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
  };
}

export const defaultClusterRoles: KObject[] = [
  clusterRole("cluster-admin", [
    { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    { nonResourceURLs: ["*"], verbs: ["*"] },
  ]),
  clusterRole("admin", null, {}, "admin"),
  clusterRole("edit", null, { [`${AGG}admin`]: "true" }, "edit"),
  clusterRole("view", null, { [`${AGG}edit`]: "true" }, "view"),
  clusterRole("system:aggregate-to-admin", aggregateToAdmin, { [`${AGG}admin`]: "true" }),
  clusterRole("system:aggregate-to-edit", aggregateToEdit, { [`${AGG}edit`]: "true" }),
  clusterRole("system:aggregate-to-view", aggregateToView, { [`${AGG}view`]: "true" }),
  clusterRole("system:auth-delegator", [
    r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    r(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
  ]),
  clusterRole("system:basic-user", [
    r(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
    r(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
  ]),
  clusterRole("system:discovery", [
    {
      nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
      verbs: ["get"],
    },
  ]),
  clusterRole("system:public-info-viewer", [
    { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
  ]),
];

export const defaultClusterRoleBindings: KObject[] = [
  binding("cluster-admin", "cluster-admin", ["system:masters"]),
  binding("system:basic-user", "system:basic-user", ["system:authenticated"]),
  binding("system:discovery", "system:discovery", ["system:authenticated"]),
  binding("system:public-info-viewer", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
];

/** Creates the default roles and bindings that are missing. */
export function ensureBootstrapPolicy(store: ObjectStore): void {
  const roles = store.registry.lookup("rbac.authorization.k8s.io", "v1", "clusterroles")!;
  const bindings = store.registry.lookup("rbac.authorization.k8s.io", "v1", "clusterrolebindings")!;
  const create = (info: typeof roles, obj: KObject) => {
    try {
      store.create(info, "", structuredClone(obj), systemContext());
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  };
  for (const o of defaultClusterRoles) create(roles, o);
  for (const o of defaultClusterRoleBindings) create(bindings, o);
}
