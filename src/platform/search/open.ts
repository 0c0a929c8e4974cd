// Opens the search index that `--search-db` names: a postgres:// or
// postgresql:// URL (shared by replicas), ":memory:", or a SQLite file path
// (default DIR/search/index.db, embedded, one per replica).
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { SearchIndex } from "./index.ts";
import type { KindSpec } from "./kinds.ts";
import { PostgresDb } from "./PostgresDb.ts";
import { SqliteDb } from "./SqliteDb.ts";
import { SqlIndex } from "./SqlIndex.ts";

export const isPostgresUrl = (s: string) => /^postgres(ql)?:\/\//.test(s);

export async function openSearchIndex(db: string, opts: { extraKinds?: readonly KindSpec[] } = {}): Promise<SearchIndex> {
  if (isPostgresUrl(db)) return await SqlIndex.open(new PostgresDb(db), opts);
  if (db === ":memory:") return await SqlIndex.open(new SqliteDb({ path: db }), opts);
  mkdirSync(dirname(db), { recursive: true, mode: 0o700 });
  try {
    return await SqlIndex.open(new SqliteDb({ path: db }), opts);
  } catch (e) {
    // A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB): the index is a cache, so start it afresh; the sync relists.
    if (!/malformed|not a database|corrupt/i.test(String((e as Error).message))) throw e;
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    return await SqlIndex.open(new SqliteDb({ path: db }), opts);
  }
}
