// A cluster's node list from the search cache, in the item shape the node
// list has always had (clusters/nodes.ts nodeView): each node with the count
// of its pods that have not finished (from the cached pods, as kubectl
// describe node counts them) and, on a list of a Running cluster, its usage
// from metrics.k8s.io (null where that is not served, slow or the cluster is
// not Running: the cache answers without waiting on the member).
import { memberGet } from "../../clusters/memberHttp.ts";
import { type NodeView, nodeView } from "../../clusters/nodes.ts";
import { type CpuMem, cpuMem } from "../../clusters/quantity.ts";
import type { IndexedItem } from "../../search/index.ts";
import { kindSpec } from "../../search/kinds.ts";
import type { PlatformContext } from "../context.ts";

export const NODES = kindSpec({ group: "", resource: "nodes" });

/** Pods bound to a node that have not finished (kubectl describe node: phase neither Succeeded nor Failed). */
const ACTIVE_PODS = "status.phase!=Succeeded,status.phase!=Failed";

/** How long a list waits for a member's node metrics. */
const USAGE_TIMEOUT_MS = 1000;

/** Active pods per node of the cluster, among `nodes`: one grouped count in the index. */
function podsOn(ctx: PlatformContext, cluster: string, nodes: string[]): Promise<Map<string, number>> {
  return ctx.search.index.countBy({ group: "", resource: "pods", clusters: [cluster], filters: { node: nodes }, fieldSelector: ACTIVE_PODS }, "node");
}

/** Node usage from metrics.k8s.io; null when the cluster is not Running or the API is missing, failing or slow. */
async function usageOf(ctx: PlatformContext, cluster: string): Promise<Map<string, CpuMem> | null> {
  if (ctx.members.cluster(cluster)?.status?.phase !== "Running") return null;
  try {
    const m = await ctx.members.get(cluster);
    if (!m) return null;
    const got = await m.run((signal) => memberGet<{ items?: any[] }>(m, "/apis/metrics.k8s.io/v1beta1/nodes", signal), USAGE_TIMEOUT_MS);
    return new Map((got.items ?? []).map((nm) => [nm.metadata?.name, cpuMem(nm.usage)]));
  } catch {
    return null;
  }
}

/** Cached Nodes as the node list shows them; usage only for a list (a watch event carries null). */
export async function nodeViews(ctx: PlatformContext, cluster: string, items: IndexedItem[], mode: "list" | "watch"): Promise<NodeView[]> {
  if (!items.length) return [];
  const [counts, usage] = await Promise.all([podsOn(ctx, cluster, items.map((i) => i.name)), mode === "list" ? usageOf(ctx, cluster) : null]);
  return items.map((i) => nodeView(i.object, counts.get(i.name) ?? 0, usage ? (usage.get(i.name) ?? null) : null));
}
