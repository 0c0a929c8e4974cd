// The search index conformance suite's fixture: a seeded set of pods over
// clusters and namespaces, and what the suite expects of it (identities and
// orders), computed by a plain sort of the full set in JavaScript.
import type { IndexedItem, KObject } from "./index.ts";

export const PODS = { group: "", version: "v1", resource: "pods" };
export const NODES = { group: "", version: "v1", resource: "nodes" };
export const SECRETS = { group: "", version: "v1", resource: "secrets" };
export const NAMESPACES = { group: "", version: "v1", resource: "namespaces" };

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

export function pod(ns: string, name: string, extra: { node?: string; phase?: string; restarts?: number; labels?: Record<string, string>; created?: number; rv?: string } = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ns,
      resourceVersion: extra.rv ?? "1",
      creationTimestamp: new Date(extra.created ?? Date.UTC(2024, 0, 1)).toISOString().replace(/\.\d+Z$/, "Z"),
      labels: extra.labels,
      managedFields: [{ manager: "kubectl", operation: "Apply" }],
    },
    spec: { nodeName: extra.node, restartPolicy: "Always", containers: [{ name: "c", image: "nginx" }] },
    status: { phase: extra.phase ?? "Running", containerStatuses: [{ name: "c", restartCount: extra.restarts ?? 0, state: { running: {} } }] },
  };
}

export type Fixture = { cluster: string; obj: KObject }[];

/** 240 pods over 3 clusters and 4 namespaces, with name collisions across both and ties in every column. */
export function fixture(): Fixture {
  const r = rng(7);
  const out: Fixture = [];
  const words = ["web", "api", "Web-Cache", "db", "worker", "batch_job", "q%x"];
  for (let i = 0; i < 240; i++) {
    const cluster = `c${Math.floor(r() * 3)}`;
    const ns = `ns-${Math.floor(r() * 4)}`;
    const name = `${words[Math.floor(r() * words.length)]}-${Math.floor(r() * 40)}`;
    if (out.some((o) => o.cluster === cluster && o.obj.metadata?.namespace === ns && o.obj.metadata?.name === name)) continue;
    const labels: Record<string, string> = { app: words[Math.floor(r() * 3)].toLowerCase() };
    if (r() < 0.5) labels.tier = r() < 0.5 ? "front" : "back";
    const obj = pod(ns, name, {
      node: r() < 0.2 ? undefined : `node-${Math.floor(r() * 5)}`,
      phase: ["Running", "Pending", "Succeeded", "Failed"][Math.floor(r() * 4)],
      restarts: Math.floor(r() * 4),
      labels,
      created: Date.UTC(2024, 0, 1) + Math.floor(r() * 10) * 1000,
    });
    out.push({ cluster, obj });
  }
  return out;
}


export const ident = (i: IndexedItem) => `${i.cluster}/${i.namespace}/${i.name}`;
const fixId = (f: Fixture[number]) => `${f.cluster}/${f.obj.metadata?.namespace}/${f.obj.metadata?.name}`;

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

function sortKey(f: Fixture[number], by: string): string | number {
  const o = f.obj;
  switch (by) {
    case "namespace":
      return o.metadata!.namespace!;
    case "cluster":
      return f.cluster;
    case "created":
      return Date.parse(o.metadata!.creationTimestamp!);
    case "node":
      return o.spec.nodeName ?? "";
    case "phase":
    case "status":
      return o.status.phase;
    case "restarts":
      return o.status.containerStatuses[0].restartCount;
    default:
      return o.metadata!.name!;
  }
}

/** The full set sorted as the index promises: the key, then name, namespace, cluster; all one direction. */
export function expectedOrder(f: Fixture, by: string, dir: "asc" | "desc"): string[] {
  const s = dir === "asc" ? 1 : -1;
  return [...f]
    .sort(
      (a, b) =>
        s *
        (cmp(sortKey(a, by), sortKey(b, by)) ||
          cmp(a.obj.metadata!.name!, b.obj.metadata!.name!) ||
          cmp(a.obj.metadata!.namespace!, b.obj.metadata!.namespace!) ||
          cmp(a.cluster, b.cluster)),
    )
    .map(fixId);
}
