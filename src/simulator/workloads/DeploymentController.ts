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
// The ReplicaSet scaling, both strategies and the cleanup are in deploymentStrategies.ts.
import { type KObject, KubeError, R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import {
  activeRSs,
  byCreation,
  calculateStatus,
  condition,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  HASH_LABEL,
  hasProgressDeadline,
  maxRevision,
  newRSNewReplicas,
  REVISION,
  replicas,
  setNewRSAnnotations,
} from "./deploymentUtil.ts";
import { DeploymentStrategies } from "./deploymentStrategies.ts";
import { byNamespace, IDX_CONTROLLER, IDX_NAMESPACE, indexOwned, ownerOf } from "./pods.ts";
import { WorkloadController } from "./WorkloadController.ts";
import {
  controllerRef,
  equalIgnoreHash,
  getCondition,
  int,
  isEmptySelector,
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

export class DeploymentController extends WorkloadController {
  readonly name = "deployment-controller";
  private dInf!: Informer;
  private rsInf!: Informer;
  private podInf!: Informer;
  private strategies!: DeploymentStrategies;

  constructor(opts: DeploymentControllerOptions = {}) {
    super(opts.concurrency ?? 8);
  }

  protected watch(ctx: SimContext): void {
    this.dInf = this.own(ctx.informer(R.deployments).addIndex(IDX_NAMESPACE, byNamespace));
    this.rsInf = indexOwned(ctx.informer(R.replicasets));
    this.podInf = indexOwned(ctx.informer(R.pods));
    this.strategies = new DeploymentStrategies(ctx.client, this.rec, this.podInf);
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

  protected async sync(k: string): Promise<void> {
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

  // ---- paused and scaling ----

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
    await this.strategies.scale(d, newRS, old);
    if (d.spec?.paused) await this.strategies.cleanup(d, old);
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

  // ---- strategies (deploymentStrategies.ts) and the rollout status ----

  private async rolloutRolling(d: KObject, rsList: KObject[]): Promise<void> {
    const [newRS, old] = await this.newAndOld(d, rsList, true);
    await this.strategies.rollingUpdate(d, newRS!, old);
    return this.syncRolloutStatus([...old, newRS!], newRS, d);
  }

  private async rolloutRecreate(d: KObject, rsList: KObject[]): Promise<void> {
    let [newRS, old] = await this.newAndOld(d, rsList, false);
    if (await this.strategies.recreateScaleDown(d, newRS, old)) {
      return this.syncRolloutStatus([...old, ...(newRS ? [newRS] : [])], newRS, d);
    }
    if (!newRS) [newRS, old] = await this.newAndOld(d, rsList, true);
    await this.strategies.recreateScaleUp(d, newRS!, old);
    return this.syncRolloutStatus([...old, newRS!], newRS, d);
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
