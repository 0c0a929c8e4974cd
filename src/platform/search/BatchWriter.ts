// Feeds the index from every cluster's watches: changes queue up and are
// written in one transaction per batch. A batch starts `flushMs` after the
// first change queued (or at once when `maxBatch` are queued), and while one
// is being written the next one gathers everything that arrives meanwhile
// (group commit): so the batches grow with the backend's latency and the
// writer keeps up with thousands of changes a second, on a nearby SQLite
// file or a distant PostgreSQL alike. A relist (replace) first writes what is
// queued, so a kind's changes reach the index in the order its watch saw
// them. A failed batch is retried with backoff, in order.
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
  private writing?: Promise<void>;
  private retryMs = 0;
  private closed = false;

  constructor(index: SearchIndex, log: Logger, opts: BatchWriterOptions = {}) {
    this.index = index;
    this.log = log;
    this.flushMs = opts.flushMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  push(change: Change): void {
    if (this.closed) return;
    this.queue.push(change);
    // While a batch is being written, the next one gathers: the writer takes it when done.
    if (this.writing) return;
    if (this.queue.length >= this.maxBatch) void this.drain();
    else this.timer ??= setTimeout(() => void this.drain(), this.flushMs);
  }

  /** Writes what is queued; resolves once it (and every earlier batch) is in the index. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.queue.length) await this.drain();
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing) return this.writing;
    this.writing = (async () => {
      try {
        while (this.queue.length && !this.closed) await this.write(this.queue.splice(0, this.maxBatch));
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  private async write(batch: Change[]): Promise<void> {
    while (!this.closed) {
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
    clearTimeout(this.timer);
  }
}
