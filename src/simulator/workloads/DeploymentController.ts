// The Deployment controller (pkg/controller/deployment): one ReplicaSet per
// pod template, named <deployment>-<pod-template-hash>, rolled by the
// RollingUpdate or Recreate strategy, with revisions, pause, scaling,
// revision-history cleanup and the Available / Progressing conditions.
//
// syncDeployment, as upstream:
//   paused            -> sync (scale only, cleanup, status)
//   a scaling event   -> sync (proportional scaling across active RSs)
//   Recreate          -> scale old RSs to 0, wait for old pods to end, scale up the new RS
//   RollingUpdate     -> scale the new RS up within maxSurge, old ones down within maxUnavailable
// then the rollout status: Progressing (NewReplicaSetCreated, FoundNewReplicaSet,
// ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded) and Available.
import { type KObject, type KubeClient, KubeError, R } from "../../apiserver/client.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import {
  activeOrLatest,
  activeRSs,
  byCreation,
  calculateStatus,
  condition,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  HASH_LABEL,
  hasProgressDeadline,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  REVISION,
  replicas,
  replicasAnnotationsNeedUpdate,
  revisionOf,
  setNewRSAnnotations,
  setReplicasAnnotations,
  sumSpec,
  sumStatus,
} from "./deploymentUtil.ts";
import { EventRecorder } from "../events.ts";
import { byNamespace, IDX_CONTROLLER, IDX_NAMESPACE, indexOwned, ownerOf } from "./pods.ts";
import { SyncLoop } from "./queue.ts";
import {
  controllerRef,
  equalIgnoreHash,
  getCondition,
  int,
  isEmptySelector,
  isTerminated,
  newControllerRef,
  type Obj,
  removeCondition,
  sameStatus,
  selectorOf,
  setCondition,
  templateHash,
} from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export type DeploymentControllerOptions = { concurrency?: number };

export class DeploymentController implements SimController {
  readonly name = "deployment-controller";
  private readonly concurrency: number;
  private client!: KubeClient;
  private ctx!: SimContext;
  private dInf!: Informer;
  private rsInf!: Informer;
  private podInf!: Informer;
  private loop!: SyncLoop;
  private rec!: EventRecorder;

  constructor(opts: DeploymentControllerOptions = {}) {
    this.concurrency = opts.concurrency ?? 8;
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.client = ctx.client;
    this.rec = new EventRecorder(ctx.client, ctx.clock, this.name);
    this.loop = new SyncLoop(ctx.clock, (k) => this.sync(k), this.concurrency);
    this.dInf = ctx.informer(R.deployments).addIndex(IDX_NAMESPACE, byNamespace);
    this.rsInf = indexOwned(ctx.informer(R.replicasets));
    this.podInf = indexOwned(ctx.informer(R.pods));
    const enqueue = (d: KObject) => this.loop.add(key(d));
    this.dInf.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    this.rsInf.on({
      add: (rs) => this.rsChanged(rs),
      update: (o, n) => {
        if (o.metadata?.resourceVersion === n.metadata?.resourceVersion) return;
        if (controllerRef(o)?.uid !== controllerRef(n)?.uid) this.rsChanged(o);
        this.rsChanged(n);
      },
      delete: (rs) => this.rsChanged(rs),
    });
    // Recreate waits for the old pods to go; a pod deletion may let it proceed.
    this.podInf.on({ delete: (p) => this.podDeleted(p) });
  }

  stop(): void {
    this.loop?.stop();
  }

  private rsChanged(rs: KObject): void {
    const d = ownerOf(rs, "Deployment", (ns, n) => this.dInf.get(ns, n));
    if (d) {
      this.loop.add(key(d));
      return;
    }
    if (controllerRef(rs)) return;
    for (const d of this.dInf.byIndex(IDX_NAMESPACE, rs.metadata?.namespace ?? "")) {
      if (selectorOf(d.spec?.selector)(rs.metadata?.labels)) this.loop.add(key(d));
    }
  }

  private podDeleted(p: KObject): void {
    const rs = ownerOf(p, "ReplicaSet", (ns, n) => this.rsInf.get(ns, n));
    const d = rs && ownerOf(rs, "Deployment", (ns, n) => this.dInf.get(ns, n));
    if (d?.spec?.strategy?.type === "Recreate") this.loop.add(key(d));
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  private async sync(k: string): Promise<void> {
    const [ns, name] = k.split("/");
    const cached = this.dInf.get(ns, name);
    if (!cached) return;
    const d = cloneJson(cached);
    if (isEmptySelector(d.spec?.selector)) {
      this.rec.event(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      if (int(d.status?.observedGeneration) < int(d.metadata?.generation)) {
        await this.writeStatus(d, { ...d.status, observedGeneration: d.metadata?.generation });
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d);
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScale(d, rsList);
    if (await this.isScalingEvent(d, rsList)) return this.syncScale(d, rsList);
    if (d.spec?.strategy?.type === "Recreate") return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  private async claimReplicaSets(d: KObject): Promise<KObject[]> {
    const ns = d.metadata!.namespace!;
    const selects = selectorOf(d.spec?.selector);
    const out: KObject[] = [];
    for (const rs of this.rsInf.byIndex(IDX_CONTROLLER, d.metadata!.uid!)) {
      if (rs.metadata?.namespace === ns && selects(rs.metadata?.labels)) out.push(rs);
    }
    if (d.metadata?.deletionTimestamp) return out;
    for (const rs of this.rsInf.byIndex("workloads.orphansByNamespace", ns)) {
      if (rs.metadata?.deletionTimestamp || !selects(rs.metadata?.labels)) continue;
      const copy = cloneJson(rs);
      copy.metadata!.ownerReferences = [...(copy.metadata!.ownerReferences ?? []), newControllerRef(d, "apps/v1", "Deployment")];
      const adopted = await this.client.update(R.replicasets, ns, copy).catch(() => undefined);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  // ---- revisions and the new ReplicaSet ----

  /** getAllReplicaSetsAndSyncRevision: the new RS (created when asked) and the old ones. */
  private async newAndOld(d: KObject, rsList: KObject[], create: boolean): Promise<[KObject | undefined, KObject[]]> {
    const sorted = [...rsList].sort(byCreation);
    const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const old = sorted.filter((rs) => rs !== existing);
    const newRS = await this.getNewReplicaSet(d, existing, old, create);
    return [newRS, old];
  }

  private async getNewReplicaSet(
    d: KObject,
    existing: KObject | undefined,
    old: KObject[],
    create: boolean,
  ): Promise<KObject | undefined> {
    const newRevision = maxRevision(old) + 1;
    if (existing) {
      let rs = cloneJson(existing);
      const annotationsChanged = setNewRSAnnotations(d, rs, newRevision, true);
      const minReadyChanged = int(rs.spec?.minReadySeconds) !== int(d.spec?.minReadySeconds);
      if (annotationsChanged || minReadyChanged) {
        rs.spec.minReadySeconds = d.spec?.minReadySeconds;
        rs = await this.client.update(R.replicasets, rs.metadata!.namespace!, rs);
      }
      let changed = this.setDeploymentRevision(d, rs.metadata?.annotations?.[REVISION]);
      if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, "Progressing")) {
        const msg = `Found new replica set "${rs.metadata?.name}"`;
        d.status = { ...d.status, conditions: setCondition(d.status?.conditions ?? [], condition("Progressing", "True", "FoundNewReplicaSet", msg, this.now())) };
        changed = true;
      }
      if (changed) await this.writeDeployment(d);
      return rs;
    }
    if (!create) return undefined;
    const hash = templateHash(d.spec.template, d.status?.collisionCount);
    const template = cloneJson(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = cloneJson(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const rs: KObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: d.metadata!.namespace,
        ownerReferences: [newControllerRef(d, "apps/v1", "Deployment")],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const count = newRSNewReplicas(d, [...old, rs], rs);
    rs.spec.replicas = count;
    setNewRSAnnotations(d, rs, newRevision, false);
    let created: KObject;
    let alreadyExists = false;
    try {
      created = await this.client.create(R.replicasets, d.metadata!.namespace!, rs);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.rec.event(d, "Warning", "FailedCreate", `Failed to create new replica set "${rs.metadata!.name}": ${e}`);
        throw e;
      }
      // A hash collision unless the RS is ours with an equal template (a stale cache).
      const found = await this.client.get(R.replicasets, d.metadata!.namespace!, rs.metadata!.name!);
      if (controllerRef(found)?.uid === d.metadata?.uid && equalIgnoreHash(found.spec?.template, d.spec?.template)) {
        created = found;
        alreadyExists = true;
      } else {
        d.status = { ...d.status, collisionCount: int(d.status?.collisionCount) + 1 };
        await this.writeStatus(d, d.status);
        throw e;
      }
    }
    if (!alreadyExists && count > 0) {
      this.rec.event(d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${created.metadata?.name} from 0 to ${count}`);
    }
    let changed = this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      const msg = `Created new replica set "${created.metadata?.name}"`;
      d.status = { ...d.status, conditions: setCondition(d.status?.conditions ?? [], condition("Progressing", "True", "NewReplicaSetCreated", msg, this.now())) };
      changed = true;
    }
    if (changed) await this.writeDeployment(d);
    return created;
  }

  /** SetDeploymentRevision: the Deployment's revision annotation follows its new RS. */
  private setDeploymentRevision(d: KObject, revision: string | undefined): boolean {
    if (!revision) return false;
    d.metadata!.annotations ??= {};
    const a = d.metadata!.annotations;
    if (a[REVISION] === revision) return false;
    a[REVISION] = revision;
    return true;
  }

  /** Writes the Deployment's annotations and, when they changed, its status; keeps d current. */
  private async writeDeployment(d: KObject): Promise<void> {
    const status = d.status;
    const cached = this.dInf.get(d.metadata!.namespace!, d.metadata!.name!);
    let cur = d;
    if (cached?.metadata?.annotations?.[REVISION] !== d.metadata?.annotations?.[REVISION]) {
      cur = await this.client.update(R.deployments, d.metadata!.namespace!, d);
      d.metadata = cur.metadata;
    }
    if (!sameStatus(cur.status, status)) {
      const updated = await this.client.update(R.deployments, d.metadata!.namespace!, { ...cur, status }, "status");
      d.metadata = updated.metadata;
    }
    d.status = status;
  }

  private async writeStatus(d: KObject, status: Obj): Promise<void> {
    const updated = await this.client.update(R.deployments, d.metadata!.namespace!, { ...d, status }, "status");
    d.metadata = updated.metadata;
    d.status = updated.status;
  }

  // ---- paused, scaling, cleanup ----

  private async checkPausedConditions(d: KObject): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status?.conditions, "Progressing");
    if (cond?.reason === "ProgressDeadlineExceeded") return;
    const paused = !!d.spec?.paused;
    let next: Obj | undefined;
    if (paused && cond?.reason !== "DeploymentPaused") next = condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", this.now());
    else if (!paused && cond?.reason === "DeploymentPaused") next = condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", this.now());
    if (!next) return;
    await this.writeStatus(d, { ...d.status, conditions: setCondition(d.status?.conditions ?? [], next) });
  }

  private async isScalingEvent(d: KObject, rsList: KObject[]): Promise<boolean> {
    const [newRS, old] = await this.newAndOld(d, rsList, false);
    for (const rs of activeRSs([...old, ...(newRS ? [newRS] : [])])) {
      const desired = rs.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"];
      if (desired !== undefined && Number(desired) !== replicas(d)) return true;
    }
    return false;
  }

  /** sync(): scale, clean up when paused, report status. */
  private async syncScale(d: KObject, rsList: KObject[]): Promise<void> {
    const [newRS, old] = await this.newAndOld(d, rsList, false);
    await this.scale(d, newRS, old);
    if (d.spec?.paused) await this.cleanup(d, old);
    await this.syncStatus(d, [...old, ...(newRS ? [newRS] : [])], newRS);
  }

  private async syncStatusOnly(d: KObject, rsList: KObject[]): Promise<void> {
    const [newRS, old] = await this.newAndOld(d, rsList, false);
    await this.syncStatus(d, [...old, ...(newRS ? [newRS] : [])], newRS);
  }

  private async syncStatus(d: KObject, all: KObject[], newRS: KObject | undefined): Promise<void> {
    const status = calculateStatus(all, newRS, d, this.now());
    if (sameStatus(d.status, status)) return;
    await this.writeStatus(d, status);
  }

  private async scale(d: KObject, newRS: KObject | undefined, old: KObject[]): Promise<void> {
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
  private async cleanup(d: KObject, old: KObject[]): Promise<void> {
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

  // ---- strategies ----

  private async rolloutRolling(d: KObject, rsList: KObject[]): Promise<void> {
    const [newRS, old] = await this.newAndOld(d, rsList, true);
    const all = [...old, newRS!];
    if (await this.reconcileNewRS(all, newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (await this.reconcileOldRSs(all, activeRSs(old), newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, old);
    return this.syncRolloutStatus(all, newRS, d);
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

  private async rolloutRecreate(d: KObject, rsList: KObject[]): Promise<void> {
    let [newRS, old] = await this.newAndOld(d, rsList, false);
    let scaledDown = false;
    for (const rs of activeRSs(old)) if ((await this.scaleAndRecord(rs, 0, d))[0]) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus([...old, ...(newRS ? [newRS] : [])], newRS, d);
    if (this.oldPodsRunning(newRS, old)) return this.syncRolloutStatus([...old, ...(newRS ? [newRS] : [])], newRS, d);
    if (!newRS) [newRS, old] = await this.newAndOld(d, rsList, true);
    await this.scaleAndRecord(newRS!, replicas(d), d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(d, old);
    return this.syncRolloutStatus([...old, newRS!], newRS, d);
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

  /** syncRolloutStatus (progress.go). */
  private async syncRolloutStatus(all: KObject[], newRS: KObject | undefined, d: KObject): Promise<void> {
    const now = this.now();
    const s = calculateStatus(all, newRS, d, now);
    if (!hasProgressDeadline(d)) s.conditions = removeCondition(s.conditions, "Progressing");
    const cur = getCondition(d.status?.conditions, "Progressing");
    const complete = s.replicas === s.updatedReplicas && cur?.reason === "NewReplicaSetAvailable";
    const rsName = newRS?.metadata?.name;
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, s)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata?.name}" has successfully progressed.`;
        s.conditions = setCondition(s.conditions, condition("Progressing", "True", "NewReplicaSetAvailable", msg, now));
      } else if (deploymentProgressing(d, s)) {
        const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata?.name}" is progressing.`;
        const c = condition("Progressing", "True", "ReplicaSetUpdated", msg, now);
        // Progress refreshes lastUpdateTime even with the same reason (handled apart from setCondition).
        if (cur?.status === "True") c.lastTransitionTime = cur.lastTransitionTime;
        s.conditions = [...removeCondition(s.conditions, "Progressing"), c];
      } else if (deploymentTimedOut(d, s, now)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name}" has timed out progressing.`;
        s.conditions = setCondition(s.conditions, condition("Progressing", "False", "ProgressDeadlineExceeded", msg, now));
      }
    }
    const failure = all.map((rs) => getCondition(rs.status?.conditions, "ReplicaFailure")).find((c) => c?.status === "True");
    s.conditions = failure
      ? setCondition(s.conditions, condition("ReplicaFailure", failure.status, failure.reason, failure.message, now))
      : removeCondition(s.conditions, "ReplicaFailure");
    if (sameStatus(d.status, s)) return this.requeueStuck(d, s);
    await this.writeStatus(d, s);
  }

  /** requeueStuckDeployment: check again when the progress deadline would pass. */
  private requeueStuck(d: KObject, s: Obj): void {
    const cur = getCondition(d.status?.conditions, "Progressing");
    if (!hasProgressDeadline(d) || !cur) return;
    if (deploymentComplete(d, s) || cur.reason === "ProgressDeadlineExceeded") return;
    const after = Date.parse(cur.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 - this.now();
    this.loop.addAfter(key(d), Math.max(0, after) + 1000);
  }
}

const key = (o: KObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

const isAlreadyExists = (e: unknown) => e instanceof KubeError && e.code === 409 && e.reason === "AlreadyExists";
