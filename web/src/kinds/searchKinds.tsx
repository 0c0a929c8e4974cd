// The kinds global search finds, described once: the columns shown for each
// with the server's sort keys (the cache's columns,
// src/platform/search/kinds.ts), the kind's own filters, and where a result
// opens. Each is listed across clusters by the cache's /asl/<resource>. Items are Kubernetes objects as the cache holds them, with a
// top-level `cluster` (the list contract of issue 11).
import type { ReactNode } from "react";
import { paths } from "../api/paths.ts";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { age } from "../lib/format.ts";
import { jobStatus, nodeStatus, podStatus, restarts, workloadReady, workloadStatus } from "../lib/objectStatus.ts";
import { CREATED, type Filter } from "./types.ts";

/** A cached object as a list answers it: the Kubernetes object plus its cluster. */
export type Found = {
  cluster: string;
  apiVersion?: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec?: any;
  status?: any;
  [k: string]: any;
};

/** A list item as a Found (a malformed one shows as nameless rather than breaking the page). */
export function toFound(item: any): Found {
  return { ...item, cluster: String(item?.cluster ?? ""), metadata: { name: "", ...item?.metadata } };
}

export type SearchColumn = { id: string; title: string; sortKey?: string; render: (o: Found) => ReactNode };

export type SearchKind = {
  resource: string;
  /** The path part of its group and version: api/v1, apis/apps/v1. */
  api: string;
  namespaced: boolean;
  /** Columns after name, cluster and namespace, before age. */
  columns: SearchColumn[];
  filters?: Filter[];
};


const statusOf = (f: (o: Found) => string | undefined): SearchColumn => ({
  id: "status",
  title: "common.status",
  sortKey: "status",
  render: (o) => <StatusLabel status={f(o)} />,
});
const text = (id: string, title: string, f: (o: Found) => ReactNode, sortKey?: string): SearchColumn => ({ id, title, sortKey, render: (o) => f(o) ?? "–" });

const WORKLOAD_STATUS: Filter = {
  id: "status",
  title: "common.status",
  type: "select",
  options: ["Running", "Waiting", "Stopped"].map((s) => ({ value: s, label: `status.${s}` })),
};

const workload = (resource: string): SearchKind => ({
  resource,
  api: "apis/apps/v1",
  namespaced: true,
 
  columns: [statusOf((o) => workloadStatus(resource, o)), text("ready", "search.ready", (o) => workloadReady(resource, o), "ready")],
  filters: [WORKLOAD_STATUS],
});

export const SEARCH_KINDS: SearchKind[] = [
  {
    resource: "pods",
    api: "api/v1",
    namespaced: true,
    columns: [
      statusOf(podStatus),
      text("restarts", "search.restarts", restarts, "restarts"),
      text("node", "search.node", (o) => o.spec?.nodeName, "node"),
    ],
    filters: [
      {
        id: "phase",
        title: "search.phase",
        type: "select",
        options: ["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((s) => ({ value: s, label: `status.${s}` })),
      },
    ],
  },
  workload("deployments"),
  workload("statefulsets"),
  workload("daemonsets"),
  {
    resource: "jobs",
    api: "apis/batch/v1",
    namespaced: true,
    columns: [statusOf(jobStatus), text("completions", "search.completions", (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, "succeeded")],
  },
  {
    resource: "cronjobs",
    api: "apis/batch/v1",
    namespaced: true,
    columns: [
      statusOf((o) => (o.spec?.suspend ? "Suspended" : "Active")),
      text("schedule", "search.schedule", (o) => <code>{o.spec?.schedule}</code>, "schedule"),
    ],
  },
  { resource: "namespaces", api: "api/v1", namespaced: false, columns: [statusOf((o) => o.status?.phase)] },
  {
    resource: "services",
    api: "api/v1",
    namespaced: true,
    columns: [text("type", "search.serviceType", (o) => o.spec?.type ?? "ClusterIP", "type"), text("clusterIP", "search.clusterIP", (o) => o.spec?.clusterIP, "clusterIP")],
  },
  {
    resource: "ingresses",
    api: "apis/networking.k8s.io/v1",
    namespaced: true,
    columns: [text("class", "search.ingressClass", (o) => o.spec?.ingressClassName, "class")],
  },
  { resource: "configmaps", api: "api/v1", namespaced: true, columns: [text("data", "search.keys", (o) => Object.keys(o.data ?? {}).length)] },
  { resource: "secrets", api: "api/v1", namespaced: true, columns: [text("type", "search.secretType", (o) => o.type, "type")] },
  {
    resource: "persistentvolumeclaims",
    api: "api/v1",
    namespaced: true,
    columns: [statusOf((o) => o.status?.phase), text("storageClass", "search.storageClass", (o) => o.spec?.storageClassName, "storageClass")],
  },
  {
    resource: "nodes",
    api: "api/v1",
    namespaced: false,
    columns: [statusOf(nodeStatus), text("version", "node.version", (o) => o.status?.nodeInfo?.kubeletVersion, "version")],
  },
];

export function searchKind(resource: string | null | undefined): SearchKind | undefined {
  return SEARCH_KINDS.find((k) => k.resource === resource);
}

/** The list of a kind across clusters (filtered by the `cluster` parameter). */
export function searchPath(k: SearchKind): string {
  return paths.asl(k.resource);
}

/** Where a result opens: the object's page where there is one, else its YAML (through the proxy). */
export function resultLink(k: SearchKind, o: Found): string {
  const c = encodeURIComponent(o.cluster);
  const name = o.metadata.name;
  if (k.resource === "nodes") return `/clusters/${c}/nodes/${encodeURIComponent(name)}`;
  if (k.resource === "namespaces") return `/clusters/${c}/namespaces`;
  const ns = o.metadata.namespace;
  const path = `/${k.api}/${ns ? `namespaces/${ns}/` : ""}${k.resource}/${name}`;
  return `/clusters/${c}/yaml?path=${encodeURIComponent(path)}`;
}

export const ageColumn: SearchColumn = { id: "age", title: "common.age", sortKey: CREATED, render: (o) => age(o.metadata.creationTimestamp) };
