// Workload defaults: pkg/apis/apps/v1, batch/v1 and autoscaling/v2 defaults.go (1.32).
import { defaultPodTemplate, defaultTemplateMeta } from "./defaultsPod.ts";
import { isObj } from "./fieldErrors.ts";

type Obj = Record<string, any>;

function spec(obj: Obj): Obj | undefined {
  if (obj.spec === undefined || obj.spec === null) obj.spec = {};
  return isObj(obj.spec) ? obj.spec : undefined;
}

function orDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** A sub-object that is created when missing; undefined if present with a wrong type. */
function sub(o: Obj, key: string): Obj | undefined {
  if (o[key] === undefined || o[key] === null) o[key] = {};
  return isObj(o[key]) ? o[key] : undefined;
}

export function defaultDeployment(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  orDefault(s, "replicas", 1);
  const strategy = sub(s, "strategy");
  if (strategy) {
    if (!strategy.type) strategy.type = "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const ru = sub(strategy, "rollingUpdate");
      if (ru) {
        orDefault(ru, "maxUnavailable", "25%");
        orDefault(ru, "maxSurge", "25%");
      }
    }
  }
  orDefault(s, "revisionHistoryLimit", 10);
  orDefault(s, "progressDeadlineSeconds", 600);
  defaultPodTemplate(s.template);
}

export function defaultReplicaSet(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  orDefault(s, "replicas", 1);
  defaultPodTemplate(s.template);
}

function defaultClaimTemplate(t: unknown): void {
  if (!isObj(t)) return;
  t.apiVersion ??= "v1";
  t.kind ??= "PersistentVolumeClaim";
  defaultTemplateMeta(t);
  if (isObj(t.spec)) orDefault(t.spec, "volumeMode", "Filesystem");
  const status = sub(t, "status");
  if (status) orDefault(status, "phase", "Pending");
}

export function defaultStatefulSet(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  if (!s.podManagementPolicy) s.podManagementPolicy = "OrderedReady";
  const strategy = sub(s, "updateStrategy");
  if (strategy) {
    if (!strategy.type) strategy.type = "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const ru = sub(strategy, "rollingUpdate");
      if (ru) orDefault(ru, "partition", 0);
    }
  }
  const retention = sub(s, "persistentVolumeClaimRetentionPolicy");
  if (retention) {
    if (!retention.whenDeleted) retention.whenDeleted = "Retain";
    if (!retention.whenScaled) retention.whenScaled = "Retain";
  }
  orDefault(s, "replicas", 1);
  orDefault(s, "revisionHistoryLimit", 10);
  if (Array.isArray(s.volumeClaimTemplates)) s.volumeClaimTemplates.forEach(defaultClaimTemplate);
  defaultPodTemplate(s.template);
}

export function defaultDaemonSet(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  const strategy = sub(s, "updateStrategy");
  if (strategy) {
    if (!strategy.type) strategy.type = "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const ru = sub(strategy, "rollingUpdate");
      if (ru) {
        orDefault(ru, "maxUnavailable", 1);
        orDefault(ru, "maxSurge", 0);
      }
    }
  }
  orDefault(s, "revisionHistoryLimit", 10);
  defaultPodTemplate(s.template);
}

export function defaultJob(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  // Both unset means a non-parallel job: both become 1. Only parallelism otherwise.
  if (s.completions == null && s.parallelism == null) s.completions = 1;
  orDefault(s, "parallelism", 1);
  orDefault(s, "backoffLimit", s.backoffLimitPerIndex != null ? 2147483647 : 6);
  // batch/v1 copies template labels onto an unlabelled Job.
  const tl = isObj(s.template) && isObj(s.template.metadata) ? s.template.metadata.labels : undefined;
  if (isObj(obj.metadata) && isObj(tl) && Object.keys(tl).length > 0) {
    const l = obj.metadata.labels;
    if (!isObj(l) || Object.keys(l).length === 0) obj.metadata.labels = { ...tl };
  }
  orDefault(s, "completionMode", "NonIndexed");
  orDefault(s, "suspend", false);
  if (isObj(s.podFailurePolicy) && Array.isArray(s.podFailurePolicy.rules)) {
    for (const r of s.podFailurePolicy.rules) {
      if (!isObj(r) || !Array.isArray(r.onPodConditions)) continue;
      for (const c of r.onPodConditions) if (isObj(c) && !c.status) c.status = "True";
    }
  }
  orDefault(s, "podReplacementPolicy", isObj(s.podFailurePolicy) ? "Failed" : "TerminatingOrFailed");
  // Defaulted since 1.29 (kubernetes/kubernetes#120206).
  orDefault(s, "manualSelector", false);
  defaultPodTemplate(s.template);
}

export function defaultCronJob(obj: Obj): void {
  const s = spec(obj);
  if (!s) return;
  if (!s.concurrencyPolicy) s.concurrencyPolicy = "Allow";
  orDefault(s, "suspend", false);
  orDefault(s, "successfulJobsHistoryLimit", 3);
  orDefault(s, "failedJobsHistoryLimit", 1);
  const jt = s.jobTemplate;
  if (isObj(jt)) {
    defaultTemplateMeta(jt);
    if (isObj(jt.spec)) defaultPodTemplate(jt.spec.template);
  }
}

const SCALE_UP = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});
// Scale-down stabilization stays unset: the controller's flag decides it (defaults.go comment).
const SCALE_DOWN = () => ({
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
});

function scalingRules(from: unknown, defaults: Obj): Obj {
  if (!isObj(from)) return defaults;
  for (const k of ["selectPolicy", "stabilizationWindowSeconds", "policies", "tolerance"]) {
    if (from[k] != null) defaults[k] = from[k];
  }
  return defaults;
}

export function defaultHPA(obj: Obj, version: string): void {
  const s = spec(obj);
  if (!s) return;
  orDefault(s, "minReplicas", 1);
  if (version !== "v2") return;
  if (!Array.isArray(s.metrics) || s.metrics.length === 0) {
    s.metrics = [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ];
  }
  if (isObj(s.behavior)) {
    s.behavior.scaleUp = scalingRules(s.behavior.scaleUp, SCALE_UP());
    s.behavior.scaleDown = scalingRules(s.behavior.scaleDown, SCALE_DOWN());
  }
}
