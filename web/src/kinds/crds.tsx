// Custom resources as the shared list shows them. The CRDs of a cluster come
// from the cache's live list (name, group, kind, scope, served versions,
// age). The objects of one CRD come from the member as the caller (polled),
// with the version's printer columns as the table's columns, each cell as
// the member's Table would print it (a date column is an age).
//
// What /me allows: the CRD list is cluster-scoped, read by a ClusterAdmin
// (as the nodes); objects of a namespaced CRD are written where the caller
// may edit workloads in their namespace, and those of a cluster-scoped CRD by
// who may edit the cluster. The member's RBAC still has the last word.
import { Trans } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import type { Where } from "../api/me.ts";
import { del } from "../api/client.ts";
import { type Crd, type CrItem, type CrWhere, crPaths, crRoutes, printerColumns } from "../api/crs.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { useCrd, whereOf } from "../crs/useCrd.ts";
import i18n from "../i18n/index.ts";
import { age } from "../lib/format.ts";
import { type Column, CREATED, kind, type KindDescription, type RowDialogProps } from "./types.ts";

export const CRD_VIEW = "nodes.view" as const;

export const crdKind = kind<Crd>({
  kind: "CustomResourceDefinition",
  title: "crs.definitions",
  path: (p) => (p.cluster ? crPaths.crds(p.cluster) : undefined),
  key: (c) => c.metadata.name,
  columns: [
    { id: "name", title: "common.name", sortKey: "name", render: (c) => c.metadata.name, width: 30 },
    { id: "group", title: "crs.group", sortKey: "group", render: (c) => c.spec.group },
    { id: "kind", title: "crs.kind", sortKey: "kind", render: (c) => c.spec.names.kind },
    { id: "scope", title: "crs.scope", render: (c) => c.spec.scope },
    {
      id: "versions",
      title: "crs.versions",
      render: (c) =>
        c.spec.versions
          .filter((v) => v.served)
          .map((v) => v.name)
          .join(", "),
    },
    { id: "age", title: "common.age", sortKey: CREATED, render: (c) => age(c.metadata.creationTimestamp) },
  ],
  defaultSort: { by: "name", dir: "asc" },
  search: true,
  labelSelector: true,
  link: (c, p) => crRoutes.objects(p.cluster!, c.metadata.name),
});

/** The /me action that allows writing an object of `crd` where it is. */
export function crWrite(crd: Crd, cluster: string, namespace?: string): { action: "workloads.edit" | "cluster.edit"; where: Where } {
  return crd.spec.scope === "Namespaced"
    ? { action: "workloads.edit", where: { cluster, namespace } }
    : { action: "cluster.edit", where: { cluster } };
}

const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** The list of one CRD's objects in one version (and namespace, when one is picked). */
export function crObjectsKind(crd: Crd, w: CrWhere): KindDescription<CrItem> {
  const namespaced = crd.spec.scope === "Namespaced";
  const route = (o: CrItem) =>
    crRoutes.object(w.cluster, crd.metadata.name, o.metadata.name, { namespace: o.metadata.namespace, version: w.version });
  const write = (o: CrItem) => crWrite(crd, w.cluster, o.metadata.namespace);
  const columns: Column<CrItem>[] = [
    { id: "name", title: "common.name", render: (o) => o.metadata.name, width: 25 },
    ...(namespaced && !w.namespace
      ? [{ id: "namespace", title: "common.namespace", render: (o: CrItem) => o.metadata.namespace ?? "" }]
      : []),
    ...printerColumns(crd, w.version).map((c) => ({
      id: `col-${c.name}`,
      title: c.name,
      render: (o: CrItem) => <span data-column={c.name}>{cell(o.columns?.[c.name])}</span>,
    })),
  ];
  const create = crWrite(crd, w.cluster, w.namespace);
  return {
    kind: crd.spec.names.kind,
    title: "crs.title",
    path: () => crPaths.objects(w),
    key: (o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name),
    columns,
    search: true,
    labelSelector: true,
    link: route,
    where: (o) => write(o).where,
    rowActions: [
      { id: "delete", label: "common.delete", action: create.action, danger: true, dialog: DeleteCr },
    ],
    toolbarActions: [
      {
        id: "create",
        label: "crs.createYaml",
        action: create.action,
        to: crRoutes.create(w.cluster, crd.metadata.name, { namespace: w.namespace, version: w.version }),
      },
    ],
  };
}

/** Deletes a row of the objects page, whose route names the CRD (already read: useCrd's cache). */
function DeleteCr({ item, onClose }: RowDialogProps<CrItem>) {
  const { cluster, crd: crdName } = useParams() as { cluster: string; crd: string };
  const version = useSearchParams()[0].get("version");
  const crd = useCrd(cluster, crdName).data;
  const name = item.metadata.name;
  if (!crd) return null;
  const w = { ...whereOf(crd, cluster, version), namespace: item.metadata.namespace };
  return (
    <ConfirmDialog
      title={i18n.t("crs.deleteTitle", { name })}
      body={<Trans i18nKey="crs.deleteBody" values={{ name, kind: crd.spec.names.kind }} components={{ b: <strong /> }} />}
      confirmLabel={i18n.t("common.delete")}
      onClose={onClose}
      onConfirm={() => del(crPaths.object(w, name))}
    />
  );
}
