// Durable storage driver on SQLite (node:sqlite): kine's log in the file,
// kube-apiserver's watch cache in memory, etcd's group commit in between.
//
// The file holds kine's one append-only log table, whose id is the global
// revision (schema and statements in sqliteSql.ts). Memory holds the same
// history as a MemoryStorage (the cache): the current state in an ordered
// tree, recent versions, and the watch history. At start the cache is filled
// from the log; after that every read, list (consistent, paged, or at an
// exact revision until it is compacted) and watch is served from memory,
// and the file is only written.
//
// Writes. A write runs in the cache: its precondition is checked against the
// newest state, pending writes included, it takes the next revision and is
// visible at once to reads and watchers in this process, and its row joins
// the pending batch. A conflict so fails only its own write, before it ever
// reaches the file. Batches go to the log one at a time (sqliteLog.ts), each
// as one transaction and one fsync: everything written while the previous
// batch syncs makes the next one, as etcd batches its raft log. A write is
// durable once its batch commits; waitDurable() tells when, and the HTTP
// edge holds every response and watch event until then, so a crash loses
// only writes that no client saw. Batches commit in revision order, so what
// survives a crash is always a prefix of the history. Should a commit fail,
// the memory is ahead of the file for good: the storage refuses every
// further read and write and rejects every wait.
//
// Compaction keeps the same window in both: the cache compacts, and the log
// drops, at or below the same revision, the rows the cache dropped (the
// superseded rows and tombstones), recording the compact revision in
// kine_meta so it survives a restart like the revision counter.
//
// One process owns the file: the cache does not see rows others write, and
// a batch that collides with them fails.
import type { DatabaseSync } from "node:sqlite";
import { setImmediate } from "node:timers";
import { StorageError } from "./errors.ts";
import type { Build, ListOptions, ListResult, Storage, StorageEvent, StoredValue, Watcher } from "./interface.ts";
import { type LogRow, MemoryStorage } from "./memory.ts";
import { InlineLogWriter, type LogBatch, type LogWriter, openLog, type Synchronous, WorkerLogWriter } from "./sqliteLog.ts";
import { SQL } from "./sqliteSql.ts";

export type SqliteStorageOptions = {
  /** The database file; created when missing. */
  path: string;
  /**
   * Keep at least this many recent revisions of history; older ones are
   * compacted automatically. Infinity turns automatic compaction off.
   */
  historySize?: number;
  /** "FULL" (the default) survives power loss; "NORMAL" only a process crash. */
  synchronous?: Synchronous;
  /** Where batches commit: in a worker thread (the default), or inline on the event loop. */
  writer?: "worker" | "inline";
};

type Deferred = { promise: Promise<void>; resolve(): void; reject(err: Error): void };

export class SqliteStorage implements Storage {
  private readonly cache: MemoryStorage;
  private readonly log: LogWriter;
  private pending: LogBatch = [];
  private durable: number;
  /** The last revision of the batch being committed, or undefined. */
  private inflight?: number;
  private inflightDone?: Deferred;
  private nextDone?: Deferred;
  private scheduled = false;
  private failure?: Error;
  private closed = false;
  /** Batches committed so far, for tests and measurements. */
  batches = 0;

  constructor(opts: SqliteStorageOptions) {
    const synchronous = opts.synchronous ?? "FULL";
    this.cache = new MemoryStorage({
      historySize: opts.historySize ?? 100_000,
      onWrite: (row) => this.append(row),
      onCompact: (from, to) => this.queueCompaction(from, to),
    });
    const db = openLog(opts.path, synchronous);
    try {
      const revision = Number(db.prepare(SQL.lastId).get()?.seq ?? 0);
      const compacted = Number(db.prepare(SQL.compactRev).get()?.value ?? 0);
      this.cache.restore(logRows(db), compacted, revision);
      this.durable = revision;
    } finally {
      db.close();
    }
    this.log = opts.writer === "inline" ? new InlineLogWriter(opts.path, synchronous) : new WorkerLogWriter(opts.path, synchronous);
  }

  currentRevision(): number {
    return this.cache.currentRevision();
  }

  compactRevision(): number {
    return this.cache.compactRevision();
  }

  durableRevision(): number {
    return this.durable;
  }

  waitDurable(revision: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (revision <= this.durable) return Promise.resolve();
    if (this.inflight !== undefined && revision <= this.inflight) {
      this.inflightDone ??= deferred();
      return this.inflightDone.promise;
    }
    this.nextDone ??= deferred();
    this.schedule();
    return this.nextDone.promise;
  }

  get(key: string, revision?: number): StoredValue | undefined {
    this.usable();
    return this.cache.get(key, revision);
  }

  list(prefix: string, opts?: ListOptions): ListResult {
    this.usable();
    return this.cache.list(prefix, opts);
  }

  create(key: string, build: Build): StoredValue {
    this.usable();
    return this.cache.create(key, build);
  }

  update(key: string, expectedRevision: number, build: Build): StoredValue {
    this.usable();
    return this.cache.update(key, expectedRevision, build);
  }

  delete(key: string, expectedRevision?: number): StoredValue {
    this.usable();
    return this.cache.delete(key, expectedRevision);
  }

  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: StorageEvent) => void,
    onClose?: () => void,
  ): Watcher {
    this.usable();
    return this.cache.watch(prefix, fromRevision, onEvent, onClose);
  }

  compact(revision: number): void {
    this.usable();
    this.cache.compact(revision);
  }

  close(): void {
    this.cache.close();
  }

  /**
   * Commits what is pending, stops every watcher and closes the file, before
   * returning. The storage is unusable afterwards.
   */
  closeDatabase(): void {
    if (this.closed) return;
    this.close();
    this.closed = true;
    if (this.failure) {
      this.log.abort();
      return;
    }
    try {
      this.log.closeSync(this.takeBatch());
      this.durable = this.cache.currentRevision();
      this.inflightDone?.resolve();
      this.nextDone?.resolve();
    } catch (err) {
      this.fail(err as Error);
    }
    this.failure = new StorageError("the database is closed", "");
  }

  private usable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new StorageError("the database is closed", "");
  }

  private append(row: LogRow): void {
    const last = this.pending.at(-1);
    if (last && !last.compact) last.rows.push(row);
    else this.pending.push({ rows: [row] });
    this.schedule();
  }

  /** Compactions that follow one another with no write between merge into one. */
  private queueCompaction(from: number, to: number): void {
    const last = this.pending.at(-1);
    if (last?.compact) last.compact.to = to;
    else if (last) last.compact = { from, to };
    else this.pending.push({ rows: [], compact: { from, to } });
    this.schedule();
  }

  /** The next batch starts once the current turn of the event loop is over: what arrived in it goes together. */
  private schedule(): void {
    if (this.scheduled || this.inflight !== undefined || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inflight !== undefined || this.failure || this.closed) return;
    if (this.pending.length === 0) {
      // Nothing to write: whoever waits is waiting for what is durable already.
      this.nextDone?.resolve();
      this.nextDone = undefined;
      return;
    }
    const batch = this.takeBatch();
    const last = this.cache.currentRevision();
    this.inflight = last;
    this.inflightDone = this.nextDone;
    this.nextDone = undefined;
    this.log.write(batch, (err) => {
      this.inflight = undefined;
      if (err) {
        this.fail(err);
        return;
      }
      this.batches++;
      this.durable = last;
      const done = this.inflightDone;
      this.inflightDone = undefined;
      done?.resolve();
      // The rows that came in during the commit go at once.
      if (this.pending.length > 0 || this.nextDone) this.flush();
    });
  }

  private takeBatch(): LogBatch {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = new StorageError(`the SQLite log failed, the storage stops: ${err.message}`, "");
    this.failure.cause = err;
    this.inflightDone?.reject(this.failure);
    this.nextDone?.reject(this.failure);
    this.inflightDone = this.nextDone = undefined;
    this.log.abort();
    this.cache.close();
  }
}

const LOAD_CHUNK = 5000;

/** The whole log, oldest first, read in chunks of rows as arrays (a third of the time of a row iterator). */
function* logRows(db: DatabaseSync): Iterable<LogRow> {
  const stmt = db.prepare(SQL.rowsAfter);
  stmt.setReturnArrays(true);
  for (let after = 0; ; ) {
    const rows = stmt.all(after, LOAD_CHUNK) as unknown as [number, string, number, number, number, string][];
    for (const [id, name, created, deleted, createRev, value] of rows) {
      // prevRev is only ever written, never read back.
      yield { rev: id, key: name, created: created === 1, deleted: deleted === 1, createRev, prevRev: 0, value };
    }
    if (rows.length < LOAD_CHUNK) return;
    after = rows[rows.length - 1][0];
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A wait nobody ends up holding must not crash the process when it fails.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
