// Kubernetes list and get answered from the search index, over every cluster
// the caller's scope admits.
//
// Order and continue tokens. Items come in the index's name order (name, then
// namespace, cluster and version), which the index walks from its name-order
// index. `limit` pages; the continue token is the last item's identity, so a
// next page starts right after it wherever other objects came or went (keyset
// paging, Query.after): nothing listed is repeated, and nothing present from
// the first page to the last is missed. Unlike kube-apiserver's, a later page
// is read at its own revision, not the first page's: the cache keeps no
// snapshots. No remainingItemCount is given (it is optional).
//
// Get by name. A name is unique in a namespace of one cluster, not across
// clusters: get answers the object when exactly one cluster the caller sees
// has it, 404 NotFound when none does, and 409 Conflict naming the clusters
// when several do (the per-cluster proxy /k8s/clusters/{cluster} gets it
// unambiguously).
//
// Every object carries the annotation kpanda.io/cluster, and apiVersion and
// kind (list items in the version each member served them).
import { badRequest, conflict, notFound } from "../../apiserver/registry/errors.ts";
import { type IndexedItem, type KObject, MAX_PAGE_SIZE, type Query, QueryError, type Scope, type SearchIndex } from "../search/index.ts";
import type { ServedKind } from "./served.ts";

export const CLUSTER_ANNOTATION = "kpanda.io/cluster";

/** What a list or get asks, from its path and query. */
export type ReadRequest = {
  kind: ServedKind;
  /** The path's namespace ("" for all, or a cluster-scoped kind). */
  namespace: string;
  name: string;
  scope: Scope | undefined;
  query: URLSearchParams;
};

export type Page = { items: KObject[]; revision: number; continue?: string };

type Cursor = NonNullable<Query["after"]>;

/** The continue token: the last item's identity, opaque to clients (base64url JSON). */
export function encodeContinue(i: Pick<IndexedItem, "name" | "namespace" | "cluster" | "version">): string {
  return Buffer.from(JSON.stringify({ v: 1, a: [i.name, i.namespace, i.cluster, i.version] })).toString("base64url");
}

export function decodeContinue(token: string): Cursor {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const a = t?.a;
    if (t?.v === 1 && Array.isArray(a) && a.length === 4 && a.every((x) => typeof x === "string")) {
      return { name: a[0], namespace: a[1], cluster: a[2], version: a[3] };
    }
  } catch {}
  throw badRequest(`continue key is not valid: "${token}"`);
}

/** The object as served: a copy with the cluster annotation, apiVersion and kind. */
export function served(kind: ServedKind, item: IndexedItem): KObject {
  const o = item.object;
  const meta = o.metadata ?? {};
  return {
    ...o,
    apiVersion: item.group ? `${item.group}/${item.version}` : item.version,
    kind: kind.info.kind,
    metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), [CLUSTER_ANNOTATION]: item.cluster } },
  };
}

/** The index query of a read: its kind, namespace, the caller's scope and selectors. */
export function baseQuery(r: ReadRequest): Query {
  const q: Query = {
    group: r.kind.info.group,
    resource: r.kind.info.resource,
    scope: r.scope,
    labelSelector: r.query.get("labelSelector") ?? undefined,
    fieldSelector: r.query.get("fieldSelector") ?? undefined,
  };
  if (r.namespace) q.namespaces = [r.namespace];
  return q;
}

/** index.query with the index's QueryError (a bad selector) as a 400 Status. */
async function run(index: SearchIndex, q: Query) {
  try {
    return await index.query(q);
  } catch (e) {
    if (e instanceof QueryError) throw badRequest(e.message);
    throw e;
  }
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw badRequest(`limit: invalid value "${raw}": must be an integer`);
  // kube-apiserver treats a limit of zero or below as no limit.
  return Math.max(0, n);
}

/**
 * Up to `limit` items of `q` (all without one, 0) after `after`, in pages of
 * at most the index's MAX_PAGE_SIZE; one more is asked for to know whether
 * there are more. `revision` is the first page's.
 */
export async function collect(index: SearchIndex, q: Query, after: Cursor | undefined, limit: number) {
  const items: IndexedItem[] = [];
  let revision = -1;
  for (;;) {
    const want = limit ? limit + 1 - items.length : MAX_PAGE_SIZE;
    const pageSize = Math.min(MAX_PAGE_SIZE, want);
    const res = await run(index, { ...q, after, pageSize, skipTotal: true });
    if (revision === -1) revision = res.revision;
    items.push(...res.items);
    const last = res.items.at(-1);
    if (res.items.length < pageSize || !last || (limit && items.length > limit)) break;
    after = { name: last.name, namespace: last.namespace, cluster: last.cluster, version: last.version };
  }
  const more = limit > 0 && items.length > limit;
  return { items: more ? items.slice(0, limit) : items, revision, more };
}

/** A page of the list: `limit` items after the continue token's item, and a token for the next page when there is one. */
export async function listPage(index: SearchIndex, r: ReadRequest): Promise<Page> {
  const token = r.query.get("continue");
  const { items, revision, more } = await collect(index, baseQuery(r), token ? decodeContinue(token) : undefined, limitOf(r.query));
  return {
    items: items.map((i) => served(r.kind, i)),
    revision,
    ...(more ? { continue: encodeContinue(items[items.length - 1]) } : {}),
  };
}

/** Names that a field selector term can hold unescaped (every name kube-apiserver accepts for the cached kinds). */
const SELECTABLE_NAME = /^[^,=!\\\s]+$/;

/** The one object of that name the caller sees (in the path's namespace): 404 when none, 409 when in several clusters. */
export async function getOne(index: SearchIndex, r: ReadRequest): Promise<KObject> {
  const info = r.kind.info;
  if (!SELECTABLE_NAME.test(r.name)) throw notFound(info, r.name);
  const q = baseQuery(r);
  q.fieldSelector = [`metadata.name=${r.name}`, r.query.get("fieldSelector")].filter(Boolean).join(",");
  const res = await run(index, { ...q, pageSize: 50, skipTotal: true });
  if (res.items.length === 0) throw notFound(info, r.name);
  if (res.items.length > 1) {
    const clusters = [...new Set(res.items.map((i) => i.cluster))].sort();
    const why = `it exists in ${clusters.length} clusters (${clusters.join(", ")}); get it through /k8s/clusters/{cluster}/, or list it`;
    throw conflict(info, r.name, why);
  }
  return served(r.kind, res.items[0]);
}
