// The Deployment controller's ReplicaSet scaling (pkg/controller/deployment
// sync.go, rolling.go, recreate.go): proportional scaling of the active RSs,
// the RollingUpdate and Recreate steps, and the revision-history cleanup.
// The DeploymentController finds the new and old RSs and reports the rollout
// status; these steps only scale and delete ReplicaSets.
//
//   RollingUpdate -> scale the new RS up within maxSurge, old ones down within maxUnavailable
//   Recreate      -> scale old RSs to 0, wait for old pods to end, scale up the new RS
import { type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { EventRecorder } from "../events.ts";
import type { Informer } from "../kube/informer.ts";
import {
  activeOrLatest,
  activeRSs,
  byCreation,
  deploymentComplete,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  replicas,
  replicasAnnotationsNeedUpdate,
  revisionOf,
  setReplicasAnnotations,
  sumSpec,
  sumStatus,
} from "./deploymentUtil.ts";
import { IDX_CONTROLLER } from "./pods.ts";
import { int, isTerminated } from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export class DeploymentStrategies {
  private readonly client: KubeClient;
  private readonly rec: EventRecorder;
  private readonly podInf: Informer;

  /** podInf must be indexed by owner (indexOwned): Recreate looks up the old RSs' pods. */
  constructor(client: KubeClient, rec: EventRecorder, podInf: Informer) {
    this.client = client;
    this.rec = rec;
    this.podInf = podInf;
  }

  // ---- scaling and cleanup ----

  async scale(d: KObject, newRS: KObject | undefined, old: KObject[]): Promise<void> {
    const one = activeOrLatest(newRS, old);
    if (one) {
      if (replicas(one) !== replicas(d)) await this.scaleAndRecord(one, replicas(d), d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const rs of activeRSs(old)) await this.scaleAndRecord(rs, 0, d);
      return;
    }
    if (d.spec?.strategy?.type === "Recreate") return;
    // Proportional scaling: spread the difference over the active RSs, larger first.
    const all = activeRSs([...old, ...(newRS ? [newRS] : [])]);
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - sumSpec(all);
    let op = "";
    if (toAdd > 0) {
      op = "up";
      all.sort((a, b) => replicas(b) - replicas(a) || -byCreation(a, b));
    } else if (toAdd < 0) {
      op = "down";
      all.sort((a, b) => replicas(b) - replicas(a) || byCreation(a, b));
    }
    let added = 0;
    const size = new Map<KObject, number>();
    for (const rs of all) {
      if (toAdd === 0) {
        size.set(rs, replicas(rs));
        continue;
      }
      const p = proportion(rs, d, toAdd, added);
      size.set(rs, replicas(rs) + p);
      added += p;
    }
    for (const [i, rs] of all.entries()) {
      if (i === 0 && toAdd !== 0) size.set(rs, Math.max(0, size.get(rs)! + toAdd - added));
      await this.scaleRS(rs, size.get(rs)!, d, op);
    }
  }

  private async scaleAndRecord(rs: KObject, n: number, d: KObject): Promise<[boolean, KObject]> {
    if (replicas(rs) === n) return [false, rs];
    return this.scaleRS(rs, n, d, replicas(rs) < n ? "up" : "down");
  }

  private async scaleRS(rs: KObject, n: number, d: KObject, op: string): Promise<[boolean, KObject]> {
    const sizeChanged = replicas(rs) !== n;
    const max = replicas(d) + maxSurge(d);
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, replicas(d), max)) return [false, rs];
    const from = replicas(rs);
    const copy = cloneJson(rs);
    copy.spec.replicas = n;
    setReplicasAnnotations(copy, replicas(d), max);
    const updated = await this.client.update(R.replicasets, rs.metadata!.namespace!, copy);
    if (sizeChanged) {
      this.rec.event(d, "Normal", "ScalingReplicaSet", `Scaled ${op} replica set ${rs.metadata?.name} from ${from} to ${n}`);
    }
    return [sizeChanged, updated];
  }

  /** cleanupDeployment: old RSs beyond revisionHistoryLimit, oldest revision first, if empty. */
  async cleanup(d: KObject, old: KObject[]): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (typeof limit !== "number") return;
    const alive = old.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of alive.slice(0, diff)) {
      if (int(rs.status?.replicas) !== 0 || replicas(rs) !== 0) continue;
      if (int(rs.metadata?.generation) > int(rs.status?.observedGeneration)) continue;
      await this.client.delete(R.replicasets, rs.metadata!.namespace!, rs.metadata!.name!).catch(() => undefined);
    }
  }

  // ---- RollingUpdate ----

  /** rolloutRolling: one step of the rollout; the caller then syncs the rollout status. */
  async rollingUpdate(d: KObject, newRS: KObject, old: KObject[]): Promise<void> {
    const all = [...old, newRS];
    if (await this.reconcileNewRS(all, newRS, d)) return;
    if (await this.reconcileOldRSs(all, activeRSs(old), newRS, d)) return;
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, old);
  }

  private async reconcileNewRS(all: KObject[], newRS: KObject, d: KObject): Promise<boolean> {
    if (replicas(newRS) === replicas(d)) return false;
    if (replicas(newRS) > replicas(d)) return (await this.scaleAndRecord(newRS, replicas(d), d))[0];
    return (await this.scaleAndRecord(newRS, newRSNewReplicas(d, all, newRS), d))[0];
  }

  /** reconcileOldReplicaSets: unhealthy old replicas first, then healthy ones within maxUnavailable. */
  private async reconcileOldRSs(all: KObject[], old: KObject[], newRS: KObject, d: KObject): Promise<boolean> {
    if (sumSpec(old) === 0) return false;
    const minAvailable = replicas(d) - maxUnavailable(d);
    const newUnavailable = replicas(newRS) - int(newRS.status?.availableReplicas);
    const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    old = [...old].sort(byCreation);
    let cleaned = 0;
    for (const [i, rs] of old.entries()) {
      if (cleaned >= maxScaledDown) break;
      const avail = int(rs.status?.availableReplicas);
      if (replicas(rs) === 0 || replicas(rs) === avail) continue;
      const n = Math.min(maxScaledDown - cleaned, replicas(rs) - avail);
      old[i] = (await this.scaleAndRecord(rs, replicas(rs) - n, d))[1];
      cleaned += n;
    }
    // scaleDownOldReplicaSetsForRollingUpdate
    const available = sumStatus([...old, newRS], "availableReplicas");
    let scaled = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const [i, rs] of old.entries()) {
        if (scaled >= total) break;
        if (replicas(rs) === 0) continue;
        const n = Math.min(replicas(rs), total - scaled);
        old[i] = (await this.scaleAndRecord(rs, replicas(rs) - n, d))[1];
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  // ---- Recreate ----

  /**
   * rolloutRecreate, first half: scaleDownOldReplicaSetsForRecreate. True while
   * the rollout must wait: an old RS was scaled down now, or old pods remain.
   */
  async recreateScaleDown(d: KObject, newRS: KObject | undefined, old: KObject[]): Promise<boolean> {
    let scaledDown = false;
    for (const rs of activeRSs(old)) if ((await this.scaleAndRecord(rs, 0, d))[0]) scaledDown = true;
    return scaledDown || this.oldPodsRunning(newRS, old);
  }

  /** rolloutRecreate, second half: scaleUpNewReplicaSetForRecreate, then cleanup once complete. */
  async recreateScaleUp(d: KObject, newRS: KObject, old: KObject[]): Promise<void> {
    await this.scaleAndRecord(newRS, replicas(d), d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, old);
  }

  private oldPodsRunning(newRS: KObject | undefined, old: KObject[]): boolean {
    if (sumStatus(old, "replicas") > 0) return true;
    for (const rs of old) {
      if (rs.metadata?.uid === newRS?.metadata?.uid) continue;
      for (const p of this.podInf.byIndex(IDX_CONTROLLER, rs.metadata!.uid!)) {
        // Failed and Succeeded pods are done; Pending, Running and Unknown are not.
        if (!isTerminated(p)) return true;
      }
    }
    return false;
  }
}
