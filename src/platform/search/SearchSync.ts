// Keeps the search index in step with every Running member cluster: one
// ClusterSync per cluster, started when its Cluster object is first seen
// Running, told when it turns Unknown or Running again, and stopped with its
// objects dropped from the index when the Cluster is removed.
//
// Who runs it: with the embedded index every replica runs its own. With a
// PostgreSQL index shared by replicas only one should write: register
// `controller()` with the controllers that run under the leader Lease
// (ControllerManager), so that `start(signal)` and `stop()` follow the Lease.
import pLimit, { type LimitFunction } from "p-limit";
import type { Logger } from "pino";
import type { Member } from "../clusters/members.ts";
import { BatchWriter, type BatchWriterOptions } from "./BatchWriter.ts";
import { ClusterSync, type ClusterSyncOptions } from "./ClusterSync.ts";
import type { SearchIndex } from "./index.ts";
import { KINDS, type KindSpec } from "./kinds.ts";

/** Where the clusters come from: the Cluster objects' names and status.phase, and a call on any change. */
export type ClusterSource = {
  list(): { name: string; phase: string }[];
  onChange(fn: () => void): void;
};

export type SearchSyncOptions = BatchWriterOptions & {
  index: SearchIndex;
  clusters: ClusterSource;
  member(name: string): Promise<Member | undefined>;
  log: Logger;
  /** The kinds to cache; default KINDS. */
  kinds?: readonly KindSpec[];
  /** More kinds (custom resources) by configuration. */
  extraKinds?: readonly KindSpec[];
  backoff?: ClusterSyncOptions["backoff"];
  watchTimeoutSeconds?: number;
  /** Keep this many recent revisions of change history for changes() (default 10,000); older tombstones go. */
  historyRevisions?: number;
  /** How often to compact (default 60 s); the retention sweep runs as often. */
  compactEveryMs?: number;
  /** How long objects of kinds kept after deletion (Events) stay, by their age (default 7 days). */
  retentionMs?: number;
  /**
   * How many clusters make their first sync (discovery, every kind's first
   * list, its watches opened) at once (default 4). At a start with a hundred
   * clusters, all at once would open thousands of connections and read every
   * list together, and the health probes that turn clusters Running would
   * time out behind them.
   */
  firstSyncs?: number;
};

export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;

export class SearchSync {
  private readonly opts: SearchSyncOptions;
  private readonly log: Logger;
  private readonly syncs = new Map<string, ClusterSync>();
  private writer?: BatchWriter;
  private active = false;
  private reconciling: Promise<void> = Promise.resolve();
  /** Slots for clusters' first syncs (firstSyncs). */
  private readonly firstSync: LimitFunction;
  private compactTimer?: NodeJS.Timeout;

  constructor(opts: SearchSyncOptions) {
    this.opts = opts;
    this.log = opts.log.child({ component: "search-sync" });
    this.firstSync = pLimit(opts.firstSyncs ?? 4);
    opts.clusters.onChange(() => {
      if (this.active) this.reconcile();
    });
  }

  /** Starts syncing every Running cluster; stops when `signal` aborts (or on stop()). */
  start(signal?: AbortSignal): void {
    if (this.active) return;
    this.active = true;
    this.writer = new BatchWriter(this.opts.index, this.log, this.opts);
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.reconcile();
    // The writer compacts: history older than historyRevisions answers changes() with CompactedError (410).
    this.compactTimer = setInterval(() => void this.sweep().then(() => this.compact()), this.opts.compactEveryMs ?? 60_000);
    this.compactTimer.unref();
  }

  /** Drops change history (and tombstones) older than the kept window. */
  async compact(): Promise<void> {
    try {
      const rev = await this.opts.index.revision();
      const upto = rev - (this.opts.historyRevisions ?? 10_000);
      if (upto > (await this.opts.index.compactRevision())) await this.opts.index.compact(upto);
    } catch (err) {
      this.log.error({ err }, "search index compaction failed");
    }
  }

  /**
   * Drops the objects of kinds kept after deletion (kinds.ts keepDeleted:
   * Events) whose age is past the retention, oldest first, a page at a time.
   */
  async sweep(now = Date.now()): Promise<void> {
    const cutoff = now - (this.opts.retentionMs ?? DEFAULT_RETENTION_MS);
    for (const spec of [...(this.opts.kinds ?? KINDS), ...(this.opts.extraKinds ?? [])]) {
      const keep = spec.keepDeleted;
      if (!keep) continue;
      try {
        for (;;) {
          const page = await this.opts.index.query({ group: spec.group, resource: spec.resource, sortBy: keep.sortBy, pageSize: 500 });
          const old = page.items.filter((i) => keep.age(i.object) < cutoff);
          if (old.length) await this.opts.index.apply(old.map(({ cluster, group, version, resource, namespace, name }) => ({ type: "delete" as const, cluster, group, version, resource, namespace, name })));
          if (old.length < page.items.length || page.items.length === 0) break;
        }
      } catch (err) {
        this.log.error({ err, resource: spec.resource }, "search retention sweep failed");
      }
    }
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    clearInterval(this.compactTimer);
    await this.reconciling;
    await Promise.all([...this.syncs.values()].map((s) => s.stop()));
    this.syncs.clear();
    await this.writer?.close();
  }

  /** For ControllerManager.add(): the sync as a controller that runs while this replica leads. */
  controller(): { name: string; start(signal: AbortSignal): void; stop(): Promise<void> } {
    return { name: "search-sync", start: (signal) => this.start(signal), stop: () => this.stop() };
  }

  /** Writes everything queued to the index (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  private reconcile(): void {
    this.reconciling = this.reconciling.then(() => this.reconcileNow()).catch((err) => this.log.error({ err }, "search sync reconcile failed"));
  }

  private async reconcileNow(): Promise<void> {
    if (!this.active || !this.writer) return;
    const seen = new Set<string>();
    for (const { name, phase } of this.opts.clusters.list()) {
      seen.add(name);
      let s = this.syncs.get(name);
      if (phase === "Removing") {
        if (s) await this.remove(name, s);
        continue;
      }
      if (!s && phase === "Running") {
        s = new ClusterSync({
          name,
          member: () => this.opts.member(name),
          kinds: [...(this.opts.kinds ?? KINDS), ...(this.opts.extraKinds ?? [])],
          index: this.opts.index,
          writer: this.writer,
          log: this.log,
          backoff: this.opts.backoff,
          watchTimeoutSeconds: this.opts.watchTimeoutSeconds,
          gate: (fn) => this.firstSync(fn),
        });
        this.syncs.set(name, s);
        s.start();
      }
      s?.setRunning(phase === "Running");
    }
    for (const [name, s] of this.syncs) if (!seen.has(name)) await this.remove(name, s);
  }

  private async remove(name: string, s: ClusterSync): Promise<void> {
    this.syncs.delete(name);
    await s.stop();
    await this.writer?.flush();
    await this.opts.index.removeCluster(name);
    this.log.info({ cluster: name }, "search sync stopped; cluster's objects dropped");
  }
}
