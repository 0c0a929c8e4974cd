// The kinds the search index caches, and per kind the columns its queries
// sort and filter on, extracted at write time into generic columns:
//   status   the kind's one-word state (a pod's kubectl STATUS, a node's Ready…)
//   s1, s2   two more text columns, named per kind (a pod's node and phase)
//   n1, n2, n3  three integer columns, named per kind (a pod's restarts and requests)
// Every kind also has name, namespace, cluster and created (creation time).
// Field selectors on a column's source field are answered from that column;
// the kind's other selectable fields (as kube-apiserver's GetAttrs exposes
// them: strategy.ts) are stored as (field, value) rows.
import { selectableField, supportsField } from "../../apiserver/registry/strategy.ts";
import type { ResourceInfo } from "../../apiserver/registry/types.ts";
import { podRequests } from "../clusters/quantity.ts";
import type { KindRef, KObject } from "./index.ts";

export type GenericColumn = "status" | "s1" | "s2" | "n1" | "n2" | "n3";
export type Extracted = Partial<Record<"status" | "s1" | "s2", string> & Record<"n1" | "n2" | "n3", number>>;

export type KindSpec = KindRef & {
  /** Served versions to use, most preferred first (a 1.20 member lacks the newer ones). */
  versions: readonly string[];
  namespaced: boolean;
  /** The kind's own column names → the generic column holding them. */
  columns?: Record<string, GenericColumn>;
  /** Field selector fields answered from a column: field → column name (generic or the kind's own). */
  fieldColumns?: Record<string, string>;
  extract?(o: KObject): Extracted;
  /**
   * Objects of this kind stay in the index after the member deletes them,
   * until the sync's retention sweep drops those whose age (ms since the
   * epoch) is past the retention: Events, which members keep an hour and
   * kpanda keeps for workload timelines (`--event-retention`, 7 days).
   * `sortBy` is the query sort key in the order of that age.
   */
  keepDeleted?: { sortBy: string; age(o: KObject): number };
};

/** Generic columns every kind has (sort keys and, for status, filters). */
export const BASE_COLUMNS = ["name", "namespace", "cluster", "created", "status"] as const;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);

/** A pod's requests: cpu in millicores (a quantity's finest CPU unit), memory in bytes rounded up (as Quantity.Value() rounds). */
function requests(pod: KObject): { n2: number; n3: number } {
  const r = podRequests(pod);
  return { n2: Math.round(r.cpu * 1000), n3: Math.ceil(r.memory) };
}

/** kubectl's pod STATUS column (printPod in pkg/printers/internalversion/printers.go), simplified to its main cases. */
export function podStatus(o: KObject): string {
  if (o.metadata?.deletionTimestamp) return "Terminating";
  let reason: string = o.status?.reason || o.status?.phase || "";
  for (const c of o.status?.initContainerStatuses ?? []) {
    const s = c.state ?? {};
    if (s.terminated && s.terminated.exitCode === 0) continue;
    if (s.terminated) return `Init:${s.terminated.reason || "Error"}`;
    if (s.waiting?.reason && s.waiting.reason !== "PodInitializing") return `Init:${s.waiting.reason}`;
  }
  for (const c of [...(o.status?.containerStatuses ?? [])].reverse()) {
    const s = c.state ?? {};
    if (s.waiting?.reason) reason = s.waiting.reason;
    else if (s.terminated?.reason) reason = s.terminated.reason;
  }
  return reason;
}

function nodeExtract(o: KObject): Extracted {
  const ready = (o.status?.conditions ?? []).find((c: any) => c.type === "Ready")?.status ?? "Unknown";
  // kubectl: "Ready", "NotReady" or "Unknown", then ",SchedulingDisabled" when cordoned.
  let status = ready === "True" ? "Ready" : ready === "False" ? "NotReady" : "Unknown";
  if (o.spec?.unschedulable) status += ",SchedulingDisabled";
  return { status, s1: ready, s2: o.status?.nodeInfo?.kubeletVersion ?? "" };
}

/** A workload's state: Stopped at zero replicas, Running when every replica is ready (and updated), else Waiting. */
function workload(desired: number, ready: number, updated = desired): string {
  if (desired === 0) return "Stopped";
  return ready >= desired && updated >= desired ? "Running" : "Waiting";
}

function replicated(o: KObject): Extracted {
  const desired = o.spec?.replicas ?? 1;
  const ready = num(o.status?.readyReplicas);
  return { status: workload(desired, ready, o.status?.updatedReplicas ?? desired), n1: ready, n2: num(desired) };
}

function jobStatus(o: KObject): string {
  const conds = o.status?.conditions ?? [];
  const is = (t: string) => conds.some((c: any) => c.type === t && c.status === "True");
  return is("Complete") ? "Completed" : is("Failed") ? "Failed" : o.spec?.suspend ? "Suspended" : "Running";
}

/** An Event's last occurrence (lastTimestamp; eventTime for events.k8s.io-style ones; else its creation). */
export function eventTime(o: KObject): number {
  return Date.parse(o.lastTimestamp ?? o.series?.lastObservedTime ?? o.eventTime ?? o.metadata?.creationTimestamp ?? "") || 0;
}

const WORKLOAD_COLUMNS: Record<string, GenericColumn> = { ready: "n1", replicas: "n2" };

export const KINDS: readonly KindSpec[] = [
  {
    group: "",
    resource: "pods",
    versions: ["v1"],
    namespaced: true,
    // Requests (cpu in millicores, memory in bytes) as kube's PodRequests sums them: what a cluster's summary adds up.
    columns: { node: "s1", phase: "s2", restarts: "n1", cpuRequest: "n2", memoryRequest: "n3" },
    fieldColumns: { "spec.nodeName": "node", "status.phase": "phase" },
    extract: (o) => ({
      status: podStatus(o),
      s1: o.spec?.nodeName ?? "",
      s2: o.status?.phase ?? "",
      n1: (o.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + num(c.restartCount), 0),
      ...requests(o),
    }),
  },
  { group: "", resource: "nodes", versions: ["v1"], namespaced: false, columns: { ready: "s1", version: "s2" }, extract: nodeExtract },
  {
    group: "",
    resource: "namespaces",
    versions: ["v1"],
    namespaced: false,
    fieldColumns: { "status.phase": "status" },
    extract: (o) => ({ status: o.status?.phase ?? "" }),
  },
  {
    group: "",
    resource: "events",
    versions: ["v1"],
    namespaced: true,
    columns: { reason: "s1", object: "s2", count: "n1", lastSeen: "n2" },
    fieldColumns: { type: "status", reason: "reason" },
    extract: (o) => ({
      status: o.type ?? "",
      s1: o.reason ?? "",
      s2: `${o.involvedObject?.kind ?? ""}/${o.involvedObject?.name ?? ""}`,
      n1: num(o.count ?? 1),
      n2: eventTime(o),
    }),
    keepDeleted: { sortBy: "lastSeen", age: eventTime },
  },
  { group: "apps", resource: "deployments", versions: ["v1"], namespaced: true, columns: WORKLOAD_COLUMNS, extract: replicated },
  { group: "apps", resource: "statefulsets", versions: ["v1"], namespaced: true, columns: WORKLOAD_COLUMNS, extract: replicated },
  { group: "apps", resource: "replicasets", versions: ["v1"], namespaced: true, columns: WORKLOAD_COLUMNS, extract: replicated },
  {
    group: "apps",
    resource: "daemonsets",
    versions: ["v1"],
    namespaced: true,
    columns: WORKLOAD_COLUMNS,
    extract: (o) => {
      const desired = num(o.status?.desiredNumberScheduled);
      const ready = num(o.status?.numberReady);
      return { status: workload(desired, ready, o.status?.updatedNumberScheduled ?? desired), n1: ready, n2: desired };
    },
  },
  {
    group: "batch",
    resource: "jobs",
    versions: ["v1"],
    namespaced: true,
    columns: { succeeded: "n1", completions: "n2" },
    extract: (o) => ({ status: jobStatus(o), n1: num(o.status?.succeeded), n2: num(o.spec?.completions ?? 1) }),
  },
  {
    // batch/v1 CronJob is served from 1.21; a 1.20 member has batch/v1beta1.
    group: "batch",
    resource: "cronjobs",
    versions: ["v1", "v1beta1"],
    namespaced: true,
    columns: { schedule: "s1", active: "n1" },
    extract: (o) => ({ status: o.spec?.suspend ? "Suspended" : "Active", s1: o.spec?.schedule ?? "", n1: (o.status?.active ?? []).length }),
  },
  {
    group: "",
    resource: "services",
    versions: ["v1"],
    namespaced: true,
    columns: { type: "s1", clusterIP: "s2" },
    fieldColumns: { "spec.type": "type", "spec.clusterIP": "clusterIP" },
    extract: (o) => ({ s1: o.spec?.type ?? "ClusterIP", s2: o.spec?.clusterIP ?? "" }),
  },
  { group: "networking.k8s.io", resource: "ingresses", versions: ["v1", "v1beta1"], namespaced: true, columns: { class: "s1" }, extract: (o) => ({ s1: o.spec?.ingressClassName ?? "" }) },
  { group: "", resource: "configmaps", versions: ["v1"], namespaced: true },
  { group: "", resource: "secrets", versions: ["v1"], namespaced: true, columns: { type: "s1" }, fieldColumns: { type: "type" }, extract: (o) => ({ s1: o.type ?? "" }) },
  {
    group: "",
    resource: "persistentvolumeclaims",
    versions: ["v1"],
    namespaced: true,
    columns: { storageClass: "s1", volume: "s2" },
    fieldColumns: { "spec.volumeName": "volume" },
    extract: (o) => ({ status: o.status?.phase ?? "", s1: o.spec?.storageClassName ?? "", s2: o.spec?.volumeName ?? "" }),
  },
  {
    group: "",
    resource: "persistentvolumes",
    versions: ["v1"],
    namespaced: false,
    columns: { storageClass: "s1", claim: "s2" },
    extract: (o) => ({
      status: o.status?.phase ?? "",
      s1: o.spec?.storageClassName ?? "",
      s2: o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : "",
    }),
  },
  { group: "storage.k8s.io", resource: "storageclasses", versions: ["v1"], namespaced: false, columns: { provisioner: "s1" }, extract: (o) => ({ s1: o.provisioner ?? "" }) },
  {
    // autoscaling/v2 is served from 1.23; a 1.20 member has v2beta2 and v1.
    group: "autoscaling",
    resource: "horizontalpodautoscalers",
    versions: ["v2", "v2beta2", "v1"],
    namespaced: true,
    columns: { current: "n1", desired: "n2" },
    extract: (o) => ({ n1: num(o.status?.currentReplicas), n2: num(o.status?.desiredReplicas) }),
  },
  { group: "networking.k8s.io", resource: "networkpolicies", versions: ["v1"], namespaced: true },
  { group: "", resource: "resourcequotas", versions: ["v1"], namespaced: true },
  { group: "", resource: "limitranges", versions: ["v1"], namespaced: true },
  {
    group: "apiextensions.k8s.io",
    resource: "customresourcedefinitions",
    versions: ["v1"],
    namespaced: false,
    columns: { group: "s1", kind: "s2" },
    extract: (o) => ({ s1: o.spec?.group ?? "", s2: o.spec?.names?.kind ?? "" }),
  },
];

const byKind = new Map(KINDS.map((k) => [`${k.group}/${k.resource}`, k]));

/** The spec of a kind: a built-in one, or a bare one (custom resources added by configuration). */
export function kindSpec(k: KindRef, extra: readonly KindSpec[] = []): KindSpec {
  return (
    byKind.get(`${k.group}/${k.resource}`) ??
    extra.find((e) => e.group === k.group && e.resource === k.resource) ?? { ...k, versions: [], namespaced: true }
  );
}

/** The generic column of a sort key or filter name, or undefined when the kind has no such column. */
export function columnOf(spec: KindSpec, name: string): string | undefined {
  if ((BASE_COLUMNS as readonly string[]).includes(name)) return name;
  return spec.columns?.[name];
}

/** Fields the kind answers in field selectors (Kubernetes' own per-kind list). */
export function supportsFieldOf(k: KindRef, field: string): boolean {
  // strategy.ts keys its tables by group and resource only.
  return supportsField(k as ResourceInfo, field);
}

/** A selectable field's value, as kube-apiserver's GetAttrs gives it ("" when unset). */
export function fieldOf(k: KindRef, o: KObject, field: string): string {
  return selectableField(k as ResourceInfo, o as never, field);
}
