// The node lifecycle controller (kube-controller-manager's nodelifecycle and
// taint-eviction controllers, trimmed):
//  - every monitorPeriodMs, a node whose Lease (or Ready heartbeat) has not
//    changed for gracePeriodMs of clock time gets Ready=Unknown and its
//    other conditions Unknown ("Kubelet stopped posting node status."), a
//    NodeNotReady event, and its pods are marked not Ready;
//  - a node's Ready condition decides its condition taints: Unknown →
//    node.kubernetes.io/unreachable, False → node.kubernetes.io/not-ready,
//    each NoSchedule and NoExecute; True removes them;
//  - pods on a node with NoExecute taints are deleted once their toleration
//    runs out: at once without a toleration, after tolerationSeconds, never
//    with a toleration without seconds. The API server's
//    DefaultTolerationSeconds admission gives every pod 300 s tolerations of
//    the not-ready and unreachable taints unless it has its own.
import { type KObject, R } from "../../apiserver/client.ts";
import type { TimerHandle } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { keyOf } from "../kube/informer.ts";
import { EventRecorder, rfc3339 } from "../events.ts";
import { type Taint, type Toleration, tolerates } from "./predicates.ts";

export type NodeLifecycleOptions = {
  monitorPeriodMs?: number;
  /** nodeMonitorGracePeriod. */
  gracePeriodMs?: number;
};

export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
const UNKNOWN_REASON = "NodeStatusUnknown";
const UNKNOWN_MESSAGE = "Kubelet stopped posting node status.";

type Health = { renew?: string; heartbeat?: string; probeAt: number };

export class NodeLifecycleController implements SimController {
  readonly name = "node-lifecycle";
  private readonly opts: Required<NodeLifecycleOptions>;
  private ctx?: SimContext;
  private nodes?: Informer;
  private pods?: Informer;
  private events?: EventRecorder;
  private readonly health = new Map<string, Health>();
  private readonly evictions = new Map<string, { at: number; timer: TimerHandle }>();
  private timer?: TimerHandle;
  private stopped = false;

  constructor(opts: NodeLifecycleOptions = {}) {
    this.opts = {
      monitorPeriodMs: opts.monitorPeriodMs ?? 5000,
      gracePeriodMs: opts.gracePeriodMs ?? 40_000,
    };
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.events = new EventRecorder(ctx.client, ctx.clock);
    this.nodes = ctx.informer(R.nodes);
    this.pods = ctx.informer(R.pods).addIndex("nodeName", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    const leases = ctx.informer(R.leases);
    leases.on({
      add: (l) => this.observeLease(l),
      update: (_o, l) => this.observeLease(l),
    });
    this.nodes.on({
      add: (n) => {
        this.observeNode(n);
        this.record(n, "Normal", "RegisteredNode", `Node ${n.metadata?.name} event: Registered Node ${n.metadata?.name} in Controller`);
        void this.reconcileTaints(n);
      },
      update: (_o, n) => {
        this.observeNode(n);
        void this.reconcileTaints(n);
      },
      delete: (n) => {
        const name = n.metadata?.name ?? "";
        this.health.delete(name);
        for (const p of this.pods!.byIndex("nodeName", name)) this.cancelEviction(keyOf(p));
      },
    });
    this.pods.on({
      add: (p) => this.podChanged(p),
      update: (_o, p) => this.podChanged(p),
      delete: (p) => this.cancelEviction(keyOf(p)),
    });
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    for (const e of this.evictions.values()) e.timer.cancel();
    this.evictions.clear();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.ctx!.clock.after(this.opts.monitorPeriodMs, () => {
      void this.monitor().finally(() => this.arm());
    });
  }

  private healthOf(name: string): Health {
    let h = this.health.get(name);
    if (!h) {
      h = { probeAt: this.ctx!.clock.now() };
      this.health.set(name, h);
    }
    return h;
  }

  /** A changed renewTime is a sign of life, timed by our own clock (probeTimestamp upstream). */
  private observeLease(l: KObject): void {
    if (l.metadata?.namespace !== "kube-node-lease") return;
    const h = this.healthOf(l.metadata.name ?? "");
    const renew = l.spec?.renewTime;
    if (renew !== h.renew) {
      h.renew = renew;
      h.probeAt = this.ctx!.clock.now();
    }
  }

  private observeNode(n: KObject): void {
    const h = this.healthOf(n.metadata?.name ?? "");
    const ready = readyCondition(n);
    if (ready?.status !== "Unknown" && ready?.lastHeartbeatTime !== h.heartbeat) {
      h.heartbeat = ready?.lastHeartbeatTime;
      h.probeAt = this.ctx!.clock.now();
    }
  }

  /** monitorNodeHealth: silent nodes become Unknown. */
  private async monitor(): Promise<void> {
    const now = this.ctx!.clock.now();
    for (const n of this.nodes!.list()) {
      const h = this.healthOf(n.metadata?.name ?? "");
      if (now - h.probeAt <= this.opts.gracePeriodMs) continue;
      if (readyCondition(n)?.status === "Unknown") continue;
      await this.markUnknown(n);
    }
  }

  private async markUnknown(n: KObject): Promise<void> {
    const { client, clock } = this.ctx!;
    const name = n.metadata?.name ?? "";
    const now = rfc3339(clock.now());
    const conditions = (n.status?.conditions ?? []).map((c: KObject) =>
      ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].includes(c.type) && c.status !== "Unknown"
        ? { ...c, status: "Unknown", reason: UNKNOWN_REASON, message: UNKNOWN_MESSAGE, lastTransitionTime: now }
        : c,
    );
    try {
      await client.patch(R.nodes, "", name, "merge", { status: { conditions } }, "status");
    } catch {
      return; // The next monitor pass tries again.
    }
    this.record(n, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
    // MarkPodsNotReady.
    for (const p of this.pods!.byIndex("nodeName", name)) {
      const conds: KObject[] = p.status?.conditions ?? [];
      if (!conds.some((c) => c.type === "Ready" && c.status === "True")) continue;
      const next = conds.map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False", lastTransitionTime: now } : c));
      await client.patch(R.pods, p.metadata?.namespace ?? "", p.metadata?.name ?? "", "merge", { status: { conditions: next } }, "status").catch(() => {});
      this.events!.record(p, "Warning", "NodeNotReady", "Node is not ready", { component: "node-controller" });
    }
  }

  /** Keeps the condition taints in line with the Ready condition, then (re)plans evictions. */
  private async reconcileTaints(n: KObject): Promise<void> {
    const name = n.metadata?.name ?? "";
    const status = readyCondition(n)?.status;
    const want = status === "Unknown" ? TAINT_UNREACHABLE : status === "False" ? TAINT_NOT_READY : undefined;
    const taints: Taint[] = n.spec?.taints ?? [];
    const others = taints.filter((t) => t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY);
    const have = taints.filter((t) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY);
    const ok = want ? have.length === 2 && have.every((t) => t.key === want) && new Set(have.map((t) => t.effect)).size === 2 : have.length === 0;
    if (!ok) {
      const at = rfc3339(this.ctx!.clock.now());
      const next = want ? [...others, { key: want, effect: "NoSchedule", timeAdded: at }, { key: want, effect: "NoExecute", timeAdded: at }] : others;
      try {
        await this.ctx!.client.update(R.nodes, "", { ...n, spec: { ...n.spec, taints: next.length ? next : undefined } });
      } catch {
        // A conflict brings a newer node, and another reconcile.
      }
      return;
    }
    for (const p of this.pods!.byIndex("nodeName", name)) this.planEviction(p, taints);
  }

  private podChanged(p: KObject): void {
    const node = p.spec?.nodeName ? this.nodes?.get("", p.spec.nodeName) : undefined;
    if (node) this.planEviction(p, node.spec?.taints ?? []);
    else this.cancelEviction(keyOf(p));
  }

  /** The taint manager's decision for one pod: evict now, at a time, or never. */
  private planEviction(p: KObject, taints: Taint[]): void {
    const key = keyOf(p);
    const noExecute = taints.filter((t) => t.effect === "NoExecute");
    if (!noExecute.length || p.metadata?.deletionTimestamp) {
      this.cancelEviction(key);
      return;
    }
    const tolerations: Toleration[] = p.spec?.tolerations ?? [];
    let seconds = Number.POSITIVE_INFINITY;
    let since = this.ctx!.clock.now();
    for (const t of noExecute) {
      const matching = tolerations.filter((tol) => tolerates(tol, t));
      if (!matching.length) {
        seconds = 0;
        break;
      }
      for (const tol of matching) if (typeof tol.tolerationSeconds === "number") seconds = Math.min(seconds, Math.max(0, tol.tolerationSeconds));
      if (t.timeAdded) since = Math.min(since, Date.parse(t.timeAdded));
    }
    if (seconds === Number.POSITIVE_INFINITY) {
      this.cancelEviction(key);
      return;
    }
    const at = seconds === 0 ? this.ctx!.clock.now() : since + seconds * 1000;
    const planned = this.evictions.get(key);
    if (planned?.at === at) return;
    planned?.timer.cancel();
    const timer = this.ctx!.clock.after(at - this.ctx!.clock.now(), () => void this.evict(key));
    this.evictions.set(key, { at, timer });
  }

  private cancelEviction(key: string): void {
    this.evictions.get(key)?.timer.cancel();
    this.evictions.delete(key);
  }

  private async evict(key: string): Promise<void> {
    this.evictions.delete(key);
    const [ns, name] = key.split("/");
    const p = this.pods!.get(ns, name);
    if (!p || p.metadata?.deletionTimestamp) return;
    this.events!.record(p, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`, { component: "taint-eviction-controller" });
    await this.ctx!.client.delete(R.pods, ns, name, { preconditions: { uid: p.metadata?.uid } }).catch(() => {});
  }

  private record(n: KObject, type: "Normal" | "Warning", reason: string, message: string): void {
    this.events!.record({ apiVersion: "v1", kind: "Node", metadata: { name: n.metadata?.name } }, type, reason, message, { component: "node-controller" });
  }
}

const readyCondition = (n: KObject): KObject | undefined => (n.status?.conditions ?? []).find((c: KObject) => c.type === "Ready");

