// The simulated kubelets' node side: register each node of the profiles,
// renew its Lease in kube-node-lease every leaseRenewMs of clock time, and
// post the node's conditions every statusReportMs (kubelet's
// nodeStatusReportFrequency: with leases, status is reported rarely). A
// stopped node does neither, and its kubelet (kubelet.ts) stops acting on
// pods, so the node lifecycle controller sees it go silent.
import { isConflict, isNotFound, type KObject, KubeError, R } from "../../apiserver/client.ts";
import type { TimerHandle } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { type EventRecorder, microTime, recorderFor, rfc3339 } from "../events.ts";
import { healthyConditions, type NodeProfile, type NodeSpec, nodeObject, nodeSpec, resolveProfile } from "./profile.ts";

export type NodeControllerOptions = {
  /** Node pools; each a partial profile over DEFAULT_PROFILE. Pools need distinct name prefixes. */
  profiles?: Partial<NodeProfile>[];
  /** Lease renewal interval (kubelet: 10 s, a quarter of the 40 s lease duration). */
  leaseRenewMs?: number;
  leaseDurationSeconds?: number;
  /** How often a healthy node posts its conditions anyway (kubelet's nodeStatusReportFrequency, 5 m). */
  statusReportMs?: number;
  /** Granularity of the heartbeat loop; renewals are spread over the interval. */
  tickMs?: number;
};

export const LEASE_NAMESPACE = "kube-node-lease";

type NodeState = { spec: NodeSpec; running: boolean; nextLease: number; nextStatus: number; lease?: KObject };

export type NodeListener = (name: string, running: boolean) => void;

export class NodeController implements SimController {
  readonly name = "nodes";
  /** Nodes register, post their status and renew their Leases as their kubelets. */
  readonly component = "kubelet";
  private readonly opts: Required<Omit<NodeControllerOptions, "profiles">>;
  private readonly specs: NodeSpec[] = [];
  private readonly states = new Map<string, NodeState>();
  private readonly listeners: NodeListener[] = [];
  private ctx?: SimContext;
  private nodes?: Informer;
  private events?: EventRecorder;
  private timer?: TimerHandle;
  private stopped = false;

  constructor(opts: NodeControllerOptions = {}) {
    this.opts = {
      leaseRenewMs: opts.leaseRenewMs ?? 10_000,
      leaseDurationSeconds: opts.leaseDurationSeconds ?? 40,
      statusReportMs: opts.statusReportMs ?? 5 * 60_000,
      tickMs: opts.tickMs ?? 1000,
    };
    const pools = (opts.profiles ?? [{}]).map(resolveProfile);
    const prefixes = new Set(pools.map((p) => p.namePrefix));
    if (prefixes.size !== pools.length) throw new Error("node pools need distinct name prefixes");
    for (const p of pools) for (let i = 0; i < p.count; i++) this.specs.push(nodeSpec(p, i, this.specs.length));
  }

  /** The simulated nodes, in registration order. */
  nodeSpecs(): readonly NodeSpec[] {
    return this.specs;
  }

  spec(name: string): NodeSpec | undefined {
    return this.states.get(name)?.spec ?? this.specs.find((s) => s.name === name);
  }

  isRunning(name: string): boolean {
    return this.states.get(name)?.running ?? false;
  }

  /** Tells fn whenever a node stops or starts. */
  onNodeChange(fn: NodeListener): void {
    this.listeners.push(fn);
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.nodes = ctx.informer(R.nodes);
    this.events = recorderFor(ctx);
    await ctx.client.create(R.namespaces, "", { metadata: { name: LEASE_NAMESPACE } }).catch(ignoreExists);
    const now = ctx.clock.now();
    for (const spec of this.specs) {
      // Spread the renewals over the interval, as independent kubelets would be.
      const offset = Math.floor(((spec.index * 7919) % 1000) / 1000 * this.opts.leaseRenewMs);
      const st: NodeState = { spec, running: true, nextLease: now + offset, nextStatus: now + this.opts.statusReportMs + offset };
      this.states.set(spec.name, st);
      await this.register(st);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** A fault: the node's kubelet goes silent (no lease, no status, no pod work). */
  stopNode(name: string): void {
    const st = this.mustState(name);
    if (!st.running) return;
    st.running = false;
    for (const l of this.listeners) l(name, false);
  }

  /** The node's kubelet comes back: it renews its lease and posts Ready at once. */
  async startNode(name: string): Promise<void> {
    const st = this.mustState(name);
    if (st.running) return;
    st.running = true;
    const now = this.ctx!.clock.now();
    this.recordNode(name, "Normal", "Starting", "Starting kubelet.");
    await this.renewLease(st);
    await this.postStatus(st);
    st.nextLease = now + this.opts.leaseRenewMs;
    st.nextStatus = now + this.opts.statusReportMs;
    for (const l of this.listeners) l(name, true);
  }

  private mustState(name: string): NodeState {
    const st = this.states.get(name);
    if (!st) throw new Error(`node "${name}" is not simulated here`);
    return st;
  }

  private async register(st: NodeState): Promise<void> {
    const { client, clock, cluster } = this.ctx!;
    const now = rfc3339(clock.now());
    const node = nodeObject(st.spec, cluster, now);
    try {
      const created = await client.create(R.nodes, "", node);
      if (created.status?.capacity) {
        await this.renewLease(st);
        this.registeredEvents(st.spec.name);
        return;
      }
      this.registeredEvents(st.spec.name);
    } catch (e) {
      if (!isConflict(e) && !(e instanceof KubeError && e.reason === "AlreadyExists")) throw e;
    }
    // The create strategy may drop status, and a node from an earlier run may be stale.
    await this.postStatus(st);
    await this.renewLease(st);
  }

  private registeredEvents(name: string): void {
    this.recordNode(name, "Normal", "Starting", "Starting kubelet.");
    for (const c of ["NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID", "NodeReady"]) {
      this.recordNode(name, "Normal", c, `Node ${name} status is now: ${c}`);
    }
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.ctx!.clock.after(this.opts.tickMs, () => {
      void this.tick().finally(() => this.arm());
    });
  }

  private async tick(): Promise<void> {
    const now = this.ctx!.clock.now();
    const work: Promise<void>[] = [];
    for (const st of this.states.values()) {
      if (!st.running) continue;
      if (now >= st.nextLease) {
        st.nextLease += this.opts.leaseRenewMs * Math.max(1, Math.ceil((now - st.nextLease + 1) / this.opts.leaseRenewMs));
        work.push(this.renewLease(st));
      }
      if (now >= st.nextStatus) {
        st.nextStatus += this.opts.statusReportMs * Math.max(1, Math.ceil((now - st.nextStatus + 1) / this.opts.statusReportMs));
        work.push(this.postStatus(st));
      }
    }
    await Promise.all(work);
  }

  private leaseObject(st: NodeState): KObject {
    const node = this.nodes?.get("", st.spec.name);
    return {
      metadata: {
        name: st.spec.name,
        namespace: LEASE_NAMESPACE,
        ...(node?.metadata?.uid ? { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: st.spec.name, uid: node.metadata.uid }] } : {}),
      },
      spec: { holderIdentity: st.spec.name, leaseDurationSeconds: this.opts.leaseDurationSeconds, renewTime: microTime(this.ctx!.clock.now()) },
    };
  }

  /** Renews the lease with an update of the last written copy; a conflict or a missing lease is repaired once. */
  private async renewLease(st: NodeState): Promise<void> {
    const { client, clock } = this.ctx!;
    const renewTime = microTime(clock.now());
    try {
      if (st.lease) {
        st.lease = await client.update(R.leases, LEASE_NAMESPACE, { ...st.lease, spec: { ...st.lease.spec, renewTime } });
        return;
      }
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) return;
    }
    try {
      const current = await client.get(R.leases, LEASE_NAMESPACE, st.spec.name).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      st.lease = current
        ? await client.update(R.leases, LEASE_NAMESPACE, { ...current, spec: { ...current.spec, holderIdentity: st.spec.name, renewTime } })
        : await client.create(R.leases, LEASE_NAMESPACE, this.leaseObject(st));
    } catch {
      st.lease = undefined; // Retried at the next renewal.
    }
  }

  /** Posts the kubelet's conditions: healthy, with transition times kept unless a condition changes. */
  private async postStatus(st: NodeState): Promise<void> {
    const { client, clock } = this.ctx!;
    const now = rfc3339(clock.now());
    const current = this.nodes?.get("", st.spec.name) ?? (await client.get(R.nodes, "", st.spec.name).catch(() => undefined));
    if (!current) return;
    const old = new Map<string, KObject>((current.status?.conditions ?? []).map((c: KObject) => [c.type, c]));
    const conditions = healthyConditions(now, now).map((c) => {
      const prev = old.get(c.type);
      return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
    });
    const wasReady = old.get("Ready")?.status === "True";
    try {
      const patch: KObject = { status: { conditions } };
      if (!current.status?.capacity) {
        const fresh = nodeObject(st.spec, this.ctx!.cluster, now);
        patch.status = { ...fresh.status, conditions };
      }
      await client.patch(R.nodes, "", st.spec.name, "merge", patch, "status");
      if (!wasReady && old.size) this.recordNode(st.spec.name, "Normal", "NodeReady", `Node ${st.spec.name} status is now: NodeReady`);
    } catch {
      // The next report retries.
    }
  }

  private recordNode(name: string, type: "Normal" | "Warning", reason: string, message: string): void {
    this.events?.record({ apiVersion: "v1", kind: "Node", metadata: { name } }, type, reason, message, { component: "kubelet", host: name });
  }
}

function ignoreExists(e: unknown): void {
  if (e instanceof KubeError && (e.code === 409 || e.reason === "AlreadyExists")) return;
  throw e;
}
