// The durable half of the SQLite driver: appends batches of log rows in one
// transaction each, so one fsync (COMMIT under WAL with synchronous=FULL)
// covers every write of the batch. Two writers share the SQL: one runs the
// transaction on the caller's thread, the other in a worker thread
// (sqliteLogWorker.ts), so the event loop keeps serving requests, and the
// next batch keeps filling, while the disk syncs.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { Worker } from "node:worker_threads";
import type { LogRow } from "./memory.ts";
import { SCHEMA, SQL } from "./sqliteSql.ts";

/**
 * Writes in revision order, as steps: each step's rows, then its compaction
 * of (from, to] if any. The order matters: a key recreated after the cache
 * forgot its tombstone at a compaction names no previous row, which is only
 * right once the compaction has removed the key's old rows.
 */
export type LogBatch = { rows: LogRow[]; compact?: { from: number; to: number } }[];

export type Synchronous = "FULL" | "NORMAL";

export interface LogWriter {
  /** Commits the batch and then calls done, with the error if it failed. One batch at a time. */
  write(batch: LogBatch, done: (err?: Error) => void): void;
  /** Commits the batch (after any one in flight) and closes, before returning; throws if that failed. */
  closeSync(batch: LogBatch): void;
  /** Closes without committing anything more (after a failure). */
  abort(): void;
}

/** Opens the database for writing: WAL, the given synchronous level, the schema. */
export function openLog(path: string, synchronous: Synchronous): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous};`);
  db.exec(SCHEMA);
  return db;
}

/** Runs batches against one connection. */
export class LogCommitter {
  private readonly db: DatabaseSync;
  private readonly stmts = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /**
   * One transaction for the whole batch; the ids are the revisions the cache
   * gave the rows. Rows of another process, or a database changed under us,
   * fail the primary key or the (name, prev_revision) index, and so the batch.
   */
  commit(batch: LogBatch): void {
    if (batch.length === 0) return;
    this.transaction(() => {
      const insert = this.stmt(SQL.insert);
      for (const step of batch) {
        for (const r of step.rows) {
          insert.run(r.rev, r.key, r.created ? 1 : 0, r.deleted ? 1 : 0, r.createRev, r.prevRev, r.value);
        }
        if (step.compact) {
          const { from, to } = step.compact;
          this.stmt(SQL.compactSuperseded).run(from, to);
          this.stmt(SQL.compactTombstones).run(from, to);
          this.stmt(SQL.setCompactRev).run(to);
        }
      }
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private transaction(fn: () => void): void {
    this.stmt("BEGIN IMMEDIATE").run();
    try {
      fn();
      this.stmt("COMMIT").run();
    } catch (err) {
      if (this.db.isTransaction) this.stmt("ROLLBACK").run();
      throw err;
    }
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
}

/** Commits on the calling thread: the event loop waits for each fsync. */
export class InlineLogWriter implements LogWriter {
  private readonly committer: LogCommitter;

  constructor(path: string, synchronous: Synchronous) {
    this.committer = new LogCommitter(openLog(path, synchronous));
  }

  write(batch: LogBatch, done: (err?: Error) => void): void {
    let failure: Error | undefined;
    try {
      this.committer.commit(batch);
    } catch (err) {
      failure = err as Error;
    }
    done(failure);
  }

  closeSync(batch: LogBatch): void {
    try {
      this.committer.commit(batch);
    } finally {
      this.committer.close();
    }
  }

  abort(): void {
    this.committer.close();
  }
}

const CLOSE_TIMEOUT_MS = 60_000;

/**
 * Commits in a worker thread with its own connection. closeSync blocks on a
 * shared flag (Atomics.wait) until the worker has committed what was sent
 * and closed the database, so a synchronous shutdown still loses nothing.
 */
export class WorkerLogWriter implements LogWriter {
  private readonly worker: Worker;
  /** [0]: 0 while open, 1 once closed cleanly, 2 when the last commit failed. */
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private done?: (err?: Error) => void;
  private dead?: Error;

  constructor(path: string, synchronous: Synchronous) {
    this.worker = new Worker(new URL("./sqliteLogWorker.ts", import.meta.url), {
      workerData: { path, synchronous, state: this.state },
    });
    this.worker.unref();
    this.worker.on("message", (m: { error?: string }) => this.finish(m.error === undefined ? undefined : new Error(m.error)));
    this.worker.on("error", (err) => this.die(err));
    this.worker.on("exit", (code) => this.die(new Error(`the SQLite log worker exited with code ${code}`)));
  }

  write(batch: LogBatch, done: (err?: Error) => void): void {
    if (this.dead) {
      done(this.dead);
      return;
    }
    this.done = done;
    this.worker.postMessage({ batch });
  }

  closeSync(batch: LogBatch): void {
    if (this.dead) throw this.dead;
    this.worker.postMessage({ batch, close: true });
    const waited = Atomics.wait(this.state, 0, 0, CLOSE_TIMEOUT_MS);
    const state = Atomics.load(this.state, 0);
    this.dead = new Error("the SQLite log is closed");
    void this.worker.terminate();
    if (waited === "timed-out") throw new Error("the SQLite log worker did not close in time");
    if (state !== 1) throw new Error("the last commit of the SQLite log failed");
  }

  abort(): void {
    this.dead ??= new Error("the SQLite log is closed");
    void this.worker.terminate();
  }

  private finish(err?: Error): void {
    const done = this.done;
    this.done = undefined;
    done?.(err);
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    this.finish(err);
  }
}
