// The horizontal pod autoscaler (autoscaling/v2), after
// pkg/controller/podautoscaler/horizontal.go: every sync period each HPA
// reads its target's scale, the metrics of the target's pods from
// metrics.k8s.io, proposes a replica count per metric (the largest wins),
// passes it through the behavior's stabilization window and rate limits,
// and writes the scale subresource. Status carries the current metrics and
// the AbleToScale, ScalingActive and ScalingLimited conditions. Resource
// metrics (cpu, memory; Utilization and AverageValue) are served; other
// metric types report ScalingActive=False.
import { type KObject, type KubeClient, R, type Resource } from "../../apiserver/client.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import { type Informer, keyOf } from "../kube/informer.ts";
import { WorkQueue } from "../kube/workQueue.ts";
import { BehaviorState, behaviorOf } from "./behavior.ts";
import { type EventRecorder, recorderFor } from "../events.ts";
import { R_POD_METRICS } from "./MetricsServer.ts";
import { quantity } from "./quantity.ts";
import { averageValueReplicas, MetricsError, type PodMetric, podRequests, utilizationReplicas } from "./replicas.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";
import { labelSelectorMatches, selectorString } from "../../apiserver/registry/selectors.ts";

export type HpaControllerOptions = {
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  syncPeriodMs?: number;
};

/** Scale targets by apiVersion/kind. */
const TARGETS: Record<string, Resource> = {
  "apps/v1/Deployment": R.deployments,
  "apps/v1/ReplicaSet": R.replicasets,
  "apps/v1/StatefulSet": R.statefulsets,
};

type Condition = { type: string; status: "True" | "False"; reason: string; message: string };

type MetricResult = { replicas: number; name: string; status: KObject; timestamp: number };

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

const SOURCE = { component: "horizontal-pod-autoscaler" };

export class HpaController implements SimController {
  readonly name = "horizontal-pod-autoscaler";
  private readonly syncPeriodMs: number;
  private client!: KubeClient;
  private clock!: Clock;
  private events!: EventRecorder;
  private hpas!: Informer;
  private pods!: Informer;
  private queue?: WorkQueue;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly state = new Map<string, BehaviorState>();

  constructor(opts: HpaControllerOptions = {}) {
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    if (!(this.syncPeriodMs > 0)) throw new Error("HpaController: syncPeriodMs must be positive");
  }

  async start(ctx: SimContext): Promise<void> {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.events = recorderFor(ctx);
    this.queue = new WorkQueue((key) => this.sync(key), 4);
    this.pods = ctx.informer(R.pods).addIndex("namespace", (p) => [p.metadata?.namespace ?? ""]);
    this.hpas = ctx.informer(R.hpas).on({
      add: (o) => this.queue?.add(keyOf(o)),
      update: (old, o) => {
        if (old.metadata?.generation !== o.metadata?.generation) this.queue?.add(keyOf(o));
      },
      delete: (o) => {
        const k = keyOf(o);
        this.timers.get(k)?.cancel();
        this.timers.delete(k);
        this.state.delete(k);
      },
    });
  }

  stop(): void {
    this.queue?.stop();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split("/");
    const hpa = this.hpas.get(namespace, name);
    this.timers.get(key)?.cancel();
    if (!hpa) return;
    try {
      await this.reconcile(key, cloneJson(hpa));
    } finally {
      this.timers.set(key, this.clock.after(this.syncPeriodMs, () => this.queue?.add(key)));
    }
  }

  private async reconcile(key: string, hpa: KObject): Promise<void> {
    const now = this.clock.now();
    const ns = hpa.metadata?.namespace ?? "";
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const conditions: Condition[] = [];
    const set = (type: string, status: "True" | "False", reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const c = { type, status, reason, message };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    const resource = TARGETS[`${ref.apiVersion}/${ref.kind}`];
    let target: KObject;
    try {
      if (!resource) throw new Error(`no scale subresource is served for ${ref.apiVersion}/${ref.kind}`);
      target = await this.client.get(resource, ns, String(ref.name ?? ""));
    } catch (e) {
      const msg = `the HPA controller was unable to get the target's current scale: ${(e as Error).message}`;
      this.events.record(hpa, "Warning", "FailedGetScale", (e as Error).message, SOURCE);
      set("AbleToScale", "False", "FailedGetScale", msg);
      await this.writeStatus(hpa, hpa.status?.currentReplicas ?? 0, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics, conditions, false, now);
      return;
    }
    const current: number = target.spec?.replicas ?? 1;
    set("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");
    const min: number = hpa.spec?.minReplicas ?? 1;
    const max: number = hpa.spec?.maxReplicas ?? 1;
    let desired = 0;
    let reason = "";
    let rescale = true;
    let metrics: KObject[] | undefined = hpa.status?.currentMetrics;
    if (current === 0 && min !== 0) {
      rescale = false;
      set("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (current > max) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      let proposal: { replicas: number; name: string; statuses: KObject[] };
      try {
        proposal = await this.computeReplicas(hpa, target, current, now, set);
      } catch (e) {
        this.events.record(hpa, "Warning", "FailedComputeMetricsReplicas", (e as Error).message, SOURCE);
        await this.writeStatus(hpa, current, hpa.status?.desiredReplicas ?? current, hpa.status?.currentMetrics, conditions, false, now);
        return;
      }
      metrics = proposal.statuses;
      set("ScalingActive", "True", "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${proposal.name}`);
      desired = this.normalize(key, hpa, current, proposal.replicas, min, max, now, set);
      rescale = desired !== current;
      if (desired > current) reason = `${proposal.name} above target`;
      if (desired < current) reason = "All metrics below target";
    }
    if (rescale) {
      try {
        await this.client.update(resource, ns, { metadata: { name: ref.name, namespace: ns }, spec: { replicas: desired } }, "scale");
      } catch (e) {
        set("AbleToScale", "False", "FailedUpdateScale", `the HPA controller was unable to update the target scale: ${(e as Error).message}`);
        this.events.record(hpa, "Warning", "FailedRescale", `New size: ${desired}; reason: ${reason}; error: ${(e as Error).message}`, SOURCE);
        await this.writeStatus(hpa, current, hpa.status?.desiredReplicas ?? current, metrics, conditions, false, now);
        return;
      }
      set("AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
      this.events.record(hpa, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`, SOURCE);
      this.behavior(key).recordScale(behaviorOf(hpa), current, desired, now);
    } else {
      desired = current;
    }
    await this.writeStatus(hpa, current, desired, metrics, conditions, rescale, now);
  }

  private behavior(key: string): BehaviorState {
    let s = this.state.get(key);
    if (!s) {
      s = new BehaviorState();
      this.state.set(key, s);
    }
    return s;
  }

  /** normalizeDesiredReplicasWithBehaviors: stabilization, then rate limits and bounds. */
  private normalize(
    key: string,
    hpa: KObject,
    current: number,
    proposed: number,
    min: number,
    max: number,
    now: number,
    set: (type: string, status: "True" | "False", reason: string, message: string) => void,
  ): number {
    const b = behaviorOf(hpa);
    const state = this.behavior(key);
    const stabilized = state.stabilize(b, current, proposed, now);
    if (stabilized.replicas !== proposed) set("AbleToScale", "True", stabilized.reason, stabilized.message);
    else set("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
    const limited = state.limit(b, current, stabilized.replicas, min, max, now);
    set("ScalingLimited", limited.replicas === stabilized.replicas ? "False" : "True", limited.reason, limited.message);
    return limited.replicas;
  }

  /** computeReplicasForMetrics: the largest proposal over valid metrics. */
  private async computeReplicas(
    hpa: KObject,
    target: KObject,
    current: number,
    now: number,
    set: (type: string, status: "True" | "False", reason: string, message: string) => void,
  ): Promise<{ replicas: number; name: string; statuses: KObject[] }> {
    const specs: KObject[] = hpa.spec?.metrics ?? [];
    const selector = target.spec?.selector;
    if (!selector) {
      const msg = "the HPA target's scale is missing a selector";
      set("ScalingActive", "False", "InvalidSelector", msg);
      throw new Error(msg);
    }
    const pods = this.pods.byIndex("namespace", target.metadata?.namespace ?? "").filter((p) => labelSelectorMatches(selector, p.metadata?.labels));
    let replicas = 0;
    let name = "";
    let invalid = 0;
    let firstError: Error | undefined;
    const statuses: KObject[] = [];
    for (const spec of specs) {
      try {
        const r = await this.metricReplicas(spec, target, pods, current, now);
        statuses.push(r.status);
        if (r.replicas > replicas) {
          replicas = r.replicas;
          name = r.name;
        }
      } catch (e) {
        invalid++;
        firstError ??= e as Error;
        statuses.push({ type: "" });
        const reason = spec.type === "Resource" ? "FailedGetResourceMetric" : `FailedGet${spec.type}Metric`;
        this.events.record(hpa, "Warning", reason, (e as Error).message, SOURCE);
        set("ScalingActive", "False", reason, `the HPA was unable to compute the replica count: ${(e as Error).message}`);
      }
    }
    if (invalid >= specs.length || (invalid > 0 && replicas < current)) {
      throw new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError?.message ?? "no metrics"}`);
    }
    return { replicas, name, statuses: statuses.filter((s) => s.type) };
  }

  private async metricReplicas(spec: KObject, target: KObject, pods: KObject[], current: number, now: number): Promise<MetricResult> {
    if (spec.type !== "Resource" && spec.type !== "ContainerResource") {
      throw new MetricsError(`unable to get metric ${spec.type}: metric type not served by the simulated metrics API`);
    }
    const src = spec.type === "Resource" ? spec.resource : spec.containerResource;
    const resource = String(src?.name ?? "");
    const container: string | undefined = spec.type === "ContainerResource" ? src.container : undefined;
    const metrics = await this.podMetrics(target, resource, container);
    const t = src?.target ?? {};
    const statusKey = spec.type === "Resource" ? "resource" : "containerResource";
    const base = { name: resource, ...(container ? { container } : {}) };
    if (t.type === "AverageValue" || (t.averageValue !== undefined && t.averageUtilization === undefined)) {
      const targetUsage = Math.round(quantity(t.averageValue) * 1000);
      const r = averageValueReplicas({ currentReplicas: current, targetUsage, resource, pods, metrics, now });
      return {
        replicas: r.replicas,
        name: `${resource} resource`,
        timestamp: now,
        status: { type: spec.type, [statusKey]: { ...base, current: { averageValue: milliQuantity(r.usage) } } },
      };
    }
    if (t.averageUtilization === undefined) throw new MetricsError(`invalid resource metric source: neither a utilization target nor a value target set`);
    const requests = podRequestsFor(pods, resource, container);
    const r = utilizationReplicas({ currentReplicas: current, targetUtilization: t.averageUtilization, resource, pods, metrics, requests, now });
    return {
      replicas: r.replicas,
      name: `${resource} resource utilization (percentage of request)`,
      timestamp: now,
      status: { type: spec.type, [statusKey]: { ...base, current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.raw) } } },
    };
  }

  /** Per-pod usage of a resource (milli-units) from metrics.k8s.io, summed over containers (or one container). */
  private async podMetrics(target: KObject, resource: string, container?: string): Promise<Map<string, PodMetric>> {
    const ns = target.metadata?.namespace ?? "";
    let list: KObject[];
    try {
      list = (await this.client.list(R_POD_METRICS, ns, { labelSelector: selectorString(target.spec?.selector) ?? "" })).items;
    } catch (e) {
      throw new MetricsError(`unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${(e as Error).message}`);
    }
    if (list.length === 0) throw new MetricsError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
    const out = new Map<string, PodMetric>();
    for (const m of list) {
      let sum = 0;
      let found = false;
      for (const c of m.containers ?? []) {
        if (container !== undefined && c.name !== container) continue;
        if (c.usage?.[resource] === undefined) continue;
        sum += Math.round(quantity(c.usage[resource]) * 1000);
        found = true;
      }
      if (!found) continue;
      out.set(m.metadata?.name ?? "", { value: sum, timestamp: Date.parse(m.timestamp), windowMs: parseWindow(m.window) });
    }
    return out;
  }

  private async writeStatus(
    hpa: KObject,
    current: number,
    desired: number,
    metrics: KObject[] | undefined,
    conditions: Condition[],
    rescaled: boolean,
    now: number,
  ): Promise<void> {
    const old = hpa.status ?? {};
    const t = iso(now);
    const status: KObject = {
      observedGeneration: hpa.metadata?.generation,
      ...(rescaled ? { lastScaleTime: t } : old.lastScaleTime ? { lastScaleTime: old.lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      ...(metrics?.length ? { currentMetrics: metrics } : {}),
      conditions: conditions.map((c) => {
        const prev = (old.conditions ?? []).find((p: any) => p.type === c.type);
        return { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : t };
      }),
    };
    if (JSON.stringify(status) === JSON.stringify(old)) return;
    await this.client.update(R.hpas, hpa.metadata?.namespace ?? "", { ...hpa, status }, "status");
  }
}

function podRequestsFor(pods: KObject[], resource: string, container?: string): Map<string, number> {
  if (container === undefined) return podRequests(pods, resource, quantity);
  const only = pods.map((p) => ({ ...p, spec: { ...p.spec, containers: (p.spec?.containers ?? []).filter((c: any) => c.name === container) } }));
  return podRequests(only, resource, quantity);
}

function milliQuantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function parseWindow(w: unknown): number {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(w ?? ""));
  return m ? Number(m[1]) * 1000 : 0;
}


