// Services, Ingresses, ConfigMaps, Secrets and PersistentVolumeClaims as the
// shared list shows them, from the cache's lists (live), with the columns
// `kubectl get` prints (resources/model.ts). Create (YAML, and a form for
// each kind) and delete are offered where GET /me allows
// workloads.edit. A Secret's list carries no data (the cache keeps none), so
// its DATA column is left out: the count is on the Secret's page.
import type { ComponentType } from "react";
import { Trans } from "react-i18next";
import { useParams } from "react-router";
import { appPaths, type KObject } from "../api/apps.ts";
import { del } from "../api/client.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import i18n from "../i18n/index.ts";
import { age } from "../lib/format.ts";
import {
  configMapDataCount,
  ingressAddress,
  ingressClass,
  ingressHosts,
  ingressPorts,
  pvcCells,
  type ResourcePlural,
  resourceRoutes,
  serviceClusterIP,
  serviceExternalIP,
  servicePorts,
} from "../resources/model.ts";
import {
  type Column,
  CREATED,
  type Filter,
  kind,
  type KindDescription,
  type RowDialogProps,
  type ToolbarAction,
  type ToolbarDialogProps,
} from "./types.ts";

const mono = (s: string) => <span className="pf-v6-u-font-family-monospace pf-v6-u-font-size-sm">{s || "–"}</span>;

const KIND_OF: Record<ResourcePlural, string> = {
  services: "Service",
  ingresses: "Ingress",
  configmaps: "ConfigMap",
  secrets: "Secret",
  persistentvolumeclaims: "PersistentVolumeClaim",
};

function columnsOf(plural: ResourcePlural): Column<KObject>[] {
  switch (plural) {
    case "services":
      return [
        { id: "type", title: "resources.col.type", sortKey: "type", render: (o) => o.spec?.type ?? "ClusterIP" },
        { id: "clusterIP", title: "resources.col.clusterIP", sortKey: "clusterIP", render: (o) => mono(serviceClusterIP(o)) },
        { id: "externalIP", title: "resources.col.externalIP", render: (o) => mono(serviceExternalIP(o)) },
        { id: "ports", title: "resources.col.ports", render: (o) => mono(servicePorts(o)) },
      ];
    case "ingresses":
      return [
        { id: "class", title: "resources.col.class", sortKey: "class", render: ingressClass },
        { id: "hosts", title: "resources.col.hosts", render: (o) => mono(ingressHosts(o)) },
        { id: "address", title: "resources.col.address", render: (o) => mono(ingressAddress(o)) },
        { id: "ports", title: "resources.col.ports", render: ingressPorts },
      ];
    case "configmaps":
      return [{ id: "data", title: "resources.col.data", render: configMapDataCount }];
    case "secrets":
      return [{ id: "type", title: "resources.col.type", sortKey: "type", render: (o) => mono(String(o.type ?? "")) }];
    case "persistentvolumeclaims":
      return [
        { id: "status", title: "common.status", sortKey: "status", render: (o) => <StatusLabel status={pvcCells(o).status} /> },
        { id: "volume", title: "resources.col.volume", sortKey: "volume", render: (o) => mono(pvcCells(o).volume) },
        { id: "capacity", title: "resources.col.capacity", render: (o) => pvcCells(o).capacity || "–" },
        { id: "accessModes", title: "resources.col.accessModes", render: (o) => pvcCells(o).accessModes || "–" },
        { id: "storageClass", title: "resources.col.storageClass", sortKey: "storageClass", render: (o) => pvcCells(o).storageClass || "–" },
      ];
  }
}

const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
const PVC_PHASES = ["Pending", "Bound", "Lost"];

function filtersOf(plural: ResourcePlural): Filter[] {
  if (plural === "services")
    return [{ id: "type", title: "resources.col.type", type: "select", options: SERVICE_TYPES.map((v) => ({ value: v, label: v })) }];
  if (plural === "persistentvolumeclaims")
    return [{ id: "status", title: "common.status", type: "select", options: PVC_PHASES.map((v) => ({ value: v, label: v })) }];
  return [];
}

/** Deletes a row of the resources page, whose route names the kind. */
function DeleteResource({ item, params, onClose }: RowDialogProps<KObject>) {
  const plural = useParams().kind!;
  const name = item.metadata.name;
  return (
    <ConfirmDialog
      title={i18n.t("resources.deleteTitle", { kind: i18n.t(`resources.kind.${plural}`), name })}
      body={<Trans i18nKey="resources.deleteBody" values={{ name }} components={{ b: <strong /> }} />}
      confirmLabel={i18n.t("common.delete")}
      onClose={onClose}
      onConfirm={() => del(appPaths.object(params.cluster!, item.metadata.namespace!, plural, name))}
    />
  );
}

/** The create forms of the kinds that have one (resources/*Form.tsx), given by the page. */
export type CreateForms = Partial<Record<ResourcePlural, ComponentType<ToolbarDialogProps>>>;

/** The list description of one of these kinds in a cluster (and namespace, when one is picked). */
export function resourceListKind(
  plural: ResourcePlural,
  cluster: string,
  namespace: string | undefined,
  forms: CreateForms = {},
): KindDescription<KObject> {
  const form = forms[plural];
  const toolbarActions: ToolbarAction[] = [
    ...(form ? [{ id: "form", label: "resources.createForm", action: "workloads.edit" as const, dialog: form }] : []),
    { id: "create", label: "apps.createYaml", action: "workloads.edit", to: resourceRoutes.create(cluster, plural, namespace) },
  ];
  return kind<KObject>({
    kind: KIND_OF[plural],
    title: `kinds.${plural}`,
    path: (p) => (p.cluster ? appPaths.list(p.cluster, plural, p.namespace) : undefined),
    key: (o) => `${o.metadata.namespace}/${o.metadata.name}`,
    link: (o, p) => resourceRoutes.object(p.cluster!, o.metadata.namespace!, plural, o.metadata.name),
    where: (o, p) => ({ cluster: p.cluster, namespace: o.metadata.namespace }),
    defaultSort: { by: "name", dir: "asc" },
    search: true,
    labelSelector: true,
    filters: filtersOf(plural),
    columns: [
      { id: "name", title: "common.name", sortKey: "name", width: 20, render: (o) => o.metadata.name },
      { id: "namespace", title: "common.namespace", sortKey: "namespace", render: (o) => o.metadata.namespace },
      ...columnsOf(plural),
      { id: "age", title: "common.age", sortKey: CREATED, render: (o) => age(o.metadata.creationTimestamp) },
    ],
    toolbarActions,
    rowActions: [
      { id: "delete", label: "common.delete", action: "workloads.edit", danger: true, dialog: DeleteResource },
    ],
  });
}
