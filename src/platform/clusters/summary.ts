// A cluster's summary: version, provider, nodes ready and total, CPU and
// memory capacity, allocatable, requested and (where metrics.k8s.io is
// served) used, pod and namespace counts, and the latest warning events.
// The health loop computes it every so often and keeps the last one; the
// REST API only reads what was kept. Pods are counted and their requests
// added up in the search index once it holds the cluster's pods: listing
// every pod of every member every 20 s cost the members (and kpanda's
// parsing) more than all else at scale (600,000 pods over 100 clusters kept
// the members' API servers busy). Until the index holds them, the first
// summary lists the member's pods and later ones keep its figures: while a
// hundred clusters wait for their first sync, a list of every pod of each
// every 20 s slowed that sync itself.
import type { KObj } from "../host/kindCache.ts";
import type { SearchIndex } from "../search/index.ts";
import { memberGet } from "./memberHttp.ts";
import type { Member } from "./members.ts";
import { addTo, type CpuMem, cpuMem, podRequests } from "./quantity.ts";

export type WarningEvent = {
  namespace?: string;
  kind?: string;
  name?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
};

/** Cores or bytes; usage is null where metrics.k8s.io is not served. */
export type Resources = { capacity: number; allocatable: number; requested: number; usage: number | null };

/** What a summary computation finds in the member. */
export type SummaryData = {
  version?: string;
  provider: string;
  nodes: { ready: number; total: number };
  cpu: Resources;
  memory: Resources;
  pods: number;
  namespaces: number;
  warningEvents: WarningEvent[];
  /** False when the member serves no metrics.k8s.io: usage is then absent, which is not an error. */
  metricsAvailable: boolean;
  computedAt: string;
};

/** What the REST API answers: the data plus which cluster, its phase, and whether it is stale. */
export type ClusterSummary = Partial<SummaryData> & { cluster: string; alias?: string; phase: string; stale: boolean; lastSeen?: string };

type List<T = any> = { items?: T[] };

const WARNINGS_KEPT = 10;

/** A cluster's pod count and the requests of its scheduled, unfinished pods. */
export type PodTotals = { pods: number; requested: CpuMem };

const PODS = { group: "", resource: "pods" };

/** The cluster's pod totals from the search index, or undefined while the index does not hold its pods (not synced). */
export async function podTotalsFromIndex(index: SearchIndex, cluster: string): Promise<PodTotals | undefined> {
  const [f] = await index.freshness(PODS, [cluster]);
  if (f?.state !== "synced") return undefined;
  const q = { ...PODS, clusters: [cluster] };
  const { total } = await index.query({ ...q, pageSize: 1 });
  // As kubectl describe node's "Allocated resources": the non-terminated pods on a node.
  const [cpu, memory] = await index.sum({ ...q, fieldSelector: "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed" }, ["cpuRequest", "memoryRequest"]);
  return { pods: total, requested: { cpu: cpu / 1000, memory } };
}

/** How many of a cluster's nodes are Ready, of how many. */
export type NodeTotals = { ready: number; total: number };

const NODES = { group: "", resource: "nodes" };

/**
 * The cluster's node counts from the search index, or undefined while the index does not hold its
 * nodes (not synced). The health probe asks every few seconds: a list of every node each time is
 * megabytes from a member of a thousand nodes.
 */
export async function nodeTotalsFromIndex(index: SearchIndex, cluster: string): Promise<NodeTotals | undefined> {
  const [f] = await index.freshness(NODES, [cluster]);
  if (f?.state !== "synced") return undefined;
  // By the Ready condition's status (search/kinds.ts): True, False or Unknown.
  const byReady = await index.countBy({ ...NODES, clusters: [cluster] }, "ready");
  let total = 0;
  for (const n of byReady.values()) total += n;
  return { ready: byReady.get("True") ?? 0, total };
}

/** Counts listed nodes: Ready ones (their Ready condition True) of all. */
export function nodeTotalsOf(nodes: readonly any[]): NodeTotals {
  const ready = nodes.filter((n) => n.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True")).length;
  return { ready, total: nodes.length };
}

function podTotalsOf(pods: List): PodTotals {
  const requested: CpuMem = { cpu: 0, memory: 0 };
  for (const p of pods.items ?? []) {
    // As kubectl describe node's "Allocated resources": the non-terminated pods on a node
    // (a pod no node fits holds nothing, and a finished one holds nothing any more).
    if (!p.spec?.nodeName || p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
    addTo(requested, podRequests(p));
  }
  return { pods: pods.items?.length ?? 0, requested };
}

/**
 * `fromIndex` answers the pod totals when the index holds them
 * (podTotalsFromIndex); otherwise they are `previous`'s (the last summary),
 * or, for a first summary, counted in a list of the member's pods.
 */
export async function computeSummary(m: Member, timeoutMs: number, fromIndex?: () => Promise<PodTotals | undefined>, previous?: SummaryData): Promise<SummaryData> {
  const get = <T>(path: string) => m.run((signal) => memberGet<T>(m, path, signal), timeoutMs);
  const kept = previous && { pods: previous.pods, requested: { cpu: previous.cpu.requested, memory: previous.memory.requested } };
  const podTotals = async () => (await fromIndex?.().catch(() => undefined)) ?? kept ?? podTotalsOf(await get<List>("/api/v1/pods"));
  const [version, nodes, pods, namespaces, events, nodeMetrics] = await Promise.all([
    get<{ gitVersion?: string }>("/version"),
    get<List>("/api/v1/nodes"),
    podTotals(),
    get<List>("/api/v1/namespaces"),
    get<List>("/api/v1/events?fieldSelector=type%3DWarning"),
    // A missing metrics API (404, or 503 from an unavailable APIService) is not an error.
    get<List>("/apis/metrics.k8s.io/v1beta1/nodes").catch(() => undefined),
  ]);
  const cap: CpuMem = { cpu: 0, memory: 0 };
  const alloc: CpuMem = { cpu: 0, memory: 0 };
  for (const n of nodes.items ?? []) {
    addTo(cap, cpuMem(n.status?.capacity));
    addTo(alloc, cpuMem(n.status?.allocatable));
  }
  const req = pods.requested;
  let usage: CpuMem | undefined;
  if (nodeMetrics?.items) {
    usage = { cpu: 0, memory: 0 };
    for (const nm of nodeMetrics.items) addTo(usage, cpuMem(nm.usage));
  }
  return {
    version: version?.gitVersion,
    provider: detectProvider(nodes.items ?? []),
    nodes: nodeTotalsOf(nodes.items ?? []),
    cpu: { capacity: cap.cpu, allocatable: alloc.cpu, requested: req.cpu, usage: usage?.cpu ?? null },
    memory: { capacity: cap.memory, allocatable: alloc.memory, requested: req.memory, usage: usage?.memory ?? null },
    pods: pods.pods,
    namespaces: namespaces.items?.length ?? 0,
    warningEvents: latestWarnings(events.items ?? []),
    metricsAvailable: !!usage,
    computedAt: new Date().toISOString(),
  };
}

function eventTime(e: any): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.series?.lastObservedTime ?? e.metadata?.creationTimestamp ?? 0) || 0;
}

function latestWarnings(events: any[]): WarningEvent[] {
  return events
    .sort((a, b) => eventTime(b) - eventTime(a))
    .slice(0, WARNINGS_KEPT)
    .map((e) => ({
      namespace: e.metadata?.namespace,
      kind: e.involvedObject?.kind,
      name: e.involvedObject?.name,
      reason: e.reason,
      message: e.message,
      count: e.count ?? e.series?.count ?? 1,
      lastTimestamp: eventTime(e) ? new Date(eventTime(e)).toISOString() : undefined,
    }));
}

/**
 * The provider, from what the cloud's node controllers and distributions
 * put on nodes: the providerID's scheme (aws://, gce://, azure://, kind://,
 * k3s://, ...) and well-known labels (eks.amazonaws.com/nodegroup,
 * cloud.google.com/gke-nodepool, kubernetes.azure.com/cluster, instance-type
 * k3s, kwok's type=kwok); "generic" when nothing tells.
 */
export function detectProvider(nodes: KObj[]): string {
  for (const n of nodes) {
    const labels = n.metadata?.labels ?? {};
    const keys = Object.keys(labels);
    if (keys.some((k) => k.startsWith("eks.amazonaws.com/"))) return "eks";
    if (keys.some((k) => k.startsWith("cloud.google.com/gke-"))) return "gke";
    if (keys.some((k) => k.startsWith("kubernetes.azure.com/"))) return "aks";
    if (labels.type === "kwok" || n.metadata?.annotations?.["kwok.x-k8s.io/node"]) return "kwok";
    if (labels["node.kubernetes.io/instance-type"] === "k3s") return "k3s";
    const scheme = /^([a-z0-9-]+):\/\//.exec(n.spec?.providerID ?? "")?.[1];
    if (scheme) return { gce: "gcp", azure: "azure", aws: "aws" }[scheme] ?? scheme;
  }
  return "generic";
}

const res = {
  type: "object",
  properties: { capacity: { type: "number" }, allocatable: { type: "number" }, requested: { type: "number" }, usage: { type: "number", nullable: true } },
} as const;

export const summarySchema = {
  type: "object",
  properties: {
    cluster: { type: "string" },
    alias: { type: "string" },
    phase: { type: "string" },
    stale: { type: "boolean", description: "true when the cluster is Unknown: the summary is the last one computed (computedAt)" },
    lastSeen: { type: "string" },
    computedAt: { type: "string" },
    version: { type: "string" },
    provider: { type: "string" },
    nodes: { type: "object", properties: { ready: { type: "integer" }, total: { type: "integer" } } },
    cpu: { ...res, description: "cores" },
    memory: { ...res, description: "bytes" },
    pods: { type: "integer" },
    namespaces: { type: "integer" },
    metricsAvailable: { type: "boolean" },
    warningEvents: {
      type: "array",
      items: {
        type: "object",
        properties: {
          namespace: { type: "string" },
          kind: { type: "string" },
          name: { type: "string" },
          reason: { type: "string" },
          message: { type: "string" },
          count: { type: "integer" },
          lastTimestamp: { type: "string" },
        },
      },
    },
  },
} as const;
