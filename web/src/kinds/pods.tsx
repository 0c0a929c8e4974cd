// Pods as the shared list shows them, from the cache (live): kubectl's
// STATUS, ready containers, restarts, node, age; a row opens the pod's page
// (containers, logs, terminal). Deleting one needs workloads.edit.
import { appPaths, appRoutes, type KObject } from "../api/apps.ts";
import { del } from "../api/client.ts";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { age } from "../lib/format.ts";
import { podStatus, restarts } from "../lib/objectStatus.ts";
import { CREATED, kind } from "./types.ts";

/** kubectl's READY of a pod: ready containers over containers. */
export function podReady(o: KObject): string {
  const statuses: { ready?: boolean }[] = o.status?.containerStatuses ?? [];
  return `${statuses.filter((s) => s.ready).length}/${(o.spec?.containers ?? []).length}`;
}

export const podKind = kind<KObject>({
  kind: "Pod",
  title: "apps.kinds.pods",
  path: (p) => (p.cluster ? appPaths.list(p.cluster, "pods", p.namespace) : undefined),
  key: (o) => `${o.metadata.namespace}/${o.metadata.name}`,
  link: (o, p) => appRoutes.pod(p.cluster!, o.metadata.namespace!, o.metadata.name),
  where: (o, p) => ({ cluster: p.cluster, namespace: o.metadata.namespace }),
  defaultSort: { by: "name", dir: "asc" },
  search: true,
  pageSize: 10,
  filters: [
    {
      id: "phase",
      title: "search.phase",
      type: "select",
      options: ["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((s) => ({
        value: s,
        label: `status.${s}`,
      })),
    },
  ],
  columns: [
    { id: "name", title: "common.name", sortKey: "name", width: 25, render: (o) => o.metadata.name },
    {
      id: "status",
      title: "common.status",
      sortKey: "status",
      render: (o) => <StatusLabel status={podStatus(o)} />,
    },
    { id: "ready", title: "apps.ready", render: podReady },
    { id: "restarts", title: "search.restarts", sortKey: "restarts", render: restarts },
    { id: "node", title: "search.node", sortKey: "node", render: (o) => o.spec?.nodeName ?? "–" },
    { id: "ip", title: "node.podIP", render: (o) => o.status?.podIP ?? "–" },
    { id: "age", title: "common.age", sortKey: CREATED, render: (o) => age(o.metadata.creationTimestamp) },
  ],
  rowActions: [
    {
      id: "delete",
      label: "common.delete",
      action: "workloads.edit",
      danger: true,
      run: (o, p) => del(appPaths.pod(p.cluster!, o.metadata.namespace!, o.metadata.name)),
      done: "apps.done.deletePod",
    },
  ],
});

/** Events of one object, newest first, from the cache (which keeps them after the member drops them). */
export const eventKind = kind<KObject>({
  kind: "Event",
  title: "apps.events",
  path: (p) => (p.cluster && p.namespace ? appPaths.list(p.cluster, "events", p.namespace) : undefined),
  key: (o) => o.metadata.name,
  defaultSort: { by: "lastSeen", dir: "desc" },
  pageSize: 10,
  columns: [
    {
      id: "type",
      title: "node.type",
      sortKey: "status",
      render: (o) => <StatusLabel status={o.type === "Warning" ? "Warning" : "Normal"} />,
    },
    { id: "reason", title: "node.reason", sortKey: "reason", render: (o) => String(o.reason ?? "") },
    {
      id: "object",
      title: "apps.object",
      sortKey: "object",
      render: (o) => `${(o.involvedObject as any)?.kind}/${(o.involvedObject as any)?.name}`,
    },
    { id: "message", title: "overview.message", width: 40, render: (o) => String(o.message ?? "") },
    { id: "count", title: "apps.count", sortKey: "count", render: (o) => String(o.count ?? 1) },
    {
      id: "lastSeen",
      title: "apps.lastSeen",
      sortKey: "lastSeen",
      render: (o) => age(String(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp ?? "")),
    },
  ],
});
