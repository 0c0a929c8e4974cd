// The StatefulSet controller (pkg/controller/statefulset): pods <set>-<ordinal>
// with stable hostnames and PVCs <claim>-<set>-<ordinal>, revisions as
// ControllerRevisions. One sync, as stateful_set_control.go:
//   1. revisions: current (status.currentRevision) and update (the template now);
//   2. pods split into replicas [0, spec.replicas) and condemned (the rest);
//   3. replicas in ordinal order: failed ones deleted, missing ones created
//      (from the current revision below the partition, else the update one);
//      OrderedReady stops at the first pod not yet Running, Ready and
//      available (Ready for minReadySeconds), as processReplica does;
//   4. condemned pods deleted from the highest ordinal, one at a time if OrderedReady;
//   5. RollingUpdate: the highest pod at or above the partition not at the update
//      revision is deleted (it comes back at the update revision), one at a time;
//   6. status; when every pod is updated and ready, current := update.
import { isNotFound, KubeError, type KObject, R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { History, hashRevision, REVISION_HASH, type Revisions, templateOf } from "./history.ts";
import { claim, indexOwned, ownerOf } from "./pods.ts";
import { WorkloadController } from "./WorkloadController.ts";
import { errMessage, int, isPodAvailable, isPodReady, msUntilAvailable, newControllerRef, type Obj, sameStatus, selectorOf } from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export type StatefulSetControllerOptions = { concurrency?: number };

const ordinalOf = (set: KObject, pod: KObject): number => {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata?.name ?? "");
  return m && m[1] === set.metadata?.name ? Number(m[2]) : -1;
};

const runningAndReady = (p: KObject) => p.status?.phase === "Running" && isPodReady(p);
const isFailed = (p: KObject) => p.status?.phase === "Failed" || p.status?.phase === "Succeeded";
const revisionOfPod = (p: KObject) => p.metadata?.labels?.[REVISION_HASH];

export class StatefulSetController extends WorkloadController {
  readonly name = "statefulset-controller";
  private setInf!: Informer;
  private podInf!: Informer;
  private history!: History;

  constructor(opts: StatefulSetControllerOptions = {}) {
    super(opts.concurrency ?? 8);
  }

  protected watch(ctx: SimContext): void {
    this.setInf = this.own(ctx.informer(R.statefulsets));
    this.podInf = indexOwned(ctx.informer(R.pods));
    this.history = new History(ctx.client, indexOwned(ctx.informer(R.controllerrevisions)), "StatefulSet", hashRevision);
    const podChanged = (p: KObject) => {
      const set = ownerOf(p, "StatefulSet", (ns, n) => this.setInf.get(ns, n));
      if (set) this.enqueue(set);
    };
    this.podInf.on({ add: podChanged, update: (_o, n) => podChanged(n), delete: podChanged });
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const set = this.setInf.get(ns, name);
    if (!set || set.metadata?.deletionTimestamp) return;
    const selects = selectorOf(set.spec?.selector);
    const pods = await claim(this.client, R.pods, this.podInf, set, newControllerRef(set, "apps/v1", "StatefulSet"), selects);
    const revs = await this.history.sync(set, set.status?.currentRevision);
    let err: unknown;
    try {
      await this.update(set, pods, revs);
    } catch (e) {
      err = e;
    }
    const status = await this.updateStatus(set, revs);
    const live = new Set([status.currentRevision, status.updateRevision]);
    for (const p of this.ownedPods(set)) live.add(revisionOfPod(p));
    await this.history.truncate(set, revs.all, live);
    if (err) throw err;
  }

  private ownedPods(set: KObject): KObject[] {
    return this.podInf.byIndex("workloads.controllerUid", set.metadata!.uid!);
  }

  private newPod(set: KObject, revs: Revisions, ord: number): KObject {
    const partition = int(set.spec?.updateStrategy?.rollingUpdate?.partition);
    const rolling = set.spec?.updateStrategy?.type !== "OnDelete";
    // Below the partition a recreated pod keeps the current revision.
    const rev = rolling && ord < partition ? revs.current : revs.update;
    const template = templateOf(rev);
    const name = `${set.metadata!.name}-${ord}`;
    const spec = cloneJson(template.spec ?? {});
    spec.hostname = name;
    if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
    const volumes: Obj[] = spec.volumes ?? [];
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const claimName = `${t.metadata?.name}-${name}`;
      const v = { name: t.metadata?.name, persistentVolumeClaim: { claimName } };
      const i = volumes.findIndex((x) => x.name === t.metadata?.name);
      if (i >= 0) volumes[i] = v;
      else volumes.push(v);
    }
    if (volumes.length) spec.volumes = volumes;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        labels: {
          ...(template.metadata?.labels ?? {}),
          "statefulset.kubernetes.io/pod-name": name,
          "apps.kubernetes.io/pod-index": String(ord),
          [REVISION_HASH]: rev.metadata!.name!,
        },
        annotations: { ...(template.metadata?.annotations ?? {}) },
        ownerReferences: [newControllerRef(set, "apps/v1", "StatefulSet")],
      },
      spec,
    };
  }

  private async createClaims(set: KObject, podName: string): Promise<void> {
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const claimName = `${t.metadata?.name}-${podName}`;
      try {
        await this.client.get(R.pvcs, set.metadata!.namespace!, claimName);
        continue;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const pvc: KObject = {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: claimName,
          labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
          annotations: { ...(t.metadata?.annotations ?? {}) },
        },
        spec: cloneJson(t.spec ?? {}),
      };
      try {
        await this.client.create(R.pvcs, set.metadata!.namespace!, pvc);
        this.rec.event(set, "Normal", "SuccessfulCreate", `create Claim ${claimName} Pod ${podName} in StatefulSet ${set.metadata!.name} success`);
      } catch (e) {
        if (e instanceof KubeError && e.reason === "AlreadyExists") continue;
        this.rec.event(set, "Warning", "FailedCreate", `create Claim ${claimName} for Pod ${podName} in StatefulSet ${set.metadata!.name} failed error: ${errMessage(e)}`);
        throw e;
      }
    }
  }

  private async createPod(set: KObject, pod: KObject): Promise<void> {
    await this.createClaims(set, pod.metadata!.name!);
    const what = `Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name}`;
    try {
      await this.client.create(R.pods, set.metadata!.namespace!, pod);
      this.rec.event(set, "Normal", "SuccessfulCreate", `create ${what} successful`);
    } catch (e) {
      if (e instanceof KubeError && e.reason === "AlreadyExists") return;
      this.rec.event(set, "Warning", "FailedCreate", `create ${what} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  private async deletePod(set: KObject, pod: KObject): Promise<void> {
    const what = `Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name}`;
    try {
      await this.client.delete(R.pods, pod.metadata!.namespace!, pod.metadata!.name!);
      this.rec.event(set, "Normal", "SuccessfulDelete", `delete ${what} successful`);
    } catch (e) {
      if (isNotFound(e)) return;
      this.rec.event(set, "Warning", "FailedDelete", `delete ${what} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  private async update(set: KObject, pods: KObject[], revs: Revisions): Promise<void> {
    const want = int(set.spec?.replicas, 1);
    const monotonic = set.spec?.podManagementPolicy !== "Parallel";
    const minReady = int(set.spec?.minReadySeconds);
    const now = this.ctx.clock.now();
    const available = (p: KObject) => runningAndReady(p) && isPodAvailable(p, minReady, now);
    const replicas: (KObject | undefined)[] = new Array(want).fill(undefined);
    const condemned: KObject[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p);
      if (ord < 0) continue;
      if (ord < want) replicas[ord] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    for (let ord = 0; ord < want; ord++) {
      const p = replicas[ord];
      if (p && isFailed(p) && !p.metadata?.deletionTimestamp) {
        await this.deletePod(set, p);
        if (monotonic) return;
        continue;
      }
      if (!p) {
        await this.createPod(set, this.newPod(set, revs, ord));
        if (monotonic) return;
        continue;
      }
      // updateStatus requeues the set when the next pod becomes available.
      if (monotonic && (p.metadata?.deletionTimestamp || !available(p))) return;
    }
    // Scale down: the highest ordinal first; OrderedReady waits for each to go
    // and does not scale down while any replica is unhealthy.
    for (const p of condemned) {
      if (p.metadata?.deletionTimestamp) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && replicas.some((r) => !r || !runningAndReady(r))) return;
      await this.deletePod(set, p);
      if (monotonic) return;
    }
    if (set.spec?.updateStrategy?.type === "OnDelete") return;
    const partition = int(set.spec?.updateStrategy?.rollingUpdate?.partition);
    const updateName = revs.update.metadata!.name!;
    for (let ord = want - 1; ord >= partition; ord--) {
      const p = replicas[ord];
      if (!p) return;
      if (revisionOfPod(p) !== updateName && !p.metadata?.deletionTimestamp) {
        await this.deletePod(set, p);
        return;
      }
      // Wait for the pod just replaced to be Running and Ready before the next.
      if (!runningAndReady(p)) return;
    }
  }

  private async updateStatus(set: KObject, revs: Revisions): Promise<Obj> {
    const now = this.ctx.clock.now();
    const minReady = int(set.spec?.minReadySeconds);
    const pods = this.ownedPods(set).filter((p) => p.metadata?.namespace === set.metadata?.namespace && ordinalOf(set, p) >= 0);
    const cur = revs.current.metadata!.name!;
    const upd = revs.update.metadata!.name!;
    const status: Obj = {
      observedGeneration: set.metadata?.generation,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      currentRevision: cur,
      updateRevision: upd,
      collisionCount: revs.collisionCount,
    };
    let soonest: number | undefined;
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp) continue;
      status.replicas++;
      if (isPodReady(p) && p.status?.phase === "Running") {
        status.readyReplicas++;
        if (isPodAvailable(p, minReady, now)) status.availableReplicas++;
        const ms = msUntilAvailable(p, minReady, now);
        if (ms !== undefined) soonest = Math.min(soonest ?? ms, ms);
      }
      if (revisionOfPod(p) === cur) status.currentReplicas++;
      if (revisionOfPod(p) === upd) status.updatedReplicas++;
    }
    // completeRollingUpdate
    const rolling = set.spec?.updateStrategy?.type !== "OnDelete";
    if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = upd;
    }
    if (soonest !== undefined) this.loop.addAfter(`${set.metadata?.namespace}/${set.metadata?.name}`, soonest + 1);
    if (!sameStatus(set.status, status)) {
      await this.client.update(R.statefulsets, set.metadata!.namespace!, { ...set, status }, "status");
    }
    return status;
  }
}
