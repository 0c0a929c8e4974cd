// The clusters overview's list, served from memory: cluster summaries with
// their labels, filtered (name or alias substring, label selector, phase),
// sorted and paged on the server, plus totals over every cluster the caller
// sees (so the console's overview needs one request, however many clusters).
import { parseLabelSelector, SelectorError } from "../../apiserver/registry/selectors.ts";
import { badRequest } from "../http/errors.ts";
import { type PageQuery, page, pageQuery, type Paged } from "../http/pagination.ts";
import type { ClusterSummary } from "./summary.ts";

export type SummaryRow = ClusterSummary & { labels: Record<string, string> };

export const SUMMARY_SORT_KEYS = ["name", "status", "version", "provider", "nodes", "cpu", "memory"] as const;
type SortKey = (typeof SUMMARY_SORT_KEYS)[number];

export type SummaryQuery = PageQuery & {
  sortBy?: SortKey;
  sortDir?: "asc" | "desc";
  fuzzySearch?: string;
  labelSelector?: string;
  phase?: string[];
};

export const summaryQuerySchema = {
  type: "object",
  properties: {
    ...pageQuery.properties,
    sortBy: { type: "string", enum: [...SUMMARY_SORT_KEYS], default: "name" },
    sortDir: { type: "string", enum: ["asc", "desc"], default: "asc" },
    fuzzySearch: { type: "string", description: "a case-insensitive substring of the name or alias" },
    labelSelector: { type: "string", description: "Kubernetes label selector syntax over the cluster's labels" },
    phase: { type: "array", items: { type: "string" }, description: "only clusters in these phases" },
  },
} as const;

export type SummaryTotals = {
  clusters: number;
  phases: Record<string, number>;
  nodes: { ready: number; total: number };
  cpu: { capacity: number; allocatable: number; requested: number };
  memory: { capacity: number; allocatable: number; requested: number };
};

const num = { type: "number" } as const;
const res = { type: "object", properties: { capacity: num, allocatable: num, requested: num } } as const;
export const totalsSchema = {
  type: "object",
  description: "over every cluster the caller sees, whatever the filters",
  properties: {
    clusters: { type: "integer" },
    phases: { type: "object", additionalProperties: { type: "integer" } },
    nodes: { type: "object", properties: { ready: { type: "integer" }, total: { type: "integer" } } },
    cpu: res,
    memory: res,
  },
} as const;

/** The summaries' totals: counts per phase, nodes, and CPU and memory of the clusters with a summary. */
export function totalsOf(rows: SummaryRow[]): SummaryTotals {
  const t: SummaryTotals = {
    clusters: rows.length,
    phases: {},
    nodes: { ready: 0, total: 0 },
    cpu: { capacity: 0, allocatable: 0, requested: 0 },
    memory: { capacity: 0, allocatable: 0, requested: 0 },
  };
  for (const r of rows) {
    t.phases[r.phase] = (t.phases[r.phase] ?? 0) + 1;
    t.nodes.ready += r.nodes?.ready ?? 0;
    t.nodes.total += r.nodes?.total ?? 0;
    for (const k of ["cpu", "memory"] as const) {
      t[k].capacity += r[k]?.capacity ?? 0;
      t[k].allocatable += r[k]?.allocatable ?? 0;
      t[k].requested += r[k]?.requested ?? 0;
    }
  }
  return t;
}

/** "v1.20.2" before "v1.9.0" would be wrong: compare the numeric parts. */
function versionParts(v: string | undefined): number[] {
  return (v ?? "").match(/\d+/g)?.map(Number) ?? [];
}

function compareVersions(a: string | undefined, b: string | undefined): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

const fraction = (r: { requested?: number; allocatable?: number } | undefined) =>
  r?.allocatable ? (r.requested ?? 0) / r.allocatable : -1;

const COMPARE: Record<SortKey, (a: SummaryRow, b: SummaryRow) => number> = {
  name: () => 0,
  status: (a, b) => a.phase.localeCompare(b.phase),
  version: (a, b) => compareVersions(a.version, b.version),
  provider: (a, b) => (a.provider ?? "").localeCompare(b.provider ?? ""),
  nodes: (a, b) => (a.nodes?.total ?? -1) - (b.nodes?.total ?? -1) || (a.nodes?.ready ?? -1) - (b.nodes?.ready ?? -1),
  cpu: (a, b) => fraction(a.cpu) - fraction(b.cpu),
  memory: (a, b) => fraction(a.memory) - fraction(b.memory),
};

/** One page of the rows that pass the query's filters, in its order (ties by name), with totals over all rows. */
export function querySummaries(rows: SummaryRow[], q: SummaryQuery): Paged<SummaryRow> & { totals: SummaryTotals } {
  let selector: ReturnType<typeof parseLabelSelector>;
  try {
    selector = parseLabelSelector(q.labelSelector || undefined);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(`labelSelector: ${e.message}`);
    throw e;
  }
  const needle = q.fuzzySearch?.trim().toLowerCase();
  const phases = q.phase?.length ? new Set(q.phase) : undefined;
  const kept = rows.filter(
    (r) =>
      (!needle || r.cluster.toLowerCase().includes(needle) || !!r.alias?.toLowerCase().includes(needle)) &&
      (!phases || phases.has(r.phase)) &&
      (!selector || selector.matches(r.labels)),
  );
  const by = COMPARE[q.sortBy ?? "name"];
  const dir = q.sortDir === "desc" ? -1 : 1;
  kept.sort((a, b) => dir * (by(a, b) || a.cluster.localeCompare(b.cluster)));
  return { ...page(kept, q), totals: totalsOf(rows) };
}
