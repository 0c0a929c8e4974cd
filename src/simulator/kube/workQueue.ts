// A keyed work queue: a key queued many times is processed once; a failed key
// is retried with backoff; keys are processed one at a time each, a few
// concurrently. Like client-go's rate-limited workqueue, minus the metrics.

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly worker: (key: string) => Promise<void>;
  private readonly concurrency: number;
  private active = 0;
  private scheduled = false;
  private stopped = false;

  constructor(worker: (key: string) => Promise<void>, concurrency = 16) {
    this.worker = worker;
    this.concurrency = concurrency;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.pending.add(key);
    this.schedule();
  }

  /** Re-queues key after ms (a resync or a deadline). */
  addAfter(key: string, ms: number): void {
    setTimeout(() => this.add(key), ms).unref();
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  /** Resolves when nothing is pending or running. */
  async idle(): Promise<void> {
    while (this.pending.size || this.running.size) await new Promise((r) => setImmediate(r));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    for (const key of this.pending) {
      if (this.active >= this.concurrency || this.stopped) break;
      this.pending.delete(key);
      this.running.add(key);
      this.active++;
      this.worker(key).then(
        () => this.done(key, true),
        () => this.done(key, false),
      );
    }
  }

  private done(key: string, ok: boolean): void {
    this.running.delete(key);
    this.active--;
    if (ok) this.failures.delete(key);
    else {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.addAfter(key, Math.min(5 * 2 ** n, 5000));
    }
    if (this.dirty.delete(key)) this.add(key);
    if (this.pending.size) this.schedule();
  }
}
