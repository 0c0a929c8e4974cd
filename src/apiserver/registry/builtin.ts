// The built-in kinds this server serves, as data. Short names, categories and
// subresources follow what kube-apiserver 1.32 reports in discovery.
import type { ResourceInfo } from "./types.ts";

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

type Def = {
  gv: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  model: string;
  short?: string[];
  categories?: string[];
  sub?: string[];
  verbs?: string[];
  /** Storage shared with another group/version (see ResourceInfo.storagePrefix). */
  storage?: string;
};

const ALL = ["all"];

const defs: Def[] = [
  { gv: "v1", resource: "namespaces", kind: "Namespace", namespaced: false, model: "V1Namespace", short: ["ns"], sub: ["status", "finalize"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
  { gv: "v1", resource: "pods", kind: "Pod", namespaced: true, model: "V1Pod", short: ["po"], categories: ALL, sub: ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status"] },
  { gv: "v1", resource: "services", kind: "Service", namespaced: true, model: "V1Service", short: ["svc"], categories: ALL, sub: ["proxy", "status"], verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] },
  { gv: "v1", resource: "endpoints", kind: "Endpoints", namespaced: true, model: "V1Endpoints", short: ["ep"] },
  { gv: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true, model: "V1ConfigMap", short: ["cm"] },
  { gv: "v1", resource: "secrets", kind: "Secret", namespaced: true, model: "V1Secret" },
  { gv: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true, model: "V1ServiceAccount", short: ["sa"], sub: ["token"] },
  { gv: "v1", resource: "events", kind: "Event", namespaced: true, model: "CoreV1Event", short: ["ev"], storage: "events" },
  { gv: "v1", resource: "nodes", kind: "Node", namespaced: false, model: "V1Node", short: ["no"], sub: ["proxy", "status"] },
  { gv: "v1", resource: "persistentvolumes", kind: "PersistentVolume", namespaced: false, model: "V1PersistentVolume", short: ["pv"], sub: ["status"] },
  { gv: "v1", resource: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, model: "V1PersistentVolumeClaim", short: ["pvc"], sub: ["status"] },
  { gv: "v1", resource: "resourcequotas", kind: "ResourceQuota", namespaced: true, model: "V1ResourceQuota", short: ["quota"], sub: ["status"] },
  { gv: "v1", resource: "limitranges", kind: "LimitRange", namespaced: true, model: "V1LimitRange", short: ["limits"] },
  { gv: "apps/v1", resource: "deployments", kind: "Deployment", namespaced: true, model: "V1Deployment", short: ["deploy"], categories: ALL, sub: ["status", "scale"] },
  { gv: "apps/v1", resource: "replicasets", kind: "ReplicaSet", namespaced: true, model: "V1ReplicaSet", short: ["rs"], categories: ALL, sub: ["status", "scale"] },
  { gv: "apps/v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true, model: "V1StatefulSet", short: ["sts"], categories: ALL, sub: ["status", "scale"] },
  { gv: "apps/v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true, model: "V1DaemonSet", short: ["ds"], categories: ALL, sub: ["status"] },
  { gv: "apps/v1", resource: "controllerrevisions", kind: "ControllerRevision", namespaced: true, model: "V1ControllerRevision" },
  { gv: "batch/v1", resource: "jobs", kind: "Job", namespaced: true, model: "V1Job", categories: ALL, sub: ["status"] },
  { gv: "batch/v1", resource: "cronjobs", kind: "CronJob", namespaced: true, model: "V1CronJob", short: ["cj"], categories: ALL, sub: ["status"] },
  { gv: "autoscaling/v2", resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, model: "V2HorizontalPodAutoscaler", short: ["hpa"], categories: ALL, sub: ["status"], storage: "horizontalpodautoscalers" },
  { gv: "autoscaling/v1", resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, model: "V1HorizontalPodAutoscaler", short: ["hpa"], categories: ALL, sub: ["status"], storage: "horizontalpodautoscalers" },
  { gv: "networking.k8s.io/v1", resource: "networkpolicies", kind: "NetworkPolicy", namespaced: true, model: "V1NetworkPolicy", short: ["netpol"] },
  { gv: "networking.k8s.io/v1", resource: "ingresses", kind: "Ingress", namespaced: true, model: "V1Ingress", short: ["ing"], sub: ["status"] },
  { gv: "networking.k8s.io/v1", resource: "ingressclasses", kind: "IngressClass", namespaced: false, model: "V1IngressClass" },
  { gv: "policy/v1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, model: "V1PodDisruptionBudget", short: ["pdb"], sub: ["status"] },
  { gv: "authentication.k8s.io/v1", resource: "selfsubjectreviews", kind: "SelfSubjectReview", namespaced: false, model: "V1SelfSubjectReview", verbs: ["create"] },
  { gv: "authentication.k8s.io/v1", resource: "tokenreviews", kind: "TokenReview", namespaced: false, model: "V1TokenReview", verbs: ["create"] },
  { gv: "authorization.k8s.io/v1", resource: "localsubjectaccessreviews", kind: "LocalSubjectAccessReview", namespaced: true, model: "V1LocalSubjectAccessReview", verbs: ["create"] },
  { gv: "authorization.k8s.io/v1", resource: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview", namespaced: false, model: "V1SelfSubjectAccessReview", verbs: ["create"] },
  { gv: "authorization.k8s.io/v1", resource: "selfsubjectrulesreviews", kind: "SelfSubjectRulesReview", namespaced: false, model: "V1SelfSubjectRulesReview", verbs: ["create"] },
  { gv: "authorization.k8s.io/v1", resource: "subjectaccessreviews", kind: "SubjectAccessReview", namespaced: false, model: "V1SubjectAccessReview", verbs: ["create"] },
  { gv: "rbac.authorization.k8s.io/v1", resource: "roles", kind: "Role", namespaced: true, model: "V1Role" },
  { gv: "rbac.authorization.k8s.io/v1", resource: "rolebindings", kind: "RoleBinding", namespaced: true, model: "V1RoleBinding" },
  { gv: "rbac.authorization.k8s.io/v1", resource: "clusterroles", kind: "ClusterRole", namespaced: false, model: "V1ClusterRole" },
  { gv: "rbac.authorization.k8s.io/v1", resource: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false, model: "V1ClusterRoleBinding" },
  { gv: "storage.k8s.io/v1", resource: "storageclasses", kind: "StorageClass", namespaced: false, model: "V1StorageClass", short: ["sc"] },
  { gv: "coordination.k8s.io/v1", resource: "leases", kind: "Lease", namespaced: true, model: "V1Lease" },
  { gv: "discovery.k8s.io/v1", resource: "endpointslices", kind: "EndpointSlice", namespaced: true, model: "V1EndpointSlice" },
  { gv: "events.k8s.io/v1", resource: "events", kind: "Event", namespaced: true, model: "EventsV1Event", short: ["ev"], storage: "events" },
  { gv: "apiextensions.k8s.io/v1", resource: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false, model: "V1CustomResourceDefinition", short: ["crd", "crds"], categories: ["api-extensions"], sub: ["status"] },
  { gv: "apiregistration.k8s.io/v1", resource: "apiservices", kind: "APIService", namespaced: false, model: "V1APIService", categories: ["api-extensions"], sub: ["status"] },
];

function toInfo(d: Def): ResourceInfo {
  const [group, version] = d.gv.includes("/") ? d.gv.split("/") : ["", d.gv];
  return {
    group,
    version,
    resource: d.resource,
    singular: d.kind.toLowerCase(),
    kind: d.kind,
    listKind: `${d.kind}List`,
    namespaced: d.namespaced,
    shortNames: d.short ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? RW,
    subresources: d.sub ?? [],
    modelType: d.model,
    storagePrefix: `${group || "core"}/${d.storage ?? d.resource}`.replace(/^[^/]+\/(events|horizontalpodautoscalers)$/, "shared/$1"),
  };
}

/** Every built-in resource, in discovery order (preferred versions first within a group). */
export const builtinResources: ResourceInfo[] = defs.map(toInfo);

/** Group preference order, as kube-apiserver lists them in /apis. */
export const builtinGroupOrder = [
  // The aggregator lists its own group first (kube-aggregator handler_apis.go).
  "apiregistration.k8s.io",
  "apps",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "apiextensions.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
];
