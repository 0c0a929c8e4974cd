// Lists answered from the search cache, per the list contract (issue 11):
//   {"items", "pagination": {"total", "page", "pageSize"}, "revision", "freshness": [{"cluster", "state", "since"?}]}
// One query-string schema and one handler for every such list: page,
// pageSize, sortBy, sortDir, fuzzySearch, fuzzyLabels, labelSelector,
// fieldSelector, per-kind filters (the kind's columns, kinds.ts), `cluster`
// on the cross-cluster lists, and watch=true&revision=N for server-sent
// events (listWatch.ts). The caller's roles bound the query itself (Scope),
// so totals and pages count only what it may see.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type FreshnessRow, type IndexedItem, type KindRef, MAX_PAGE_SIZE, type Query, QueryError, type Scope, type SortDir } from "../search/index.ts";
import { BASE_COLUMNS, type KindSpec } from "../search/kinds.ts";
import { admits } from "../search/scope.ts";
import type { PlatformContext } from "./context.ts";
import { badRequest, errorSchema } from "./errors.ts";
import { streamList } from "./listWatch.ts";
import { pageQuery } from "./pagination.ts";

const str = { type: "string" } as const;

/** The query string of a cached list, as the schema below parses it. */
export type ListQs = {
  page?: number;
  pageSize?: number;
  sortBy?: string;
  sortDir?: SortDir;
  fuzzySearch?: string;
  fuzzyLabels?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  cluster?: string[];
  watch?: boolean;
  revision?: string;
  [filter: string]: unknown;
};

/** One row of a list's `freshness`. */
export type ListFreshness = { cluster: string; state: "synced" | "stale"; since?: string };

/** Items as the list shows them: the cached objects of one page (or of watch events) in the list's item shape. */
export type Render = (items: IndexedItem[], mode: "list" | "watch") => Promise<unknown[]> | unknown[];

/**
 * What a route hands serveList: the index query (scope and cluster filter
 * included), the clusters concerned (their freshness is reported), and the
 * item shape.
 */
export type ListPlan = { query: Query; clusters: string[]; render: Render };

/** Sort keys of a kind: the base columns (creationTimestamp as another name of created) and the kind's own. */
export function sortKeysOf(spec: KindSpec): string[] {
  return [...BASE_COLUMNS, "creationTimestamp", ...Object.keys(spec.columns ?? {})];
}

/** Filters of a kind: its status and its own columns, each repeatable (values ORed). */
export function filtersOf(spec: KindSpec): string[] {
  return ["status", ...Object.keys(spec.columns ?? {})];
}

/** The query-string schema of a cached list of `spec`; `clusters` adds the cross-cluster `cluster` filter. */
export function listQuerySchema(spec: KindSpec, opts: { clusters?: boolean; extra?: Record<string, object> } = {}): object {
  const filters = Object.fromEntries(
    filtersOf(spec).map((f) => [f, { type: "array", items: str, description: `only items whose ${f} is one of these (repeatable)` }]),
  );
  return {
    type: "object",
    properties: {
      ...pageQuery.properties,
      sortBy: { type: "string", enum: sortKeysOf(spec), description: "default name" },
      sortDir: { type: "string", enum: ["asc", "desc"], default: "asc" },
      fuzzySearch: { type: "string", description: "a case-insensitive substring of the name" },
      fuzzyLabels: { type: "boolean", description: "fuzzySearch also matches label keys and values" },
      labelSelector: { type: "string", description: "Kubernetes label selector syntax" },
      fieldSelector: { type: "string", description: "Kubernetes field selector syntax, with the fields Kubernetes supports for the kind" },
      ...(opts.clusters
        ? { cluster: { type: "array", items: str, description: "only these clusters (repeatable, or comma-separated)" } }
        : {}),
      ...filters,
      ...opts.extra,
      watch: { type: "boolean", description: "answer text/event-stream: ADDED, MODIFIED and DELETED items matching the filters, after `revision`" },
      revision: { type: "string", pattern: "^[0-9]+$", description: "with watch=true: the revision a list answered" },
    },
  };
}

const freshnessSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["cluster", "state"],
    properties: { cluster: str, state: { type: "string", enum: ["synced", "stale"] }, since: str },
  },
} as const;

/** The 200 response schema of a cached list of `item`. */
export function listResponse(item: object): object {
  return {
    type: "object",
    properties: {
      items: { type: "array", items: item },
      pagination: { type: "object", properties: { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } } },
      revision: { type: "string", description: "the cache revision this page was read at: watch=true&revision= follows from it" },
      freshness: freshnessSchema,
    },
  };
}

export const listErrors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 410: errorSchema, 503: errorSchema } as const;

/** An item of a per-kind list: the cached object with its cluster. */
export const objectItem = {
  type: "object",
  additionalProperties: true,
  properties: { cluster: str, apiVersion: str, kind: str, metadata: { type: "object", additionalProperties: true } },
} as const;

/** The cached object plus its cluster: the per-kind lists' item. */
export const asObjects: Render = (items) => items.map((i) => ({ ...i.object, cluster: i.cluster }));

/** `cluster` filter values, repeatable or comma-separated. */
export function clusterFilter(v: readonly string[] | undefined): string[] | undefined {
  if (!v?.length) return undefined;
  return [...new Set(v.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))];
}

/** The index query of a list request: kind, paging, sort, search, selectors and the kind's filters. */
export function queryOf(spec: KindSpec, qs: ListQs, scope: Scope | undefined): Query {
  const filters: Record<string, string[]> = {};
  for (const f of filtersOf(spec)) {
    const v = qs[f];
    if (Array.isArray(v) && v.length) filters[f] = v.map(String);
  }
  return {
    group: spec.group,
    resource: spec.resource,
    scope,
    page: qs.page ?? 1,
    pageSize: Math.min(qs.pageSize ?? Number(pageQuery.properties.pageSize.default), MAX_PAGE_SIZE),
    sortBy: qs.sortBy === "creationTimestamp" ? "created" : qs.sortBy,
    sortDir: qs.sortDir,
    fuzzySearch: qs.fuzzySearch || undefined,
    fuzzyLabels: qs.fuzzyLabels,
    labelSelector: qs.labelSelector || undefined,
    fieldSelector: qs.fieldSelector || undefined,
    filters: Object.keys(filters).length ? filters : undefined,
  };
}

/** The clusters a list concerns: those integrated, admitted by the scope, and in the filter (if any). */
export function clustersConcerned(ctx: PlatformContext, spec: KindSpec, scope: Scope | undefined, filter?: readonly string[]): string[] {
  const names = ctx.members
    .clusterObjects()
    .map((o) => o.metadata?.name ?? "")
    .filter((c) => c && admits(scope, c, spec) && (!filter || filter.includes(c)));
  return [...new Set(names)].sort();
}

/**
 * Freshness per cluster for a kind. A cluster with no row for the kind has
 * not been discovered yet (stale), or does not serve the kind (its other
 * kinds are synced: nothing of this kind is missing).
 */
export async function freshnessOf(ctx: PlatformContext, kind: KindRef, clusters: readonly string[]): Promise<ListFreshness[]> {
  if (!clusters.length) return [];
  const { index } = ctx.search;
  const rows = await index.freshness(kind, clusters);
  const found = new Map(rows.map((r) => [r.cluster, r]));
  const missing = clusters.filter((c) => !found.has(c));
  const others = missing.length ? await index.freshness(undefined, missing) : [];
  const view = (cluster: string, rows: FreshnessRow[]): ListFreshness => {
    if (rows.some((r) => r.state === "synced")) return { cluster, state: "synced" };
    const since = rows.map((r) => (r.state === "stale" ? r.since : "")).sort()[0];
    return { cluster, state: "stale", ...(since ? { since } : {}) };
  };
  return clusters.map((c) => {
    const row = found.get(c);
    return view(c, row ? [row] : others.filter((r) => r.cluster === c));
  });
}

/** A QueryError (bad sort key, filter or selector) as 400; anything else as it is. */
export function asBadRequest(e: unknown): unknown {
  return e instanceof QueryError ? badRequest(e.message) : e;
}

/** Answers a list request: one page with revision and freshness, or (watch=true) its changes as server-sent events. */
export async function serveList(ctx: PlatformContext, req: FastifyRequest, reply: FastifyReply, plan: ListPlan): Promise<unknown> {
  const qs = req.query as ListQs;
  const { query } = plan;
  try {
    if (qs.watch) return await streamList(ctx, req, reply, query, qs.revision, plan.render);
    const [res, fresh] = await Promise.all([ctx.search.index.query(query), freshnessOf(ctx, { group: query.group, resource: query.resource }, plan.clusters)]);
    return {
      items: await plan.render(res.items, "list"),
      pagination: { total: res.total, page: query.page, pageSize: query.pageSize },
      revision: String(res.revision),
      freshness: fresh,
    };
  } catch (e) {
    throw asBadRequest(e);
  }
}
