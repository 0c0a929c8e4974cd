// The health loop: every cluster on its own timer (so one cluster's failure
// never delays another's), each probe within the member's concurrency limit
// and a short timeout: /readyz (/healthz on servers without it), /version
// and the nodes' readiness, timing the API's latency. A cluster failing
// `failureThreshold` probes in a row, or for `unknownAfterMs`, turns Unknown
// (condition Ready=False with the reason); its next good probe turns it
// Running again. Every `summaryIntervalMs` a good probe also computes the
// summary, kept in memory for the REST API and in the Cluster's status for
// other replicas and restarts. Status writes go to the host's status
// subresource only when something changed, and otherwise at most every
// `lastSeenWriteMs` to move lastSeen, so 100 clusters don't flood the host.
// kpanda's own ServiceAccount token is renewed here when less than 30 days
// remain (memberCredential.ts).
import type { Logger } from "pino";
import type { KObj } from "../host/kindCache.ts";
import { type ClusterStatus, clusterView, patchClusterStatus, withCondition } from "./clusterObjects.ts";
import type { ClusterLifecycle } from "./lifecycle.ts";
import { renewToken } from "./memberCredential.ts";
import { MemberHttpError, memberGet } from "./memberHttp.ts";
import type { Member, MemberRegistry } from "./members.ts";
import { type ClusterSummary, computeSummary, type NodeTotals, nodeTotalsOf, type PodTotals, type SummaryData } from "./summary.ts";
import { EXPIRY_WARNING_MS } from "./validate.ts";
import type { Host } from "../host/host.ts";

export type HealthOptions = {
  intervalMs?: number;
  /** A cluster's pod totals when kpanda's own cache holds them (summary.ts podTotalsFromIndex); else the summary lists the member's pods. */
  podTotals?: (cluster: string) => Promise<PodTotals | undefined>;
  /** A cluster's node counts when kpanda's own cache holds them (summary.ts nodeTotalsFromIndex); else the probe lists the member's nodes. */
  nodeTotals?: (cluster: string) => Promise<NodeTotals | undefined>;
  timeoutMs?: number;
  summaryIntervalMs?: number;
  failureThreshold?: number;
  unknownAfterMs?: number;
  lastSeenWriteMs?: number;
  /** Renew kpanda's token when it expires sooner than this. */
  renewBeforeMs?: number;
};

const DEFAULTS: Required<Omit<HealthOptions, "podTotals" | "nodeTotals">> = {
  intervalMs: 5000,
  timeoutMs: 3000,
  summaryIntervalMs: 20_000,
  failureThreshold: 2,
  unknownAfterMs: 15_000,
  lastSeenWriteMs: 15_000,
  renewBeforeMs: EXPIRY_WARNING_MS,
};

const RENEW_AT_MOST_EVERY_MS = 3600_000;

type ClusterState = {
  timer?: NodeJS.Timeout;
  failures: number;
  lastOk?: number;
  firstFailure?: number;
  summary?: SummaryData;
  summaryAt: number;
  /** The significant part of the status this replica last wrote, and when. */
  written?: string;
  writtenAt: number;
  renewing?: boolean;
  renewedAt?: number;
};

type Probe = { ok: true; version?: string; latencyMs: number; nodes: NodeTotals } | { ok: false; reason: string; message: string };

export class HealthController {
  private readonly host: Host;
  private readonly members: MemberRegistry;
  private readonly lifecycle: ClusterLifecycle;
  private readonly log: Logger;
  readonly opts: Required<Omit<HealthOptions, "podTotals" | "nodeTotals">> & Pick<HealthOptions, "podTotals" | "nodeTotals">;
  private readonly states = new Map<string, ClusterState>();
  /** Probes made, per cluster (for metrics and tests). */
  readonly probes = new Map<string, number>();
  private syncTimer?: NodeJS.Timeout;
  private running = false;
  /** Bumped by every start and stop, so a probe still under way from before does not start a second loop. */
  private epoch = 0;
  private readonly statusWrites = new Set<Promise<unknown>>();

  constructor(host: Host, members: MemberRegistry, lifecycle: ClusterLifecycle, log: Logger, opts: HealthOptions = {}) {
    this.host = host;
    this.members = members;
    this.lifecycle = lifecycle;
    this.log = log.child({ component: "health" });
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Starts probing every cluster (and those integrated later) until stop() or the signal. */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    this.running = true;
    this.epoch++;
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    const sync = () => {
      if (!this.running) return;
      this.sync();
      this.syncTimer = setTimeout(sync, Math.min(this.opts.intervalMs, 1000));
      this.syncTimer.unref();
    };
    sync();
  }

  /** Stops probing; resolves once the status writes under way have landed (the next leader's come after). */
  async stop(): Promise<void> {
    this.running = false;
    this.epoch++;
    clearTimeout(this.syncTimer);
    for (const s of this.states.values()) clearTimeout(s.timer);
    for (const s of this.states.values()) s.timer = undefined;
    await Promise.allSettled([...this.statusWrites]);
  }

  private async patchStatus(name: string, status: ClusterStatus): Promise<void> {
    const write = patchClusterStatus(this.host, name, status);
    this.statusWrites.add(write);
    try {
      await write;
    } finally {
      this.statusWrites.delete(write);
    }
  }

  /** The summary to serve for a Cluster: this replica's latest, else the one kept in its status; stale unless Running. */
  summaryOf(obj: KObj): ClusterSummary {
    const name = obj.metadata!.name!;
    const view = clusterView(obj);
    // The newer of this replica's own and the one kept in status (another replica may lead now).
    const mine = this.states.get(name)?.summary;
    const kept = (obj.status as ClusterStatus | undefined)?.summary as SummaryData | undefined;
    const data = !mine || (kept && kept.computedAt > mine.computedAt) ? kept : mine;
    return {
      ...data,
      cluster: name,
      alias: view.spec.alias,
      phase: view.status.phase,
      provider: obj.spec?.provider ?? data?.provider,
      stale: view.status.phase !== "Running" && !!data,
      lastSeen: view.status.lastSeen,
    };
  }

  /** Adds a timer for each new cluster, drops those of removed ones. */
  private sync(): void {
    const names = new Set(this.members.clusterObjects().map((o) => o.metadata!.name!));
    for (const [name, s] of this.states) {
      if (!names.has(name)) {
        clearTimeout(s.timer);
        this.states.delete(name);
      }
    }
    for (const name of names) {
      let s = this.states.get(name);
      if (!s) {
        s = { failures: 0, summaryAt: 0, writtenAt: 0 };
        this.states.set(name, s);
      }
      // Spread the first probes over a second so many clusters don't start at once.
      if (!s.timer) this.schedule(name, s, Math.random() * Math.min(this.opts.intervalMs, 1000));
    }
  }

  private schedule(name: string, s: ClusterState, delay: number): void {
    const epoch = this.epoch;
    s.timer = setTimeout(async () => {
      try {
        await this.tick(name, s);
      } catch (e) {
        this.log.warn({ cluster: name, err: String(e) }, "health probe failed to record");
      }
      if (this.running && this.epoch === epoch && this.states.get(name) === s) this.schedule(name, s, this.opts.intervalMs);
    }, delay);
    s.timer.unref();
  }

  private async tick(name: string, s: ClusterState): Promise<void> {
    const epoch = this.epoch;
    const obj = this.members.cluster(name);
    if (!obj || obj.metadata?.deletionTimestamp) return;
    const st = (obj.status ?? {}) as ClusterStatus;
    if (st.phase === "Removing") return;
    // Integration writes its own status; one interrupted by a crash is probed after a minute.
    const age = Date.now() - Date.parse(String(obj.metadata?.creationTimestamp ?? 0));
    if ((st.phase === "Integrating" || !st.phase) && age < 60_000) return;
    const m = await this.members.get(name).catch(() => undefined);
    this.probes.set(name, (this.probes.get(name) ?? 0) + 1);
    const probe: Probe = m ? await this.probe(name, m) : { ok: false, reason: "NoCredential", message: "kpanda has no credential for this cluster" };
    // One begun before a stop (the lead lost) is dropped: its status write could land over the next leader's.
    if (!this.running || this.epoch !== epoch) return;
    const now = Date.now();
    if (probe.ok) {
      s.failures = 0;
      s.firstFailure = undefined;
      s.lastOk = now;
      if (m) void this.maybeRenew(name, m, obj, s);
    } else {
      s.failures++;
      s.firstFailure ??= now;
    }
    // The phase and lastSeen first: a cluster is Running on its probe alone, not once its summary is made.
    await this.record(name, obj, s, probe, now);
    if (probe.ok && m && this.summaryDue(s, st, now)) await this.summarize(name, m, s);
  }

  /**
   * A summary is made every summaryIntervalMs, and at once for a cluster
   * that is not Running yet. At a start, a cluster Running already has the
   * summary kept in its status to serve meanwhile: its first one here comes
   * at a random point of the first interval, so a hundred clusters are not
   * all summarized (every pod and event read) at the same moment.
   */
  private summaryDue(s: ClusterState, st: ClusterStatus, now: number): boolean {
    if (st.phase !== "Running") return true;
    if (!s.summaryAt && st.summary) s.summaryAt = now - Math.random() * this.opts.summaryIntervalMs;
    return now - s.summaryAt >= this.opts.summaryIntervalMs;
  }

  private async probe(name: string, m: Member): Promise<Probe> {
    const t = this.opts.timeoutMs;
    const get = <T>(path: string) => m.run((signal) => memberGet<T>(m, path, signal), t);
    const nodeTotals = this.opts.nodeTotals;
    // From kpanda's own cache once it holds the cluster's nodes; a list of them until then.
    const nodes = async (): Promise<NodeTotals> => {
      const kept = await nodeTotals?.(name).catch(() => undefined);
      if (kept) return kept;
      return nodeTotalsOf((await get<{ items?: KObj[] }>("/api/v1/nodes"))?.items ?? []);
    };
    try {
      const t0 = performance.now();
      const ready = get<string>("/readyz").catch((e) => {
        // Servers older than 1.16 have no /readyz.
        if (e instanceof MemberHttpError && e.code === 404) return get<string>("/healthz");
        throw e;
      });
      const timedReady = ready.then(() => performance.now() - t0);
      const [latencyMs, version, counts] = await Promise.all([timedReady, get<{ gitVersion?: string }>("/version"), nodes()]);
      return { ok: true, version: version?.gitVersion, latencyMs: Math.round(latencyMs), nodes: counts };
    } catch (e) {
      if (e instanceof MemberHttpError) {
        if (e.code === 401 || e.code === 403) return { ok: false, reason: "Unauthorized", message: `the cluster refused kpanda's credential (${e.code})` };
        return { ok: false, reason: "NotReady", message: `${e.message}: ${e.body.slice(0, 300)}` };
      }
      return { ok: false, reason: "Unreachable", message: (e as Error).message };
    }
  }

  private async summarize(name: string, m: Member, s: ClusterState): Promise<void> {
    try {
      const first = !s.summary;
      const podTotals = this.opts.podTotals;
      const epoch = this.epoch;
      const summary = await computeSummary(m, this.opts.timeoutMs, podTotals && (() => podTotals(name)), podTotals && s.summary);
      // One begun before a stop (the lead lost) is dropped: else it would stand newer than the next leader's.
      if (!this.running || this.epoch !== epoch) return;
      s.summary = summary;
      s.summaryAt = Date.now();
      // This replica's first is kept in status at once (for other replicas and restarts); later ones go with the next status write.
      if (first) await this.patchStatus(name, { summary: s.summary });
    } catch (e) {
      this.log.debug({ cluster: name, err: String(e) }, "cluster summary failed");
    }
  }

  private async maybeRenew(name: string, m: Member, obj: KObj, s: ClusterState): Promise<void> {
    const exp = Date.parse((obj.status as ClusterStatus | undefined)?.credentialExpiresAt ?? "");
    if (s.renewing || obj.spec?.credentialSource !== "ServiceAccount" || !(exp - Date.now() < this.opts.renewBeforeMs)) return;
    // A member that caps tokens below the renewal window would otherwise be asked on every probe.
    if (s.renewedAt && Date.now() - s.renewedAt < RENEW_AT_MOST_EVERY_MS) return;
    s.renewing = true;
    s.renewedAt = Date.now();
    try {
      const { cred, expiresAt } = await renewToken(m);
      await this.lifecycle.replaceCredential(name, cred);
      await this.patchStatus(name, { credentialExpiresAt: expiresAt });
      this.log.info({ cluster: name, expiresAt }, "kpanda token renewed");
    } catch (e) {
      this.log.warn({ cluster: name, err: String(e) }, "kpanda token renewal failed");
    } finally {
      s.renewing = false;
    }
  }

  /** Writes the status when something significant changed, or lastSeen is due. */
  private async record(name: string, obj: KObj, s: ClusterState, probe: Probe, now: number): Promise<void> {
    const st = (obj.status ?? {}) as ClusterStatus;
    const at = new Date(now);
    let next: ClusterStatus;
    if (probe.ok) {
      let conditions = withCondition(st.conditions, { type: "Ready", status: "True", reason: "Reachable", message: "the API server is ready" }, at);
      const { ready, total } = probe.nodes;
      conditions = withCondition(
        conditions,
        ready === total
          ? { type: "NodesReady", status: "True", reason: "AllNodesReady", message: `${ready} of ${total} nodes are ready` }
          : { type: "NodesReady", status: "False", reason: "NodesNotReady", message: `${total - ready} of ${total} nodes are not ready` },
        at,
      );
      next = { phase: "Running", kubernetesVersion: probe.version ?? st.kubernetesVersion, conditions, lastSeen: at.toISOString(), latencyMs: probe.latencyMs };
    } else {
      const unknown = s.failures >= this.opts.failureThreshold || now - (s.firstFailure ?? now) >= this.opts.unknownAfterMs;
      if (!unknown) return;
      const conditions = withCondition(st.conditions, { type: "Ready", status: "False", reason: probe.reason, message: probe.message }, at);
      next = { phase: "Unknown", kubernetesVersion: st.kubernetesVersion, conditions };
    }
    const sig = JSON.stringify([next.phase, next.kubernetesVersion, next.conditions]);
    const before = s.written ?? JSON.stringify([st.phase, st.kubernetesVersion, st.conditions]);
    const due = probe.ok && now - s.writtenAt >= this.opts.lastSeenWriteMs;
    if (sig === before && !due) return;
    if (s.summary) next.summary = s.summary;
    await this.patchStatus(name, next);
    if (sig !== before) this.log.info({ cluster: name, phase: next.phase, reason: probe.ok ? undefined : probe.reason }, "cluster health changed");
    s.written = sig;
    s.writtenAt = now;
  }
}
