// Leader election over a coordination.k8s.io/v1 Lease in the host, with
// client-go's leaderelection semantics (tools/leaderelection/leaderelection.go):
// - acquire: every retryPeriod (jittered by up to 1.2×, client-go's
//   JitterFactor) try to take the Lease. It is free when it has no holder,
//   or when its record has not changed for leaseDurationSeconds as *this*
//   replica observed it (observedTime, from its own monotonic clock, so
//   clock skew between replicas does not matter). Taking it over counts one
//   more leaseTransition; all writes are updates at the read resourceVersion,
//   so of two replicas racing for it one gets 409 and stays a follower;
// - renew: while leading, every retryPeriod; when no renewal succeeded for
//   renewDeadline the replica stops leading (onStoppedLeading) and goes back
//   to acquiring (client-go's callers usually exit there; kpanda keeps
//   serving the API, so it only stops its controllers);
// - release on a clean stop (ReleaseOnCancel): holder emptied and a 1 s
//   duration, so another replica takes over on its next try instead of
//   waiting for the lease to expire. Controllers are stopped before that.
// Defaults are client-go's usual ones: 15 s duration, 10 s renew deadline,
// 2 s retry period.
//
// One refinement of when attempts happen (not of what they decide): every
// replica also watches the Lease, so it observes each renewal as it
// happens, and a follower tries again the moment the record it observed
// expires, or is released, instead of on its next jittered poll. A takeover
// after a leader dies then comes leaseDuration after that leader's last
// renewal (so within 15 s of its death), not up to two retry periods later.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { CoordinationV1Api, makeInformer, type V1Lease, type V1LeaseSpec } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { KPANDA_NAMESPACE } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";

/** The Lease that guards kpanda's controllers, in the host. */
export const CONTROLLERS_LEASE = { namespace: KPANDA_NAMESPACE, name: "kpanda-controllers" } as const;

export type ElectionTimings = {
  /** This replica's identity in the Lease (default hostname_uuid, as client-go's callers make it). */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
};

export type LeaderElectionOptions = ElectionTimings & {
  namespace: string;
  name: string;
  onStartedLeading: () => void | Promise<void>;
  /** Must have stopped everything the Lease guards when it resolves. */
  onStoppedLeading: () => Promise<void>;
  log: Logger;
};

const JITTER_FACTOR = 1.2;

/** A MicroTime as the API server writes it (RFC 3339 with microseconds); Go parses no fewer digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}

export class LeaderElector {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private readonly opts: LeaderElectionOptions;
  private readonly log: Logger;
  private readonly durationMs: number;
  private readonly deadlineMs: number;
  private readonly retryMs: number;
  private observed: V1LeaseSpec = {};
  private observedRaw = "";
  private observedAt = 0;
  /** The Lease as last read or written, whose resourceVersion the next update uses. */
  private lease?: V1Lease;
  private leading = false;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly watch: LeaseWatch;

  constructor(host: Host, opts: LeaderElectionOptions) {
    this.api = host.kc.makeApiClient(CoordinationV1Api);
    this.watch = new LeaseWatch(host, this.api, opts.namespace, opts.name, (lease) => this.watched(lease));
    this.opts = opts;
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
    this.log = opts.log.child({ component: "leader-election", lease: `${opts.namespace}/${opts.name}` });
    this.durationMs = opts.leaseDurationMs ?? 15_000;
    this.deadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    // client-go's NewLeaderElector checks these.
    if (!(this.durationMs > this.deadlineMs)) throw new Error("leaseDuration must be greater than renewDeadline");
    if (!(this.deadlineMs > JITTER_FACTOR * this.retryMs)) throw new Error("renewDeadline must be greater than retryPeriod*JitterFactor");
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder of the Lease as this replica last saw it. */
  holder(): string | undefined {
    return this.observed.holderIdentity || undefined;
  }

  start(): void {
    this.watch.start();
    this.loop ??= this.run();
  }

  /** Stops electing: if leading, stops the controllers, then releases the Lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.watch.stop();
  }

  /** A change of the Lease seen by the watch: observed now; a release or deletion wakes a waiting follower. */
  private watched(lease: V1Lease | undefined): void {
    if (!lease) {
      if (!this.leading) this.wake?.();
      return;
    }
    this.observe(lease.spec ?? {});
    if (!this.leading && !lease.spec?.holderIdentity) this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.acquire())) break;
      this.leading = true;
      this.log.info({ identity: this.identity }, "became leader");
      try {
        await this.opts.onStartedLeading();
      } catch (err) {
        this.log.error({ err }, "starting the controllers failed");
      }
      await this.renew();
      this.leading = false;
      await this.opts.onStoppedLeading().catch((err) => this.log.error({ err }, "stopping the controllers failed"));
      if (this.stopping) await this.release();
      else this.log.warn({ identity: this.identity }, "lost the lease; controllers stopped");
    }
  }

  /**
   * Tries every retryPeriod (jittered) until the Lease is ours, and as soon
   * as the record observed expires; false when stopped first.
   */
  private async acquire(): Promise<boolean> {
    while (!this.stopping) {
      if (await this.tryAcquireOrRenew()) return true;
      let wait = this.retryMs * (1 + Math.random() * JITTER_FACTOR);
      const expiresIn = this.observedAt + this.validMs() - performance.now();
      if (this.observed.holderIdentity && expiresIn > 0) wait = Math.min(wait, expiresIn + 10);
      await this.sleep(wait);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when stopped, or when no renewal succeeded within renewDeadline. */
  private async renew(): Promise<void> {
    while (!this.stopping) {
      await this.sleep(this.retryMs);
      const round = performance.now();
      for (;;) {
        if (this.stopping) return;
        const left = this.deadlineMs - (performance.now() - round);
        if (left <= 0) return;
        if (await this.tryAcquireOrRenew(left)) break;
        if (performance.now() - round + this.retryMs >= this.deadlineMs) return;
        await this.sleep(this.retryMs);
      }
    }
  }

  /** One attempt to take or keep the Lease (client-go's tryAcquireOrRenew). */
  private async tryAcquireOrRenew(timeoutMs = this.deadlineMs): Promise<boolean> {
    const now = Date.now();
    const record: V1LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.durationMs / 1000),
      renewTime: microTime(now) as never,
      acquireTime: microTime(now) as never,
    };
    // 1. The leader's fast path: update the Lease it last wrote.
    if (this.isHolder() && this.valid() && this.lease) {
      const next = { ...record, acquireTime: this.observed.acquireTime, leaseTransitions: this.observed.leaseTransitions };
      if (await this.update(next, timeoutMs)) return true;
    }
    // 2. Read it, or make it.
    let lease: V1Lease;
    try {
      lease = await within(this.api.readNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace }), timeoutMs);
    } catch (err) {
      if (codeOf(err) !== 404) {
        this.log.debug({ err: String(err) }, "reading the lease failed");
        return false;
      }
      return this.create({ ...record, leaseTransitions: 0 }, timeoutMs);
    }
    this.lease = lease;
    const spec = lease.spec ?? {};
    this.observe(spec);
    // 3. Held by another and not yet expired (as observed here): not ours.
    if (spec.holderIdentity && this.valid() && !this.isHolder()) return false;
    // 4. Ours to renew, or free to take.
    const next = this.isHolder()
      ? { ...record, acquireTime: spec.acquireTime, leaseTransitions: spec.leaseTransitions }
      : { ...record, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    return this.update(next, timeoutMs);
  }

  private async create(spec: V1LeaseSpec, timeoutMs: number): Promise<boolean> {
    try {
      this.lease = await within(
        this.api.createNamespacedLease({
          namespace: this.opts.namespace,
          body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec },
        }),
        timeoutMs,
      );
      this.setObserved(spec);
      return true;
    } catch (err) {
      this.log.debug({ err: String(err) }, "creating the lease failed");
      return false;
    }
  }

  /** Replaces the Lease at the resourceVersion last seen: a 409 means another replica wrote first. */
  private async update(spec: V1LeaseSpec, timeoutMs: number): Promise<boolean> {
    const old = this.lease;
    if (!old) return false;
    try {
      this.lease = await within(
        this.api.replaceNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace, body: { ...old, spec } }),
        timeoutMs,
      );
      this.setObserved(spec);
      return true;
    } catch (err) {
      this.log.debug({ err: String(err) }, "updating the lease failed");
      return false;
    }
  }

  /** Gives the Lease up: no holder and a 1 s duration, as client-go's release() writes it. */
  private async release(): Promise<void> {
    if (!this.isHolder()) return;
    const now = microTime(Date.now()) as never;
    const spec: V1LeaseSpec = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      renewTime: now,
      acquireTime: now,
      leaseTransitions: this.observed.leaseTransitions,
    };
    if (await this.update(spec, this.deadlineMs)) this.log.info({ identity: this.identity }, "released the lease");
    else this.log.warn({ identity: this.identity }, "releasing the lease failed; it expires by itself");
  }

  /** A record read from the host: observed now only if it differs from the one observed before. */
  private observe(spec: V1LeaseSpec): void {
    const raw = recordKey(spec);
    if (raw === this.observedRaw) return;
    this.setObserved(spec);
  }

  private setObserved(spec: V1LeaseSpec): void {
    this.observed = spec;
    this.observedRaw = recordKey(spec);
    this.observedAt = performance.now();
  }

  private validMs(): number {
    return (this.observed.leaseDurationSeconds ?? 0) * 1000;
  }

  private isHolder(): boolean {
    return this.observed.holderIdentity === this.identity;
  }

  /** True while the observed record is younger than its lease duration. */
  private valid(): boolean {
    return this.observedAt + this.validMs() > performance.now();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** The fields of a leader election record, in a fixed order, to tell a changed record from the same one. */
function recordKey(s: V1LeaseSpec): string {
  return JSON.stringify([s.holderIdentity ?? "", s.leaseDurationSeconds ?? 0, String(s.acquireTime ?? ""), String(s.renewTime ?? ""), s.leaseTransitions ?? 0]);
}

/** A watch of one Lease (list, then watch, restarted after a failure); undefined when it is deleted. */
class LeaseWatch {
  private readonly informer;
  private stopped = false;

  constructor(host: Host, api: CoordinationV1Api, namespace: string, name: string, onChange: (lease: V1Lease | undefined) => void) {
    const list = () => api.listNamespacedLease({ namespace });
    this.informer = makeInformer<V1Lease>(host.kc, `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, list as never);
    const mine = (l: V1Lease) => l.metadata?.name === name;
    this.informer.on("add", (l) => mine(l) && onChange(l));
    this.informer.on("update", (l) => mine(l) && onChange(l));
    this.informer.on("delete", (l) => mine(l) && onChange(undefined));
    this.informer.on("error", () => {
      if (this.stopped) return;
      setTimeout(() => {
        if (!this.stopped) this.informer.start().catch(() => {});
      }, 1000).unref();
    });
  }

  start(): void {
    this.informer.start().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }
}

/** Rejects when p takes longer than ms (the call itself runs on; its answer is ignored). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms)} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
