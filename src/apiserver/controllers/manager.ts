// Runs the in-process controllers (as kube-controller-manager would, but in
// the server's process). They see every object change once, in revision
// order, after the write that caused it has returned: events are queued and
// handled on a later turn of the event loop, so no controller writes from
// inside another write.
import type { Logger } from "pino";
import { eventObject } from "../registry/eventObjects.ts";
import type { StorageEvent, Watcher } from "../storage/interface.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";

export type ObjectEvent = {
  type: "ADDED" | "MODIFIED" | "DELETED";
  key: string;
  /** The storage prefix: "core/pods", "apps/deployments", "stable.example.com/crontabs". */
  prefix: string;
  obj: KObject;
};

export interface Controller {
  readonly name: string;
  /** Which storage prefixes it wants; undefined means all. */
  readonly prefixes?: string[];
  /** Called once with every existing object before events flow. */
  sync?(objects: ObjectEvent[]): void;
  handle(e: ObjectEvent): void;
  stop?(): void;
}

export function prefixOf(key: string): string {
  const parts = key.split("/");
  return `${parts[1]}/${parts[2]}`;
}

export class ControllerManager {
  private readonly store: ObjectStore;
  private readonly log: Logger;
  private readonly controllers: Controller[] = [];
  private queue: StorageEvent[] = [];
  private scheduled = false;
  private watcher?: Watcher;
  private stopped = false;
  private live = false;

  constructor(store: ObjectStore, log: Logger) {
    this.store = store;
    this.log = log;
  }

  add(c: Controller): void {
    this.controllers.push(c);
  }

  start(): void {
    const storage = this.store.storage;
    const initial = storage.list("/");
    const events = initial.items.map(
      (s): ObjectEvent => ({ type: "ADDED", key: s.key, prefix: prefixOf(s.key), obj: JSON.parse(s.value) }),
    );
    // Watch before syncing: the writes sync makes may compact initial.revision
    // away (a small watch history), and their events queue up like any other.
    this.watcher = storage.watch("/", initial.revision, (e) => this.enqueue(e), () => this.restart());
    for (const c of this.controllers) {
      c.sync?.(c.prefixes ? events.filter((e) => c.prefixes!.includes(e.prefix)) : events);
    }
    this.live = true;
  }

  /**
   * Whether every controller has been handed the full list and the watch
   * behind it is open: false before start, while relisting after the
   * storage dropped the watch, and after stop (readyz's informer-sync).
   */
  synced(): boolean {
    return this.live;
  }

  stop(): void {
    this.live = false;
    this.stopped = true;
    this.watcher?.stop();
    for (const c of this.controllers) c.stop?.();
  }

  private restart(): void {
    // The storage dropped its watchers (a fault or a restart): start over from a fresh list.
    this.live = false;
    if (this.stopped) return;
    setTimeout(() => {
      if (!this.stopped) this.start();
    }, 100).unref();
  }

  private enqueue(e: StorageEvent): void {
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const se of batch) {
      if (this.stopped) return;
      const prefix = prefixOf(se.key);
      const wanted = this.controllers.filter((c) => !c.prefixes || c.prefixes.includes(prefix));
      if (wanted.length === 0) continue;
      const e: ObjectEvent = {
        type: se.type,
        key: se.key,
        prefix,
        obj: eventObject(se),
      };
      for (const c of wanted) {
        try {
          c.handle(e);
        } catch (err) {
          this.log.error({ err, controller: c.name, key: se.key }, "controller failed to handle an event");
        }
      }
    }
  }
}
