// The CronHorizontalPodAutoscaler controller, run by kpanda's leader (no
// agent in the members). Per Running member it lists and watches the
// CronHPAs (once the member serves the CRD; until then it looks again every
// `retryMs`), and per CronHPA keeps one timer, on the injected clock, for
// the earliest next run of its jobs. At a job's time (cronPlan.ts decides,
// with the starting deadline) it scales the target with kpanda's own
// credential: the scale subresource, or, when an HPA targets the same
// workload, the HPA's minReplicas and maxReplicas (scale.ts moveHpa, as the
// kubernetes-cronhpa-controller does). Each run is written to the CronHPA's
// status (one condition per job) and as an Event on the target workload,
// so the workload's timeline shows the scheduled scaling.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { type Clock, RealClock, type TimerHandle } from "../../simulator/clock.ts";
import { callerJson, KPANDA } from "../apps/callAs.ts";
import { memberGet } from "../clusters/memberHttp.ts";
import type { Member } from "../clusters/members.ts";
import type { ClusterSource } from "../search/SearchSync.ts";
import { GoneError, listAll, watch } from "../search/memberWatch.ts";
import { CRONHPA_GROUP, CRONHPA_PLURAL, CRONHPA_VERSION, cronHpaPath, cronHpaServed, DEFAULT_STARTING_DEADLINE_SECONDS } from "./cronHpaCrd.ts";
import { type CronJobSpec, iso, type JobCondition, type Plan, planJob } from "./cronPlan.ts";
import { hpaFor, type HpaLike, hpaPath, hpaVersion, moveHpa, SCALABLE, scalePath } from "./scale.ts";

export type CronHpaControllerOptions = {
  clusters: ClusterSource;
  member(name: string): Promise<Member | undefined>;
  log: Logger;
  /** The clock schedules run on (tests pass a FakeClock). */
  clock?: Clock;
  /** How often to look again for the CRD in a member without it, and to retry after a failure (real time). */
  retryMs?: number;
};

type CronHpa = {
  metadata: { name: string; namespace: string; uid?: string; creationTimestamp?: string; resourceVersion?: string };
  spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string }; jobs?: CronJobSpec[]; startingDeadlineSeconds?: number };
  status?: { conditions?: JobCondition[] };
};

const GVR = { group: CRONHPA_GROUP, version: CRONHPA_VERSION, resource: CRONHPA_PLURAL };
/** A timer never waits longer than this before looking again (setTimeout's range, and clock changes). */
const MAX_WAIT_MS = 3600_000;

export class CronHpaController {
  readonly name = "cronhpa";
  private readonly opts: CronHpaControllerOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private run?: AbortController;
  private readonly loops = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly objects = new Map<string, { cluster: string; obj: CronHpa }>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(opts: CronHpaControllerOptions) {
    this.opts = opts;
    this.log = opts.log.child({ component: "cronhpa" });
    this.clock = opts.clock ?? new RealClock();
    opts.clusters.onChange(() => this.reconcileClusters());
  }

  start(signal: AbortSignal): void {
    if (this.run) return;
    this.run = new AbortController();
    signal.addEventListener("abort", () => void this.stop(), { once: true });
    this.reconcileClusters();
  }

  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.abort();
    for (const l of this.loops.values()) l.abort.abort();
    await Promise.allSettled([...this.loops.values()].map((l) => l.done));
    this.loops.clear();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.objects.clear();
    await Promise.allSettled([...this.chains.values()]);
  }

  private reconcileClusters(): void {
    if (!this.run) return;
    const running = new Set(this.opts.clusters.list().filter((c) => c.phase === "Running").map((c) => c.name));
    for (const name of running) {
      if (this.loops.has(name)) continue;
      const abort = new AbortController();
      this.loops.set(name, { abort, done: this.clusterLoop(name, abort.signal) });
    }
    for (const [name, l] of this.loops) {
      if (running.has(name)) continue;
      l.abort.abort();
      this.loops.delete(name);
      for (const [key, o] of this.objects) if (o.cluster === name) this.forget(key);
    }
  }

  /** List and watch one member's CronHPAs until the signal aborts. */
  private async clusterLoop(cluster: string, signal: AbortSignal): Promise<void> {
    const log = this.log.child({ cluster });
    let rv = "";
    while (!signal.aborted) {
      try {
        const m = await this.opts.member(cluster);
        if (!m) throw new Error("no credential for the cluster");
        if (!rv) {
          if (!(await m.run((s) => cronHpaServed(m, s)))) {
            await sleep(this.opts.retryMs ?? 15_000, signal);
            continue;
          }
          const list = await listAll(m, GVR, signal);
          for (const [key, o] of this.objects) if (o.cluster === cluster) this.forget(key);
          for (const o of list.items) this.seen(cluster, o as CronHpa);
          rv = list.resourceVersion;
        }
        await watch(m, GVR, rv, { signal, timeoutSeconds: 300, idleMs: 330_000 }, (e) => {
          rv = e.object.metadata?.resourceVersion ?? rv;
          if (e.type === "BOOKMARK") return;
          if (e.type === "DELETED") this.forget(keyOf(cluster, e.object as CronHpa));
          else this.seen(cluster, e.object as CronHpa);
        });
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof GoneError) {
          rv = "";
          continue;
        }
        log.warn({ err: String(err) }, "cronhpa watch failed; retrying");
        rv = "";
        await sleep(this.opts.retryMs ?? 15_000, signal);
      }
    }
  }

  private seen(cluster: string, obj: CronHpa): void {
    const key = keyOf(cluster, obj);
    this.objects.set(key, { cluster, obj });
    this.enqueue(key);
  }

  private forget(key: string): void {
    this.objects.delete(key);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  /** Syncs one CronHPA after any sync of it under way (one at a time per object). */
  private enqueue(key: string): void {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => this.sync(key))
      .catch((err) => this.log.error({ err, cronhpa: key }, "cronhpa sync failed"))
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    this.chains.set(key, next);
  }

  private async sync(key: string): Promise<void> {
    const o = this.objects.get(key);
    if (!o || !this.run) return;
    const { obj, cluster } = o;
    const m = await this.opts.member(cluster);
    if (!m) return;
    const now = this.clock.now();
    const deadlineMs = (obj.spec?.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS) * 1000;
    const created = Date.parse(obj.metadata.creationTimestamp ?? "") || now;
    const before = obj.status?.conditions ?? [];
    const plans = (obj.spec?.jobs ?? []).map((job) => ({ job, cond: before.find((c) => c.name === job.name), plan: planJob(job, before.find((c) => c.name === job.name), created, now, deadlineMs) }));
    const conditions: JobCondition[] = [];
    // Runs in the order of their scheduled times: of two due at once, the later time wins.
    const order = [...plans].sort((a, b) => scheduledOf(a.plan) - scheduledOf(b.plan));
    const results = new Map<string, JobCondition>();
    for (const { job, cond, plan } of order) results.set(job.name, await this.apply(m, obj, job, cond, plan, now));
    for (const { job } of plans) conditions.push(results.get(job.name)!);
    if (JSON.stringify(conditions) !== JSON.stringify(before)) {
      const updated = await callerJson<CronHpa>(m, KPANDA, {
        method: "PATCH",
        path: `${cronHpaPath(obj.metadata.namespace, obj.metadata.name)}/status`,
        body: { status: { conditions } },
        contentType: "application/merge-patch+json",
      }).catch((err) => {
        this.log.warn({ err: String(err), cronhpa: key }, "cronhpa status update failed");
        return undefined;
      });
      if (updated && this.objects.get(key)) this.objects.set(key, { cluster, obj: updated });
    }
    this.arm(key, conditions);
  }

  /** One job's condition after carrying out its plan. */
  private async apply(m: Member, obj: CronHpa, job: CronJobSpec, cond: JobCondition | undefined, plan: Plan, now: number): Promise<JobCondition> {
    const base: JobCondition = { name: job.name, schedule: job.schedule, ...(job.timeZone ? { timeZone: job.timeZone } : {}), targetSize: job.targetSize, ...(job.runOnce ? { runOnce: true } : {}), state: "Submitted" };
    const carried = cond && cond.schedule === job.schedule && (cond.timeZone ?? "") === (job.timeZone ?? "") ? cond : undefined;
    const keep = { ...(carried?.lastScheduleTime ? { lastScheduleTime: carried.lastScheduleTime } : {}), ...(carried?.lastRunTime ? { lastRunTime: carried.lastRunTime } : {}) };
    const nextOf = (next?: number) => (next !== undefined ? { nextRunTime: iso(next) } : {});
    if (plan.action === "invalid") return { ...base, state: "Failed", message: plan.message };
    if (plan.action === "wait") {
      const state = carried && carried.state !== "Submitted" && carried.lastScheduleTime ? carried.state : "Submitted";
      return { ...base, ...keep, state, ...(carried?.message && state !== "Submitted" ? { message: carried.message } : {}), ...nextOf(plan.next) };
    }
    if (plan.action === "missed") {
      const message = `missed ${plan.missed} scheduled run(s), the last at ${iso(plan.scheduled)}: more than ${Math.round((now - plan.scheduled) / 1000)} s late, past the starting deadline`;
      return { ...base, lastScheduleTime: iso(plan.scheduled), ...(carried?.lastRunTime ? { lastRunTime: carried.lastRunTime } : {}), state: "Missed", message, ...nextOf(plan.next) };
    }
    const ran = { lastScheduleTime: iso(plan.scheduled), lastRunTime: iso(now), ...nextOf(plan.next) };
    try {
      const message = await this.scale(m, obj, job, now);
      return { ...base, ...ran, state: "Succeed", message };
    } catch (err) {
      const message = (err as { body?: string }).body ? statusMessage((err as { body: string }).body) : String((err as Error).message ?? err);
      await this.event(m, obj, "Warning", "FailedCronScale", `CronHPA ${obj.metadata.name} job ${job.name}: ${message}`, now);
      return { ...base, ...ran, state: "Failed", message };
    }
  }

  /** Scales the target to the job's size (or moves its HPA); the message says what was done. */
  private async scale(m: Member, obj: CronHpa, job: CronJobSpec, now: number): Promise<string> {
    const ns = obj.metadata.namespace;
    const ref = obj.spec?.scaleTargetRef ?? {};
    const target = SCALABLE[ref.kind ?? ""];
    if (!target || !ref.name) throw new Error(`scaleTargetRef ${ref.kind}/${ref.name} is not a Deployment, StatefulSet or ReplicaSet`);
    const size = job.targetSize;
    const version = await hpaVersion(m);
    const hpas = (await m.run((s) => memberGet(m, hpaPath(version, ns), s)))?.items ?? [];
    const hpa = hpaFor<HpaLike & { metadata: { name: string } }>(hpas, target.kind, ref.name);
    let message: string;
    let scaleTarget = true;
    if (hpa) {
      const move = moveHpa(hpa, size);
      scaleTarget = move.scaleTarget;
      const was = `${hpa.spec?.minReplicas ?? 1}-${hpa.spec?.maxReplicas}`;
      if (move.changed) {
        await callerJson(m, KPANDA, {
          method: "PATCH",
          path: hpaPath(version, ns, hpa.metadata.name),
          body: { spec: { minReplicas: move.minReplicas, maxReplicas: move.maxReplicas } },
          contentType: "application/merge-patch+json",
        });
      }
      message = `HorizontalPodAutoscaler ${hpa.metadata.name} replicas ${was} → ${move.minReplicas}-${move.maxReplicas}`;
      if (!scaleTarget) message += `; ${target.kind} ${ref.name} left to it (it runs ${hpa.status?.currentReplicas ?? 0} ≥ ${size})`;
    } else message = "";
    if (scaleTarget) {
      const scale = await callerJson(m, KPANDA, { path: scalePath(ns, target.resource, ref.name) });
      await callerJson(m, KPANDA, {
        method: "PATCH",
        path: scalePath(ns, target.resource, ref.name),
        body: { spec: { replicas: size } },
        contentType: "application/merge-patch+json",
      });
      message = `${message ? `${message}; ` : ""}${target.kind} ${ref.name} replicas ${scale?.spec?.replicas ?? 0} → ${size}`;
    }
    await this.event(m, obj, "Normal", "CronScaled", `CronHPA ${obj.metadata.name} job ${job.name}: ${message}`, now);
    return message;
  }

  /** An Event on the target workload (what its timeline shows); a failure to write it is only logged. */
  private async event(m: Member, obj: CronHpa, type: string, reason: string, message: string, now: number): Promise<void> {
    const ref = obj.spec?.scaleTargetRef ?? {};
    const ns = obj.metadata.namespace;
    const time = iso(now);
    const body = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${ref.name}.${randomBytes(8).toString("hex")}`, namespace: ns },
      involvedObject: { apiVersion: ref.apiVersion ?? "apps/v1", kind: ref.kind, name: ref.name, namespace: ns },
      type,
      reason,
      message,
      source: { component: "kpanda-cronhpa" },
      reportingComponent: "kpanda-cronhpa",
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    await callerJson(m, KPANDA, { method: "POST", path: `/api/v1/namespaces/${encodeURIComponent(ns)}/events`, body }).catch((err) =>
      this.log.warn({ err: String(err) }, "cronhpa event not written"),
    );
  }

  /** One timer for the earliest next run among the jobs. */
  private arm(key: string, conditions: JobCondition[]): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    const nexts = conditions.map((c) => (c.nextRunTime ? Date.parse(c.nextRunTime) : Number.NaN)).filter((t) => Number.isFinite(t));
    if (!nexts.length || !this.run) return;
    // From the clock's time now, not the sync's start: the clock may have moved meanwhile.
    const wait = Math.min(Math.max(0, Math.min(...nexts) - this.clock.now()), MAX_WAIT_MS);
    this.timers.set(
      key,
      this.clock.after(wait, () => this.enqueue(key)),
    );
  }
}

const keyOf = (cluster: string, o: { metadata?: { namespace?: string; name?: string } }) => `${cluster}/${o.metadata?.namespace}/${o.metadata?.name}`;

function scheduledOf(p: Plan): number {
  return p.action === "run" || p.action === "missed" ? p.scheduled : Number.MAX_SAFE_INTEGER;
}

function statusMessage(body: string): string {
  try {
    return JSON.parse(body).message ?? body;
  } catch {
    return body;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    t.unref();
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
