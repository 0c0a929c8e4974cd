// The HorizontalPodAutoscaler printer, for both the autoscaling/v2 shape
// (spec.metrics) and the autoscaling/v1 shape (targetCPUUtilizationPercentage),
// which kube converts to the v2 form before printing.
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { arr, int, str } from "./format.ts";
import { col, type Printer } from "./types.ts";

/** A Quantity as Go prints a possibly-nil *Quantity. */
function q(value: unknown): string {
  return value === undefined || value === null ? "<nil>" : String(value);
}

function pct(value: unknown): string | undefined {
  return typeof value === "number" ? `${value}%` : undefined;
}

/** spec.metrics and status.currentMetrics, converting the v1 shape when that is what is stored. */
function metricsOf(hpa: KObject): { specs: any[]; statuses: any[] } {
  if (Array.isArray(hpa.spec?.metrics))
    return { specs: hpa.spec.metrics, statuses: arr(hpa.status?.currentMetrics) };
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (typeof target !== "number") return { specs: [], statuses: [] };
  const specs = [{ type: "Resource", resource: { name: "cpu", target: { averageUtilization: target } } }];
  const current = hpa.status?.currentCPUUtilizationPercentage;
  const statuses =
    typeof current === "number"
      ? [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }]
      : [];
  return { specs, statuses };
}

/** "current/target" for a Resource or ContainerResource metric. */
function resourceMetric(spec: any, status: any): string {
  const name = str(spec?.name);
  if (spec?.target?.averageValue != null) {
    const current = status ? q(status.current?.averageValue) : "<unknown>";
    return `${name}: ${current}/${q(spec.target.averageValue)}`;
  }
  const current = (status && pct(status.current?.averageUtilization)) || "<unknown>";
  const target = pct(spec?.target?.averageUtilization) ?? "<auto>";
  return `${name}: ${current}/${target}`;
}

/** "current/target" for an Object or External metric ("(avg)" when the target is an average). */
function valueMetric(spec: any, status: any): string {
  if (spec?.target?.averageValue != null) {
    const current = status?.current?.averageValue != null ? q(status.current.averageValue) : "<unknown>";
    return `${current}/${q(spec.target.averageValue)} (avg)`;
  }
  const current = status ? q(status.current?.value) : "<unknown>";
  return `${current}/${q(spec?.target?.value)}`;
}

function formatMetric(spec: any, status: any): string {
  switch (spec?.type) {
    case "External":
      return valueMetric(spec.external, status?.external);
    case "Pods": {
      const current = status?.pods ? q(status.pods.current?.averageValue) : "<unknown>";
      return `${current}/${q(spec.pods?.target?.averageValue)}`;
    }
    case "Object":
      return valueMetric(spec.object, status?.object);
    case "Resource":
      return resourceMetric(spec.resource, status?.resource);
    case "ContainerResource":
      return resourceMetric(spec.containerResource, status?.containerResource);
    default:
      return "<unknown type>";
  }
}

/** formatHPAMetrics: up to two metrics, then " + N more...". */
export function formatHPAMetrics(hpa: KObject): string {
  const { specs, statuses } = metricsOf(hpa);
  if (specs.length === 0) return "<none>";
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const max = 2;
  if (list.length <= max) return list.join(", ");
  return `${list.slice(0, max).join(", ")} + ${list.length - max} more...`;
}

export const hpaPrinter: Printer = {
  columns: [
    NAME,
    col("Reference", "string", desc["HorizontalPodAutoscalerSpec.scaleTargetRef"]),
    col("Targets", "string", desc["HorizontalPodAutoscalerSpec.metrics"]),
    col("MinPods", "string", desc["HorizontalPodAutoscalerSpec.minReplicas"]),
    col("MaxPods", "string", desc["HorizontalPodAutoscalerSpec.maxReplicas"]),
    col("Replicas", "string", desc["HorizontalPodAutoscalerStatus.currentReplicas"]),
    AGE,
  ],
  cells(hpa, ctx) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const min = hpa.spec?.minReplicas;
    return [
      nameOf(hpa),
      `${str(ref.kind)}/${str(ref.name)}`,
      formatHPAMetrics(hpa),
      // Defaulting sets minReplicas to 1.
      typeof min === "number" ? String(min) : "1",
      int(hpa.spec?.maxReplicas),
      int(hpa.status?.currentReplicas),
      ageOf(hpa, ctx),
    ];
  },
};
