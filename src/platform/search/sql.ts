// The SQL of the search index, written once for SQLite and PostgreSQL. What
// differs between them is the Dialect (column types, the substring index,
// change notification); statements use `?` placeholders, which the
// PostgreSQL connection numbers ($1, $2…). As kine does: one generic driver
// (SqlIndex.ts), narrow dialects, thin connections.
//
// Tables:
//   search_objects    one row per object and per tombstone (deleted = 1):
//                     the sort and filter columns of rows.ts.
//   search_bodies     (id, object): the JSON, apart so object rows stay narrow.
//   search_counts     live objects per (kind, cluster, namespace): totals.
//   search_log        (revision, oid) per change: what changes() reads.
//   search_labels     (oid, key, value) for label selectors.
//   search_fields     (oid, field, value) for field selectors on fields not
//                     held in a column; non-empty values only.
//   search_meta       the revision counter and the compact revision. The write
//                     transaction starts by bumping it, so its row lock orders
//                     writers and revisions follow commit order.
//   search_freshness  synced / stale since, per (cluster, kind).

import { createHash } from "node:crypto";

export type Dialect = {
  name: "sqlite" | "postgres";
  /** The surrogate key column. */
  id: string;
  /** Text compared byte-wise (names sort as Kubernetes sorts them: Go string order). */
  text: string;
  int: string;
  /** Placeholders allowed in one statement. */
  maxParams: number;
  /** Extra statements after the tables (substring indexes). */
  extraSchema: readonly string[];
  /** A statement run inside each write transaction, with the new revision as its one parameter (change notification). */
  notify?: string;
  /**
   * SQLite: trigram FTS5 tables, kept by the writer, that answer fuzzySearch
   * terms of 3+ characters: search_fts(name, kind), whose rowid is an object's
   * id plus its name-order bucket's number (textOrder.ts, buckets kept in
   * search_buckets), and search_fts_labels(labels, kind) by object id. Apart,
   * since rows move between buckets and labels are most of a row's text.
   */
  fts: boolean;
  /**
   * How fuzzySearch matches names row by row: on `name`, which the name-order
   * index holds, so a walk of that index need not read the rows. SQLite's
   * LIKE folds ASCII case itself; on PostgreSQL, ILIKE does so under the
   * "C" collation. Both fold ASCII only, as Kubernetes names are lower-case
   * ASCII but for a few kinds (the trigram indexes fold all of Unicode).
   */
  likeName: string;
  /**
   * PostgreSQL: a plain index scan reads each row from the table before it
   * filters, an index-only scan does not. So a term's walk of the name order
   * first pages the keys through the name index alone, then reads the page's
   * 50 rows (a walk past 500,000 pods took 985 ms; keys first, 186 ms).
   */
  keysFirst: boolean;
};

export const SQLITE: Dialect = {
  name: "sqlite",
  id: "INTEGER PRIMARY KEY",
  text: "TEXT",
  int: "INTEGER",
  maxParams: 32_000,
  // contentless_delete (SQLite 3.43+) lets rows of a contentless table be deleted by rowid.
  // It holds live objects only, with their kind as a marked string, so an unscoped term is counted in the text index alone.
  extraSchema: [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(name, kind, content='', contentless_delete=1, tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_labels USING fts5(labels, kind, content='', contentless_delete=1, tokenize='trigram')",
    "CREATE TABLE IF NOT EXISTS search_buckets (grp TEXT NOT NULL, resource TEXT NOT NULL, lo TEXT NOT NULL, no INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (grp, resource, lo))",
  ],
  fts: true,
  likeName: "o.name LIKE",
  keysFirst: false,
};

export const POSTGRES: Dialect = {
  name: "postgres",
  id: "BIGSERIAL PRIMARY KEY",
  text: 'TEXT COLLATE "C"',
  int: "BIGINT",
  maxParams: 65_000,
  // pg_trgm's GIN index answers LIKE '%term%' for terms of three or more characters.
  extraSchema: [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_objects_name_trgm ON search_objects USING gin (name_lc gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_objects_labels_trgm ON search_objects USING gin (labels_lc gin_trgm_ops)",
  ],
  fts: false,
  likeName: "o.name ILIKE",
  keysFirst: true,
  notify: "SELECT pg_notify('kpanda_search', CAST(? AS text))",
};

export const NOTIFY_CHANNEL = "kpanda_search";

/** Columns written per object, in order. */
export const OBJECT_COLUMNS = [
  "cluster",
  "grp",
  "version",
  "resource",
  "namespace",
  "name",
  "name_lc",
  "rv",
  "created",
  "status",
  "s1",
  "s2",
  "n1",
  "n2",
  "n3",
  "labels_lc",
  "sig",
] as const;

/** Bumped when the tables change: an index of another version is dropped and rebuilt (it is a cache). */
export const SCHEMA_VERSION = 7;

export const DROP_ALL = [
  "search_objects",
  "search_bodies",
  "search_labels",
  "search_fields",
  "search_counts",
  "search_log",
  "search_meta",
  "search_freshness",
  "search_fts",
  "search_fts_labels",
  "search_buckets",
].map((t) => `DROP TABLE IF EXISTS ${t}`);

export function schema(d: Dialect): string[] {
  const t = d.text;
  // The object rows stay narrow (the JSON lives in search_bodies), so scans
  // and lookups that an index does not cover read few pages; `deleted` leads
  // the sort indexes, so live rows are one index range.
  return [
    `CREATE TABLE IF NOT EXISTS search_objects (
      id ${d.id},
      cluster ${t} NOT NULL, grp ${t} NOT NULL, version ${t} NOT NULL, resource ${t} NOT NULL,
      namespace ${t} NOT NULL, name ${t} NOT NULL, name_lc ${t} NOT NULL, rv ${t} NOT NULL,
      created ${d.int} NOT NULL, status ${t} NOT NULL, s1 ${t} NOT NULL, s2 ${t} NOT NULL,
      n1 ${d.int} NOT NULL, n2 ${d.int} NOT NULL, n3 ${d.int} NOT NULL, labels_lc ${t} NOT NULL, sig ${t} NOT NULL,
      revision ${d.int} NOT NULL, created_revision ${d.int} NOT NULL, deleted SMALLINT NOT NULL)`,
    "CREATE UNIQUE INDEX IF NOT EXISTS search_objects_key ON search_objects (grp, resource, cluster, namespace, name, version)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_name ON search_objects (grp, resource, deleted, name, namespace, cluster, version)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_cluster ON search_objects (grp, resource, deleted, cluster, name, namespace, version)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_created ON search_objects (grp, resource, deleted, created)",
    // Covers a cluster's sums and grouped counts over the generic columns (a summary's pod requests,
    // the node list's pods per node) without a row lookup each: 2 ms for 6,000 pods, not 14.
    "CREATE INDEX IF NOT EXISTS search_objects_sums ON search_objects (grp, resource, deleted, cluster, s1, s2, n1, n2, n3)",
    "CREATE INDEX IF NOT EXISTS search_objects_tombstones ON search_objects (revision) WHERE deleted = 1",
    `CREATE TABLE IF NOT EXISTS search_log (revision ${d.int} NOT NULL, oid ${d.int} NOT NULL, PRIMARY KEY (revision, oid))`,
    `CREATE TABLE IF NOT EXISTS search_bodies (id ${d.int} PRIMARY KEY, object TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS search_labels (oid ${d.int} NOT NULL, key ${t} NOT NULL, value ${t} NOT NULL, PRIMARY KEY (oid, key))`,
    "CREATE INDEX IF NOT EXISTS search_labels_kv ON search_labels (key, value)",
    `CREATE TABLE IF NOT EXISTS search_fields (oid ${d.int} NOT NULL, field ${t} NOT NULL, value ${t} NOT NULL, PRIMARY KEY (oid, field))`,
    "CREATE INDEX IF NOT EXISTS search_fields_fv ON search_fields (field, value)",
    // Live objects per (kind, cluster, namespace), kept by every write: the totals of unfiltered lists.
    `CREATE TABLE IF NOT EXISTS search_counts (grp ${t} NOT NULL, resource ${t} NOT NULL, cluster ${t} NOT NULL,
      namespace ${t} NOT NULL, n ${d.int} NOT NULL, PRIMARY KEY (grp, resource, cluster, namespace))`,
    `CREATE TABLE IF NOT EXISTS search_meta (id ${d.int} PRIMARY KEY, revision ${d.int} NOT NULL, compact_revision ${d.int} NOT NULL)`,
    "INSERT INTO search_meta (id, revision, compact_revision) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING",
    `CREATE TABLE IF NOT EXISTS search_freshness (cluster ${t} NOT NULL, grp ${t} NOT NULL, resource ${t} NOT NULL,
      state ${t} NOT NULL, since ${t} NOT NULL, PRIMARY KEY (cluster, grp, resource))`,
    ...d.extraSchema,
  ];
}

/** `(?, ?, …)` for n values. */
export const marks = (n: number) => `(${new Array(n).fill("?").join(", ")})`;

/** Rows of `width` values per statement that fit the dialect's placeholder limit (and at most `cap`). */
export const rowsPerStatement = (d: Dialect, width: number, cap = 500) => Math.max(1, Math.min(cap, Math.floor(d.maxParams / width)));

/** An FTS5 phrase: the term in double quotes (inner ones doubled); with the trigram tokenizer, a substring. */
export const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`;
const kindCodes = new Map<string, string>();
/**
 * The kind column's text: three CJK ideographs from 42 bits of a digest of
 * the kind, so the trigram tokenizer makes it exactly one token. A term's
 * count within a kind is then a phrase ANDed with one token: 5–10 ms for
 * 50,000 matches among 600,000 pods, where the kind as a phrase of five
 * trigrams ("~/pods~") took 40–47 ms, checking positions in every pod.
 */
export function ftsKind(group: string, resource: string): string {
  const key = `${group}/${resource}`;
  let code = kindCodes.get(key);
  if (!code) {
    const d = createHash("sha256").update(key).digest();
    // 14 bits per character, within U+4E00–U+9FFF (CJK Unified Ideographs).
    const bits = d.readUIntBE(0, 6);
    code = [0, 1, 2].map((i) => String.fromCharCode(0x4e00 + Math.floor(bits / 2 ** (14 * i)) % 2 ** 14)).join("");
    kindCodes.set(key, code);
  }
  return code;
}

/** Escapes a LIKE pattern's wildcards (used with ESCAPE '\'). */
export function likeContains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const ITEM_COLUMNS = "o.id, o.cluster, o.grp, o.version, o.resource, o.namespace, o.name, o.rv, o.revision, b.object";
/** The objects of a query joined with their JSON. */
export const ITEM_FROM = "search_objects o JOIN search_bodies b ON b.id = o.id";
