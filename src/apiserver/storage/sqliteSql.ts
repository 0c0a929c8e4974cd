// The SQL of the SQLite driver: the schema and every statement, kept apart
// from the driver's logic (kine's "dialect"). See sqlite.ts for the model.
// Reads are served from memory (sqlite.ts), so the only reads here are the
// whole log at start and the counters.

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

  /** The log after an id, oldest first, a chunk at a time: what the cache is filled from at start. */
  rowsAfter: "SELECT id, name, created, deleted, create_revision, value FROM kine WHERE id > ? ORDER BY id LIMIT ?",

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
