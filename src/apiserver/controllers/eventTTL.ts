// Events expire. kube-apiserver stores every write of an Event under an etcd
// lease of --event-ttl (default one hour; the event strategy's TTLFunc gives
// the same TTL on create and on update), and etcd deletes the key when the
// lease runs out. Here the same: each write of an Event starts its TTL again,
// and a sweep deletes the keys whose TTL has run out, at the storage level as
// etcd does, so watchers see DELETED.
//
// Written by hand: the write times come from a storage watch into a Map kept
// in expiry order (a key written again moves to the end), so a sweep reads only
// what expires and never decodes an Event.
import type { Logger } from "pino";
import { CompactedError, ConflictError, NotFoundError } from "../storage/errors.ts";
import type { StorageEvent, Watcher } from "../storage/interface.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";

export const DEFAULT_EVENT_TTL_SECONDS = 3600;
const PREFIX = "/shared/events/";

/** When an Event was last touched: its series, lastTimestamp, eventTime or creation. */
export function lastActivity(e: KObject): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const ms = typeof t === "string" ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

type Written = { at: number; revision: number };

export class EventExpiry {
  private readonly store: ObjectStore;
  private readonly ttlMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Event keys by the time of their last write, oldest first. */
  private written = new Map<string, Written>();
  private lastRevision = 0;
  private watcher?: Watcher;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(store: ObjectStore, ttlSeconds: number, log: Logger, now: () => number = Date.now) {
    this.store = store;
    this.ttlMs = ttlSeconds * 1000;
    this.log = log;
    this.now = now;
  }

  start(): void {
    this.resync();
    // Sweep ten times per TTL, at most every 30 s: an Event outlives its TTL by a tenth at most.
    const every = Math.min(30_000, Math.max(1000, this.ttlMs / 10));
    this.timer = setInterval(() => this.sweep(this.now()), every);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.stop();
  }

  /** Deletes the Events whose TTL ran out by `now`; returns how many went. */
  sweep(now: number): number {
    let removed = 0;
    for (const [key, w] of this.written) {
      if (now - w.at < this.ttlMs) break;
      this.written.delete(key);
      try {
        this.store.storage.delete(key, w.revision);
        removed++;
      } catch (err) {
        // Deleted or written again meanwhile: the watch brings the news.
        if (!(err instanceof NotFoundError || err instanceof ConflictError)) {
          this.log.error({ err }, "event expiry failed");
          return removed;
        }
      }
    }
    return removed;
  }

  /**
   * Follows Event writes from the last revision seen. When that history is
   * gone (first start, or a watch dropped past compaction), it lists the
   * Events and dates each by its own last activity, which is what a restart
   * of the lease clock would lose.
   */
  private resync(): void {
    if (this.stopped) return;
    try {
      if (this.lastRevision > 0) {
        this.watcher = this.store.storage.watch(PREFIX, this.lastRevision, this.onEvent, this.onClose);
        return;
      }
    } catch (err) {
      if (!(err instanceof CompactedError)) throw err;
    }
    const list = this.store.storage.list(PREFIX);
    const known = list.items
      .map((it) => ({ key: it.key, at: this.written.get(it.key)?.at ?? lastActivity(JSON.parse(it.value)), revision: it.modRevision }))
      .sort((a, b) => a.at - b.at);
    this.written = new Map(known.map((k) => [k.key, { at: k.at, revision: k.revision }]));
    this.lastRevision = list.revision;
    this.watcher = this.store.storage.watch(PREFIX, list.revision, this.onEvent, this.onClose);
  }

  private readonly onEvent = (e: StorageEvent): void => {
    this.lastRevision = e.revision;
    this.written.delete(e.key);
    if (e.type !== "DELETED") this.written.set(e.key, { at: this.now(), revision: e.revision });
  };

  private readonly onClose = (): void => {
    this.watcher = undefined;
    // The storage closed every watch (a dropped-watch fault or shutdown): follow again on the next turn.
    setImmediate(() => {
      try {
        this.resync();
      } catch (err) {
        this.log.error({ err }, "event expiry cannot follow Events");
      }
    });
  };
}
