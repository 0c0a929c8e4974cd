// HorizontalPodAutoscaler metric checks (pkg/apis/autoscaling/validation
// validateMetricSpec and validateMetricTarget, 1.32).
import { type Errs, arrayAt, forbidden, invalid, isObj, notSupported, required } from "./fieldErrors.ts";
import { parseQuantity } from "./quantity.ts";

type Obj = Record<string, any>;

const SOURCES: Record<string, string> = {
  Object: "object",
  Pods: "pods",
  Resource: "resource",
  ContainerResource: "containerResource",
  External: "external",
};

function validateTarget(t: unknown, path: string, errs: Errs): void {
  if (!isObj(t)) {
    errs.push(required(path));
    return;
  }
  const types = ["Utilization", "Value", "AverageValue"];
  if (!t.type) errs.push(required(`${path}.type`, "must specify a metric target type"));
  else if (!types.includes(t.type)) errs.push(invalid(`${path}.type`, t.type, "must be either Utilization, Value, or AverageValue"));
  for (const k of ["value", "averageValue"]) {
    const v = parseQuantity(t[k]);
    if (t[k] != null && v !== undefined && v <= 0) errs.push(invalid(`${path}.${k}`, t[k], "must be positive"));
  }
  if (typeof t.averageUtilization === "number" && t.averageUtilization < 1) {
    errs.push(invalid(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  }
}

function validateResourceSource(src: Obj, path: string, errs: Errs, container: boolean): void {
  if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
  if (container && !src.container) errs.push(required(`${path}.container`, "must specify a container"));
  validateTarget(src.target, `${path}.target`, errs);
  const t = isObj(src.target) ? src.target : {};
  if (t.averageUtilization == null && t.averageValue == null) {
    errs.push(required(`${path}.target.averageUtilization`, "must set either a target raw value or a target utilization"));
  }
  if (t.averageUtilization != null && t.averageValue != null) {
    errs.push(forbidden(`${path}.target.averageValue`, "may not set both a target raw value and a target utilization"));
  }
  if (t.value != null) errs.push(forbidden(`${path}.target.value`, "may not set 'value' for a resource metric source"));
}

export function validateHPAMetrics(spec: Obj, errs: Errs): void {
  arrayAt(spec.metrics, "spec.metrics", errs).forEach((m, i) => {
    const path = `spec.metrics[${i}]`;
    if (!isObj(m)) return;
    if (!m.type) errs.push(required(`${path}.type`, "must specify a metric source type"));
    if (!(m.type in SOURCES)) errs.push(notSupported(`${path}.type`, m.type ?? "", Object.keys(SOURCES)));
    const expected = SOURCES[m.type];
    if (expected && m[expected] == null) {
      errs.push(required(`${path}.${expected}`, "must populate information for the given metric source"));
    }
    const present = Object.values(SOURCES).filter((f) => m[f] != null);
    if (present.length > 1 || (present.length === 1 && present[0] !== expected)) {
      for (const f of present) if (f !== expected) errs.push(forbidden(`${path}.${f}`, "must populate the given metric source only"));
    }
    if (isObj(m.resource)) validateResourceSource(m.resource, `${path}.resource`, errs, false);
    if (isObj(m.containerResource)) validateResourceSource(m.containerResource, `${path}.containerResource`, errs, true);
    for (const f of ["object", "pods", "external"]) {
      const src = m[f];
      if (!isObj(src)) continue;
      if (!isObj(src.metric) || !src.metric.name) errs.push(required(`${path}.${f}.metric.name`, "must specify a metric name"));
      validateTarget(src.target, `${path}.${f}.target`, errs);
    }
  });
}
