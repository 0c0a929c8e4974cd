// The storage contract shared by every driver (memory now, SQLite later).
// Modelled on kine/etcd: one global revision counter; every write gets the
// next revision; reads may be served at a past revision until it is compacted.
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
