// A Query's WHERE and ORDER BY, for both dialects. Two parts: the scope (kind,
// clusters, namespaces, authorization), which bounds what a caller may see at
// all, and the filters (fuzzySearch, selectors, per-kind filters), which
// changes() reports per event instead of applying.
import { parseFieldSelector, parseLabelSelector, SelectorError } from "../../apiserver/registry/selectors.ts";
import { type KObject, MAX_PAGE_SIZE, type Query, QueryError } from "./index.ts";
import { BASE_COLUMNS, columnOf, kindSpec, type KindSpec, supportsFieldOf } from "./kinds.ts";
import { type Dialect, ftsKind, ftsPhrase, likeContains, marks } from "./sql.ts";
import { MAX_ID } from "./textOrder.ts";


export type Clause = { sql: string; params: unknown[] };
/** A filter clause; `byText` when it holds a full-text match that should drive the query. */
export type FilterClause = Clause & { byText: boolean };

const TEXT_COLUMNS = new Set(["name", "namespace", "cluster", "status", "s1", "s2"]);
const NONE = "1 = 0";

function inList(col: string, values: readonly unknown[], params: unknown[]): string {
  if (values.length === 0) return NONE;
  params.push(...values);
  // One value as `=`, so an index on (…, col, name) also gives the name order.
  if (values.length === 1) return `${col} = ?`;
  return `${col} IN ${marks(values.length)}`;
}

/**
 * Kind, clusters, namespaces and the caller's scope. `unindexed` keeps SQLite
 * from using object indexes for the kind (unary +), so that a full-text match
 * drives the query instead of a scan of the kind's index.
 */
export function scopeClause(q: Query, unindexed = false): Clause {
  const params: unknown[] = [q.group, q.resource];
  const u = unindexed ? "+" : "";
  const parts = [`${u}o.grp = ?`, `${u}o.resource = ?`, "o.deleted = 0"];
  // A Namespace's own name is its namespace, for filters and for NS roles alike.
  const nsCol = q.group === "" && q.resource === "namespaces" ? "o.name" : "o.namespace";
  if (q.clusters) parts.push(inList("o.cluster", q.clusters, params));
  if (q.namespaces) parts.push(inList(nsCol, q.namespaces, params));
  if (q.scope) {
    const any: string[] = [];
    const whole = [...q.scope].filter(([, ns]) => ns === "all").map(([c]) => c);
    if (whole.length) any.push(inList("o.cluster", whole, params));
    for (const [cluster, ns] of q.scope) {
      if (ns === "all" || ns.length === 0) continue;
      params.push(cluster);
      any.push(`(o.cluster = ? AND ${inList(nsCol, ns, params)})`);
    }
    parts.push(any.length ? `(${any.join(" OR ")})` : NONE);
  }
  return { sql: parts.join(" AND "), params };
}

function labelClause(selector: string, params: unknown[]): string[] {
  const sel = parseLabelSelector(selector);
  if (!sel) return [];
  return sel.requirements.map((r) => {
    params.push(r.key);
    const sub = "SELECT 1 FROM search_labels l WHERE l.oid = o.id AND l.key = ?";
    switch (r.op) {
      case "=":
      case "!=":
        params.push(r.values[0]);
        return `${r.op === "=" ? "" : "NOT "}EXISTS (${sub} AND l.value = ?)`;
      case "in":
      case "notin":
        params.push(...r.values);
        return `${r.op === "in" ? "" : "NOT "}EXISTS (${sub} AND l.value IN ${marks(r.values.length)})`;
      case "exists":
        return `EXISTS (${sub})`;
      default:
        return `NOT EXISTS (${sub})`;
    }
  });
}

function fieldClause(spec: KindSpec, selector: string, params: unknown[]): string[] {
  const sel = parseFieldSelector(selector, (f) => supportsFieldOf(spec, f) || f in (spec.fieldColumns ?? {}));
  if (!sel) return [];
  return sel.terms.map((t) => {
    const named = t.field === "metadata.name" ? "name" : t.field === "metadata.namespace" ? "namespace" : spec.fieldColumns?.[t.field];
    if (named) {
      params.push(t.value);
      return `o.${columnOf(spec, named)} ${t.neg ? "<>" : "="} ?`;
    }
    // Stored rows hold non-empty values only: "" is the absent field (GetAttrs gives "" for unset fields).
    params.push(t.field);
    const sub = "SELECT 1 FROM search_fields f WHERE f.oid = o.id AND f.field = ?";
    if (t.value === "") return `${t.neg ? "" : "NOT "}EXISTS (${sub})`;
    params.push(t.value);
    return `${t.neg ? "NOT " : ""}EXISTS (${sub} AND f.value = ?)`;
  });
}

function filterClause(spec: KindSpec, filters: Record<string, readonly string[]>, params: unknown[]): string[] {
  return Object.entries(filters).map(([name, values]) => {
    const col = columnOf(spec, name);
    if (!col || col === "created") throw new QueryError(`unknown filter "${name}" for ${spec.resource}`);
    if (TEXT_COLUMNS.has(col)) return inList(`o.${col}`, values, params);
    const nums = values.map(Number);
    if (nums.some((n) => !Number.isInteger(n))) throw new QueryError(`filter "${name}" takes integers`);
    return inList(`o.${col}`, nums, params);
  });
}

/** Whether fuzzySearch can use the trigram index (a trigram needs three characters). */
export const usesTextIndex = (q: Query) => !!q.fuzzySearch && [...q.fuzzySearch].length >= 3;

/**
 * The trigram index's matches, as a set of object ids: FTS5 on SQLite; on
 * PostgreSQL a subquery that the OFFSET 0 keeps apart, so its LIKE is
 * answered from the pg_trgm GIN index rather than checked row by row.
 */
function textMatch(q: Query, dialect: Dialect, params: unknown[]): string {
  if (dialect.fts) return `o.id IN (${ftsIds(q, params)})`;
  return `o.id IN (${liveMatches(q, "s.id", params)} OFFSET 0)`;
}

/** PostgreSQL: the live objects of q's kind whose name (or labels) the term matches, through the pg_trgm indexes. */
function liveMatches(q: Query, select: string, params: unknown[]): string {
  const p = likeContains(q.fuzzySearch!);
  params.push(q.group, q.resource, p);
  const live = `SELECT ${select} FROM search_objects s WHERE s.grp = ? AND s.resource = ? AND s.deleted = 0`;
  if (!q.fuzzyLabels) return `${live} AND s.name_lc LIKE ? ESCAPE '\\'`;
  params.push(p);
  return `${live} AND (s.name_lc LIKE ? ESCAPE '\\' OR s.labels_lc LIKE ? ESCAPE '\\')`;
}

/** The FTS5 query of q's term in the names of q's kind (search_fts). */
export const nameMatch = (q: Query) => `name : ${ftsPhrase(q.fuzzySearch!)} AND kind : "${ftsKind(q.group, q.resource)}"`;
const labelsMatch = (q: Query) => `labels : ${ftsPhrase(q.fuzzySearch!)} AND kind : "${ftsKind(q.group, q.resource)}"`;

/** SQLite: the ids of q's kind whose name (or labels, with fuzzyLabels) the term matches. */
function ftsIds(q: Query, params: unknown[]): string {
  // A name's text row holds its object's id in the rowid's low 32 bits (textOrder.ts).
  params.push(nameMatch(q));
  const names = `SELECT rowid & ${MAX_ID - 1} AS id FROM search_fts WHERE search_fts MATCH ?`;
  if (!q.fuzzyLabels) return names;
  params.push(labelsMatch(q));
  return `${names} UNION SELECT rowid AS id FROM search_fts_labels WHERE search_fts_labels MATCH ?`;
}

/**
 * How many live objects of q's kind the term matches, anywhere, from the text
 * index alone: FTS5 on SQLite (the kind is a token of each row); a count of
 * the trigram matches on PostgreSQL, without the join with the scope (which
 * read every object of the kind: 1.13 s at 600,000 pods, 0.70 s without).
 */
export function textCount(q: Query, dialect: Dialect): Clause {
  const params: unknown[] = [];
  if (dialect.fts) return { sql: `SELECT COUNT(*) AS n FROM (${ftsIds(q, params)})`, params };
  return { sql: liveMatches(q, "COUNT(*) AS n", params), params };
}

/**
 * fuzzySearch, selectors and per-kind filters, ANDed; "" when there are none.
 * `viaText`: match fuzzySearch through the trigram index (few matches: cheap
 * to gather, then sort) rather than row by row in the sort order (many
 * matches: the first page comes early). `byText` says the former was used.
 */
export function filterClauseOf(q: Query, dialect: Dialect, extra?: readonly KindSpec[], viaText = false): FilterClause {
  const spec = kindSpec(q, extra);
  const params: unknown[] = [];
  const parts: string[] = [];
  let byText = false;
  try {
    if (viaText && usesTextIndex(q)) {
      byText = true;
      parts.push(textMatch(q, dialect, params));
    } else if (q.fuzzySearch) {
      const p = likeContains(q.fuzzySearch);
      params.push(p);
      if (q.fuzzyLabels) {
        params.push(p);
        parts.push(`(${dialect.likeName} ? ESCAPE '\\' OR o.labels_lc LIKE ? ESCAPE '\\')`);
      } else parts.push(`${dialect.likeName} ? ESCAPE '\\'`);
    }
    if (q.labelSelector) parts.push(...labelClause(q.labelSelector, params));
    if (q.fieldSelector) parts.push(...fieldClause(spec, q.fieldSelector, params));
    if (q.filters) parts.push(...filterClause(spec, q.filters, params));
  } catch (e) {
    if (e instanceof SelectorError) throw new QueryError(e.message);
    throw e;
  }
  return { sql: parts.join(" AND "), params, byText };
}

/** ORDER BY a sort key, then name, namespace, cluster and version, all one way: a total order, served by the name index. */
export function orderBy(q: Query, extra?: readonly KindSpec[]): string {
  const spec = kindSpec(q, extra);
  const key = q.sortBy || "name";
  const col = columnOf(spec, key);
  if (!col) throw new QueryError(`unknown sortBy "${key}" for ${spec.resource}; use ${[...BASE_COLUMNS, ...Object.keys(spec.columns ?? {})].join(", ")}`);
  const dir = q.sortDir === "desc" ? "DESC" : "ASC";
  const cols = [col, "name", "namespace", "cluster", "version"].filter((c, i, a) => a.indexOf(c) === i);
  return cols.map((c) => `o.${c} ${dir}`).join(", ");
}

/** The keyset condition of `q.after`: a row comparison over the order's columns, "" without one. */
export function afterClause(q: Query, extra?: readonly KindSpec[]): Clause {
  if (!q.after) return { sql: "", params: [] };
  const key = q.sortBy || "name";
  if (!["name", "namespace", "cluster"].includes(key)) throw new QueryError(`"after" needs sortBy name, namespace or cluster, not "${key}"`);
  // The columns of orderBy(), in its order, which for these sort keys are the four identity fields.
  const cols = orderBy(q, extra)
    .split(", ")
    .map((c) => c.split(" ")[0]);
  const a = q.after;
  const values: Record<string, string> = { "o.name": a.name, "o.namespace": a.namespace, "o.cluster": a.cluster, "o.version": a.version };
  return { sql: `(${cols.join(", ")}) ${q.sortDir === "desc" ? "<" : ">"} ${marks(cols.length)}`, params: cols.map((c) => values[c]) };
}

export function paging(q: Query): { limit: number; offset: number; page: number; pageSize: number } {
  const page = Math.max(1, Math.trunc(q.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(q.pageSize ?? 20)));
  return { limit: pageSize, offset: (page - 1) * pageSize, page, pageSize };
}

export function parseObject(s: string): KObject {
  return JSON.parse(s) as KObject;
}
