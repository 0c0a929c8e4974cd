// The global search's state lives in the page's address, so a search can be
// bookmarked, shared and gone back to: q (a substring of the name), kind,
// cluster (repeated), labelSelector, fuzzyLabels, the kind's own filters,
// sortBy and sortDir, page and pageSize.
import type { SortDir } from "../api/useList.ts";

export type SearchState = {
  q: string;
  kind?: string;
  clusters: string[];
  labelSelector: string;
  fuzzyLabels: boolean;
  /** The kind's own filters (pods' phase, workloads' status). */
  filters: Record<string, string>;
  sortBy?: string;
  sortDir: SortDir;
  page: number;
  pageSize: number;
};

export const PAGE_SIZES = [10, 20, 50, 100, 500];
export const DEFAULT_PAGE_SIZE = 20;
/** Parameters of the address that are not a kind's filter. */
const OWN = new Set(["q", "kind", "cluster", "labelSelector", "fuzzyLabels", "sortBy", "sortDir", "page", "pageSize"]);

const positive = (v: string | null, dflt: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : dflt;
};

export function readSearch(p: URLSearchParams): SearchState {
  const filters: Record<string, string> = {};
  for (const [k, v] of p) if (!OWN.has(k) && v) filters[k] = v;
  const size = positive(p.get("pageSize"), DEFAULT_PAGE_SIZE);
  return {
    q: p.get("q")?.trim() ?? "",
    kind: p.get("kind") || undefined,
    clusters: p.getAll("cluster").flatMap((c) => c.split(",")).filter(Boolean),
    labelSelector: p.get("labelSelector") ?? "",
    fuzzyLabels: p.get("fuzzyLabels") === "true",
    filters,
    sortBy: p.get("sortBy") || undefined,
    sortDir: p.get("sortDir") === "desc" ? "desc" : "asc",
    page: positive(p.get("page"), 1),
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The address of a state; defaults are left out. */
export function writeSearch(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.kind) p.set("kind", s.kind);
  for (const c of s.clusters) p.append("cluster", c);
  if (s.labelSelector) p.set("labelSelector", s.labelSelector);
  if (s.fuzzyLabels) p.set("fuzzyLabels", "true");
  for (const [k, v] of Object.entries(s.filters)) if (v && !OWN.has(k)) p.set(k, v);
  if (s.sortBy) {
    p.set("sortBy", s.sortBy);
    p.set("sortDir", s.sortDir);
  }
  if (s.page > 1) p.set("page", String(s.page));
  if (s.pageSize !== DEFAULT_PAGE_SIZE) p.set("pageSize", String(s.pageSize));
  return p;
}

/**
 * A change of state: a new query, kind or filter starts again at the first
 * page; a new kind forgets the old kind's filters and sort (its columns differ).
 */
export function changeSearch(s: SearchState, patch: Partial<SearchState>): SearchState {
  const next = { ...s, ...patch };
  if ("kind" in patch && patch.kind !== s.kind) {
    next.filters = patch.filters ?? {};
    next.sortBy = patch.sortBy;
    next.sortDir = patch.sortDir ?? "asc";
  }
  if (patch.page === undefined) next.page = 1;
  return next;
}

/** The list query parameters of a search besides paging and sorting: the kind's filters, `cluster` (repeated), fuzzyLabels. */
export function searchFilters(s: SearchState): Record<string, string | string[] | undefined> {
  return { ...s.filters, cluster: s.clusters.length ? s.clusters : undefined, fuzzyLabels: s.fuzzyLabels ? "true" : undefined };
}

/** The name split around each case-insensitive occurrence of q: [before, match, between, match, ..., after]. */
export function splitMatches(name: string, q: string): string[] {
  if (!q) return [name];
  const lower = name.toLowerCase();
  const needle = q.toLowerCase();
  const parts: string[] = [];
  let from = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    parts.push(name.slice(from, i), name.slice(i, i + needle.length));
    from = i + needle.length;
  }
  parts.push(name.slice(from));
  return parts;
}
