// The storage contract shared by every driver (memory and SQLite).
// Modelled on kine/etcd: one global revision counter; every write gets the
// next revision; reads may be served at a past revision until it is compacted.
//
// Durability. A write applies at once: it returns its result, and reads and
// watchers in this process see it. A durable driver makes it durable a
// little later, together with the writes around it (group commit, one fsync
// for many writes, as etcd batches its raft log). So nothing that reflects
// a write may leave the process before the write is durable: the HTTP edge
// holds each response and watch event until durableRevision() reaches the
// revision it shows (waitDurable). A crash then loses only writes nobody
// outside saw, and since the log is committed in revision order, what
// survives is always a prefix of the history: the state at some revision.
//
// Values are opaque strings to the storage (the serialized object). The
// caller passes a function that builds the value once the revision is known,
// so the stored bytes can carry their own resourceVersion.

export type StoredValue = {
  key: string;
  value: string;
  /** Revision of the write that produced this value (metadata.resourceVersion). */
  modRevision: number;
  /** Revision at which this key was created. */
  createRevision: number;
  /**
   * The value was read through an encryption key other than the current
   * one: rewrite it even when unchanged (see encryption.ts).
   */
  stale?: boolean;
};

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export type StorageEvent = {
  type: WatchEventType;
  key: string;
  revision: number;
  /** The new value; for DELETED, the last value before the delete. */
  value: string;
  /** The value before this write (absent for ADDED). */
  prevValue?: string;
};

export type ListOptions = {
  /** Read as of this revision; 0 or absent means the current revision. */
  revision?: number;
  /** Start at this key (inclusive). Must lie inside the prefix. */
  startKey?: string;
  /** At most this many items; 0 or absent means no limit. */
  limit?: number;
};

export type ListResult = {
  items: StoredValue[];
  /** The revision the list was read at. */
  revision: number;
  /** Items after the last returned one, when the limit cut the list. */
  remaining: number;
};

export type Build = (revision: number) => string;

export type Watcher = { stop(): void };

export interface Storage {
  /** The newest revision. */
  currentRevision(): number;
  /** The revision below which history is gone. */
  compactRevision(): number;
  /** The newest revision that survives a crash; currentRevision() when every write is durable. */
  durableRevision(): number;
  /**
   * Resolves once every write up to revision is durable; rejects when the
   * storage can no longer make it durable (the disk failed; nothing reflecting
   * it may then be shown).
   */
  waitDurable(revision: number): Promise<void>;
  get(key: string, revision?: number): StoredValue | undefined;
  list(prefix: string, opts?: ListOptions): ListResult;
  /** Throws KeyExistsError. */
  create(key: string, build: Build): StoredValue;
  /** Throws NotFoundError, or ConflictError when the key's modRevision is not expectedRevision. */
  update(key: string, expectedRevision: number, build: Build): StoredValue;
  /** Throws NotFoundError or ConflictError. Returns the deleted value at the delete's revision. */
  delete(key: string, expectedRevision?: number): StoredValue;
  /**
   * Events for keys under prefix with revision > fromRevision, in revision order,
   * then live ones. Throws CompactedError when fromRevision < compactRevision().
   */
  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: StorageEvent) => void,
    onClose?: () => void,
  ): Watcher;
  /** Forget history at or below revision (clamped to the current revision). */
  compact(revision: number): void;
  /** Stop every watcher (a fault, or shutdown). Each gets its onClose. */
  close(): void;
}
