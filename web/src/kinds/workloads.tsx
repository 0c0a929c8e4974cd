// Workloads (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs) as the
// shared list shows them, from the cache's lists (live): status, ready and
// desired replicas, images, age; the actions each kind offers, where GET /me
// allows workloads.edit in the row's namespace.
import { Trans } from "react-i18next";
import { useParams } from "react-router";
import {
  appPaths,
  appRoutes,
  type KObject,
  runAction,
  templateContainers,
  type WorkloadAction,
  type WorkloadKind,
} from "../api/apps.ts";
import { del } from "../api/client.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import i18n from "../i18n/index.ts";
import { age } from "../lib/format.ts";
import { jobStatus, workloadReady, workloadStatus } from "../lib/objectStatus.ts";
import {
  type Column,
  CREATED,
  type Filter,
  kind,
  type KindDescription,
  type RowAction,
  type RowDialogProps,
} from "./types.ts";

/** The kinds the create-by-form wizard makes. */
const FORM_KINDS = ["deployments", "statefulsets", "daemonsets"];

export const STOPPED_ANNOTATION = "kpanda.io/stopped-replicas";

/** The one-word state the cache sorts and filters on (src/platform/search/kinds.ts). */
export function statusOf(plural: string, o: KObject): string {
  if (plural === "jobs") return jobStatus(o);
  if (plural === "cronjobs") return o.spec?.suspend ? "Suspended" : "Active";
  return workloadStatus(plural, o);
}

export const isStopped = (o: KObject) => o.metadata.annotations?.[STOPPED_ANNOTATION] !== undefined;
const isPaused = (o: KObject) => !!(o.spec?.paused || o.spec?.suspend);

/** Whether an action applies to the object as it is (stop a running one, start a stopped one, ...). */
export function actionApplies(action: WorkloadAction, o: KObject): boolean {
  switch (action) {
    case "stop":
      return !isStopped(o) && (o.spec?.replicas ?? 1) > 0;
    case "start":
      return isStopped(o);
    case "pause":
      return !isPaused(o);
    case "resume":
      return isPaused(o);
    case "restart":
      return !o.spec?.paused;
  }
}

function images(o: KObject) {
  const list = templateContainers(o).map((c) => c.image);
  return list.length ? (
    <span className="pf-v6-u-font-family-monospace pf-v6-u-font-size-sm">{list.join(", ")}</span>
  ) : (
    "–"
  );
}

const STATUS_OPTIONS: Record<string, string[]> = {
  jobs: ["Running", "Completed", "Failed", "Suspended"],
  cronjobs: ["Active", "Suspended"],
};

/** Deletes a row of the workloads page, whose route names the kind. */
function DeleteWorkload({ item, params, onClose }: RowDialogProps<KObject>) {
  const plural = useParams().kind!;
  const name = item.metadata.name;
  return (
    <ConfirmDialog
      title={i18n.t("apps.deleteTitle", { name })}
      body={<Trans i18nKey="apps.deleteBody" values={{ name }} components={{ b: <strong /> }} />}
      confirmLabel={i18n.t("common.delete")}
      onClose={onClose}
      onConfirm={() => del(appPaths.object(params.cluster!, item.metadata.namespace!, plural, name))}
    />
  );
}

function countColumns(wk: WorkloadKind): Column<KObject>[] {
  if (wk.plural === "jobs") {
    return [
      {
        id: "completions",
        title: "apps.completions",
        sortKey: "succeeded",
        render: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`,
      },
    ];
  }
  if (wk.plural === "cronjobs") {
    return [
      {
        id: "schedule",
        title: "apps.schedule",
        sortKey: "schedule",
        render: (o) => <code>{o.spec?.schedule}</code>,
      },
      {
        id: "active",
        title: "apps.active",
        sortKey: "active",
        render: (o) => (o.status?.active ?? []).length,
      },
    ];
  }
  return [{ id: "ready", title: "apps.ready", sortKey: "ready", render: (o) => workloadReady(wk.plural, o) }];
}

/** The list description of one workload kind in a cluster (and namespace, when one is picked). */
export function workloadListKind(
  wk: WorkloadKind,
  cluster: string,
  namespace?: string,
): KindDescription<KObject> {
  const statusFilter: Filter = {
    id: "status",
    title: "common.status",
    type: "select",
    options: (STATUS_OPTIONS[wk.plural] ?? ["Running", "Waiting", "Stopped"]).map((s) => ({
      value: s,
      label: `status.${s}`,
    })),
  };
  const actions: RowAction<KObject>[] = wk.actions.map((a) => ({
    id: a,
    label: `apps.action.${a}`,
    action: "workloads.edit",
    applies: (o: KObject) => actionApplies(a, o),
    run: (o: KObject, p) => runAction(p.cluster!, o.metadata.namespace!, wk.plural, o.metadata.name, a),
    done: `apps.done.${a}`,
  }));
  return kind<KObject>({
    kind: wk.kind,
    title: `apps.kinds.${wk.plural}`,
    path: (p) => (p.cluster ? appPaths.list(p.cluster, wk.plural, p.namespace) : undefined),
    key: (o) => `${o.metadata.namespace}/${o.metadata.name}`,
    link: (o, p) => appRoutes.workload(p.cluster!, o.metadata.namespace!, wk.plural, o.metadata.name),
    where: (o, p) => ({ cluster: p.cluster, namespace: o.metadata.namespace }),
    defaultSort: { by: "name", dir: "asc" },
    search: true,
    labelSelector: true,
    filters: [statusFilter],
    columns: [
      { id: "name", title: "common.name", sortKey: "name", width: 20, render: (o) => o.metadata.name },
      {
        id: "namespace",
        title: "common.namespace",
        sortKey: "namespace",
        render: (o) => o.metadata.namespace,
      },
      {
        id: "status",
        title: "common.status",
        sortKey: "status",
        render: (o) => <StatusLabel status={statusOf(wk.plural, o)} />,
      },
      ...countColumns(wk),
      { id: "images", title: "apps.images", width: 30, render: images },
      { id: "age", title: "common.age", sortKey: CREATED, render: (o) => age(o.metadata.creationTimestamp) },
    ],
    toolbarActions: [
      ...(FORM_KINDS.includes(wk.plural)
        ? [{ id: "form", label: "apps.createForm", action: "workloads.edit" as const, to: appRoutes.form(cluster, wk.plural, namespace) }]
        : []),
      {
        id: "create",
        label: "apps.createYaml",
        action: "workloads.edit",
        to: appRoutes.create(cluster, wk.plural, namespace),
      },
    ],
    rowActions: [
      ...actions,
      {
        id: "delete",
        label: "common.delete",
        action: "workloads.edit",
        danger: true,
        dialog: DeleteWorkload,
      },
    ],
  });
}
