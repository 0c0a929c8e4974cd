// Events expire: kube-apiserver stores each Event with an etcd lease of
// --event-ttl (default one hour) and etcd deletes it when the lease runs out.
// Here a sweep deletes Events whose last activity is older than the TTL.
import type { Logger } from "pino";
import { systemContext } from "../registry/context.ts";
import { deleteObject } from "../registry/deletion.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";

export const DEFAULT_EVENT_TTL_SECONDS = 3600;

/** When an Event was last touched: its series, lastTimestamp, eventTime or creation. */
export function lastActivity(e: KObject): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const ms = typeof t === "string" ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

export class EventExpiry {
  private readonly store: ObjectStore;
  private readonly ttlMs: number;
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;

  constructor(store: ObjectStore, ttlSeconds: number, log: Logger) {
    this.store = store;
    this.ttlMs = ttlSeconds * 1000;
    this.log = log;
  }

  start(): void {
    // Sweep ten times per TTL, at most every 30 s: an Event outlives its TTL by a tenth at most.
    const every = Math.min(30_000, Math.max(1000, this.ttlMs / 10));
    this.timer = setInterval(() => this.sweep(Date.now()), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes expired Events; returns how many went. */
  sweep(now: number): number {
    const info = this.store.registry.lookup("", "v1", "events");
    if (!info) return 0;
    let removed = 0;
    for (const it of this.store.storage.list("/shared/events/").items) {
      const e: KObject = JSON.parse(it.value);
      if (now - lastActivity(e) < this.ttlMs) continue;
      try {
        deleteObject(this.store, info, e.metadata?.namespace ?? "", e.metadata?.name ?? "", { preconditions: { uid: e.metadata?.uid } }, systemContext());
        removed++;
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) {
          this.log.error({ err }, "event expiry failed");
          return removed;
        }
      }
    }
    return removed;
  }
}
