// Nothing leaves the server before the writes it reflects are durable.
// Storage applies a write at once and makes it durable a moment later, with
// the writes around it (group commit; see storage/interface.ts). So every
// response, and every watch event, waits here until durableRevision()
// reaches what it may show: a client never sees a write, its own or
// another's, that a crash could take back. With nothing pending (memory
// storage, or an idle database) the wait costs one comparison.
import type { ServerResponse } from "node:http";
import type { Storage } from "../storage/interface.ts";

export type Durability = Pick<Storage, "currentRevision" | "durableRevision" | "waitDurable">;

const held = new WeakMap<ServerResponse, Durability>();

/** From now on, what is sent on res through whenDurable or DurableStream waits for durability. */
export function holdUntilDurable(res: ServerResponse, d: Durability): void {
  held.set(res, d);
}

/**
 * Runs send once every write so far is durable: at once when it already is.
 * When the storage cannot make it durable, fail runs instead.
 */
export function whenDurable(res: ServerResponse, send: () => void, fail: (err: Error) => void): void {
  const d = held.get(res);
  const revision = d?.currentRevision() ?? 0;
  if (!d || d.durableRevision() >= revision) send();
  else d.waitDurable(revision).then(send, fail);
}

/**
 * Writes chunks to a streaming response in order, each once the revision it
 * shows is durable. What is ready by the end of the current task goes out
 * in one write (the events of one write, or of one commit, to a watcher),
 * which saves a TLS record and a syscall per event. The connection is cut
 * when the storage fails, so a client sees an error rather than events that
 * may be lost.
 */
export class DurableStream {
  private readonly res: ServerResponse;
  private readonly d: Durability | undefined;
  private readonly queue: { text: string; revision: number }[] = [];
  private scheduled = false;
  private waiting = false;
  private ending = false;

  constructor(res: ServerResponse) {
    this.res = res;
    this.d = held.get(res);
  }

  /** Writes text once revision (by default: every write so far) is durable. */
  write(text: string, revision?: number): void {
    this.queue.push({ text, revision: revision ?? this.d?.currentRevision() ?? 0 });
    this.schedule();
  }

  /** Ends the response after what is queued. */
  end(): void {
    this.ending = true;
    this.schedule();
  }

  /** Drops what is queued: the client went away. */
  discard(): void {
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const durable = this.d ? this.d.durableRevision() : Number.POSITIVE_INFINITY;
    let n = 0;
    while (n < this.queue.length && this.queue[n].revision <= durable) n++;
    if (n > 0) {
      const ready = this.queue.splice(0, n);
      this.res.write(ready.length === 1 ? ready[0].text : ready.map((q) => q.text).join(""));
    }
    if (this.queue.length === 0) {
      if (this.ending) this.res.end();
      return;
    }
    this.waiting = true;
    this.d!.waitDurable(this.queue[0].revision).then(
      () => {
        this.waiting = false;
        this.drain();
      },
      () => {
        this.queue.length = 0;
        this.res.destroy();
      },
    );
  }
}
