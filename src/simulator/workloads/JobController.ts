// The Job controller (pkg/controller/job), simplified where upstream tracks
// pods with finalizers: succeeded and failed counts come from the Job's pods
// and never go down. One sync:
//   finished (Complete/Failed)            -> nothing
//   suspended                             -> delete active pods, Suspended=True
//   failed > backoffLimit                 -> FailureTarget, delete active pods, then Failed (BackoffLimitExceeded)
//   active longer than activeDeadlineSeconds -> the same with DeadlineExceeded
//   completions reached (or, without completions, one success and none active)
//                                         -> SuccessCriteriaMet, then Complete (CompletionsReached)
//   otherwise                             -> keep min(parallelism, remaining) pods active,
//                                            waiting the pod-failure backoff (10s doubling, max 6m)
// Indexed jobs create one pod per missing index (<job>-<index>-xxxxx) and report completedIndexes.
import type { KObject } from "../../apiserver/client.ts";
import { R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { claim, createPod, deletePod, indexOwned, ownerOf, podKey, rankForDeletion } from "./pods.ts";
import { Expectations } from "./queue.ts";
import { WorkloadController } from "./WorkloadController.ts";
import {
  getCondition,
  int,
  isoSeconds,
  isPodActive,
  isPodReady,
  newControllerRef,
  type Obj,
  podFromTemplate,
  podsPrefix,
  sameStatus,
  selectorOf,
  setCondition,
} from "./util.ts";

export type JobControllerOptions = { concurrency?: number };

const INDEX = "batch.kubernetes.io/job-completion-index";
const BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 6 * 60_000;

export const isJobFinished = (j: KObject) =>
  (j.status?.conditions ?? []).some((c: Obj) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");

const indexOf = (p: KObject): number => {
  const v = p.metadata?.annotations?.[INDEX] ?? p.metadata?.labels?.[INDEX];
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) ? n : -1;
};

/** "1,3-5,7": the compressed interval form of status.completedIndexes. */
export function formatIndexes(ix: number[]): string {
  const s = [...new Set(ix)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j + 1;
  }
  return out.join(",");
}

export function parseIndexes(v: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (v ?? "").split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

export class JobController extends WorkloadController {
  readonly name = "job-controller";
  private jobInf!: Informer;
  private podInf!: Informer;
  private exp!: Expectations;
  /** When each job last saw a new failure, for the pod-failure backoff. */
  private readonly lastFailure = new Map<string, number>();

  constructor(opts: JobControllerOptions = {}) {
    super(opts.concurrency ?? 8);
  }

  protected watch(ctx: SimContext): void {
    this.exp = new Expectations(ctx.clock);
    this.jobInf = this.own(ctx.informer(R.jobs));
    this.podInf = indexOwned(ctx.informer(R.pods));
    const enqueue = this.enqueue;
    const owner = (p: KObject) => ownerOf(p, "Job", (ns, n) => this.jobInf.get(ns, n));
    this.podInf.on({
      add: (p) => {
        const j = owner(p);
        if (!j) return;
        this.exp.creationObserved(key(j));
        enqueue(j);
      },
      update: (_o, p) => {
        const j = owner(p);
        if (!j) return;
        if (p.metadata?.deletionTimestamp) this.exp.deletionObserved(key(j), podKey(p));
        enqueue(j);
      },
      delete: (p) => {
        const j = owner(p);
        if (!j) return;
        this.exp.deletionObserved(key(j), podKey(p));
        enqueue(j);
      },
    });
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  protected async sync(k: string): Promise<void> {
    const [ns, name] = k.split("/");
    const job = this.jobInf.get(ns, name);
    if (!job) {
      this.exp.forget(k);
      this.lastFailure.delete(k);
      return;
    }
    if (isJobFinished(job) || job.metadata?.deletionTimestamp) return;
    const pods = await claim(this.client, R.pods, this.podInf, job, newControllerRef(job, "batch/v1", "Job"), selectorOf(job.spec?.selector));
    const active = pods.filter(isPodActive);
    const terminating = pods.filter((p) => p.metadata?.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    const indexed = job.spec?.completionMode === "Indexed";
    const completions: number | undefined = typeof job.spec?.completions === "number" ? job.spec.completions : undefined;
    const succeededPods = pods.filter((p) => p.status?.phase === "Succeeded");
    const completedIndexes = indexed
      ? [...new Set([...parseIndexes(job.status?.completedIndexes), ...succeededPods.map(indexOf).filter((i) => i >= 0 && i < (completions ?? 0))])]
      : [];
    const succeeded = indexed ? completedIndexes.length : Math.max(int(job.status?.succeeded), succeededPods.length);
    const failed = Math.max(int(job.status?.failed), pods.filter((p) => p.status?.phase === "Failed").length);
    const now = this.now();
    if (failed > int(job.status?.failed)) this.lastFailure.set(k, now);

    const status: Obj = {
      ...job.status,
      startTime: job.status?.startTime ?? (job.spec?.suspend ? undefined : isoSeconds(now)),
      active: active.length,
      ready: active.filter(isPodReady).length,
      succeeded,
      failed,
      terminating: terminating.length,
    };
    if (indexed) status.completedIndexes = formatIndexes(completedIndexes);
    let conds: Obj[] = job.status?.conditions ?? [];
    const cond = (type: string, reason: string, message: string, s = "True") => ({
      type,
      status: s,
      lastProbeTime: isoSeconds(now),
      lastTransitionTime: isoSeconds(now),
      reason,
      message,
    });

    const deadline = job.spec?.activeDeadlineSeconds;
    const started = status.startTime ? Date.parse(status.startTime) : now;
    let failure: [string, string] | undefined;
    const target = getCondition(conds, "FailureTarget");
    if (target?.status === "True") failure = [target.reason, target.message];
    else if (failed > int(job.spec?.backoffLimit, 6)) failure = ["BackoffLimitExceeded", "Job has reached the specified backoff limit"];
    else if (typeof deadline === "number" && now - started >= deadline * 1000) failure = ["DeadlineExceeded", "Job was active longer than specified deadline"];
    const complete = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;

    if (job.spec?.suspend) {
      await this.deleteAll(job, active);
      status.active = 0;
      status.ready = 0;
      conds = setCondition(conds, cond("Suspended", "JobSuspended", "Job suspended"));
    } else if (failure) {
      conds = setCondition(conds, cond("FailureTarget", failure[0], failure[1]));
      await this.deleteAll(job, active);
      if (active.length === 0 && terminating.length === 0) {
        conds = setCondition(conds, cond("Failed", failure[0], failure[1]));
        this.rec.event(job, "Warning", failure[0], failure[1]);
      }
      status.active = 0;
      status.ready = 0;
    } else if (complete || getCondition(conds, "SuccessCriteriaMet")) {
      conds = setCondition(conds, cond("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"));
      await this.deleteAll(job, active);
      if (active.length === 0 && terminating.length === 0) {
        conds = setCondition(conds, cond("Complete", "CompletionsReached", "Reached expected number of succeeded pods"));
        status.completionTime = isoSeconds(now);
        this.rec.event(job, "Normal", "Completed", "Job completed");
      }
      status.active = 0;
      status.ready = 0;
    } else {
      if (getCondition(conds, "Suspended")?.status === "True") {
        conds = setCondition(conds, cond("Suspended", "JobResumed", "Job resumed", "False"));
      }
      if (this.exp.satisfied(k)) await this.manage(job, active, succeeded, failed, completedIndexes);
      if (typeof deadline === "number") this.loop.addAfter(k, started + deadline * 1000 - now);
    }
    status.conditions = conds;
    for (const f of ["startTime", "conditions"]) if (status[f] === undefined || status[f]?.length === 0) delete status[f];
    if (!sameStatus(job.status, status)) await this.client.update(R.jobs, ns, { ...job, status }, "status");
  }

  private async deleteAll(job: KObject, pods: KObject[]): Promise<void> {
    if (pods.length === 0) return;
    this.exp.expectDeletions(key(job), pods.map(podKey));
    await Promise.all(pods.map((p) => deletePod(this.client, this.rec, job, p)));
  }

  private async manage(job: KObject, active: KObject[], succeeded: number, failures: number, done: number[]): Promise<void> {
    const k = key(job);
    const parallelism = int(job.spec?.parallelism, 1);
    const completions: number | undefined = typeof job.spec?.completions === "number" ? job.spec.completions : undefined;
    let want = parallelism;
    if (completions !== undefined) want = Math.min(parallelism, completions - succeeded);
    else if (succeeded > 0) want = active.length;
    const diff = want - active.length;
    if (diff < 0) {
      const victims = rankForDeletion(active).slice(0, -diff);
      await this.deleteAll(job, victims);
      return;
    }
    if (diff === 0) return;
    // Pod-failure backoff: 10s, doubling per failure, at most 6 minutes.
    const last = this.lastFailure.get(k);
    if (failures > 0 && last !== undefined) {
      const wait = Math.min(BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS) - (this.now() - last);
      if (wait > 0) {
        this.loop.addAfter(k, wait);
        return;
      }
    }
    const ref = newControllerRef(job, "batch/v1", "Job");
    const pods: KObject[] = [];
    if (job.spec?.completionMode === "Indexed") {
      const busy = new Set([...done, ...active.map(indexOf)]);
      for (let i = 0; i < (completions ?? 0) && pods.length < diff; i++) {
        if (!busy.has(i)) pods.push(this.indexedPod(job, ref, i));
      }
    } else {
      for (let i = 0; i < diff; i++) pods.push(podFromTemplate(job.spec.template, ref, podsPrefix(job.metadata!.name!)));
    }
    this.exp.expectCreations(k, pods.length);
    const res = await Promise.allSettled(pods.map((p) => createPod(this.client, this.rec, job, p)));
    for (const r of res) if (r.status === "rejected") this.exp.creationObserved(k);
    const bad = res.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    if (bad) throw bad.reason;
  }

  private indexedPod(job: KObject, ref: ReturnType<typeof newControllerRef>, i: number): KObject {
    const name = job.metadata!.name!;
    const pod = podFromTemplate(job.spec.template, ref, podsPrefix(`${name}-${i}`));
    pod.metadata!.annotations = { ...pod.metadata!.annotations, [INDEX]: String(i) };
    pod.metadata!.labels = { ...pod.metadata!.labels, [INDEX]: String(i) };
    pod.spec.hostname = `${name}-${i}`;
    const env = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${INDEX}']` } } };
    for (const c of pod.spec.containers ?? []) c.env = [...(c.env ?? []), env];
    return pod;
  }
}

const key = (o: KObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** The TTL-after-finished controller: deletes a finished Job ttlSecondsAfterFinished after it finished. */
export class TtlAfterFinishedController extends WorkloadController {
  readonly name = "ttl-after-finished-controller";
  private jobInf!: Informer;

  constructor() {
    super(4);
  }

  protected watch(ctx: SimContext): void {
    this.jobInf = ctx.informer(R.jobs);
    const enqueue = (j: KObject) => {
      if (typeof j.spec?.ttlSecondsAfterFinished === "number" && isJobFinished(j)) this.loop.add(key(j));
    };
    this.jobInf.on({ add: enqueue, update: (_o, n) => enqueue(n) });
  }

  protected async sync(k: string): Promise<void> {
    const [ns, name] = k.split("/");
    const job = this.jobInf.get(ns, name);
    if (!job || job.metadata?.deletionTimestamp || !isJobFinished(job)) return;
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (typeof ttl !== "number") return;
    const finished =
      (job.status?.conditions ?? []).find((c: Obj) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")
        ?.lastTransitionTime ?? job.status?.completionTime;
    const left = Date.parse(finished) + ttl * 1000 - this.ctx.clock.now();
    if (left > 0) {
      this.loop.addAfter(k, left);
      return;
    }
    await this.client
      .delete(R.jobs, ns, name, { propagationPolicy: "Foreground", preconditions: { uid: job.metadata?.uid } })
      .catch(() => undefined);
  }
}
