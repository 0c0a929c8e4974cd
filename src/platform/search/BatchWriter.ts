// Feeds the index from every cluster's watches: changes queue up and are
// written in one transaction per small batch (at most `maxBatch` changes, at
// most `flushMs` after the first queued one), which is what keeps up with
// thousands of writes a second across clusters. A relist (replace) first
// writes what is queued, so a kind's changes reach the index in the order its
// watch saw them. A failed batch is retried with backoff, in order.
import type { Logger } from "pino";
import type { Change, GVR, KObject, SearchIndex } from "./index.ts";

export type BatchWriterOptions = { flushMs?: number; maxBatch?: number };

export class BatchWriter {
  private readonly index: SearchIndex;
  private readonly log: Logger;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private queue: Change[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private retryMs = 0;
  private closed = false;

  constructor(index: SearchIndex, log: Logger, opts: BatchWriterOptions = {}) {
    this.index = index;
    this.log = log;
    this.flushMs = opts.flushMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 500;
  }

  push(change: Change): void {
    if (this.closed) return;
    this.queue.push(change);
    if (this.queue.length >= this.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is queued; resolves once it (and every earlier batch) is in the index. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: Change[]): Promise<void> {
    while (batch.length && !this.closed) {
      try {
        await this.index.apply(batch);
        this.retryMs = 0;
        return;
      } catch (err) {
        this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : 200, 10_000);
        this.log.error({ err, changes: batch.length, retryMs: this.retryMs }, "search index write failed; retrying");
        await new Promise((r) => setTimeout(r, this.retryMs).unref());
      }
    }
  }

  /** A relist of (cluster, kind), after everything queued before it. */
  async replace(cluster: string, gvr: GVR, objects: readonly KObject[]): Promise<void> {
    await this.flush();
    await this.index.replace(cluster, gvr, objects);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
