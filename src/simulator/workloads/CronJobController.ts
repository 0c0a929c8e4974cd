// The CronJob controller (pkg/controller/cronjob, v2), on the injected clock.
// One sync:
//   1. reconcile status.active with the Jobs it owns; a finished one leaves the
//      list (SawCompletedJob) and a Complete one sets lastSuccessfulTime;
//   2. suspended or deleting: stop;
//   3. the most recent scheduled time since lastScheduleTime (or creation),
//      within startingDeadlineSeconds; too late: MissSchedule;
//   4. Forbid with an active Job: JobAlreadyActive; Replace: delete the active Jobs;
//   5. create Job <cronjob>-<scheduled minutes since the epoch> (SuccessfulCreate);
//   6. delete finished Jobs beyond the history limits, oldest first;
//   7. requeue at the next scheduled time.
import { KubeError, type KObject, R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { parseSchedule, type Schedule } from "../../cron/cron.ts";
import { IDX_CONTROLLER, indexOwned, ownerOf } from "./pods.ts";
import { WorkloadController } from "./WorkloadController.ts";
import { errMessage, isoSeconds, newControllerRef, type Obj, sameStatus } from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export type CronJobControllerOptions = { concurrency?: number };

const SCHEDULED_AT = "batch.kubernetes.io/cronjob-scheduled-timestamp";

const finishedType = (j: KObject): string | undefined =>
  (j.status?.conditions ?? []).find((c: Obj) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")?.type;

export class CronJobController extends WorkloadController {
  readonly name = "cronjob-controller";
  private cjInf!: Informer;
  private jobInf!: Informer;
  private readonly schedules = new Map<string, { spec: string; sched: Schedule }>();

  constructor(opts: CronJobControllerOptions = {}) {
    super(opts.concurrency ?? 4);
  }

  protected watch(ctx: SimContext): void {
    this.cjInf = this.own(ctx.informer(R.cronjobs));
    this.jobInf = indexOwned(ctx.informer(R.jobs));
    const jobChanged = (j: KObject) => {
      const cj = ownerOf(j, "CronJob", (ns, n) => this.cjInf.get(ns, n));
      if (cj) this.enqueue(cj);
    };
    this.jobInf.on({ add: jobChanged, update: (_o, n) => jobChanged(n), delete: jobChanged });
  }

  private schedule(cj: KObject): Schedule {
    const spec = `${cj.spec?.timeZone ?? ""}|${cj.spec?.schedule}`;
    const k = `${cj.metadata?.namespace}/${cj.metadata?.name}`;
    const cached = this.schedules.get(k);
    if (cached?.spec === spec) return cached.sched;
    const sched = parseSchedule(String(cj.spec?.schedule ?? ""), cj.spec?.timeZone);
    this.schedules.set(k, { spec, sched });
    return sched;
  }

  protected async sync(k: string): Promise<void> {
    const [ns, name] = k.split("/");
    const cj = this.cjInf.get(ns, name);
    if (!cj) {
      this.schedules.delete(k);
      return;
    }
    const now = this.ctx.clock.now();
    const jobs = this.jobInf.byIndex(IDX_CONTROLLER, cj.metadata!.uid!).filter((j) => j.metadata?.namespace === ns);
    const status: Obj = cloneJson(cj.status ?? {});
    let active: Obj[] = status.active ?? [];
    const names = new Set(jobs.map((j) => j.metadata?.name));
    // 1. the active list against the Jobs as they are now
    for (const j of jobs) {
      const inList = active.some((a) => a.uid === j.metadata?.uid);
      const done = finishedType(j);
      if (!inList && !done && j.metadata?.annotations?.[SCHEDULED_AT]) active.push(ref(j));
      if (inList && done) {
        active = active.filter((a) => a.uid !== j.metadata?.uid);
        this.rec.event(cj, "Normal", "SawCompletedJob", `Saw completed job: ${j.metadata?.name}, condition: ${done}`);
      }
      if (done === "Complete") {
        const t = j.status?.completionTime;
        if (t && (!status.lastSuccessfulTime || Date.parse(t) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = t;
      }
    }
    active = active.filter((a) => names.has(a.name));
    status.active = active;

    let requeue: number | undefined;
    if (!cj.metadata?.deletionTimestamp && !cj.spec?.suspend) {
      try {
        requeue = await this.run(cj, status, now);
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith("schedule:"))) throw e;
        this.rec.event(cj, "Warning", "UnparseableSchedule", `unparseable schedule: ${cj.spec?.schedule} : ${e.message.slice(9)}`);
      }
    }
    await this.cleanup(cj, jobs);
    if (status.active.length === 0) delete status.active;
    if (!sameStatus(cj.status, status)) await this.client.update(R.cronjobs, ns, { ...cj, status }, "status");
    // A small delta past the scheduled second, as upstream's nextScheduleTimeDuration.
    if (requeue !== undefined) this.loop.addAfter(k, requeue - this.ctx.clock.now() + 100);
  }

  /** Steps 3-5; returns when to look again. */
  private async run(cj: KObject, status: Obj, now: number): Promise<number | undefined> {
    let sched: Schedule;
    try {
      sched = this.schedule(cj);
    } catch (e) {
      throw new Error(`schedule:${errMessage(e)}`);
    }
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? "");
    if (!Number.isFinite(earliest)) earliest = now;
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (typeof deadline === "number") earliest = Math.max(earliest, now - deadline * 1000);
    // mostRecentScheduleTime: the last scheduled time in (earliest, now].
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = sched.next(earliest); t !== undefined && t <= now; t = sched.next(t)) {
      scheduled = t;
      if (++missed > 100_000) break;
    }
    if (missed > 100) {
      this.rec.event(cj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
    }
    const next = sched.next(now);
    if (scheduled === undefined) return next;
    if (typeof deadline === "number" && scheduled + deadline * 1000 < now) {
      this.rec.event(cj, "Warning", "MissSchedule", `Missed scheduled time to start a job: ${new Date(scheduled).toISOString()}`);
      return next;
    }
    const jobName = `${cj.metadata!.name}-${Math.floor(scheduled / 60_000)}`;
    if (status.active.some((a: Obj) => a.name === jobName) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) {
      return next;
    }
    const policy = cj.spec?.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && status.active.length > 0) {
      this.rec.event(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return next;
    }
    if (policy === "Replace") {
      for (const a of status.active) {
        try {
          await this.client.delete(R.jobs, cj.metadata!.namespace!, a.name, { propagationPolicy: "Background" });
          this.rec.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${a.name}`);
        } catch (e) {
          this.rec.event(cj, "Warning", "FailedDelete", `Deleted job: ${errMessage(e)}`);
          throw e;
        }
      }
      status.active = [];
    }
    const job = this.jobFor(cj, jobName, scheduled);
    let created: KObject;
    try {
      created = await this.client.create(R.jobs, cj.metadata!.namespace!, job);
      this.rec.event(cj, "Normal", "SuccessfulCreate", `Created job ${jobName}`);
    } catch (e) {
      if (!(e instanceof KubeError && e.reason === "AlreadyExists")) {
        this.rec.event(cj, "Warning", "FailedCreate", `Error creating job: ${errMessage(e)}`);
        throw e;
      }
      created = await this.client.get(R.jobs, cj.metadata!.namespace!, jobName);
    }
    if (!finishedType(created)) status.active.push(ref(created));
    status.lastScheduleTime = isoSeconds(scheduled);
    return next;
  }

  private jobFor(cj: KObject, name: string, scheduled: number): KObject {
    const t = cj.spec?.jobTemplate ?? {};
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        labels: { ...(t.metadata?.labels ?? {}) },
        annotations: { ...(t.metadata?.annotations ?? {}), [SCHEDULED_AT]: isoSeconds(scheduled) },
        ownerReferences: [newControllerRef(cj, "batch/v1", "CronJob")],
      },
      spec: cloneJson(t.spec ?? {}),
    };
  }

  /** cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit. */
  private async cleanup(cj: KObject, jobs: KObject[]): Promise<void> {
    const byStart = (a: KObject, b: KObject) =>
      String(a.status?.startTime ?? a.metadata?.creationTimestamp).localeCompare(String(b.status?.startTime ?? b.metadata?.creationTimestamp)) ||
      String(a.metadata?.name).localeCompare(String(b.metadata?.name));
    const prune = async (type: string, limit: unknown) => {
      if (typeof limit !== "number") return;
      const done = jobs.filter((j) => finishedType(j) === type && !j.metadata?.deletionTimestamp).sort(byStart);
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        try {
          await this.client.delete(R.jobs, j.metadata!.namespace!, j.metadata!.name!, { propagationPolicy: "Background" });
          this.rec.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${j.metadata?.name}`);
        } catch {
          // gone already, or retried on the next sync
        }
      }
    };
    await prune("Complete", cj.spec?.successfulJobsHistoryLimit);
    await prune("Failed", cj.spec?.failedJobsHistoryLimit);
  }
}

const ref = (j: KObject): Obj => ({
  kind: "Job",
  namespace: j.metadata?.namespace,
  name: j.metadata?.name,
  uid: j.metadata?.uid,
  apiVersion: "batch/v1",
  resourceVersion: j.metadata?.resourceVersion,
});
