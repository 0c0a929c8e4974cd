// The search index conformance suite on both backends: embedded SQLite (its
// database file and WAL grepped for Secrets' data) and a real PostgreSQL
// started from Debian's package (skipped loudly where it cannot start).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { searchIndexConformance } from "../../src/platform/search/conformance.ts";
import { PostgresDb } from "../../src/platform/search/PostgresDb.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";
import { postgresSkipReason, startPostgres, type TestPostgres } from "../postgres.ts";

searchIndexConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-search-"));
  const path = join(dir, "index.db");
  const index = await SqlIndex.open(new SqliteDb({ path }));
  return {
    index,
    async rawContains(needle) {
      const files = [path, `${path}-wal`].filter(existsSync);
      return files.some((f) => readFileSync(f).includes(Buffer.from(needle)));
    },
    async close() {
      await index.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

  searchIndexConformance("postgres", async () => {
    if (!server) throw new Error(`PostgreSQL did not start: ${postgresSkipReason()}`);
    const url = await server.createDatabase();
    const index = await SqlIndex.open(new PostgresDb(url));
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
  });
});
