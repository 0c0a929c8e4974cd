// The shared index's connections: a pg Pool. A write is one transaction on
// one pooled client; a read is a REPEATABLE READ, READ ONLY transaction, so
// its statements see one snapshot. `?` placeholders become $1, $2… (no
// statement of ours has a `?` inside a literal). BIGINTs come back as
// numbers (revisions and times stay far below 2^53). Revisions written by
// any replica arrive by LISTEN on NOTIFY_CHANNEL.
import pg from "pg";
import type { SqlConn, SqlDb, SqlRow } from "./db.ts";
import { NOTIFY_CHANNEL, POSTGRES } from "./sql.ts";

const INT8 = 20;
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
};

const numbered = new Map<string, string>();
function number(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    if (numbered.size > 500) numbered.clear();
    numbered.set(sql, out);
  }
  return out;
}

class Conn implements SqlConn {
  private readonly client: pg.PoolClient;

  constructor(client: pg.PoolClient) {
    this.client = client;
  }

  async all(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return (await this.client.query(number(sql), params as unknown[])).rows;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(number(sql), params as unknown[])).rowCount ?? 0;
  }
}

export class PostgresDb implements SqlDb {
  readonly dialect = POSTGRES;
  private readonly pool: pg.Pool;
  private listener?: pg.Client;
  private readonly url: string;

  constructor(url: string, opts: { max?: number } = {}) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: opts.max ?? 8, types });
    // An idle client's error (the server restarted) must not crash the process; the pool drops it.
    this.pool.on("error", () => {});
  }

  async migrate(statements: readonly string[]): Promise<void> {
    const c = await this.pool.connect();
    try {
      // One migration at a time across replicas (CREATE … IF NOT EXISTS races on the catalog otherwise).
      await c.query("SELECT pg_advisory_lock(4242001)");
      for (const s of statements) await c.query(s);
    } finally {
      await c.query("SELECT pg_advisory_unlock(4242001)").catch(() => {});
      c.release();
    }
  }

  private async tx<T>(begin: string, fn: (c: SqlConn) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const out = await fn(new Conn(client));
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  write<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    return this.tx("BEGIN", fn);
  }

  read<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    return this.tx("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  }

  async listen(fn: (revision: number) => void): Promise<void> {
    if (!this.listener) {
      this.listener = new pg.Client({ connectionString: this.url });
      this.listener.on("error", () => {});
      await this.listener.connect();
      await this.listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    }
    this.listener.on("notification", (m) => {
      if (m.channel === NOTIFY_CHANNEL) fn(Number(m.payload));
    });
  }

  async close(): Promise<void> {
    await this.listener?.end().catch(() => {});
    await this.pool.end();
  }
}
