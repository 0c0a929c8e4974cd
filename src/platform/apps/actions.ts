// The workload actions, each as kubectl (or Kpanda) does it, made as the
// caller:
// - restart: the pod template's kubectl.kubernetes.io/restartedAt annotation
//   set to now (RFC 3339), as `kubectl rollout restart` does
//   (kubectl/pkg/polymorphichelpers/objectrestarter.go), which also refuses a
//   paused Deployment;
// - pause/resume: a Deployment's spec.paused (`kubectl rollout pause`), a
//   CronJob's spec.suspend;
// - stop/start: replicas to 0 with the old count kept in the
//   kpanda.io/stopped-replicas annotation, and back; one merge patch guarded
//   by the resourceVersion read, so a concurrent scale is not lost;
// - a Job's restart (jobRestart.ts).
import { conflict, PlatformError } from "../http/errors.ts";
import type { Answer } from "./callAs.ts";
import { type KObject, patchObject, readObject, type Target } from "./objects.ts";

export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
export const STOPPED_REPLICAS = "kpanda.io/stopped-replicas";

const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";

type Spec = { paused?: boolean; suspend?: boolean; replicas?: number };
const specOf = (o: KObject) => (o.spec ?? {}) as Spec;
const annotationsOf = (o: KObject) => (o.metadata?.annotations ?? {}) as Record<string, string>;

/** Go's time.Now().Format(time.RFC3339) on a UTC clock: seconds, then Z. */
export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");

const refuse = (t: Target, name: string, why: string): PlatformError =>
  conflict(`${t.kind.kind.toLowerCase()} "${name}" ${why}`, t.m.name);

export async function restart(t: Target, name: string, now = new Date()): Promise<Answer<KObject>> {
  if (t.kind.plural === "deployments" && specOf(await readObject(t, name)).paused) {
    throw refuse(t, name, "is paused: resume it before restarting (kubectl: can't restart paused deployment)");
  }
  const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339(now) } } } } };
  return patchObject(t, name, patch, STRATEGIC);
}

/** Pauses (true) or resumes (false) a Deployment's rollouts or a CronJob's schedule; doing it twice is no error. */
export async function setPaused(t: Target, name: string, paused: boolean): Promise<Answer<KObject>> {
  const spec = t.kind.plural === "cronjobs" ? { suspend: paused } : { paused };
  return patchObject(t, name, { spec }, MERGE);
}

export function stop(t: Target, name: string): Promise<Answer<KObject>> {
  return onCurrent(t, name, (obj) => {
    if (annotationsOf(obj)[STOPPED_REPLICAS] !== undefined) throw refuse(t, name, "is stopped already");
    // An omitted spec.replicas is 1 after defaulting; a member always answers it filled.
    const replicas = specOf(obj).replicas ?? 1;
    if (replicas === 0) throw refuse(t, name, "has 0 replicas: there is nothing to stop");
    return { metadata: { annotations: { [STOPPED_REPLICAS]: String(replicas) } }, spec: { replicas: 0 } };
  });
}

export function start(t: Target, name: string): Promise<Answer<KObject>> {
  return onCurrent(t, name, (obj) => {
    const kept = annotationsOf(obj)[STOPPED_REPLICAS];
    if (kept === undefined) throw refuse(t, name, `is not stopped (it has no ${STOPPED_REPLICAS} annotation)`);
    const replicas = Number(kept);
    if (!Number.isInteger(replicas) || replicas < 1) throw refuse(t, name, `has an unusable ${STOPPED_REPLICAS} annotation "${kept}"`);
    return { metadata: { annotations: { [STOPPED_REPLICAS]: null } }, spec: { replicas } };
  });
}

/**
 * A merge patch made from the object as read, sent with its resourceVersion
 * (a precondition: a scale made in between is not overwritten). The
 * controllers write status all the while, so a 409 from the member means
 * read and decide again, as client-go's RetryOnConflict does (5 tries).
 */
async function onCurrent(t: Target, name: string, decide: (obj: KObject) => Record<string, any>): Promise<Answer<KObject>> {
  for (let attempt = 1; ; attempt++) {
    const obj = await readObject(t, name);
    const patch = decide(obj);
    patch.metadata = { ...patch.metadata, resourceVersion: obj.metadata?.resourceVersion };
    try {
      return await patchObject(t, name, patch, MERGE);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof PlatformError && e.code === 409)) throw e;
      await new Promise((r) => setTimeout(r, 10 * attempt));
    }
  }
}
