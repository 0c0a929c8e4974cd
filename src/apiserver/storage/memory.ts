// In-memory storage driver: a multi-version B+ tree of keys plus a bounded
// ring of events. Like etcd's MVCC, a key keeps every version newer than the
// compact revision (and the newest one at or below it), so a paged list can
// be read at one consistent revision.
import btree from "sorted-btree";

// sorted-btree is CommonJS with an ES-style default export; under Node's ESM
// loader the class sits on `.default` of what `import` gives.
const BTree = btree.default;
type Tree<K, V> = InstanceType<typeof btree.default<K, V>>;
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, NotFoundError } from "./errors.ts";
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

/** One version of a key; value null is a tombstone. */
type Version = { rev: number; createRev: number; value: string | null };

/**
 * One write as a log row (kine's columns): a durable driver appends it. For a
 * delete, value is the last value before it; prevRev is the key's previous
 * row, tombstones included (0 for none), kine's prev_revision.
 */
export type LogRow = {
  rev: number;
  key: string;
  created: boolean;
  deleted: boolean;
  createRev: number;
  prevRev: number;
  value: string;
};

export type MemoryStorageOptions = {
  /** How many events the watch history keeps; older revisions are compacted. */
  historySize?: number;
  /** Hears every write, in revision order, before its watchers do (the SQLite driver logs it). */
  onWrite?: (row: LogRow) => void;
  /** Hears every compaction: the history in (from, to] is gone. */
  onCompact?: (from: number, to: number) => void;
};

export class MemoryStorage implements Storage {
  private rev = 0;
  private compacted = 0;
  /** Keys in order, for ranges; `keys` holds the same arrays for point reads (a hash beats string compares down the tree). */
  private readonly tree: Tree<string, Version[]> = new BTree<string, Version[]>();
  private readonly keys = new Map<string, Version[]>();
  /** events[i] has revision firstEventRev + i: every write makes exactly one event. */
  private events: StorageEvent[] = [];
  private firstEventRev = 1;
  private readonly historySize: number;
  private readonly subs = new Subscribers();
  private readonly onWrite?: (row: LogRow) => void;
  private readonly onCompact?: (from: number, to: number) => void;

  constructor(opts: MemoryStorageOptions = {}) {
    this.historySize = Math.max(1, opts.historySize ?? 100_000);
    this.onWrite = opts.onWrite;
    this.onCompact = opts.onCompact;
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  /** Memory keeps nothing across a crash, so nothing waits: every write is as durable as it gets. */
  durableRevision(): number {
    return this.rev;
  }

  waitDurable(_revision: number): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Fills an empty storage from a log at start (the SQLite driver's): its
   * rows in revision order, where those at or below compactRevision are the
   * newest of their key and no tombstones, and every revision above it has
   * its row. Hooks and watchers hear nothing of it.
   */
  restore(rows: Iterable<LogRow>, compactRevision: number, revision: number): void {
    if (this.rev !== 0) throw new Error("restore needs an empty storage");
    this.compacted = compactRevision;
    this.firstEventRev = compactRevision + 1;
    for (const r of rows) {
      let versions = this.keys.get(r.key);
      const prev = versions?.[versions.length - 1];
      if (!versions) {
        versions = [];
        this.tree.set(r.key, versions);
        this.keys.set(r.key, versions);
      }
      versions.push({ rev: r.rev, createRev: r.createRev, value: r.deleted ? null : r.value });
      if (r.rev <= compactRevision) continue;
      const type = r.created ? "ADDED" : r.deleted ? "DELETED" : "MODIFIED";
      const e: StorageEvent = { type, key: r.key, revision: r.rev, value: r.value };
      if (type === "MODIFIED" && prev?.value != null) e.prevValue = prev.value;
      this.events.push(e);
    }
    this.rev = revision;
    if (this.events.length !== revision - compactRevision || this.events.some((e, i) => e.revision !== this.firstEventRev + i)) {
      throw new Error(`the log between revisions ${compactRevision} and ${revision} has gaps`);
    }
  }

  get(key: string, revision?: number): StoredValue | undefined {
    const at = this.readRevision(revision);
    const v = visibleAt(this.keys.get(key), at);
    return v ? toStored(key, v) : undefined;
  }

  list(prefix: string, opts: ListOptions = {}): ListResult {
    const at = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
    const items: StoredValue[] = [];
    let remaining = 0;
    const low = opts.startKey && opts.startKey > prefix ? opts.startKey : prefix;
    this.tree.forRange(low, `${prefix}\uffff`, false, (key, versions) => {
      const v = visibleAt(versions, at);
      if (!v) return;
      if (items.length < limit) items.push(toStored(key, v));
      else remaining++;
    });
    return { items, revision: at, remaining };
  }

  create(key: string, build: Build): StoredValue {
    const versions = this.keys.get(key);
    const latest = versions?.[versions.length - 1];
    if (latest?.value != null) throw new KeyExistsError(key);
    const rev = this.rev + 1;
    const v: Version = { rev, createRev: rev, value: build(rev) };
    this.commit(key, versions, v, { type: "ADDED", key, revision: rev, value: v.value! }, latest?.rev ?? 0);
    return toStored(key, v);
  }

  update(key: string, expectedRevision: number, build: Build): StoredValue {
    const versions = this.keys.get(key);
    const latest = versions?.[versions.length - 1];
    if (!latest || latest.value == null) throw new NotFoundError(key);
    if (latest.rev !== expectedRevision) throw new ConflictError(key, latest.rev);
    const rev = this.rev + 1;
    const v: Version = { rev, createRev: latest.createRev, value: build(rev) };
    this.commit(key, versions, v, {
      type: "MODIFIED",
      key,
      revision: rev,
      value: v.value!,
      prevValue: latest.value,
    }, latest.rev);
    return toStored(key, v);
  }

  delete(key: string, expectedRevision?: number): StoredValue {
    const versions = this.keys.get(key);
    const latest = versions?.[versions.length - 1];
    if (!latest || latest.value == null) throw new NotFoundError(key);
    if (expectedRevision !== undefined && latest.rev !== expectedRevision) {
      throw new ConflictError(key, latest.rev);
    }
    const rev = this.rev + 1;
    const tomb: Version = { rev, createRev: latest.createRev, value: null };
    this.commit(key, versions, tomb, { type: "DELETED", key, revision: rev, value: latest.value }, latest.rev);
    return { key, value: latest.value, modRevision: rev, createRevision: latest.createRev };
  }

  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: StorageEvent) => void,
    onClose?: () => void,
  ): Watcher {
    if (fromRevision < this.compacted) throw new CompactedError(this.compacted);
    if (fromRevision > this.rev) throw new FutureRevisionError(fromRevision);
    // Replay history first. Delivery is synchronous, so no live event can
    // slip between the replay and the subscription.
    for (let r = Math.max(fromRevision + 1, this.firstEventRev); r <= this.rev; r++) {
      const e = this.events[r - this.firstEventRev];
      if (e.key.startsWith(prefix)) onEvent(e);
    }
    return this.subs.add(prefix, onEvent, onClose);
  }

  compact(revision: number): void {
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    this.onCompact?.(this.compacted, target);
    this.compacted = target;
    const drop = Math.min(this.events.length, target + 1 - this.firstEventRev);
    if (drop <= 0) return;
    // Only keys written in (old compact revision, target] can hold versions
    // that are now superseded or tombstones that can go: every other key was
    // trimmed at an earlier compaction. The events being dropped name exactly
    // those keys, so compaction costs what was written, not the whole tree.
    const dropped = this.events.slice(0, drop);
    this.events = this.events.slice(drop);
    this.firstEventRev += drop;
    for (const e of dropped) {
      const versions = this.keys.get(e.key);
      if (!versions) continue;
      trimVersions(versions, target);
      if (versions.length === 1 && versions[0].value == null) {
        this.tree.delete(e.key);
        this.keys.delete(e.key);
      }
    }
  }

  close(): void {
    this.subs.closeAll();
  }

  private readRevision(revision?: number): number {
    if (!revision) return this.rev;
    if (revision > this.rev) throw new FutureRevisionError(revision);
    if (revision < this.compacted) throw new CompactedError(this.compacted);
    return revision;
  }

  private commit(key: string, versions: Version[] | undefined, v: Version, e: StorageEvent, prevRev: number): void {
    this.onWrite?.({
      rev: v.rev,
      key,
      created: e.type === "ADDED",
      deleted: e.type === "DELETED",
      createRev: v.createRev,
      prevRev,
      value: e.value,
    });
    this.rev = v.rev;
    if (versions) {
      versions.push(v);
      trimVersions(versions, this.compacted);
    } else {
      const versions = [v];
      this.tree.set(key, versions);
      this.keys.set(key, versions);
    }
    this.events.push(e);
    // Keep at least historySize revisions: once a quarter more has piled up,
    // compact back down to historySize in one go, so the per-key trimming
    // sweep runs rarely.
    if (this.events.length > this.historySize + Math.ceil(this.historySize / 4)) {
      this.compact(this.rev - this.historySize);
    }
    this.subs.deliver(e);
  }
}

function visibleAt(versions: Version[] | undefined, rev: number): Version | undefined {
  if (!versions) return undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i];
    if (v.rev <= rev) return v.value == null ? undefined : v;
  }
  return undefined;
}

/** Keep every version newer than compactRev plus the newest at or below it. */
function trimVersions(versions: Version[], compactRev: number): void {
  let keepFrom = 0;
  for (let i = versions.length - 1; i >= 0; i--) {
    if (versions[i].rev <= compactRev) {
      keepFrom = i;
      break;
    }
  }
  if (keepFrom > 0) versions.splice(0, keepFrom);
}

function toStored(key: string, v: Version): StoredValue {
  return { key, value: v.value!, modRevision: v.rev, createRevision: v.createRev };
}
