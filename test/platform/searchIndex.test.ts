// The search index conformance suite on both backends: embedded SQLite (its
// database file and WAL grepped for Secrets' data) and a real PostgreSQL
// started from Debian's package (skipped loudly where it cannot start).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type Backend, pod, searchIndexConformance } from "../../src/platform/search/conformance.ts";
import { openSearchIndex } from "../../src/platform/search/open.ts";
import { PostgresDb } from "../../src/platform/search/PostgresDb.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../postgres.ts";

function sqliteBackend(opts: { textDrivenMax?: number; scanMax?: number; textBucketMax?: number } = {}) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "kpanda-search-"));
    const path = join(dir, "index.db");
    const index = await SqlIndex.open(new SqliteDb({ path }), opts);
    return {
      index,
      async rawContains(needle: string) {
        const files = [path, `${path}-wal`].filter(existsSync);
        return files.some((f) => readFileSync(f).includes(Buffer.from(needle)));
      },
      async close() {
        await index.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

// fuzzySearch four ways: row by row (a small scope, as in this suite), through the
// trigram index (a large scope: scanMax 0), and counted through it and paged from
// it in name order (many matches: textDrivenMax 0), in one name bucket and in
// many (textBucketMax 4: every write splits buckets, and numbers run out).
searchIndexConformance("sqlite", sqliteBackend());
searchIndexConformance("sqlite, fuzzySearch through FTS5", sqliteBackend({ scanMax: 0 }));
searchIndexConformance("sqlite, fuzzySearch counted through FTS5, paged in name order", sqliteBackend({ scanMax: 0, textDrivenMax: 0 }));
searchIndexConformance("sqlite, fuzzySearch paged in name order over buckets of 4", sqliteBackend({ scanMax: 0, textDrivenMax: 0, textBucketMax: 4 }));

it("a damaged embedded index file is replaced by an empty index (the sync relists into it)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-search-"));
  const path = join(dir, "index.db");
  writeFileSync(path, Buffer.alloc(8192, 7));
  const index = await openSearchIndex(path);
  try {
    assert.equal(await index.revision(), 0);
    await index.replace("c1", { group: "", version: "v1", resource: "pods" }, [pod("ns", "a")]);
    assert.equal((await index.query({ group: "", resource: "pods" })).total, 1);
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("search index on PostgreSQL", () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  it("PostgreSQL is available for the conformance suite", (t) => {
    if (!server) t.skip(`PostgreSQL tests skipped: ${postgresSkipReason()}`);
  });

  const postgresBackend = (opts: { textDrivenMax?: number }) => async (): Promise<Backend> => {
    if (!server) throw new Error(`PostgreSQL did not start: ${postgresSkipReason()}`);
    const url = await server.createDatabase();
    const index = await SqlIndex.open(new PostgresDb(url), { scanMax: 0, ...opts });
    return {
      index,
      async rawContains(needle) {
        // Every text column of every table of the index.
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const cols = await c.query(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text'",
          );
          for (const { table_name, column_name } of cols.rows) {
            const t = pg.escapeIdentifier(table_name);
            const col = pg.escapeIdentifier(column_name);
            const r = await c.query(`SELECT 1 FROM ${t} WHERE strpos(${col}, $1) > 0 LIMIT 1`, [needle]);
            if (r.rowCount) return true;
          }
          return false;
        } finally {
          await c.end();
        }
      },
      async close() {
        await index.close();
      },
    };
  };

  // The trigram index path (scanMax 0), and counted through it but paged in name order (many
  // matches: textDrivenMax 0), where PostgreSQL pages the keys through the name index first.
  searchIndexConformance("postgres", postgresBackend({}));
  searchIndexConformance("postgres, fuzzySearch counted through pg_trgm, paged in order", postgresBackend({ textDrivenMax: 0 }));
});
