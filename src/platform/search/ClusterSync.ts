// The sync of one member cluster into the index: discovery picks each
// cached kind's served version, then one loop per kind lists (a relist
// replaces the kind's objects in the index), watches from the list's
// resourceVersion, watches again after the server's timeout, and lists again
// after 410 Gone or a failure. Failures back off per cluster: every kind of
// a failing cluster waits the same growing delay, reset by any success, and
// nothing here waits on another cluster.
//
// Freshness per kind: synced while its watch runs and the cluster is
// Running; stale since the first moment either stopped being true.
import type { Logger } from "pino";
import type { Member } from "../clusters/members.ts";
import type { BatchWriter } from "./BatchWriter.ts";
import { type Freshness, staleSince, SYNCED } from "./freshness.ts";
import type { GVR, SearchIndex } from "./index.ts";
import type { KindSpec } from "./kinds.ts";
import { GoneError, listAll, servedResources, servedVersions, watch } from "./memberWatch.ts";

export type ClusterSyncOptions = {
  name: string;
  member: () => Promise<Member | undefined>;
  kinds: readonly KindSpec[];
  index: SearchIndex;
  writer: BatchWriter;
  log: Logger;
  /** Backoff after failures: from initialMs, doubling, to maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** The server ends each watch after about this long (jittered). */
  watchTimeoutSeconds?: number;
  /**
   * Runs the first sync (discovery, then each kind's first list) in a slot
   * shared with other clusters (SearchSync allows a few at once), so a start
   * with many clusters does not open every watch and read every list at once.
   */
  gate?: <T>(fn: () => Promise<T>) => Promise<T>;
};

/** How long the first sync holds its slot at most, while its lists are slow. */
const FIRST_SYNC_SLOT_MS = 30_000;

type KindState = { gvr: GVR; freshness: Freshness; watching: boolean; keepDeleted: boolean; listed?: () => void };

export class ClusterSync {
  readonly name: string;
  private readonly opts: ClusterSyncOptions;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly kinds = new Map<string, KindState>();
  private running = false;
  private delayMs = 0;
  private loops: Promise<void>[] = [];
  /** Aborted when the cluster stops being Running, to drop watches that may hang. */
  private round = new AbortController();

  constructor(opts: ClusterSyncOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.log = opts.log.child({ cluster: opts.name });
  }

  start(): void {
    this.loops.push(this.main());
  }

  /** The cluster's phase changed: Running or not. */
  setRunning(running: boolean): void {
    if (running === this.running) return;
    this.running = running;
    if (!running) {
      this.round.abort();
      this.round = new AbortController();
    }
    for (const [, k] of this.kinds) void this.refresh(k);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.round.abort();
    await Promise.allSettled(this.loops);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async main(): Promise<void> {
    const gate = this.opts.gate ?? ((fn) => fn());
    while (!this.stopped) {
      try {
        await gate(() => this.firstSync());
        return;
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err: String(err) }, "search discovery failed; backing off");
        await this.backoff();
      }
    }
  }

  /** Discovery, then every kind's loop; resolves once each kind's first list is done (or failed), at most after a while. */
  private async firstSync(): Promise<void> {
    if (this.stopped) return;
    const m = await this.member();
    const served = await servedVersions(m, this.abort.signal);
    const resources = new Map<string, Set<string>>();
    for (const spec of this.opts.kinds) {
      let version: string | undefined;
      for (const v of spec.versions) {
        if (!served.get(spec.group)?.has(v)) continue;
        const gv = `${spec.group}/${v}`;
        if (!resources.has(gv)) resources.set(gv, await servedResources(m, spec.group, v, this.abort.signal));
        if (resources.get(gv)?.has(spec.resource)) {
          version = v;
          break;
        }
      }
      if (!version) continue;
      const state: KindState = { gvr: { group: spec.group, version, resource: spec.resource }, freshness: staleSince(), watching: false, keepDeleted: !!spec.keepDeleted };
      this.kinds.set(`${spec.group}/${spec.resource}`, state);
      await this.opts.index.setFreshness(this.name, spec, state.freshness);
    }
    this.succeeded();
    this.log.info({ kinds: this.kinds.size }, "search sync started");
    const listed = [...this.kinds.values()].map((k) => new Promise<void>((r) => (k.listed = r)));
    this.loops.push(...[...this.kinds.values()].map((k) => this.kindLoop(k)));
    let timer: NodeJS.Timeout | undefined;
    const slot = new Promise<void>((r) => (timer = setTimeout(r, FIRST_SYNC_SLOT_MS)));
    await Promise.race([Promise.all(listed), slot]);
    clearTimeout(timer);
  }

  private async member(): Promise<Member> {
    const m = await this.opts.member();
    if (!m) throw new Error("no credential for the cluster");
    return m;
  }

  private async kindLoop(k: KindState): Promise<void> {
    let rv = "";
    while (!this.stopped) {
      const signal = AbortSignal.any([this.abort.signal, this.round.signal]);
      try {
        const m = await this.member();
        if (!rv) {
          rv = await this.relist(m, k, signal);
          this.succeeded();
          k.listed?.();
        }
        this.setWatching(k, true);
        const timeoutSeconds = Math.round((this.opts.watchTimeoutSeconds ?? 300) * (1 + Math.random() * 0.2));
        await watch(m, k.gvr, rv, { signal, timeoutSeconds, idleMs: (timeoutSeconds + 30) * 1000 }, (e) => {
          const next = e.object.metadata?.resourceVersion;
          if (next) rv = next;
          if (e.type === "BOOKMARK") return;
          if (e.type === "DELETED") {
            if (k.keepDeleted) return;
            const md = e.object.metadata ?? {};
            this.opts.writer.push({ type: "delete", cluster: this.name, ...k.gvr, namespace: md.namespace ?? "", name: md.name ?? "" });
          } else this.opts.writer.push({ type: "upsert", cluster: this.name, ...k.gvr, object: e.object });
        });
      } catch (err) {
        k.listed?.();
        if (this.stopped) return;
        this.setWatching(k, false);
        if (err instanceof GoneError) {
          // A compacted resourceVersion: list again at once (client-go's reflector does the same).
          this.log.info({ resource: k.gvr.resource }, "watch expired; relisting");
          rv = "";
          continue;
        }
        // Otherwise watch again from the last resourceVersion seen (410 then if it is compacted meanwhile).
        if (!signal.aborted) this.log.warn({ resource: k.gvr.resource, err: String(err) }, "search watch failed; backing off");
        await this.backoff();
      }
    }
  }

  /**
   * Lists the kind and writes it to the index; answers the list's
   * resourceVersion. A method of its own so that the list is garbage once
   * written: a local of kindLoop stayed in its suspended frame for as long as
   * the watch after it ran, which held every listed object (most of
   * kpanda's memory per cached pod).
   */
  private async relist(m: Member, k: KindState, signal: AbortSignal): Promise<string> {
    const list = await listAll(m, k.gvr, signal);
    // A kind kept after deletion (Events) is upserted, so what the member no longer has stays (the retention sweep drops it).
    if (k.keepDeleted) for (const object of list.items) this.opts.writer.push({ type: "upsert", cluster: this.name, ...k.gvr, object });
    else await this.opts.writer.replace(this.name, k.gvr, list.items);
    return list.resourceVersion;
  }

  private setWatching(k: KindState, watching: boolean): void {
    if (k.watching === watching) return;
    k.watching = watching;
    void this.refresh(k);
  }

  private async refresh(k: KindState): Promise<void> {
    const ok = k.watching && this.running;
    if (ok === (k.freshness.state === "synced")) return;
    k.freshness = ok ? SYNCED : staleSince();
    try {
      await this.opts.index.setFreshness(this.name, k.gvr, k.freshness);
    } catch (err) {
      this.log.error({ err, resource: k.gvr.resource }, "search freshness write failed");
    }
  }

  private succeeded(): void {
    this.delayMs = 0;
  }

  /** Waits the cluster's backoff delay (with jitter), growing it for the next failure. */
  private async backoff(): Promise<void> {
    const b = this.opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.delayMs = Math.min(this.delayMs ? this.delayMs * 2 : b.initialMs, b.maxMs);
    const ms = this.delayMs * (0.8 + Math.random() * 0.4);
    const signal = this.abort.signal;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref();
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
