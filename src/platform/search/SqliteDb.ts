// The embedded index's connections: node:sqlite on a file in WAL mode, one
// connection for the (serialized) writer and one for readers, so a read runs
// in its own snapshot while a write transaction is open. The index is a cache
// that a restart relists, so synchronous=OFF: no fsync on commit or
// checkpoint (a process crash loses nothing; a machine crash may corrupt the
// file, which openSearchIndex then deletes and rebuilds). ":memory:" keeps it all in RAM on one
// connection (measured in bench/search.ts; a read during an open write may then
// see the write's rows early).
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqlConn, SqlDb, SqlRow } from "./db.ts";
import { Mutex } from "./mutex.ts";
import { SQLITE } from "./sql.ts";

export type SqliteDbOptions = {
  /** The database file, or ":memory:". */
  path: string;
  /** Page cache per connection, in KiB (SQLite's default is 2000). */
  cacheKiB?: number;
};

class Conn implements SqlConn {
  private readonly db: DatabaseSync;
  private readonly stmts = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // Statements built for big batches are used once; keep the cache bounded.
      if (this.stmts.size > 200) this.stmts.clear();
      this.stmts.set(sql, s);
    }
    return s;
  }

  allSync(sql: string, params: readonly unknown[] = []): SqlRow[] {
    return this.stmt(sql).all(...(params as never[])) as SqlRow[];
  }

  async all(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return this.allSync(sql, params);
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return Number(this.stmt(sql).run(...(params as never[])).changes);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.db.close();
  }
}

export class SqliteDb implements SqlDb {
  readonly dialect = SQLITE;
  private readonly writer: Conn;
  private readonly reader: Conn;
  private readonly cacheKiB: number;
  /** One read transaction at a time on the reader connection. */
  private readonly reads = new Mutex();

  constructor(opts: SqliteDbOptions) {
    this.cacheKiB = opts.cacheKiB ?? 16_384;
    const memory = opts.path === ":memory:";
    this.writer = new Conn(this.open(opts.path));
    if (!memory) this.writer.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
    this.reader = memory ? this.writer : new Conn(this.open(opts.path));
  }

  private open(path: string): DatabaseSync {
    const db = new DatabaseSync(path, { timeout: 5000 });
    db.exec(`PRAGMA cache_size = -${this.cacheKiB}; PRAGMA temp_store = MEMORY;`);
    return db;
  }

  async migrate(statements: readonly string[]): Promise<void> {
    for (const s of statements) this.writer.exec(s);
  }

  async write<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    this.writer.exec("BEGIN IMMEDIATE");
    try {
      const out = await fn(this.writer);
      this.writer.exec("COMMIT");
      return out;
    } catch (e) {
      this.writer.exec("ROLLBACK");
      throw e;
    }
  }

  async read<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    if (this.reader === this.writer) return await fn(this.reader);
    return await this.reads.run(async () => {
      // A deferred transaction's snapshot starts at its first read and holds until COMMIT (WAL).
      this.reader.exec("BEGIN");
      try {
        return await fn(this.reader);
      } finally {
        this.reader.exec("COMMIT");
      }
    });
  }

  async close(): Promise<void> {
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }
}
