// The SQL of the SQLite driver: the schema and every statement, kept apart
// from the driver's logic (kine's "dialect"). See sqlite.ts for the model.

/**
 * One append-only log. `id` is the global revision. A delete is a tombstone
 * row whose value is the last value before the delete. The current state of
 * a key is its newest row.
 *
 * AUTOINCREMENT (not a bare rowid alias) matters: it keeps the highest id
 * ever used in sqlite_sequence, so an id is never reused after compaction
 * deletes the newest rows of the log.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision ON kine (name, prev_revision);
CREATE TABLE IF NOT EXISTS kine_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export const SQL = {
  /** The highest id ever given out (0 on a fresh database). */
  lastId: "SELECT seq FROM sqlite_sequence WHERE name = 'kine'",
  compactRev: "SELECT value FROM kine_meta WHERE key = 'compact_rev'",
  setCompactRev: "INSERT OR REPLACE INTO kine_meta (key, value) VALUES ('compact_rev', ?)",

  /** The newest row of a key at or below a revision. */
  rowAt: `SELECT id, deleted, create_revision, value FROM kine
    WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`,

  insert: `INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, value)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,

  /**
   * Rows in (fromRev, compactRev] that a later row in that range supersedes.
   * Each row names its predecessor in prev_revision, so the superseded rows
   * are exactly the prev_revisions of the rows in the range. Rows at or below
   * fromRev were compacted before, so their predecessors are already gone.
   */
  compactSuperseded: `DELETE FROM kine WHERE id IN
    (SELECT prev_revision FROM kine WHERE id > ? AND id <= ? AND prev_revision > 0)`,
  /** What is left of the range are the newest rows; drop the tombstones among them. */
  compactTombstones: "DELETE FROM kine WHERE id > ? AND id <= ? AND deleted = 1",
};

/** Newest live row per key in [low, high) at a revision, in key order, streamed off (name, id). */
function listSql(bounded: boolean, count: boolean): string {
  const high = bounded ? "AND k.name < :high" : "";
  return `SELECT ${count ? "COUNT(*) AS n" : "k.id, k.name, k.create_revision, k.value"}
    FROM kine k INDEXED BY kine_name_id
    WHERE k.name >= :low ${high} AND k.id <= :rev AND k.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM kine n WHERE n.name = k.name AND n.id > k.id AND n.id <= :rev)
    ${count ? "" : "ORDER BY k.name LIMIT :limit"}`;
}

/**
 * Log rows in (after, to] under a key range, oldest first, with the value of
 * the row each one replaced (for MODIFIED events). A replaced row survives
 * compaction while its successor is above the compact revision.
 */
function eventsSql(bounded: boolean): string {
  const high = bounded ? "AND k.name < :high" : "";
  return `SELECT k.id, k.name, k.created, k.deleted, k.value, p.value AS prev
    FROM kine k LEFT JOIN kine p ON p.id = k.prev_revision AND k.created = 0 AND k.deleted = 0
    WHERE k.id > :after AND k.id <= :to AND k.name >= :low ${high}
    ORDER BY k.id LIMIT :limit`;
}

export const listPage = (bounded: boolean) => listSql(bounded, false);
export const listCount = (bounded: boolean) => listSql(bounded, true);
export const events = eventsSql;

/**
 * The smallest string above every string that starts with prefix, or
 * undefined when there is none (the empty prefix). SQLite compares TEXT as
 * UTF-8 bytes, whose order is code point order, so bumping the last code
 * point gives an exact range [prefix, end) for an index scan (no LIKE).
 */
export function prefixEnd(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1; // skip the surrogates
      return chars.join("") + String.fromCodePoint(next);
    }
  }
  return undefined;
}
