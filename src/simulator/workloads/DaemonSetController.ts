// The DaemonSet controller (pkg/controller/daemon): one pod per eligible node.
// A node is eligible when it matches the nodeSelector and required node
// affinity and every NoSchedule/NoExecute taint is tolerated (with the
// tolerations upstream adds to every daemon pod); a running pod stays while its
// NoExecute taints are tolerated. Pods carry a required node affinity on
// metadata.name, so the scheduler places them (ReplaceDaemonSetPodNodeNameNodeAffinity).
// Revisions are ControllerRevisions named <ds>-<hash>; RollingUpdate replaces
// old pods within maxUnavailable (maxSurge is not simulated).
import { type KObject, R } from "../../apiserver/client.ts";
import type { SimContext } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { nodeAffinityMatches } from "../nodes/predicates.ts";
import { History, hashTemplate, REVISION_HASH, type Revisions } from "./history.ts";
import { byNamespace, claim, createPod, deletePod, IDX_NAMESPACE, indexOwned, ownerOf } from "./pods.ts";
import { WorkloadController } from "./WorkloadController.ts";
import {
  int,
  isPodActive,
  isPodAvailable,
  isPodReady,
  msUntilAvailable,
  newControllerRef,
  type Obj,
  podFromTemplate,
  podsPrefix,
  sameStatus,
  scaledValue,
  selectorOf,
} from "./util.ts";

export type DaemonSetControllerOptions = { concurrency?: number };

/** AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util). */
export function daemonTolerations(spec: Obj): Obj[] {
  const t: Obj[] = [...(spec.tolerations ?? [])];
  const add = (key: string, effect: string) => {
    if (!t.some((x) => x.key === key && x.operator === "Exists" && x.effect === effect)) t.push({ key, operator: "Exists", effect });
  };
  add("node.kubernetes.io/not-ready", "NoExecute");
  add("node.kubernetes.io/unreachable", "NoExecute");
  add("node.kubernetes.io/disk-pressure", "NoSchedule");
  add("node.kubernetes.io/memory-pressure", "NoSchedule");
  add("node.kubernetes.io/pid-pressure", "NoSchedule");
  add("node.kubernetes.io/unschedulable", "NoSchedule");
  if (spec.hostNetwork) add("node.kubernetes.io/network-unavailable", "NoSchedule");
  return t;
}

function tolerates(tolerations: Obj[], taint: Obj): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** NodeShouldRunDaemonPod: [shouldRun, shouldContinueRunning]. */
export function shouldRun(node: KObject, template: Obj): [boolean, boolean] {
  const spec = template.spec ?? {};
  const labels = node.metadata?.labels ?? {};
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return [false, false];
  if (!nodeAffinityMatches({ spec }, node.metadata?.name ?? "", labels)) return [false, false];
  const tolerations = daemonTolerations(spec);
  let run = true;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (tolerates(tolerations, taint)) continue;
    if (taint.effect === "NoExecute") return [false, false];
    run = false;
  }
  return [run, true];
}

/** The node a daemon pod is for: its nodeName, else the metadata.name in its required affinity. */
function nodeOfPod(p: KObject): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  for (const t of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (t.matchFields ?? []).find((m: Obj) => m.key === "metadata.name" && m.operator === "In");
    if (f?.values?.length === 1) return f.values[0];
  }
  return undefined;
}

export class DaemonSetController extends WorkloadController {
  readonly name = "daemonset-controller";
  private dsInf!: Informer;
  private podInf!: Informer;
  private nodeInf!: Informer;
  private history!: History;

  constructor(opts: DaemonSetControllerOptions = {}) {
    super(opts.concurrency ?? 4);
  }

  protected watch(ctx: SimContext): void {
    this.dsInf = this.own(ctx.informer(R.daemonsets).addIndex(IDX_NAMESPACE, byNamespace));
    this.podInf = indexOwned(ctx.informer(R.pods));
    this.nodeInf = ctx.informer(R.nodes);
    this.history = new History(ctx.client, indexOwned(ctx.informer(R.controllerrevisions)), "DaemonSet", hashTemplate);
    const enqueue = this.enqueue;
    const podChanged = (p: KObject) => {
      const ds = ownerOf(p, "DaemonSet", (ns, n) => this.dsInf.get(ns, n));
      if (ds) enqueue(ds);
    };
    this.podInf.on({ add: podChanged, update: (_o, n) => podChanged(n), delete: podChanged });
    // Only changes that can change eligibility re-sync every DaemonSet (not heartbeats).
    const all = () => {
      for (const ds of this.dsInf.list()) enqueue(ds);
    };
    const shape = (n: KObject) => JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable]);
    this.nodeInf.on({ add: all, delete: all, update: (o, n) => shape(o) !== shape(n) && all() });
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const ds = this.dsInf.get(ns, name);
    if (!ds || ds.metadata?.deletionTimestamp) return;
    const revs = await this.history.sync(ds, undefined);
    const hash = revs.update.metadata!.labels![REVISION_HASH];
    const pods = await claim(this.client, R.pods, this.podInf, ds, newControllerRef(ds, "apps/v1", "DaemonSet"), selectorOf(ds.spec?.selector));
    const byNode = new Map<string, KObject[]>();
    for (const p of pods) {
      const n = nodeOfPod(p);
      if (!n) continue;
      const list = byNode.get(n) ?? [];
      list.push(p);
      byNode.set(n, list);
    }
    await this.manage(ds, byNode, hash);
    if (ds.spec?.updateStrategy?.type !== "OnDelete") await this.rollingUpdate(ds, byNode, hash);
    await this.updateStatus(ds, byNode, hash);
    await this.history.truncate(ds, revs.all, this.liveRevisions(revs, pods));
  }

  private liveRevisions(revs: Revisions, pods: KObject[]): Set<string> {
    const hashes = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH]));
    const live = new Set<string>([revs.update.metadata!.name!]);
    for (const r of revs.all) if (hashes.has(r.metadata?.labels?.[REVISION_HASH])) live.add(r.metadata!.name!);
    return live;
  }

  private newPod(ds: KObject, node: string, hash: string): KObject {
    const pod = podFromTemplate(ds.spec.template, newControllerRef(ds, "apps/v1", "DaemonSet"), podsPrefix(ds.metadata!.name!));
    pod.metadata!.labels = {
      ...pod.metadata!.labels,
      [REVISION_HASH]: hash,
      "pod-template-generation": String(ds.metadata?.generation ?? 1),
    };
    const spec = pod.spec;
    spec.tolerations = daemonTolerations(spec);
    const field = { key: "metadata.name", operator: "In", values: [node] };
    const na = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const terms: Obj[] = na?.nodeSelectorTerms?.length
      ? na.nodeSelectorTerms.map((t: Obj) => ({ ...t, matchFields: [field] }))
      : [{ matchFields: [field] }];
    spec.affinity = {
      ...spec.affinity,
      nodeAffinity: { ...spec.affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    };
    return pod;
  }

  private async manage(ds: KObject, byNode: Map<string, KObject[]>, hash: string): Promise<void> {
    const creates: Promise<unknown>[] = [];
    const deletes: KObject[] = [];
    const seen = new Set<string>();
    for (const node of this.nodeInf.list()) {
      const name = node.metadata!.name!;
      seen.add(name);
      const [run, keep] = shouldRun(node, ds.spec?.template ?? {});
      const pods = (byNode.get(name) ?? []).filter((p) => !p.metadata?.deletionTimestamp);
      if (run && pods.length === 0) {
        creates.push(createPod(this.client, this.rec, ds, this.newPod(ds, name, hash)));
        continue;
      }
      if (!keep) {
        deletes.push(...pods);
        continue;
      }
      // Failed pods are replaced; of several daemon pods on a node, the oldest stays.
      const failed = pods.filter((p) => p.status?.phase === "Failed");
      deletes.push(...failed);
      const alive = pods.filter((p) => p.status?.phase !== "Failed");
      if (alive.length > 1) {
        alive.sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)));
        deletes.push(...alive.slice(1));
      }
    }
    // Pods pinned to nodes that no longer exist.
    for (const [node, pods] of byNode) if (!seen.has(node)) deletes.push(...pods.filter((p) => !p.metadata?.deletionTimestamp));
    const results = await Promise.allSettled([...creates, ...deletes.map((p) => deletePod(this.client, this.rec, ds, p))]);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
  }

  /** rollingUpdate with maxSurge 0: unavailable old pods go first, then old ones within maxUnavailable. */
  private async rollingUpdate(ds: KObject, byNode: Map<string, KObject[]>, hash: string): Promise<void> {
    const now = this.ctx.clock.now();
    const minReady = int(ds.spec?.minReadySeconds);
    const desired = this.nodeInf.list().filter((n) => shouldRun(n, ds.spec?.template ?? {})[0]);
    const maxUnavailable = Math.max(1, scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired.length, true));
    let unavailable = 0;
    const replace: KObject[] = [];
    const candidates: KObject[] = [];
    for (const node of desired) {
      const pods = (byNode.get(node.metadata!.name!) ?? []).filter(isPodActive);
      const fresh = pods.find((p) => p.metadata?.labels?.[REVISION_HASH] === hash);
      const old = pods.find((p) => p.metadata?.labels?.[REVISION_HASH] !== hash);
      if ((!fresh && !old) || (fresh && old)) unavailable++;
      else if (fresh) {
        if (!isPodAvailable(fresh, minReady, now)) unavailable++;
      } else if (old && !isPodAvailable(old, minReady, now)) replace.push(old);
      else if (old && unavailable < maxUnavailable) candidates.push(old);
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    const victims = [...replace, ...candidates.slice(0, room)];
    await Promise.all(victims.map((p) => deletePod(this.client, this.rec, ds, p)));
  }

  private async updateStatus(ds: KObject, byNode: Map<string, KObject[]>, hash: string): Promise<void> {
    const now = this.ctx.clock.now();
    const minReady = int(ds.spec?.minReadySeconds);
    const s = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
    let soonest: number | undefined;
    for (const node of this.nodeInf.list()) {
      const [run] = shouldRun(node, ds.spec?.template ?? {});
      const pods = (byNode.get(node.metadata!.name!) ?? []).filter(isPodActive);
      if (run) s.desired++;
      if (pods.length === 0) continue;
      if (!run) {
        s.misscheduled++;
        continue;
      }
      s.current++;
      const p = pods[0];
      if (isPodReady(p)) {
        s.ready++;
        if (isPodAvailable(p, minReady, now)) s.available++;
        const ms = msUntilAvailable(p, minReady, now);
        if (ms !== undefined) soonest = Math.min(soonest ?? ms, ms);
      }
      if (p.metadata?.labels?.[REVISION_HASH] === hash) s.updated++;
    }
    if (soonest !== undefined) this.loop.addAfter(`${ds.metadata?.namespace}/${ds.metadata?.name}`, soonest + 1);
    const status: Obj = {
      currentNumberScheduled: s.current,
      numberMisscheduled: s.misscheduled,
      desiredNumberScheduled: s.desired,
      numberReady: s.ready,
      observedGeneration: ds.metadata?.generation,
      updatedNumberScheduled: s.updated,
      numberAvailable: s.available,
      numberUnavailable: s.desired - s.available,
    };
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
    if (sameStatus(ds.status, status)) return;
    await this.client.update(R.daemonsets, ds.metadata!.namespace!, { ...ds, status }, "status");
  }
}
