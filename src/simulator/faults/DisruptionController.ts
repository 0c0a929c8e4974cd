// The disruption controller (pkg/controller/disruption): keeps each
// PodDisruptionBudget's status — expectedPods, currentHealthy,
// desiredHealthy, disruptionsAllowed, the DisruptionAllowed condition — from
// the pods its selector matches, and forgets evicted pods in
// status.disruptedPods once they are gone (or after two minutes). The
// eviction API in the apiserver spends the allowed disruptions.
import { isConflict, isNotFound, type KObject, type KubeClient, R, type Resource } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import { labelSelectorMatches } from "../../apiserver/registry/selectors.ts";
import { type Informer, keyOf } from "../kube/informer.ts";
import { WorkQueue } from "../kube/workQueue.ts";

/** DeletionTimeout: how long an eviction counts against a budget before the pod must be gone. */
const DELETION_TIMEOUT_MS = 2 * 60_000;

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

function isReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c.status === "True");
}

/** GetScaledValueFromIntOrPercent, rounding up. */
function scaled(v: unknown, total: number): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v) || 0;
}

const SCALABLE: Record<string, Resource> = { ReplicaSet: R.replicasets, Deployment: R.deployments, StatefulSet: R.statefulsets };

export class DisruptionController implements SimController {
  readonly name = "disruption";
  private client!: KubeClient;
  private clock!: Clock;
  private pdbs!: Informer;
  private pods!: Informer;
  private queue?: WorkQueue;

  async start(ctx: SimContext): Promise<void> {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.queue = new WorkQueue((k) => this.sync(k), 4);
    const enqueue = (o: KObject) => this.queue?.add(keyOf(o));
    this.pdbs = ctx.informer(R.pdbs).addIndex("namespace", (o) => [o.metadata?.namespace ?? ""]);
    this.pdbs.on({ add: enqueue, update: (_o, n) => enqueue(n) });
    this.pods = ctx.informer(R.pods).addIndex("namespace", (p) => [p.metadata?.namespace ?? ""]);
    this.pods.on({ add: (p) => this.podChanged(p), update: (_o, p) => this.podChanged(p), delete: (p) => this.podChanged(p) });
  }

  stop(): void {
    this.queue?.stop();
  }

  private podChanged(pod: KObject): void {
    for (const pdb of this.pdbs.byIndex("namespace", pod.metadata?.namespace ?? "")) {
      if (pdb.spec?.selector && labelSelectorMatches(pdb.spec.selector, pod.metadata?.labels)) this.queue?.add(keyOf(pdb));
    }
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const pdb = this.pdbs.get(ns, name);
    if (!pdb || pdb.metadata?.deletionTimestamp) return;
    const sel = pdb.spec?.selector;
    const pods = sel ? this.pods.byIndex("namespace", ns).filter((p) => labelSelectorMatches(sel, p.metadata?.labels)) : [];
    let status: KObject;
    try {
      status = await this.computeStatus(pdb, pods);
    } catch (e) {
      status = this.failSafe(pdb, (e as Error).message);
    }
    if (JSON.stringify(status) === JSON.stringify(pdb.status ?? {})) return;
    try {
      await this.client.update(R.pdbs, ns, { ...pdb, status }, "status");
    } catch (e) {
      if (isConflict(e)) {
        this.queue?.addAfter(key, 50);
        return;
      }
      if (!isNotFound(e)) throw e;
    }
  }

  private async computeStatus(pdb: KObject, pods: KObject[]): Promise<KObject> {
    const spec = pdb.spec ?? {};
    let expected: number;
    let desired: number;
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      expected = await this.expectedScale(pods);
      desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected));
    } else if (typeof spec.minAvailable === "number") {
      expected = pods.length;
      desired = spec.minAvailable;
    } else if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      expected = await this.expectedScale(pods);
      desired = scaled(spec.minAvailable, expected);
    } else {
      expected = pods.length;
      desired = 0;
    }
    // Eviction times are the apiserver's wall-clock stamps.
    const wallNow = Date.now();
    const disrupted: Record<string, string> = {};
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
    for (const [podName, t] of Object.entries<string>(pdb.status?.disruptedPods ?? {})) {
      const p = byName.get(podName);
      if (!p || p.metadata?.deletionTimestamp) continue;
      if (Date.parse(t) + DELETION_TIMEOUT_MS <= wallNow) continue;
      disrupted[podName] = t;
    }
    let healthy = 0;
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp || disrupted[p.metadata?.name ?? ""]) continue;
      if (isReady(p)) healthy++;
    }
    let allowed = healthy - desired;
    if (expected <= 0 || allowed <= 0) allowed = 0;
    return this.status(pdb, {
      disruptedPods: Object.keys(disrupted).length ? disrupted : undefined,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
    }, allowed > 0 ? ["True", "SufficientPods", ""] : ["False", "InsufficientPods", ""]);
  }

  private failSafe(pdb: KObject, message: string): KObject {
    const s = pdb.status ?? {};
    return this.status(pdb, {
      disruptedPods: s.disruptedPods,
      disruptionsAllowed: 0,
      currentHealthy: s.currentHealthy ?? 0,
      desiredHealthy: s.desiredHealthy ?? 0,
      expectedPods: s.expectedPods ?? 0,
    }, ["False", "SyncFailed", message]);
  }

  private status(pdb: KObject, counts: Record<string, unknown>, [status, reason, message]: [string, string, string]): KObject {
    const old = (pdb.status?.conditions ?? []).find((c: any) => c.type === "DisruptionAllowed");
    const out: KObject = { observedGeneration: pdb.metadata?.generation };
    for (const [k, v] of Object.entries(counts)) if (v !== undefined) out[k] = v;
    out.conditions = [
      {
        type: "DisruptionAllowed",
        status,
        reason,
        message,
        observedGeneration: pdb.metadata?.generation,
        lastTransitionTime: old && old.status === status ? old.lastTransitionTime : iso(this.clock.now()),
      },
    ];
    return out;
  }

  /** getExpectedScale: the summed replicas of the pods' controllers (a ReplicaSet's Deployment counts). */
  private async expectedScale(pods: KObject[]): Promise<number> {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      let ref = pod.metadata?.ownerReferences?.find((r) => r.controller);
      if (!ref) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
      const ns = pod.metadata?.namespace ?? "";
      if (seen.has(ref.uid)) continue;
      const r = SCALABLE[ref.kind];
      if (!r) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
      let owner = await this.client.get(r, ns, ref.name);
      if (ref.kind === "ReplicaSet") {
        const up = owner.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "Deployment");
        if (up) {
          ref = up;
          if (seen.has(ref.uid)) continue;
          owner = await this.client.get(R.deployments, ns, up.name);
        }
      }
      seen.set(ref.uid, owner.spec?.replicas ?? 0);
    }
    let sum = 0;
    for (const v of seen.values()) sum += v;
    return sum;
  }
}
