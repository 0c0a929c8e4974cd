// Conversion between the version a client speaks and the version stored.
// Built-in kinds served at two versions share one storage version: core/v1
// Event (events.k8s.io/v1 is converted field by field, as in
// pkg/apis/events/v1/conversion.go) and autoscaling/v2 HPA (v1 maps its
// targetCPUUtilizationPercentage onto a Resource metric). Custom resources use
// conversion strategy None: only apiVersion changes.
import type { KObject, ResourceInfo } from "./types.ts";

export function apiVersionOf(info: Pick<ResourceInfo, "group" | "version">): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Convert an object from the served version `from` to the stored version `to`. */
export function toStorageVersion(obj: KObject, from: ResourceInfo, to: ResourceInfo): KObject {
  if (from === to || apiVersionOf(from) === apiVersionOf(to)) return obj;
  if (from.resource === "events" && from.group === "events.k8s.io") return eventsV1ToCore(obj);
  if (from.resource === "horizontalpodautoscalers" && from.version === "v1") return hpaV1ToV2(obj);
  return { ...obj, apiVersion: apiVersionOf(to) };
}

/** Convert a stored object to the version `to` the client asked for. */
export function fromStorageVersion(obj: KObject, to: ResourceInfo): KObject {
  if (obj.apiVersion === apiVersionOf(to)) return obj;
  if (to.resource === "events" && to.group === "events.k8s.io") return coreToEventsV1(obj);
  if (to.resource === "horizontalpodautoscalers" && to.version === "v1") return hpaV2ToV1(obj);
  return { ...obj, apiVersion: apiVersionOf(to) };
}

function drop(o: Record<string, unknown>): KObject {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o as KObject;
}

function eventsV1ToCore(e: KObject): KObject {
  return drop({
    apiVersion: "v1",
    kind: "Event",
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime ?? null,
    series: e.series ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime } : undefined,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController ?? "",
    reportingInstance: e.reportingInstance ?? "",
  });
}

function coreToEventsV1(e: KObject): KObject {
  return drop({
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: e.series,
    reportingController: e.reportingComponent || undefined,
    reportingInstance: e.reportingInstance || undefined,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  });
}

function hpaV1ToV2(h: KObject): KObject {
  const spec = h.spec ?? {};
  const status = h.status ?? {};
  const metrics =
    spec.targetCPUUtilizationPercentage !== undefined
      ? [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } },
          },
        ]
      : undefined;
  const currentMetrics =
    status.currentCPUUtilizationPercentage !== undefined
      ? [
          {
            type: "Resource",
            resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } },
          },
        ]
      : undefined;
  return drop({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: h.metadata,
    spec: drop({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
    }),
    status: h.status
      ? drop({
          observedGeneration: status.observedGeneration,
          lastScaleTime: status.lastScaleTime,
          currentReplicas: status.currentReplicas,
          desiredReplicas: status.desiredReplicas,
          currentMetrics,
        })
      : undefined,
  });
}

function hpaV2ToV1(h: KObject): KObject {
  const spec = h.spec ?? {};
  const status = h.status ?? {};
  const cpu = (spec.metrics ?? []).find((m: any) => m?.type === "Resource" && m.resource?.name === "cpu");
  const cur = (status.currentMetrics ?? []).find((m: any) => m?.type === "Resource" && m.resource?.name === "cpu");
  return drop({
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: h.metadata,
    spec: drop({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    }),
    status: drop({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cur?.resource?.current?.averageUtilization,
    }),
  });
}
