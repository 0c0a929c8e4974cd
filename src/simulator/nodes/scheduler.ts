// A kube-scheduler for simulated clusters. Pending pods (no nodeName, our
// schedulerName) go through a FIFO; each is filtered against a rotating
// sample of nodes (percentageOfNodesToScore), scored by least allocated
// cpu+memory, assumed into the cache and bound through pods/binding. A pod
// that fits nowhere gets PodScheduled=False/Unschedulable with the
// upstream-style diagnosis and a FailedScheduling event, and waits until a
// node or an assigned pod changes.
import { isNotFound, type KObject, R } from "../../apiserver/client.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { keyOf } from "../kube/informer.ts";
import { type EventRecorder, recorderFor, rfc3339 } from "../events.ts";
import { labelSelectorMatches } from "../../apiserver/registry/selectors.ts";
import { firstUntolerated, nodeAffinityMatches, type Toleration, toleratesTaint } from "./predicates.ts";
import { type AffinityTerm, antiAffinityTerms, type NodeInfo, SchedulerCache } from "./schedulerCache.ts";
import { type PodRequests, podRequests } from "./resources.ts";

export type SchedulerOptions = {
  schedulerName?: string;
  /** Pods scheduled per turn of the event loop before yielding. */
  batchSize?: number;
  /** Fixed percentage of nodes to find feasible; 0 is kube-scheduler's adaptive default. */
  percentageOfNodesToScore?: number;
};

const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
// Reasons whose nodes preemption cannot help (UnschedulableAndUnresolvable upstream).
const UNRESOLVABLE = /^node\(s\) (were unschedulable|had untolerated taint|didn't match Pod's node affinity)/;

type PodCtx = {
  pod: KObject;
  r: PodRequests;
  tolerations: Toleration[] | undefined;
  hasNodeAffinity: boolean;
  anti: AffinityTerm[];
  /** Topology values taken by pods this one must avoid: topologyKey → values (its own terms). */
  forbidden?: Map<AffinityTerm, Set<string>>;
  /** Topology values where existing pods' anti-affinity rejects this pod. */
  rejectedBy?: Map<string, Set<string>>;
};

export class Scheduler implements SimController {
  readonly name = "scheduler";
  readonly component = "kube-scheduler";
  private readonly opts: Required<SchedulerOptions>;
  private ctx?: SimContext;
  private pods?: Informer;
  private events?: EventRecorder;
  private readonly cache = new SchedulerCache();
  private readonly active = new Set<string>();
  /** Pods that fit nowhere, waiting for a change; the value is the last diagnosis. */
  private readonly parked = new Map<string, string>();
  /** Pods bound by us whose binding the informer has not shown yet. */
  private readonly assumed = new Set<string>();
  private nextStart = 0;
  private draining = false;
  private flushTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Pods bound since start (for benchmarks). */
  bound = 0;

  constructor(opts: SchedulerOptions = {}) {
    this.opts = {
      schedulerName: opts.schedulerName ?? "default-scheduler",
      batchSize: opts.batchSize ?? 256,
      percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0,
    };
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.events = recorderFor(ctx);
    ctx.informer(R.nodes).on({
      add: (n) => this.nodeChanged(n),
      update: (_o, n) => this.nodeChanged(n),
      delete: (n) => this.cache.deleteNode(n.metadata?.name ?? ""),
    });
    this.pods = ctx.informer(R.pods).on({
      add: (p) => this.podChanged(undefined, p),
      update: (o, p) => this.podChanged(o, p),
      delete: (p) => this.podDeleted(p),
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
  }

  /** Records events (false for benchmarks). */
  set recordEvents(on: boolean) {
    if (this.events) this.events.enabled = on;
  }

  private nodeChanged(n: KObject): void {
    if (this.cache.setNode(n)) this.flushParked();
  }

  private isPending(p: KObject): boolean {
    const phase = p.status?.phase;
    return (
      !p.spec?.nodeName &&
      (p.spec?.schedulerName ?? "default-scheduler") === this.opts.schedulerName &&
      !p.metadata?.deletionTimestamp &&
      phase !== "Succeeded" &&
      phase !== "Failed"
    );
  }

  private podChanged(old: KObject | undefined, p: KObject): void {
    const key = keyOf(p);
    const node = p.spec?.nodeName;
    const phase = p.status?.phase;
    if (node) {
      this.assumed.delete(key);
      this.active.delete(key);
      this.parked.delete(key);
      if (phase === "Succeeded" || phase === "Failed") {
        if (this.cache.removeKey(key)) this.flushParked();
      } else {
        const cached = this.cache.pods.get(key);
        if (!cached || cached.node !== node || JSON.stringify(cached.labels) !== JSON.stringify(p.metadata?.labels ?? {})) this.cache.addPod(p, node);
      }
      return;
    }
    if (!this.isPending(p) || this.assumed.has(key)) {
      this.active.delete(key);
      this.parked.delete(key);
      return;
    }
    // A parked pod waits for a cluster change, unless its own spec or labels changed.
    if (this.parked.has(key) && old && specOrLabelsSame(old, p)) return;
    this.parked.delete(key);
    this.active.add(key);
    this.kick();
  }

  private podDeleted(p: KObject): void {
    const key = keyOf(p);
    this.active.delete(key);
    this.parked.delete(key);
    this.assumed.delete(key);
    if (this.cache.removeKey(key)) this.flushParked();
  }

  /** Retries parked pods soon; many changes in a burst make one retry. */
  private flushParked(): void {
    if (!this.parked.size || this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      for (const key of this.parked.keys()) this.active.add(key);
      this.kick();
    }, 20);
    this.flushTimer.unref();
  }

  private kick(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.draining = false;
    if (this.stopped) return;
    let n = 0;
    for (const key of this.active) {
      if (n++ >= this.opts.batchSize) break;
      this.active.delete(key);
      const [ns, name] = key.split("/");
      const pod = this.pods!.get(ns, name);
      if (pod && this.isPending(pod) && !this.assumed.has(key)) this.scheduleOne(pod);
    }
    if (this.active.size) this.kick();
  }

  /** kube-scheduler's numFeasibleNodesToFind. */
  private feasibleToFind(all: number): number {
    if (all < 100) return all;
    const pct = this.opts.percentageOfNodesToScore || Math.max(5, 50 - Math.floor(all / 125));
    return Math.min(all, Math.max(100, Math.floor((all * pct) / 100)));
  }

  private scheduleOne(pod: KObject): void {
    const nodes = this.cache.nodeList();
    const pc = this.podCtx(pod);
    const want = this.feasibleToFind(nodes.length);
    const reasons = new Map<string, number>();
    let best: NodeInfo | undefined;
    let bestScore = -1;
    let found = 0;
    let i = 0;
    for (; i < nodes.length && found < want; i++) {
      const ni = nodes[(this.nextStart + i) % nodes.length];
      const why = this.filter(ni, pc);
      if (why) {
        for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        continue;
      }
      found++;
      const s = leastAllocated(ni, pc.r);
      if (s > bestScore) {
        bestScore = s;
        best = ni;
      }
    }
    if (nodes.length) this.nextStart = (this.nextStart + i) % nodes.length;
    if (best) this.bind(pod, best.name, pc.r);
    else this.unschedulable(pod, diagnosis(nodes.length, reasons));
  }

  private podCtx(pod: KObject): PodCtx {
    const pc: PodCtx = {
      pod,
      r: podRequests(pod),
      tolerations: pod.spec?.tolerations,
      hasNodeAffinity: !!(pod.spec?.nodeSelector || pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
      anti: antiAffinityTerms(pod),
    };
    if (pc.anti.length) {
      pc.forbidden = new Map();
      for (const t of pc.anti) {
        const values = new Set<string>();
        for (const key of this.cache.candidates(t.selector)) {
          const a = this.cache.pods.get(key);
          if (!a || (t.namespaces !== "all" && !t.namespaces.has(a.namespace)) || !labelSelectorMatches(t.selector, a.labels)) continue;
          const v = this.cache.nodes.get(a.node)?.labels[t.topologyKey];
          if (v !== undefined) values.add(v);
        }
        pc.forbidden.set(t, values);
      }
    }
    if (this.cache.antiPods.size) {
      const ns = pod.metadata?.namespace ?? "";
      const labels = pod.metadata?.labels ?? {};
      for (const key of this.cache.antiPods) {
        const a = this.cache.pods.get(key)!;
        for (const t of a.anti) {
          if ((t.namespaces !== "all" && !t.namespaces.has(ns)) || !labelSelectorMatches(t.selector, labels)) continue;
          const v = this.cache.nodes.get(a.node)?.labels[t.topologyKey];
          if (v === undefined) continue;
          if (!pc.rejectedBy) pc.rejectedBy = new Map();
          const s = pc.rejectedBy.get(t.topologyKey);
          if (s) s.add(v);
          else pc.rejectedBy.set(t.topologyKey, new Set([v]));
        }
      }
    }
    return pc;
  }

  /** The filter plugins in kube-scheduler's order; the first that rejects a node gives its reasons. */
  private filter(ni: NodeInfo, pc: PodCtx): string[] | undefined {
    if (ni.unschedulable && !toleratesTaint(pc.tolerations, UNSCHEDULABLE_TAINT)) return ["node(s) were unschedulable"];
    if (ni.taints.length) {
      const t = firstUntolerated(ni.taints, pc.tolerations, ["NoSchedule", "NoExecute"]);
      if (t) return [`node(s) had untolerated taint {${t.key}: ${t.value ?? ""}}`];
    }
    if (pc.hasNodeAffinity && !nodeAffinityMatches(pc.pod, ni.name, ni.labels)) return ["node(s) didn't match Pod's node affinity/selector"];
    const req = pc.r.req;
    if (
      ni.req.pods + 1 > ni.alloc.pods ||
      (req.cpu > 0 && ni.req.cpu + req.cpu > ni.alloc.cpu) ||
      (req.memory > 0 && ni.req.memory + req.memory > ni.alloc.memory) ||
      (req.storage > 0 && ni.req.storage + req.storage > ni.alloc.storage)
    ) {
      const fit: string[] = [];
      if (ni.req.pods + 1 > ni.alloc.pods) fit.push("Too many pods");
      if (req.cpu > 0 && ni.req.cpu + req.cpu > ni.alloc.cpu) fit.push("Insufficient cpu");
      if (req.memory > 0 && ni.req.memory + req.memory > ni.alloc.memory) fit.push("Insufficient memory");
      if (req.storage > 0 && ni.req.storage + req.storage > ni.alloc.storage) fit.push("Insufficient ephemeral-storage");
      return fit;
    }
    if (pc.rejectedBy) {
      for (const [k, values] of pc.rejectedBy) {
        const v = ni.labels[k];
        if (v !== undefined && values.has(v)) return ["node(s) didn't satisfy existing pods anti-affinity rules"];
      }
    }
    if (pc.forbidden) {
      for (const [t, values] of pc.forbidden) {
        const v = ni.labels[t.topologyKey];
        if (v !== undefined && values.has(v)) return ["node(s) didn't match pod anti-affinity rules"];
      }
    }
    return undefined;
  }

  private bind(pod: KObject, node: string, r: PodRequests): void {
    const key = keyOf(pod);
    const namespace = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    this.assumed.add(key);
    this.cache.addPod(pod, node, r);
    this.ctx!.client.create(R.pods, namespace, { apiVersion: "v1", kind: "Binding", metadata: { name, namespace }, target: { apiVersion: "v1", kind: "Node", name: node } }, { name, subresource: "binding" }).then(
      () => {
        this.bound++;
        this.events!.record(pod, "Normal", "Scheduled", `Successfully assigned ${namespace}/${name} to ${node}`, { component: "default-scheduler" });
      },
      (e) => {
        // Forget the assumption unless the informer has shown the pod bound meanwhile.
        if (this.assumed.delete(key)) this.cache.removeKey(key);
        if (isNotFound(e)) return;
        const cur = this.pods!.get(namespace, name);
        if (cur && this.isPending(cur)) {
          this.active.add(key);
          this.kick();
        }
      },
    );
  }

  private unschedulable(pod: KObject, message: string): void {
    const key = keyOf(pod);
    this.parked.set(key, message);
    this.events!.record(pod, "Warning", "FailedScheduling", message, { component: "default-scheduler" });
    const cond = (pod.status?.conditions ?? []).find((c: KObject) => c.type === "PodScheduled");
    if (cond?.status === "False" && cond.reason === "Unschedulable" && cond.message === message) return;
    const conditions = (pod.status?.conditions ?? []).filter((c: KObject) => c.type !== "PodScheduled");
    conditions.push({ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: rfc3339(this.ctx!.clock.now()), reason: "Unschedulable", message });
    const namespace = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    this.ctx!.client.patch(R.pods, namespace, name, "merge", { status: { conditions } }, "status").catch(() => {});
  }
}

/** NodeResourcesLeastAllocated: the mean free share of cpu and memory after placing the pod, 0–100. */
function leastAllocated(ni: NodeInfo, r: PodRequests): number {
  const free = (alloc: number, used: number) => (alloc <= 0 || used > alloc ? 0 : ((alloc - used) * 100) / alloc);
  return (free(ni.alloc.cpu, ni.nonzeroCPU + r.nonzeroCPU) + free(ni.alloc.memory, ni.nonzeroMemory + r.nonzeroMemory)) / 2;
}

/** FitError.Error(): "0/N nodes are available: <sorted counts>. preemption: ...". */
export function diagnosis(total: number, reasons: Map<string, number>): string {
  if (total === 0) return "no nodes available to schedule pods";
  const hist = (m: Map<string, number>) =>
    [...m]
      .map(([r, n]) => `${n} ${r}`)
      .sort()
      .join(", ");
  // Preemption's view: a node is hopeless when any of its reasons is unresolvable.
  let hopeless = 0;
  for (const [r, n] of reasons) if (UNRESOLVABLE.test(r)) hopeless += n;
  hopeless = Math.min(hopeless, total);
  const pre = new Map<string, number>();
  if (hopeless) pre.set("Preemption is not helpful for scheduling", hopeless);
  if (total - hopeless) pre.set("No preemption victims found for incoming pod", total - hopeless);
  return `0/${total} nodes are available: ${hist(reasons)}. preemption: 0/${total} nodes are available: ${hist(pre)}.`;
}

function specOrLabelsSame(a: KObject, b: KObject): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec) && JSON.stringify(a.metadata?.labels) === JSON.stringify(b.metadata?.labels);
}
