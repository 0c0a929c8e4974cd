// Pure helpers of the Deployment controller (pkg/controller/deployment/util):
// surge and unavailability fenceposts, replica annotations, revisions, the
// proportional-scaling fraction, and the status calculation.
import type { KObject } from "../../apiserver/client.ts";
import { getCondition, int, isoSeconds, type Obj, scaledValue, setCondition } from "./util.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const HASH_LABEL = "pod-template-hash";
const REV_HISTORY_CHARS = 2000;

// Annotations a Deployment does not copy to its ReplicaSets (skipCopyAnnotation).
const SKIP_COPY = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

export const replicas = (o: KObject | undefined) => int(o?.spec?.replicas, 1);
const isRolling = (d: KObject) => d.spec?.strategy?.type !== "Recreate";

/** ResolveFenceposts: surge rounds up, unavailable rounds down; both zero means one unavailable. */
function fenceposts(d: KObject): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const want = replicas(d);
  const surge = scaledValue(ru.maxSurge ?? "25%", want, true);
  const unavailable = scaledValue(ru.maxUnavailable ?? "25%", want, false);
  if (surge === 0 && unavailable === 0) return [0, 1];
  return [surge, unavailable];
}

export function maxSurge(d: KObject): number {
  return isRolling(d) ? fenceposts(d)[0] : 0;
}

export function maxUnavailable(d: KObject): number {
  if (!isRolling(d) || replicas(d) === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas(d));
}

export const sumSpec = (rss: KObject[]) => rss.reduce((s, r) => s + replicas(r), 0);
export const sumStatus = (rss: KObject[], f: string) => rss.reduce((s, r) => s + int(r.status?.[f]), 0);
export const activeRSs = (rss: KObject[]) => rss.filter((r) => replicas(r) > 0);

export function revisionOf(rs: KObject | undefined): number {
  const v = rs?.metadata?.annotations?.[REVISION];
  const n = v ? Number.parseInt(v, 10) : 0;
  return Number.isFinite(n) ? n : 0;
}

export const maxRevision = (rss: KObject[]) => rss.reduce((m, r) => Math.max(m, revisionOf(r)), 0);

export const byCreation = (a: KObject, b: KObject) =>
  String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)) ||
  String(a.metadata?.name).localeCompare(String(b.metadata?.name));

/** FindActiveOrLatest: the one active RS, or the newest when none is active. */
export function activeOrLatest(newRS: KObject | undefined, oldRSs: KObject[]): KObject | undefined {
  const all = [...oldRSs, ...(newRS ? [newRS] : [])].sort(byCreation).reverse();
  const active = activeRSs(all);
  if (active.length === 0) return newRS ?? all[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** IsSaturated: the new RS has all the replicas, all available. */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS]);
  return replicas(rs) === replicas(d) && desired === replicas(d) && int(rs.status?.availableReplicas) === replicas(d);
}

/** SetReplicasAnnotations; true when something changed. */
export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  rs.metadata!.annotations ??= {};
  const a = rs.metadata!.annotations;
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the
 * revision to newRevision when lower (a rollback re-uses an old RS, whose old
 * revision goes to revision-history), and on create sets the replica annotations.
 */
export function setNewRSAnnotations(d: KObject, rs: KObject, newRevision: number, exists: boolean): boolean {
  rs.metadata!.annotations ??= {};
  const a = rs.metadata!.annotations;
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIP_COPY.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION];
  const oldInt = oldRevision ? Number.parseInt(oldRevision, 10) : 0;
  if (oldRevision && !Number.isFinite(oldInt)) return changed;
  if (oldInt < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision) {
      const hist = a[REVISION_HISTORY] ? a[REVISION_HISTORY].split(",") : [];
      hist.push(oldRevision);
      while (hist.join(",").length > REV_HISTORY_CHARS && hist.length > 1) hist.shift();
      a[REVISION_HISTORY] = hist.join(",");
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** NewRSNewReplicas: how big the new RS may grow now. */
export function newRSNewReplicas(d: KObject, allRSs: KObject[], newRS: KObject): number {
  if (!isRolling(d)) return replicas(d);
  const maxTotal = replicas(d) + maxSurge(d);
  const current = sumSpec(allRSs);
  if (current >= maxTotal) return replicas(newRS);
  const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
  return replicas(newRS) + up;
}

/** getProportion: this RS's share of a proportional scale, bounded by what is left to add or remove. */
export function proportion(rs: KObject, d: KObject, toAdd: number, added: number): number {
  if (replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicas(d) === 0) fraction = -replicas(rs);
  else {
    const deploymentReplicas = replicas(d) + maxSurge(d);
    const ann = Number.parseInt(rs.metadata?.annotations?.[MAX_REPLICAS] ?? "", 10);
    const annotated = Number.isFinite(ann) ? ann : int(d.status?.replicas);
    fraction = Math.round((replicas(rs) * deploymentReplicas) / annotated) - replicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

export function condition(type: string, status: string, reason: string, message: string, now: number): Obj {
  const t = isoSeconds(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** calculateStatus (sync.go). */
export function calculateStatus(allRSs: KObject[], newRS: KObject | undefined, d: KObject, now: number): Obj {
  const available = sumStatus(allRSs, "availableReplicas");
  const total = sumSpec(allRSs);
  const status: Obj = {
    observedGeneration: d.metadata?.generation,
    replicas: sumStatus(allRSs, "replicas"),
    updatedReplicas: newRS ? int(newRS.status?.replicas) : 0,
    readyReplicas: sumStatus(allRSs, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  let conds: Obj[] = [...(d.status?.conditions ?? [])];
  conds =
    available >= replicas(d) - maxUnavailable(d)
      ? setCondition(conds, condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now))
      : setCondition(conds, condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now));
  status.conditions = conds;
  return status;
}

export function deploymentComplete(d: KObject, s: Obj): boolean {
  const want = replicas(d);
  return (
    int(s.updatedReplicas) === want &&
    int(s.replicas) === want &&
    int(s.availableReplicas) === want &&
    int(s.observedGeneration) >= int(d.metadata?.generation)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than last time. */
export function deploymentProgressing(d: KObject, s: Obj): boolean {
  const o = d.status ?? {};
  const oldOld = int(o.replicas) - int(o.updatedReplicas);
  const newOld = int(s.replicas) - int(s.updatedReplicas);
  return (
    int(s.updatedReplicas) > int(o.updatedReplicas) ||
    newOld < oldOld ||
    int(s.readyReplicas) > int(o.readyReplicas) ||
    int(s.availableReplicas) > int(o.availableReplicas)
  );
}

export const hasProgressDeadline = (d: KObject) => {
  const p = d.spec?.progressDeadlineSeconds;
  return typeof p === "number" && p !== 2147483647;
};

export function deploymentTimedOut(d: KObject, s: Obj, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s.conditions, "Progressing");
  if (!c || c.reason === "NewReplicaSetAvailable") return false;
  if (c.reason === "ProgressDeadlineExceeded") return true;
  return Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 < now;
}
