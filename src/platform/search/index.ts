// The search index: every cached object of every member cluster, searched,
// sorted and paged on the server. One contract, two backends (SqlIndex over
// embedded SQLite or over PostgreSQL shared by replicas), one conformance
// suite (conformance.ts) that both pass.
//
// Identity. An object is keyed by (cluster, group, version, resource,
// namespace, name); cluster-scoped objects have namespace "". Queries name a
// kind by (group, resource) and see every version stored for it.
//
// What is stored. The object without metadata.managedFields; a Secret as
// metadata and type only: its data, stringData and the
// kubectl.kubernetes.io/last-applied-configuration annotation (which holds
// the data too) never reach the index or its database file. The columns that
// queries sort and filter on (kinds.ts) are extracted at write time, so a
// query never parses JSON.
//
// Revisions. The index keeps its own change sequence number, `revision`,
// unrelated to the members' resourceVersions (which stay opaque strings). It
// grows by one per committed write call (apply, replace, removeCluster,
// compact does not count); every object changed by that call carries it. A
// read (query, changes) happens in one snapshot and answers the revision it
// saw: everything at or below it is in the answer, nothing above it is. So a
// list followed by changes(since = list.revision) misses and repeats nothing.
// Deletions are kept as tombstones until compact() drops those at or below a
// revision; changes() from below the compact revision throws CompactedError
// (the API answers 410 Gone, and the client lists again).
//
// Writers. Writes are serialized: one transaction at a time per index object,
// and across processes the revision row lock orders them (PostgreSQL). Only
// one replica should run the sync into a shared index (SearchSync under the
// leader Lease); every replica may read. Readers are never blocked by a write.
import type { Freshness } from "./freshness.ts";

export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: unknown;
    [k: string]: unknown;
  };
  [k: string]: any;
};

/** A kind as the index knows it. */
export type KindRef = { group: string; resource: string };
/** A kind at the version it was read in. */
export type GVR = KindRef & { version: string };

export type ObjectKey = GVR & { cluster: string; namespace: string; name: string };

/** One write: an object as a member serves it (upsert), or the key of one that is gone. */
export type Change =
  | ({ type: "upsert"; cluster: string; object: KObject } & GVR)
  | ({ type: "delete" } & ObjectKey);

export type IndexedItem = ObjectKey & {
  /** The member's metadata.resourceVersion, opaque. */
  resourceVersion: string;
  /** The index revision of the last write to this object. */
  revision: number;
  object: KObject;
};

/**
 * What a caller may see: undefined means everything (an Owner). Otherwise a
 * map from cluster to "all" (ClusterAdmin) or the namespaces it may see (NS
 * roles); clusters not in the map are invisible. For cluster-scoped kinds a
 * namespace list admits nothing, except for `namespaces`, where it admits the
 * Namespace objects of those names. Applied inside the query, so totals and
 * pages count only what the caller may see.
 */
export type Scope = Map<string, "all" | readonly string[]>;

export type SortDir = "asc" | "desc";

export type Query = KindRef & {
  /** Only these clusters; undefined is all. */
  clusters?: readonly string[];
  /** Only these namespaces (a path's namespace); undefined is all. For `namespaces`, their names. */
  namespaces?: readonly string[];
  scope?: Scope;
  /** Case-insensitive substring of the name (and of label keys and values with fuzzyLabels). */
  fuzzySearch?: string;
  fuzzyLabels?: boolean;
  /** Kubernetes label selector syntax (=, ==, !=, in, notin, exists, !exists). Throws QueryError. */
  labelSelector?: string;
  /** Kubernetes field selector syntax, with the fields the kind supports in Kubernetes. Throws QueryError. */
  fieldSelector?: string;
  /** Per-kind filters: a column (kinds.ts, e.g. status, phase, node, ready) → the values admitted. */
  filters?: Record<string, readonly string[]>;
  /** name (default), namespace, cluster, created, status, or a column of the kind (kinds.ts). Throws QueryError. */
  sortBy?: string;
  sortDir?: SortDir;
  /**
   * Keyset paging: only objects after this one in the query's order, for
   * sortBy name (the default), namespace or cluster, whose order is a total
   * order of these four identity fields (a QueryError for other sort keys).
   * A cursor that stays right while objects come and go, unlike a page
   * number; `page` counts from it; `total` ignores it.
   */
  after?: { name: string; namespace: string; cluster: string; version: string };
  /** Leave `total` out (-1): a selector's count can cost many times its page (kubectl's lists page without one). */
  skipTotal?: boolean;
  /** 1-based; default 1. */
  page?: number;
  /** Default 20, at most MAX_PAGE_SIZE. */
  pageSize?: number;
};

export const MAX_PAGE_SIZE = 500;

export type QueryResult = {
  items: IndexedItem[];
  /** Matching objects over all pages; -1 with skipTotal. */
  total: number;
  /** The index revision this answer was read at: a changes() cursor. */
  revision: number;
};

export type ChangeEvent = {
  /** DELETED for a tombstone; ADDED when the object entered the index after `since`; else MODIFIED. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /**
   * Whether the object (its last state, for DELETED) passes the query's
   * filters. A watcher turns a MODIFIED that no longer matches into DELETED
   * for objects it has shown, as a filtered Kubernetes watch does.
   */
  matches: boolean;
  item: IndexedItem;
};

export type ChangesResult = {
  /** In revision order (then by key); only the query's kind, clusters, namespaces and scope. */
  events: ChangeEvent[];
  /** Read up to here: the next call's `since`. Below the newest revision when `limit` cut the answer. */
  revision: number;
};

export interface SearchIndex {
  /** Applies the changes in one transaction. Later changes of a key in the batch win. Returns the revision written. */
  apply(changes: readonly Change[]): Promise<number>;
  /**
   * A relist: the objects of (cluster, group, resource) become exactly
   * `objects`, in one transaction. Unchanged objects (same resourceVersion)
   * keep their revision; missing ones become tombstones.
   */
  replace(cluster: string, gvr: GVR, objects: readonly KObject[]): Promise<number>;
  /** Tombstones every object of a cluster (it was removed) and forgets its freshness. */
  removeCluster(cluster: string): Promise<number>;
  get(key: ObjectKey): Promise<IndexedItem | undefined>;
  query(q: Query): Promise<QueryResult>;
  /**
   * How many objects match `q` (its selectors, filters and scope; fuzzySearch
   * and paging are ignored), per value of one of the kind's filter columns,
   * such as a pod's node: one grouped count instead of a query per value.
   */
  countBy(q: Query, filter: string): Promise<Map<string, number>>;
  /**
   * The sums of some of the kind's integer columns (by their names, such as
   * a pod's cpuRequest) over the objects a query matches (sort and paging
   * are ignored): a cluster's requested resources without reading a pod.
   */
  sum(q: Query, columns: readonly string[]): Promise<number[]>;
  /**
   * Changes after `since` to objects of the query's kind within its clusters,
   * namespaces and scope (filters are reported in `matches`, not applied):
   * one event per changed object, in its latest state, ordered by the
   * revision of that state (the index keeps states, not every step between).
   * Throws CompactedError when `since` is below compactRevision().
   */
  changes(q: Query, since: number, limit?: number): Promise<ChangesResult>;
  revision(): Promise<number>;
  compactRevision(): Promise<number>;
  /** Drops tombstones at or below `revision` (clamped to the current one). */
  compact(revision: number): Promise<void>;
  /** Calls fn with the new revision after each committed write (on PostgreSQL, of any replica). Returns an unsubscribe. */
  subscribe(fn: (revision: number) => void): () => void;
  /** Records whether (cluster, kind) is synced or stale since when; shared by replicas with the index. */
  setFreshness(cluster: string, kind: KindRef, f: Freshness): Promise<void>;
  /** Freshness of every (cluster, kind) recorded, optionally of one kind and some clusters. */
  freshness(kind?: KindRef, clusters?: readonly string[]): Promise<FreshnessRow[]>;
  close(): Promise<void>;
}

export type FreshnessRow = KindRef & { cluster: string } & Freshness;

/** changes() from a revision whose tombstones are compacted: list again. */
export class CompactedError extends Error {
  readonly compactRevision: number;
  constructor(since: number, compactRevision: number) {
    super(`revision ${since} is compacted (oldest available ${compactRevision})`);
    this.compactRevision = compactRevision;
  }
}

/** A query the index cannot answer as asked (unknown sort key or filter, malformed selector): the API answers 400. */
export class QueryError extends Error {}
