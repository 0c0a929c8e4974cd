// Server-side printing: turns objects into the columns and rows of a
// meta.k8s.io/v1 Table, as kube-apiserver 1.32 does for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. The caller wraps the
// result in {kind: "Table", apiVersion: "meta.k8s.io/v1", metadata, ...}.
//
// Like kube-apiserver, every printer emits its wide (priority > 0) columns too;
// kubectl hides them unless asked for -o wide.
import { apiServicePrinter } from "../aggregator/apiService.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from "./apps.ts";
import { hpaPrinter } from "./autoscaling.ts";
import { cronJobPrinter, jobPrinter } from "./batch.ts";
import { clusterRoleBindingPrinter, leasePrinter, pdbPrinter, roleBindingPrinter } from "./cluster.ts";
import {
  configMapPrinter,
  endpointsPrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from "./core.ts";
import { customResourcePrinter, defaultPrinter } from "./crd.ts";
import { eventPrinter } from "./events.ts";
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from "./networking.ts";
import { podPrinter } from "./pods.ts";
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from "./storage.ts";
import type { ColumnDefinition, PrintOptions, Printer, TableRow } from "./types.ts";

export { humanDuration } from "./duration.ts";
export type { ColumnDefinition, IncludeObject, PrintOptions, TableRow, TableRowCondition } from "./types.ts";

/**
 * Printers by "group/resource". Kinds not listed (limitranges, roles,
 * clusterroles, customresourcedefinitions, ...) get the default Name / Created At
 * table, as they do in kube-apiserver.
 */
const printers = new Map<string, Printer>([
  ["/pods", podPrinter],
  ["/services", servicePrinter],
  ["/endpoints", endpointsPrinter],
  ["/nodes", nodePrinter],
  ["/namespaces", namespacePrinter],
  ["/configmaps", configMapPrinter],
  ["/secrets", secretPrinter],
  ["/serviceaccounts", serviceAccountPrinter],
  ["/events", eventPrinter],
  ["/persistentvolumes", persistentVolumePrinter],
  ["/persistentvolumeclaims", persistentVolumeClaimPrinter],
  ["/resourcequotas", resourceQuotaPrinter],
  ["apps/deployments", deploymentPrinter],
  ["apps/replicasets", replicaSetPrinter],
  ["apps/statefulsets", statefulSetPrinter],
  ["apps/daemonsets", daemonSetPrinter],
  ["apps/controllerrevisions", controllerRevisionPrinter],
  ["batch/jobs", jobPrinter],
  ["batch/cronjobs", cronJobPrinter],
  ["autoscaling/horizontalpodautoscalers", hpaPrinter],
  ["networking.k8s.io/ingresses", ingressPrinter],
  ["networking.k8s.io/ingressclasses", ingressClassPrinter],
  ["networking.k8s.io/networkpolicies", networkPolicyPrinter],
  ["policy/poddisruptionbudgets", pdbPrinter],
  ["rbac.authorization.k8s.io/rolebindings", roleBindingPrinter],
  ["rbac.authorization.k8s.io/clusterrolebindings", clusterRoleBindingPrinter],
  ["storage.k8s.io/storageclasses", storageClassPrinter],
  ["coordination.k8s.io/leases", leasePrinter],
  ["events.k8s.io/events", eventPrinter],
  ["apiregistration.k8s.io/apiservices", apiServicePrinter],
]);

/** Custom resource printers, rebuilt only when a CRD's column list changes. */
const crdPrinters = new WeakMap<object, Printer>();

/** The printer kube-apiserver would use for this resource. */
export function printerFor(info: ResourceInfo): Printer {
  if (info.crd) {
    let p = crdPrinters.get(info.crd.printerColumns);
    if (!p) {
      p = customResourcePrinter(info.crd.printerColumns);
      crdPrinters.set(info.crd.printerColumns, p);
    }
    return p;
  }
  return printers.get(`${info.group}/${info.resource}`) ?? defaultPrinter;
}

function rowObject(obj: KObject, include: PrintOptions["includeObject"]): unknown {
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata ?? {} };
}

/** Columns and rows of the Table for `objects` (a list, or a single object as a one-item list). */
export function printTable(
  info: ResourceInfo,
  objects: KObject[],
  opts: PrintOptions,
): { columnDefinitions: ColumnDefinition[]; rows: TableRow[] } {
  const printer = printerFor(info);
  const ctx = { now: opts.now.getTime() };
  const include = opts.includeObject ?? "Metadata";
  const rows: TableRow[] = new Array(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    const row: TableRow = { cells: printer.cells(obj, ctx) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    if (include !== "None") row.object = rowObject(obj, include);
    rows[i] = row;
  }
  return { columnDefinitions: opts.noHeaders ? [] : printer.columns, rows };
}
