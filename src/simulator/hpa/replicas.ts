// The HPA's replica calculator (pkg/controller/podautoscaler/
// replica_calculator.go) for Resource metrics: pure functions over the
// target's pods, their metrics and the clock. Values are in milli-units, as
// upstream's are, so the integer arithmetic matches.
import type { KObject } from "../../apiserver/client.ts";

export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
const INITIAL_READINESS_DELAY_MS = 30_000;

/** A pod's metric: usage in milli-units, when it was taken, over which window. */
export type PodMetric = { value: number; timestamp: number; windowMs: number };

export class MetricsError extends Error {}

type Groups = { readyPodCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string> };

const time = (s: unknown) => (typeof s === "string" ? Date.parse(s) : Number.NaN);

function groupPods(pods: KObject[], metrics: Map<string, PodMetric>, resource: string, now: number): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp || phase === "Failed" || phase === "Pending") {
      g.ignored.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const cond = (pod.status?.conditions ?? []).find((c: any) => c?.type === "Ready");
      const start = time(pod.status?.startTime);
      let unready: boolean;
      if (!cond || Number.isNaN(start)) unready = true;
      else {
        const transition = time(cond.lastTransitionTime);
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
          unready = cond.status === "False" || metric.timestamp < transition + metric.windowMs;
        } else {
          unready = cond.status === "False" && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** Each pod's summed container requests of a resource, in milli-units; throws when a container has none. */
export function podRequests(pods: KObject[], resource: string, quantity: (v: unknown) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      const req = c.resources?.requests?.[resource];
      if (req === undefined) throw new MetricsError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}`);
      sum += Math.round(quantity(req) * 1000);
    }
    out.set(pod.metadata?.name ?? "", sum);
  }
  return out;
}

function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, target: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    entries++;
  }
  if (requestsTotal === 0) throw new MetricsError("no metrics returned matched known pods");
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, raw: Math.trunc(metricsTotal / entries) };
}

function usageRatio(metrics: Map<string, PodMetric>, target: number) {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / target, usage };
}

function prepare(pods: KObject[], metrics: Map<string, PodMetric>, resource: string, now: number) {
  if (pods.length === 0) throw new MetricsError("no pods returned by selector while calculating replica count");
  const g = groupPods(pods, metrics, resource, now);
  const m = new Map(metrics);
  for (const n of g.ignored) m.delete(n);
  for (const n of g.unready) m.delete(n);
  if (m.size === 0) throw new MetricsError("did not receive metrics for targeted pods (pods might be unready)");
  return { g, m };
}

/**
 * Replicas for a Utilization target (GetResourceReplicas): returns the
 * proposal, the current average utilization (percent of request) and the
 * raw average usage (milli-units).
 */
export function utilizationReplicas(args: {
  currentReplicas: number;
  targetUtilization: number;
  resource: string;
  pods: KObject[];
  metrics: Map<string, PodMetric>;
  requests: Map<string, number>;
  now: number;
}): { replicas: number; utilization: number; raw: number } {
  const { currentReplicas, targetUtilization, requests } = args;
  const { g, m } = prepare(args.pods, args.metrics, args.resource, args.now);
  const { ratio, utilization, raw } = utilizationRatio(m, requests, targetUtilization);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: currentReplicas, utilization, raw };
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilization, raw };
  }
  const fill = (names: Set<string>, value: (n: string) => number) => {
    for (const n of names) m.set(n, { value: value(n), timestamp: args.now, windowMs: 0 });
  };
  if (g.missing.size > 0) {
    if (ratio < 1) fill(g.missing, (n) => Math.trunc(((requests.get(n) ?? 0) * Math.max(100, targetUtilization)) / 100));
    else if (ratio > 1) fill(g.missing, () => 0);
  }
  if (scaleUpWithUnready) fill(g.unready, () => 0);
  const next = utilizationRatio(m, requests, targetUtilization).ratio;
  return { replicas: settle(currentReplicas, ratio, next, m.size), utilization, raw };
}

/** Replicas for an AverageValue target (calcPlainMetricReplicas); usage is in milli-units. */
export function averageValueReplicas(args: {
  currentReplicas: number;
  targetUsage: number;
  resource: string;
  pods: KObject[];
  metrics: Map<string, PodMetric>;
  now: number;
}): { replicas: number; usage: number } {
  const { currentReplicas, targetUsage } = args;
  const { g, m } = prepare(args.pods, args.metrics, args.resource, args.now);
  const { ratio, usage } = usageRatio(m, targetUsage);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  const fill = (names: Set<string>, value: number) => {
    for (const n of names) m.set(n, { value, timestamp: args.now, windowMs: 0 });
  };
  if (g.missing.size > 0) fill(g.missing, ratio < 1 ? targetUsage : 0);
  if (scaleUpWithUnready) fill(g.unready, 0);
  const next = usageRatio(m, targetUsage).ratio;
  return { replicas: settle(currentReplicas, ratio, next, m.size), usage };
}

/** After filling in missing and unready pods: keep the current size unless the direction still holds. */
function settle(current: number, ratio: number, next: number, count: number): number {
  if (Math.abs(1 - next) <= TOLERANCE || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return current;
  const replicas = Math.ceil(next * count);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}
