// The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas
// active pods from the template, adopting and releasing pods by selector, and
// reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas.
import { isConflict, type KObject, R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import {
  byNamespace,
  claim,
  createPod,
  deletePod,
  IDX_NAMESPACE,
  indexOwned,
  ownerOf,
  podKey,
  rankForDeletion,
  slowStartBatch,
} from "./pods.ts";
import { Expectations } from "./queue.ts";
import { WorkloadController } from "./WorkloadController.ts";
import {
  controllerRef,
  errMessage,
  getCondition,
  int,
  isPodActive,
  isPodAvailable,
  isPodReady,
  isoSeconds,
  msUntilAvailable,
  newControllerRef,
  type Obj,
  podFromTemplate,
  podsPrefix,
  removeCondition,
  sameStatus,
  selectorOf,
  setCondition,
} from "./util.ts";

// Upstream's burstReplicas: at most this many creates or deletes per sync.
const BURST = 500;

export type ReplicaSetControllerOptions = { concurrency?: number };

export class ReplicaSetController extends WorkloadController {
  readonly name = "replicaset-controller";
  private rsInf!: Informer;
  private podInf!: Informer;
  private exp!: Expectations;

  constructor(opts: ReplicaSetControllerOptions = {}) {
    super(opts.concurrency ?? 8);
  }

  protected watch(ctx: SimContext): void {
    this.exp = new Expectations(ctx.clock);
    this.rsInf = this.own(ctx.informer(R.replicasets).addIndex(IDX_NAMESPACE, byNamespace));
    this.podInf = indexOwned(ctx.informer(R.pods));
    this.podInf.on({
      add: (p) => this.podAdded(p),
      update: (o, n) => this.podUpdated(o, n),
      delete: (p) => this.podDeleted(p),
    });
  }

  private owner(p: KObject): KObject | undefined {
    return ownerOf(p, "ReplicaSet", (ns, n) => this.rsInf.get(ns, n));
  }

  private keyOf(rs: KObject): string {
    return `${rs.metadata?.namespace}/${rs.metadata?.name}`;
  }

  private enqueueMatching(p: KObject): void {
    for (const rs of this.rsInf.byIndex(IDX_NAMESPACE, p.metadata?.namespace ?? "")) {
      if (selectorOf(rs.spec?.selector)(p.metadata?.labels)) this.loop.add(this.keyOf(rs));
    }
  }

  private podAdded(p: KObject): void {
    if (p.metadata?.deletionTimestamp) {
      this.podDeleted(p);
      return;
    }
    const rs = this.owner(p);
    if (rs) {
      this.exp.creationObserved(this.keyOf(rs));
      this.loop.add(this.keyOf(rs));
    } else if (!controllerRef(p)) this.enqueueMatching(p);
  }

  private podUpdated(old: KObject, p: KObject): void {
    if (p.metadata?.resourceVersion === old.metadata?.resourceVersion) return;
    if (p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) {
      this.podDeleted(p);
      return;
    }
    const oldRef = controllerRef(old);
    const ref = controllerRef(p);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.owner(old);
      if (prev) this.loop.add(this.keyOf(prev));
    }
    const rs = this.owner(p);
    if (rs) {
      const key = this.keyOf(rs);
      this.loop.add(key);
      const minReady = int(rs.spec?.minReadySeconds);
      // A pod that just became ready becomes available minReadySeconds later.
      if (minReady > 0 && !isPodReady(old) && isPodReady(p)) this.loop.addAfter(key, minReady * 1000 + 1000);
    } else if (!ref) this.enqueueMatching(p);
  }

  private podDeleted(p: KObject): void {
    const rs = this.owner(p);
    if (!rs) return;
    const key = this.keyOf(rs);
    this.exp.deletionObserved(key, podKey(p));
    this.loop.add(key);
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const rs = this.rsInf.get(ns, name);
    if (!rs) {
      this.exp.forget(key);
      return;
    }
    const needsSync = this.exp.satisfied(key);
    const selects = selectorOf(rs.spec?.selector);
    const ref = newControllerRef(rs, "apps/v1", "ReplicaSet");
    const claimed = await claim(this.client, R.pods, this.podInf, rs, ref, selects);
    const active = claimed.filter(isPodActive);
    let manageErr: unknown;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manage(rs, active);
      } catch (e) {
        manageErr = e;
      }
    }
    const updated = await this.updateStatus(rs, active, manageErr);
    const minReady = int(updated.spec?.minReadySeconds);
    if (!manageErr && minReady > 0) this.requeueForAvailability(key, active, minReady);
    if (manageErr) throw manageErr;
  }

  private requeueForAvailability(key: string, pods: KObject[], minReady: number): void {
    const now = this.ctx.clock.now();
    let soonest: number | undefined;
    for (const p of pods) {
      const ms = msUntilAvailable(p, minReady, now);
      if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
    }
    if (soonest !== undefined) this.loop.addAfter(key, soonest + 1);
  }

  private async manage(rs: KObject, active: KObject[]): Promise<void> {
    const key = this.keyOf(rs);
    const want = int(rs.spec?.replicas, 1);
    let diff = active.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, BURST);
      this.exp.expectCreations(key, diff);
      const ref = newControllerRef(rs, "apps/v1", "ReplicaSet");
      const { ok, err } = await slowStartBatch(diff, () =>
        createPod(this.client, this.rec, rs, podFromTemplate(rs.spec.template, ref, podsPrefix(rs.metadata!.name!))),
      );
      // Creates never attempted (or failed) will not be observed.
      for (let i = ok; i < diff; i++) this.exp.creationObserved(key);
      if (err) throw err;
    } else if (diff > 0) {
      diff = Math.min(diff, BURST);
      const victims = rankForDeletion(active).slice(0, diff);
      this.exp.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map((p) => deletePod(this.client, this.rec, rs, p)));
      let firstErr: unknown;
      results.forEach((r, i) => {
        if (r.status === "rejected") {
          this.exp.deletionObserved(key, podKey(victims[i]));
          firstErr ??= r.reason;
        }
      });
      if (firstErr) throw firstErr;
    }
  }

  private calculateStatus(rs: KObject, active: KObject[], manageErr: unknown): Obj {
    const now = this.ctx.clock.now();
    const minReady = int(rs.spec?.minReadySeconds);
    const templateSel = selectorOf({ matchLabels: rs.spec?.template?.metadata?.labels ?? {} });
    let fully = 0;
    let ready = 0;
    let available = 0;
    for (const p of active) {
      if (templateSel(p.metadata?.labels)) fully++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    let conditions: Obj[] = rs.status?.conditions ?? [];
    const failure = getCondition(conditions, "ReplicaFailure");
    if (manageErr && !failure) {
      const diff = active.length - int(rs.spec?.replicas, 1);
      const reason = diff < 0 ? "FailedCreate" : "FailedDelete";
      conditions = setCondition(conditions, {
        type: "ReplicaFailure",
        status: "True",
        lastTransitionTime: isoSeconds(now),
        reason,
        message: errMessage(manageErr),
      });
    } else if (!manageErr && failure) conditions = removeCondition(conditions, "ReplicaFailure");
    const status: Obj = {
      replicas: active.length,
      fullyLabeledReplicas: fully,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata?.generation,
    };
    if (conditions.length) status.conditions = conditions;
    return status;
  }

  private async updateStatus(rs: KObject, active: KObject[], manageErr: unknown): Promise<KObject> {
    const status = this.calculateStatus(rs, active, manageErr);
    if (sameStatus(rs.status, status)) return rs;
    let cur = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.update(R.replicasets, cur.metadata!.namespace!, { ...cur, status }, "status");
      } catch (e) {
        if (!isConflict(e) || attempt >= 1) throw e;
        cur = await this.client.get(R.replicasets, rs.metadata!.namespace!, rs.metadata!.name!);
        status.observedGeneration = cur.metadata?.generation;
      }
    }
  }
}
