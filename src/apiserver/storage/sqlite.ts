// Durable storage driver on SQLite (node:sqlite), after kine's generic SQL
// driver: one append-only log table whose AUTOINCREMENT id is the global
// revision (schema and statements in sqliteSql.ts).
//
// Writes. Each write is one `BEGIN IMMEDIATE` transaction, run synchronously
// inside the caller's call. IMMEDIATE takes SQLite's write lock up front, so
// between BEGIN and COMMIT no other writer (no other connection either) can
// add a row. Inside it we read the key's newest row (the precondition), read
// sqlite_sequence (the highest id ever given out), call build(seq + 1), and
// insert the row with that id explicitly. So the revision build() sees is the
// row's id by construction; AUTOINCREMENT moves sqlite_sequence up to it and
// never hands an id out twice, even after compaction deleted the newest rows.
// A failed build() or insert rolls back and consumes no revision, so the log
// has no gaps. The unique index on (name, prev_revision) is the last guard of
// optimistic concurrency: two rows built on the same previous row of a key
// cannot both commit. With WAL and synchronous=FULL, COMMIT returns only once
// the WAL is fsynced: an acknowledged write survives SIGKILL and power loss.
//
// Watch. Writers in this process deliver events synchronously after COMMIT,
// in revision order (re-entrant writes from a handler queue behind). A watch
// first replays the log (ids above fromRevision, key range in SQL) and then
// subscribes; both happen inside the caller's call, so no write can fall
// between them. One process owns the file: writes by another process are
// durable and visible to reads, but its events reach no watcher here.
//
// Compaction keeps, at or below the compact revision, only the newest row of
// each key, and drops it too when it is a tombstone. The compact revision
// lives in kine_meta, so it survives a restart like the revision counter.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  NotFoundError,
} from "./errors.ts";
import type {
  Build,
  ListOptions,
  ListResult,
  Storage,
  StorageEvent,
  StoredValue,
  Watcher,
} from "./interface.ts";
import { Subscribers } from "./subscribers.ts";
import { events, listCount, listPage, prefixEnd, SCHEMA, SQL } from "./sqliteSql.ts";

export type SqliteStorageOptions = {
  /** The database file; created when missing. */
  path: string;
  /**
   * Keep at least this many recent revisions of history; older ones are
   * compacted automatically. Infinity turns automatic compaction off.
   */
  historySize?: number;
  /** "FULL" (the default) survives power loss; "NORMAL" only a process crash. */
  synchronous?: "FULL" | "NORMAL";
};

type Row = { id: number; deleted: number; create_revision: number; value: string };

const REPLAY_CHUNK = 1000;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

export class SqliteStorage implements Storage {
  private readonly db: DatabaseSync;
  private readonly historySize: number;
  private rev: number;
  private compacted: number;
  private readonly subs = new Subscribers();
  private readonly stmts = new Map<string, StatementSync>();

  constructor(opts: SqliteStorageOptions) {
    this.historySize = Math.max(1, opts.historySize ?? 100_000);
    this.db = new DatabaseSync(opts.path, { timeout: 5000 });
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${opts.synchronous ?? "FULL"};`);
    this.db.exec(SCHEMA);
    this.rev = this.readLastId();
    this.compacted = Number(this.stmt(SQL.compactRev).get()?.value ?? 0);
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  get(key: string, revision?: number): StoredValue | undefined {
    const at = this.readRevision(revision);
    const row = this.rowAt(key, at);
    return row && !row.deleted ? toStored(key, row) : undefined;
  }

  list(prefix: string, opts: ListOptions = {}): ListResult {
    const at = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const high = prefixEnd(prefix);
    const params: Record<string, string | number> = {
      low: opts.startKey && opts.startKey > prefix ? opts.startKey : prefix,
      rev: at,
    };
    if (high !== undefined) params.high = high;
    // One row past the limit tells whether counting the rest is needed.
    const rows = this.stmt(listPage(high !== undefined)).all({
      ...params,
      limit: limit < 0 ? -1 : limit + 1,
    }) as { id: number; name: string; create_revision: number; value: string }[];
    let remaining = 0;
    if (limit >= 0 && rows.length > limit) {
      rows.length = limit;
      const total = Number(this.stmt(listCount(high !== undefined)).get(params)!.n);
      remaining = total - limit;
    }
    const items = rows.map((r) => ({
      key: r.name,
      value: r.value,
      modRevision: r.id,
      createRevision: r.create_revision,
    }));
    return { items, revision: at, remaining };
  }

  create(key: string, build: Build): StoredValue {
    return this.write(key, (latest, rev) => {
      if (latest && !latest.deleted) throw new KeyExistsError(key);
      const value = build(rev);
      const row = { created: 1, deleted: 0, createRev: rev, prev: latest?.id ?? 0, value };
      const event: StorageEvent = { type: "ADDED", key, revision: rev, value };
      return { row, event, result: { key, value, modRevision: rev, createRevision: rev } };
    });
  }

  update(key: string, expectedRevision: number, build: Build): StoredValue {
    return this.write(key, (latest, rev) => {
      if (!latest || latest.deleted) throw new NotFoundError(key);
      if (latest.id !== expectedRevision) throw new ConflictError(key, latest.id);
      const value = build(rev);
      const createRev = latest.create_revision;
      const row = { created: 0, deleted: 0, createRev, prev: latest.id, value };
      const event: StorageEvent = { type: "MODIFIED", key, revision: rev, value, prevValue: latest.value };
      return { row, event, result: { key, value, modRevision: rev, createRevision: createRev } };
    });
  }

  delete(key: string, expectedRevision?: number): StoredValue {
    return this.write(key, (latest, rev) => {
      if (!latest || latest.deleted) throw new NotFoundError(key);
      if (expectedRevision !== undefined && latest.id !== expectedRevision) {
        throw new ConflictError(key, latest.id);
      }
      const { value, create_revision: createRev } = latest;
      const row = { created: 0, deleted: 1, createRev, prev: latest.id, value };
      const event: StorageEvent = { type: "DELETED", key, revision: rev, value };
      return { row, event, result: { key, value, modRevision: rev, createRevision: createRev } };
    });
  }

  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: StorageEvent) => void,
    onClose?: () => void,
  ): Watcher {
    if (fromRevision < this.compacted) throw new CompactedError(this.compacted);
    if (fromRevision > this.rev) throw new FutureRevisionError(fromRevision);
    this.replay(prefix, fromRevision, onEvent);
    return this.subs.add(prefix, onEvent, onClose);
  }

  compact(revision: number): void {
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    this.transaction(() => {
      this.stmt(SQL.compactSuperseded).run(this.compacted, target);
      this.stmt(SQL.compactTombstones).run(this.compacted, target);
      this.stmt(SQL.setCompactRev).run(target);
    });
    this.compacted = target;
  }

  close(): void {
    this.subs.closeAll();
  }

  /** Stop every watcher, then close the database file. The storage is unusable afterwards. */
  closeDatabase(): void {
    this.close();
    if (this.db.isOpen) this.db.close();
  }

  private readRevision(revision?: number): number {
    if (!revision) return this.rev;
    if (revision > this.rev) throw new FutureRevisionError(revision);
    if (revision < this.compacted) throw new CompactedError(this.compacted);
    return revision;
  }

  /**
   * One write: in a write transaction, hand the key's newest row and the
   * revision the new row will get to plan(), insert the row it returns,
   * commit, then compact if due and deliver the event.
   */
  private write(
    key: string,
    plan: (
      latest: Row | undefined,
      rev: number,
    ) => {
      row: { created: number; deleted: number; createRev: number; prev: number; value: string };
      event: StorageEvent;
      result: StoredValue;
    },
  ): StoredValue {
    const planned = this.transaction(() => {
      const rev = this.readLastId() + 1;
      const latest = this.rowAt(key, Number.MAX_SAFE_INTEGER);
      const p = plan(latest, rev);
      const { created, deleted, createRev, prev, value } = p.row;
      try {
        this.stmt(SQL.insert).run(rev, key, created, deleted, createRev, prev, value);
      } catch (err) {
        throw this.lostRace(key, err);
      }
      return { ...p, rev };
    });
    this.rev = planned.rev;
    this.notify(planned.event);
    if (this.rev - this.compacted > this.historySize + Math.ceil(this.historySize / 4)) {
      // Compact a quarter of the window in one go, so the sweep runs rarely.
      try {
        this.compact(this.rev - this.historySize);
      } catch {
        // The write is committed and must not fail now; the next write retries.
      }
    }
    return planned.result;
  }

  /** A row on the same (name, prev_revision) or id got in first: another writer won. */
  private lostRace(key: string, err: unknown): unknown {
    const code = (err as { errcode?: number }).errcode;
    if (code !== SQLITE_CONSTRAINT_UNIQUE && code !== SQLITE_CONSTRAINT_PRIMARYKEY) return err;
    const now = this.rowAt(key, Number.MAX_SAFE_INTEGER);
    return new ConflictError(key, now?.id ?? 0);
  }

  private transaction<T>(fn: () => T): T {
    this.stmt("BEGIN IMMEDIATE").run();
    try {
      const out = fn();
      this.stmt("COMMIT").run();
      return out;
    } catch (err) {
      if (this.db.isTransaction) this.stmt("ROLLBACK").run();
      throw err;
    }
  }

  /** Deliver an event to every matching watcher, in revision order (Subscribers). */
  private notify(e: StorageEvent): void {
    this.subs.deliver(e);
  }

  /** Send the logged events above fromRevision under prefix, in chunks, up to the newest write. */
  private replay(prefix: string, fromRevision: number, onEvent: (e: StorageEvent) => void): void {
    const high = prefixEnd(prefix);
    const stmt = this.stmt(events(high !== undefined));
    let after = fromRevision;
    // A handler may write while we replay; loop until the replay reaches the newest revision.
    while (after < this.rev) {
      // Writes from the handler may have compacted away what is left to replay.
      if (after < this.compacted) throw new CompactedError(this.compacted);
      const to = this.rev;
      const params: Record<string, string | number> = { after, to, low: prefix, limit: REPLAY_CHUNK };
      if (high !== undefined) params.high = high;
      const rows = stmt.all(params) as {
        id: number;
        name: string;
        created: number;
        deleted: number;
        value: string;
        prev: string | null;
      }[];
      after = rows.length < REPLAY_CHUNK ? to : rows[rows.length - 1].id;
      for (const r of rows) {
        const type = r.created ? "ADDED" : r.deleted ? "DELETED" : "MODIFIED";
        const e: StorageEvent = { type, key: r.name, revision: r.id, value: r.value };
        if (type === "MODIFIED" && r.prev != null) e.prevValue = r.prev;
        onEvent(e);
      }
    }
  }

  private rowAt(key: string, rev: number): Row | undefined {
    return this.stmt(SQL.rowAt).get(key, rev) as Row | undefined;
  }

  private readLastId(): number {
    return Number(this.stmt(SQL.lastId).get()?.seq ?? 0);
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

function toStored(key: string, row: Row): StoredValue {
  return { key, value: row.value, modRevision: row.id, createRevision: row.create_revision };
}
