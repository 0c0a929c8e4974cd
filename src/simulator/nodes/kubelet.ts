// The simulated kubelets of every node a NodeController runs, as one
// controller: for each pod bound to a running simulated node it selects the
// first matching stage, waits the stage's delay on the clock, re-checks the
// pod, and writes the change (one status update, or a delete) plus the
// stage's events. A stopped node's pods are left alone until it starts.
import { isConflict, type KObject, R } from "../../apiserver/client.ts";
import type { TimerHandle } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { keyOf } from "../kube/informer.ts";
import { type EventRecorder, recorderFor } from "../events.ts";
import type { NodeController } from "./nodeController.ts";
import { DEFAULT_POD_STAGES } from "./podStages.ts";
import { applyChange, DEFAULT_KNOBS, type KubeletKnobs, type Stage, type StageEnv, selectorMatches, selectStage, stageDelay } from "./stages.ts";

export type KubeletOptions = {
  stages?: readonly Stage[];
  knobs?: Partial<KubeletKnobs>;
  recordEvents?: boolean;
};

type Pending = { stage: string; timer: TimerHandle };

/** Pod IPs of one node: .2 to .254 of its /24. */
class IPPool {
  private readonly prefix: string;
  private readonly used = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 2;

  constructor(cidr: string) {
    this.prefix = cidr.split(".").slice(0, 3).join(".");
  }

  take(key: string): string {
    let n = this.used.get(key);
    if (n === undefined) {
      n = this.free.pop() ?? (this.next <= 254 ? this.next++ : 0);
      if (n === 0) throw new Error(`pod CIDR ${this.prefix}.0/24 is exhausted`);
      this.used.set(key, n);
    }
    return `${this.prefix}.${n}`;
  }

  /** Marks an IP seen on an existing pod as taken. */
  adopt(key: string, ip: string): void {
    if (!ip.startsWith(`${this.prefix}.`) || this.used.has(key)) return;
    const n = Number(ip.slice(this.prefix.length + 1));
    this.used.set(key, n);
    if (n >= this.next) {
      for (let i = this.next; i < n; i++) this.free.push(i);
      this.next = n + 1;
    } else {
      const at = this.free.indexOf(n);
      if (at >= 0) this.free.splice(at, 1);
    }
  }

  release(key: string): void {
    const n = this.used.get(key);
    if (n === undefined) return;
    this.used.delete(key);
    this.free.push(n);
  }
}

export class Kubelet implements SimController {
  readonly name = "kubelet";
  readonly component = "kubelet";
  private readonly nodes: NodeController;
  private readonly stages: readonly Stage[];
  private readonly knobs: KubeletKnobs;
  private readonly recordEvents: boolean;
  private readonly pending = new Map<string, Pending>();
  private readonly pools = new Map<string, IPPool>();
  private ctx?: SimContext;
  private pods?: Informer;
  private events?: EventRecorder;
  private stopped = false;
  /** Stage transitions written since start, by stage name (for benchmarks and tests). */
  readonly transitions = new Map<string, number>();

  constructor(nodes: NodeController, opts: KubeletOptions = {}) {
    this.nodes = nodes;
    this.stages = opts.stages ?? DEFAULT_POD_STAGES;
    this.knobs = { ...DEFAULT_KNOBS, ...opts.knobs };
    for (const [k, v] of Object.entries(this.knobs)) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`kubelet knob ${k} must be a non-negative number`);
    this.recordEvents = opts.recordEvents ?? true;
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.events = recorderFor(ctx);
    this.events.enabled = this.recordEvents;
    this.pods = ctx.informer(R.pods).addIndex("nodeName", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.pods.on({
      add: (p) => this.observe(p),
      update: (_o, p) => this.observe(p),
      delete: (p) => this.forget(p),
    });
    this.nodes.onNodeChange((name, running) => {
      for (const p of this.pods!.byIndex("nodeName", name)) {
        if (running) this.observe(p);
        else this.cancel(keyOf(p));
      }
    });
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) p.timer.cancel();
    this.pending.clear();
  }

  private pool(node: string): IPPool | undefined {
    let pool = this.pools.get(node);
    if (!pool) {
      const spec = this.nodes.spec(node);
      if (!spec) return undefined;
      pool = new IPPool(spec.podCIDR);
      this.pools.set(node, pool);
    }
    return pool;
  }

  private observe(pod: KObject): void {
    const node = pod.spec?.nodeName;
    if (!node || this.stopped) return;
    const key = keyOf(pod);
    const pool = this.pool(node);
    if (!pool) return; // Not a node we simulate.
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") pool.release(key);
    else if (pod.status?.podIP && !pod.spec?.hostNetwork) pool.adopt(key, pod.status.podIP);
    if (!this.nodes.isRunning(node)) return;
    const stage = selectStage(this.stages, pod);
    const cur = this.pending.get(key);
    if (cur && cur.stage === stage?.name) return;
    cur?.timer.cancel();
    this.pending.delete(key);
    if (!stage) return;
    const delay = stageDelay(stage, pod, this.knobs);
    const run = () => void this.apply(key, stage);
    // A zero delay runs now-ish, whatever the clock; a fake clock would hold it until advanced.
    const timer: TimerHandle =
      delay > 0
        ? this.ctx!.clock.after(delay, run)
        : (() => {
            const t = setImmediate(run);
            return { cancel: () => clearImmediate(t) };
          })();
    this.pending.set(key, { stage: stage.name, timer });
  }

  private cancel(key: string): void {
    this.pending.get(key)?.timer.cancel();
    this.pending.delete(key);
  }

  private forget(pod: KObject): void {
    const key = keyOf(pod);
    this.cancel(key);
    if (pod.spec?.nodeName) this.pools.get(pod.spec.nodeName)?.release(key);
  }

  private async apply(key: string, stage: Stage): Promise<void> {
    if (this.pending.get(key)?.stage === stage.name) this.pending.delete(key);
    const [ns, name] = key.split("/");
    const pod = this.pods!.get(ns, name);
    const node = pod?.spec?.nodeName;
    if (!pod || !node || this.stopped || !this.nodes.isRunning(node)) return;
    if (!selectorMatches(stage.selector, pod)) return this.observe(pod);
    const spec = this.nodes.spec(node)!;
    const env: StageEnv = { now: this.ctx!.clock.now(), nodeName: node, hostIP: spec.internalIP, podIP: () => this.pool(node)!.take(key) };
    const change = stage.next(pod, env);
    const { client } = this.ctx!;
    try {
      if (change.delete) await client.delete(R.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
      else if (change.status) await client.update(R.pods, ns, applyChange(pod, change), "status");
    } catch (e) {
      // A conflict means the cache is behind: the newer pod comes, and selects again.
      if (isConflict(e)) setImmediate(() => this.retry(key));
      return;
    }
    this.transitions.set(stage.name, (this.transitions.get(stage.name) ?? 0) + 1);
    for (const ev of change.events ?? []) this.events!.record(pod, ev.type, ev.reason, ev.message, { component: "kubelet", host: node }, ev.fieldPath);
  }

  private retry(key: string): void {
    const [ns, name] = key.split("/");
    const pod = this.pods!.get(ns, name);
    if (pod) this.observe(pod);
  }
}
