// The loop every workload controller runs: a keyed work queue, delayed
// re-queues on the injected clock (one pending timer per key, the earliest
// wins), and controller expectations so a sync does not act on a cache that
// has not yet seen the controller's own creates and deletes.
import type { Clock, TimerHandle } from "../clock.ts";
import { WorkQueue } from "../kube/workQueue.ts";

export class SyncLoop {
  readonly queue: WorkQueue;
  private readonly clock: Clock;
  private readonly timers = new Map<string, { at: number; t: TimerHandle }>();

  constructor(clock: Clock, worker: (key: string) => Promise<void>, concurrency = 8) {
    this.clock = clock;
    this.queue = new WorkQueue(worker, concurrency);
  }

  add(key: string): void {
    this.queue.add(key);
  }

  /** Queues key after ms of clock time; an earlier pending timer for the key stands. */
  addAfter(key: string, ms: number): void {
    const at = this.clock.now() + Math.max(0, ms);
    const cur = this.timers.get(key);
    if (cur && cur.at <= at) return;
    cur?.t.cancel();
    const t = this.clock.after(ms, () => {
      this.timers.delete(key);
      this.queue.add(key);
    });
    this.timers.set(key, { at, t });
  }

  stop(): void {
    for (const { t } of this.timers.values()) t.cancel();
    this.timers.clear();
    this.queue.stop();
  }
}

type Expectation = { add: number; dels: Set<string>; at: number };

/** ControllerExpectations: creates and deletes a controller awaits before it trusts its cache again. */
export class Expectations {
  private readonly m = new Map<string, Expectation>();
  private readonly clock: Clock;
  // Upstream's ExpectationsTimeout: a lost watch event cannot wedge a controller forever.
  private readonly ttlMs = 5 * 60 * 1000;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if ((e.add <= 0 && e.dels.size === 0) || this.clock.now() - e.at > this.ttlMs) {
      this.m.delete(key);
      return true;
    }
    return false;
  }

  expectCreations(key: string, n: number): void {
    this.m.set(key, { add: n, dels: new Set(), at: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.m.set(key, { add: 0, dels: new Set(podKeys), at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.m.get(key)?.dels.delete(podKey);
  }

  forget(key: string): void {
    this.m.delete(key);
  }
}
