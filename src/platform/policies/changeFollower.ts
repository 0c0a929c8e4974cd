// Follows the search index's changes for the policy controller: on each
// write the index announces (index.subscribe), it reads the changes of the
// kinds asked for since the last read (index.changes) and hands each event
// on. One read at a time; writes during a read make one more read, after a
// short pause under a stream of writes, so a burst is read in a few large
// answers rather than many small ones. A read the index cut at its limit is
// followed at once. Changes the index compacted away are reported, for a
// full pass instead.
import type { Logger } from "pino";
import { Rerun } from "../rerun.ts";
import { type ChangeEvent, CompactedError, type KindRef, type SearchIndex } from "../search/index.ts";

/** The least time between two reads of the index's changes when writes keep coming. */
const PAUSE_MS = 100;

export type Plan = { kinds: KindRef[]; onEvent(kind: KindRef, event: ChangeEvent): void };

export type ChangeFollowerOptions = {
  index: SearchIndex;
  log: Logger;
  /**
   * Asked before each read: the kinds to read (none: nothing is read, and the
   * position moves to the newest revision), and what to do with each of their
   * events, in the index's order.
   */
  plan(): Plan;
  /** The index compacted changes not yet read: they are lost, the position is now the newest revision. */
  onCompacted(): void;
};

export class ChangeFollower {
  private readonly opts: ChangeFollowerOptions;
  private active = false;
  private since = 0;
  private readonly reads: Rerun;
  private unsubscribe?: () => void;

  constructor(opts: ChangeFollowerOptions) {
    this.opts = opts;
    this.reads = new Rerun(
      () =>
        this.readOnce().catch(async (err) => {
          if (!(err instanceof CompactedError)) return this.opts.log.error({ err }, "reading the search index's changes failed");
          this.since = await this.opts.index.revision();
          this.opts.onCompacted();
        }),
      { active: () => this.active, pauseMs: PAUSE_MS },
    );
  }

  /** Starts from the index's newest revision: what happened before is for a full pass. */
  async start(): Promise<void> {
    this.active = true;
    this.since = await this.opts.index.revision();
    this.unsubscribe = this.opts.index.subscribe(() => {
      if (this.active) this.reads.request();
    });
  }

  async stop(): Promise<void> {
    this.active = false;
    this.unsubscribe?.();
    await this.reads.idle();
  }

  private async readOnce(): Promise<void> {
    const { kinds, onEvent } = this.opts.plan();
    const newest = await this.opts.index.revision();
    if (!kinds.length) {
      this.since = newest;
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    for (const kind of kinds) {
      const res = await this.opts.index.changes({ group: kind.group, resource: kind.resource }, this.since);
      next = Math.min(next, res.revision);
      // The answer was cut (its limit): read on at once. Waiting for the next write instead left a
      // burst's tail, and a deletion behind it, unread until the resync when no write followed.
      if (res.revision < newest) this.reads.request();
      for (const ev of res.events) onEvent(kind, ev);
    }
    if (Number.isFinite(next)) this.since = next;
  }
}
