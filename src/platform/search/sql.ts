// The SQL of the search index, written once for SQLite and PostgreSQL. What
// differs between them is the Dialect (column types, the substring index,
// change notification); statements use `?` placeholders, which the
// PostgreSQL connection numbers ($1, $2…). As kine does: one generic driver
// (SqlIndex.ts), narrow dialects, thin connections.
//
// Tables:
//   search_objects    one row per object and per tombstone (deleted = 1);
//                     the sort and filter columns of rows.ts, and the JSON.
//   search_labels     (oid, key, value) for label selectors.
//   search_fields     (oid, field, value) for field selectors on fields not
//                     held in a column; non-empty values only.
//   search_meta       the revision counter and the compact revision. The write
//                     transaction starts by bumping it, so its row lock orders
//                     writers and revisions follow commit order.
//   search_freshness  synced / stale since, per (cluster, kind).

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
};

export const SQLITE: Dialect = {
  name: "sqlite",
  id: "INTEGER PRIMARY KEY",
  text: "TEXT",
  int: "INTEGER",
  maxParams: 32_000,
  extraSchema: [],
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
  ],
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
  "labels_lc",
  "object",
] as const;

export function schema(d: Dialect): string[] {
  const t = d.text;
  return [
    `CREATE TABLE IF NOT EXISTS search_objects (
      id ${d.id},
      cluster ${t} NOT NULL, grp ${t} NOT NULL, version ${t} NOT NULL, resource ${t} NOT NULL,
      namespace ${t} NOT NULL, name ${t} NOT NULL, name_lc ${t} NOT NULL, rv ${t} NOT NULL,
      created ${d.int} NOT NULL, status ${t} NOT NULL, s1 ${t} NOT NULL, s2 ${t} NOT NULL,
      n1 ${d.int} NOT NULL, n2 ${d.int} NOT NULL, labels_lc ${t} NOT NULL, object TEXT NOT NULL,
      revision ${d.int} NOT NULL, created_revision ${d.int} NOT NULL, deleted SMALLINT NOT NULL)`,
    "CREATE UNIQUE INDEX IF NOT EXISTS search_objects_key ON search_objects (grp, resource, cluster, namespace, name, version)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_name ON search_objects (grp, resource, name, namespace, cluster, version)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_created ON search_objects (grp, resource, created)",
    "CREATE INDEX IF NOT EXISTS search_objects_by_revision ON search_objects (revision)",
    `CREATE TABLE IF NOT EXISTS search_labels (oid ${d.int} NOT NULL, key ${t} NOT NULL, value ${t} NOT NULL, PRIMARY KEY (oid, key))`,
    "CREATE INDEX IF NOT EXISTS search_labels_kv ON search_labels (key, value)",
    `CREATE TABLE IF NOT EXISTS search_fields (oid ${d.int} NOT NULL, field ${t} NOT NULL, value ${t} NOT NULL, PRIMARY KEY (oid, field))`,
    "CREATE INDEX IF NOT EXISTS search_fields_fv ON search_fields (field, value)",
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

export function upsertSql(rows: number): string {
  const cols = [...OBJECT_COLUMNS, "revision", "created_revision", "deleted"];
  const values = new Array(rows).fill(marks(cols.length)).join(", ");
  const set = [...OBJECT_COLUMNS.slice(6), "revision"].map((c) => `${c} = excluded.${c}`).join(", ");
  return `INSERT INTO search_objects AS o (${cols.join(", ")}) VALUES ${values}
    ON CONFLICT (grp, resource, cluster, namespace, name, version) DO UPDATE SET ${set},
      created_revision = CASE WHEN o.deleted = 1 THEN excluded.created_revision ELSE o.created_revision END,
      deleted = 0
    WHERE o.rv <> excluded.rv OR o.deleted = 1
    RETURNING id, cluster, grp, version, resource, namespace, name`;
}

/** Escapes a LIKE pattern's wildcards (used with ESCAPE '\'). */
export function likeContains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const ITEM_COLUMNS = "o.id, o.cluster, o.grp, o.version, o.resource, o.namespace, o.name, o.rv, o.revision, o.object";
