// Printers for apps/v1: deployments, replicasets, statefulsets, daemonsets and
// controllerrevisions.
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, CONTAINERS, IMAGES, NAME, nameOf, templateCells, templateColumns } from "./common.ts";
import { desc } from "./descriptions.ts";
import { containerCells, formatLabelSelector, formatLabels, int, selectorString } from "./format.ts";
import { col, type Printer } from "./types.ts";

/** spec.replicas, which defaulting sets to 1 when it is absent. */
function desired(obj: KObject): number {
  return typeof obj.spec?.replicas === "number" ? obj.spec.replicas : 1;
}

export const deploymentPrinter: Printer = {
  columns: [
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", desc["DeploymentStatus.updatedReplicas"]),
    col("Available", "string", desc["DeploymentStatus.availableReplicas"]),
    ...templateColumns(desc["DeploymentSpec.selector"]),
  ],
  cells(d, ctx) {
    const st = d.status ?? {};
    return [
      nameOf(d),
      `${int(st.readyReplicas)}/${desired(d)}`,
      int(st.updatedReplicas),
      int(st.availableReplicas),
      // An empty selector prints "", not "<none>": printDeployment uses selector.String().
      ...templateCells(d, ctx, d.spec?.template, selectorString(d.spec?.selector) ?? "<invalid>"),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME,
    col("Desired", "integer", desc["ReplicaSetSpec.replicas"]),
    col("Current", "integer", desc["ReplicaSetStatus.replicas"]),
    col("Ready", "integer", desc["ReplicaSetStatus.readyReplicas"]),
    ...templateColumns(desc["ReplicaSetSpec.selector"]),
  ],
  cells: (rs, ctx) => [
    nameOf(rs),
    desired(rs),
    int(rs.status?.replicas),
    int(rs.status?.readyReplicas),
    ...templateCells(rs, ctx, rs.spec?.template, formatLabelSelector(rs.spec?.selector)),
  ],
};

export const statefulSetPrinter: Printer = {
  columns: [NAME, col("Ready", "string", "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES],
  cells: (sts, ctx) => [
    nameOf(sts),
    `${int(sts.status?.readyReplicas)}/${desired(sts)}`,
    ageOf(sts, ctx),
    ...containerCells(sts.spec?.template?.spec?.containers),
  ],
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME,
    col("Desired", "integer", desc["DaemonSetStatus.desiredNumberScheduled"]),
    col("Current", "integer", desc["DaemonSetStatus.currentNumberScheduled"]),
    col("Ready", "integer", desc["DaemonSetStatus.numberReady"]),
    col("Up-to-date", "integer", desc["DaemonSetStatus.updatedNumberScheduled"]),
    col("Available", "integer", desc["DaemonSetStatus.numberAvailable"]),
    col("Node Selector", "string", desc["PodSpec.nodeSelector"]),
    ...templateColumns(desc["DaemonSetSpec.selector"]),
  ],
  cells(ds, ctx) {
    const st = ds.status ?? {};
    return [
      nameOf(ds),
      int(st.desiredNumberScheduled),
      int(st.currentNumberScheduled),
      int(st.numberReady),
      int(st.updatedNumberScheduled),
      int(st.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      ...templateCells(ds, ctx, ds.spec?.template, formatLabelSelector(ds.spec?.selector)),
    ];
  },
};

/** "kind.group/name" of the controlling owner, lower-cased, or "<none>". */
function controllerOf(obj: KObject): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return "<none>";
  const apiVersion = ref.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
  const kind = ref.kind ?? "";
  if (!kind && !group) return ref.name;
  const groupKind = group ? `${kind}.${group}` : kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    NAME,
    col("Controller", "string", "Controller of the object"),
    col("Revision", "string", desc["ControllerRevision.revision"]),
    AGE,
  ],
  cells: (cr, ctx) => [nameOf(cr), controllerOf(cr), int(cr.revision), ageOf(cr, ctx)],
};
