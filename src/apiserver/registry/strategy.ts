// Per-kind rules of the generic store, as data where possible. Mirrors the
// "strategy" objects of kube-apiserver (pkg/registry/<group>/<kind>/strategy.go).
import type { KObject, ResourceInfo } from "./types.ts";

const key = (info: ResourceInfo) => `${info.group}/${info.resource}`;

/** Kinds whose metadata.generation tracks spec changes (their strategies set Generation = 1 on create). */
const GENERATION = new Set([
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "apps/daemonsets",
  "batch/jobs",
  "batch/cronjobs",
  "autoscaling/horizontalpodautoscalers",
  "policy/poddisruptionbudgets",
  "networking.k8s.io/networkpolicies",
  "networking.k8s.io/ingresses",
  "apiextensions.k8s.io/customresourcedefinitions",
]);

export function usesGeneration(info: ResourceInfo): boolean {
  return info.crd !== undefined || GENERATION.has(key(info));
}

export function hasStatus(info: ResourceInfo): boolean {
  return info.subresources.includes("status");
}

/** Kinds whose PUT may create a missing object (AllowCreateOnUpdate). */
const CREATE_ON_UPDATE = new Set(["/endpoints", "/events", "events.k8s.io/events", "coordination.k8s.io/leases"]);

export function allowCreateOnUpdate(info: ResourceInfo): boolean {
  return CREATE_ON_UPDATE.has(key(info));
}

/**
 * Status a new object starts with. Kinds with a status subresource drop the
 * client's status on create, except nodes (the kubelet registers its node with
 * status) and CRDs' own status (the server fills it).
 */
export function initialStatus(info: ResourceInfo, obj: KObject): void {
  const k = key(info);
  if (k === "/nodes" || !hasStatus(info)) return;
  switch (k) {
    // Pods and namespaces get their first status from the create strategy
    // (admission/strategy.ts prepareForCreate).
    case "/pods":
    case "/namespaces":
      delete obj.status;
      return;
    case "/persistentvolumes":
      obj.status = { phase: "Pending" };
      return;
    case "/persistentvolumeclaims":
      obj.status = { phase: "Pending" };
      return;
    case "/services":
      obj.status = { loadBalancer: {} };
      return;
    default:
      if (info.crd) delete obj.status;
      else obj.status = {};
  }
}

/** The spec part whose change bumps generation: everything but metadata and status. */
export function specOf(obj: KObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Selectable fields beyond metadata.name and metadata.namespace, per kind (GetAttrs / AddFieldLabelConversionFunc). */
const FIELDS: Record<string, string[]> = {
  "/pods": [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  "/events": [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  "events.k8s.io/events": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
  ],
  "/secrets": ["type"],
  "/namespaces": ["status.phase"],
  "/nodes": ["spec.unschedulable"],
  "/services": ["spec.clusterIP", "spec.type"],
  "/replicationcontrollers": ["status.replicas"],
  "apps/replicasets": ["status.replicas"],
  "batch/jobs": ["status.successful"],
  "/persistentvolumeclaims": ["spec.volumeName"],
  "certificates.k8s.io/certificatesigningrequests": ["spec.signerName"],
};

/** The kind's selectable fields beyond metadata.name and metadata.namespace. */
export function selectableFields(info: Pick<ResourceInfo, "group" | "resource">): readonly string[] {
  return FIELDS[`${info.group}/${info.resource}`] ?? [];
}

export function supportsField(info: ResourceInfo, field: string): boolean {
  if (field === "metadata.name" || field === "metadata.namespace") return true;
  return FIELDS[key(info)]?.includes(field) ?? false;
}

/** Field values as the kind's GetAttrs exposes them (defaults where the field is unset). */
export function selectableField(info: ResourceInfo, obj: KObject, field: string): string {
  if (field === "metadata.name") return obj.metadata?.name ?? "";
  if (field === "metadata.namespace") return obj.metadata?.namespace ?? "";
  if (key(info) === "/pods" && field === "spec.hostNetwork") return String(obj.spec?.hostNetwork === true);
  if (key(info) === "/nodes" && field === "spec.unschedulable") return String(obj.spec?.unschedulable === true);
  if (key(info) === "/events" && field === "source") return obj.source?.component ?? "";
  // Events are stored as core/v1; events.k8s.io field names map onto them.
  const f = key(info) === "events.k8s.io/events" ? eventsV1Field(field) : field;
  let cur: any = obj;
  for (const part of f.split(".")) cur = cur?.[part];
  return cur === undefined || cur === null ? "" : String(cur);
}

function eventsV1Field(field: string): string {
  if (field.startsWith("regarding.")) return `involvedObject.${field.slice(10)}`;
  if (field === "reportingController") return "reportingComponent";
  return field;
}
