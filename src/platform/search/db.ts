// The connection layer under SqlIndex: run a statement, and run a function
// in a write transaction or in a read snapshot. SqliteDb and PostgresDb are
// its two implementations; everything above speaks `?`-placeholder SQL.
import type { Dialect } from "./sql.ts";

export type SqlRow = Record<string, any>;

export interface SqlConn {
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** Runs a statement; answers the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface SqlDb {
  readonly dialect: Dialect;
  /** Creates the tables and indexes when missing. */
  migrate(statements: readonly string[]): Promise<void>;
  /** fn in one write transaction; committed when it resolves, rolled back when it throws. Callers serialize writes. */
  write<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  /** fn in one read snapshot that no concurrent write changes. */
  read<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  /** Revisions written by other processes (PostgreSQL LISTEN); absent where only this process writes. */
  listen?(fn: (revision: number) => void): Promise<void>;
  close(): Promise<void>;
}
