// Workload checks: pkg/apis/apps/validation and pkg/apis/batch/validation (1.32).
import { validateHPAMetrics } from "./validateAutoscaling.ts";
import {
  type Errs,
  forbidden,
  invalid,
  invalidRendered,
  isObj,
  nonNegative,
  notSupported,
  objectAt,
  required,
  typeError,
} from "./fieldErrors.ts";
import {
  selectorIsEmpty,
  selectorIsValid,
  selectorMatches,
  showLabels,
  showSelector,
  validateLabelSelector,
} from "./labelSelector.ts";
import { regexError } from "./names.ts";
import { validateAnnotations, validateLabels } from "./validateMeta.ts";
import { validatePodTemplate } from "./validatePod.ts";
import { validateSchedule, validateTimeZone } from "./validateCronSchedule.ts";

type Obj = Record<string, any>;

function specOf(obj: Obj, errs: Errs): Obj | undefined {
  if (obj.spec === undefined || obj.spec === null) {
    errs.push(required("spec"));
    return undefined;
  }
  if (!isObj(obj.spec)) {
    errs.push(typeError("spec", obj.spec, "object"));
    return undefined;
  }
  return obj.spec;
}

function templateLabels(tmpl: unknown): unknown {
  return isObj(tmpl) && isObj(tmpl.metadata) ? tmpl.metadata.labels : undefined;
}

/**
 * Selector required and non-empty, and it must match the template's labels
 * (ValidatePodTemplateSpecForReplicaSet). `what` names the kind in the
 * empty-selector message: Deployment and ReplicaSet both say "deployment".
 */
function validateSelectorAndTemplate(
  s: Obj,
  what: string | undefined,
  restart: readonly string[],
  errs: Errs,
): void {
  validateSelectorMatch(s, what, errs);
  const tmpl = s.template;
  validatePodTemplate(tmpl, "spec.template", errs);
  const rp = isObj(tmpl) && isObj(tmpl.spec) ? tmpl.spec.restartPolicy : undefined;
  if (rp && typeof rp === "string" && !restart.includes(rp)) {
    errs.push(notSupported("spec.template.spec.restartPolicy", rp, restart));
  }
}

/**
 * The selector (required, valid, non-empty when `what` is given) and its
 * match with the template's labels. `template` stands in for an absent
 * spec.template (a StatefulSet's is a struct in kube, never nil).
 */
function validateSelectorMatch(s: Obj, what: string | undefined, errs: Errs, template?: Obj): void {
  const sel = s.selector;
  if (sel === undefined || sel === null) errs.push(required("spec.selector"));
  else {
    validateLabelSelector(sel, "spec.selector", errs);
    if (what && selectorIsEmpty(sel))
      errs.push(invalidRendered("spec.selector", showSelector(sel), `empty selector is invalid for ${what}`));
  }
  const tmpl = s.template ?? template;
  if (isObj(tmpl) && isObj(sel) && selectorIsValid(sel) && !selectorIsEmpty(sel)) {
    const labels = templateLabels(tmpl);
    if (!selectorMatches(sel, labels)) {
      errs.push(
        invalidRendered(
          "spec.template.metadata.labels",
          showLabels(labels),
          "`selector` does not match template `labels`",
        ),
      );
    }
  }
}

/**
 * ValidatePodTemplateSpecForStatefulSet (1.32): the template's labels and
 * annotations only, reported at `spec.template.labels` and
 * `spec.template.annotations` as kube does. Its pod spec is not validated
 * here: a container may mount a volume named after a volumeClaimTemplate,
 * which the controller adds to each pod; the pod is validated when created.
 */
function validateStatefulSetTemplate(tmpl: unknown, errs: Errs): void {
  if (tmpl === undefined || tmpl === null) return;
  if (!isObj(tmpl)) {
    errs.push(typeError("spec.template", tmpl, "object"));
    return;
  }
  const meta = objectAt(tmpl.metadata, "spec.template.metadata", errs);
  if (!meta) return;
  validateLabels(meta.labels, "spec.template.labels", errs);
  validateAnnotations(meta.annotations, "spec.template.annotations", errs);
}

const reIntOrPercent = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent plus IsNotMoreThan100Percent. */
function intOrPercent(v: unknown, field: string, errs: Errs): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") {
    if (v < 0) errs.push(invalid(field, v, "must be greater than or equal to 0"));
    return v;
  }
  if (typeof v !== "string") {
    errs.push(typeError(field, v, "integer or string"));
    return undefined;
  }
  if (!reIntOrPercent.test(v)) {
    errs.push(
      invalid(
        field,
        v,
        regexError(
          "a valid percent string must be a numeric string followed by an ending '%'",
          "[0-9]+%",
          "1%",
          "93%",
        ),
      ),
    );
    return undefined;
  }
  const n = Number.parseInt(v, 10);
  if (n > 100) errs.push(invalid(field, v, "must not be greater than 100%"));
  return n;
}

function validateDeploymentStrategy(st: unknown, errs: Errs): void {
  if (!isObj(st)) return;
  const types = ["Recreate", "RollingUpdate"];
  if (st.type === "Recreate" && st.rollingUpdate != null) {
    errs.push(
      forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"),
    );
  } else if (st.type && !types.includes(st.type)) {
    errs.push(notSupported("spec.strategy.type", st.type, types));
  }
  if (st.type === "RollingUpdate" && isObj(st.rollingUpdate)) {
    const p = "spec.strategy.rollingUpdate";
    const mu = intOrPercent(st.rollingUpdate.maxUnavailable, `${p}.maxUnavailable`, errs);
    const ms = intOrPercent(st.rollingUpdate.maxSurge, `${p}.maxSurge`, errs);
    if (mu === 0 && ms === 0) {
      errs.push(
        invalid(`${p}.maxUnavailable`, st.rollingUpdate.maxUnavailable, "may not be 0 when `maxSurge` is 0"),
      );
    }
  }
}

export function validateDeployment(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  nonNegative(s.replicas, "spec.replicas", errs);
  nonNegative(s.minReadySeconds, "spec.minReadySeconds", errs);
  nonNegative(s.revisionHistoryLimit, "spec.revisionHistoryLimit", errs);
  validateSelectorAndTemplate(s, "deployment", ["Always"], errs);
  validateDeploymentStrategy(s.strategy, errs);
  const pds = s.progressDeadlineSeconds;
  nonNegative(pds, "spec.progressDeadlineSeconds", errs);
  if (typeof pds === "number" && typeof s.minReadySeconds === "number" && pds <= s.minReadySeconds) {
    errs.push(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
  }
}

export function validateReplicaSet(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  nonNegative(s.replicas, "spec.replicas", errs);
  nonNegative(s.minReadySeconds, "spec.minReadySeconds", errs);
  validateSelectorAndTemplate(s, "deployment", ["Always"], errs);
}

export function validateStatefulSet(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  const pmp = ["OrderedReady", "Parallel"];
  if (s.podManagementPolicy && !pmp.includes(s.podManagementPolicy)) {
    errs.push(notSupported("spec.podManagementPolicy", s.podManagementPolicy, pmp));
  }
  const us = s.updateStrategy;
  const ust = ["OnDelete", "RollingUpdate"];
  if (isObj(us) && us.type && !ust.includes(us.type))
    errs.push(notSupported("spec.updateStrategy.type", us.type, ust));
  if (isObj(us) && isObj(us.rollingUpdate))
    nonNegative(us.rollingUpdate.partition, "spec.updateStrategy.rollingUpdate.partition", errs);
  nonNegative(s.replicas, "spec.replicas", errs);
  nonNegative(s.minReadySeconds, "spec.minReadySeconds", errs);
  validateSelectorMatch(s, "statefulset", errs, {});
  validateStatefulSetTemplate(s.template, errs);
  const ps = isObj(s.template) && isObj(s.template.spec) ? s.template.spec : {};
  // Defaulting makes an absent restartPolicy "Always".
  if (ps.restartPolicy != null && ps.restartPolicy !== "Always")
    errs.push(notSupported("spec.template.spec.restartPolicy", ps.restartPolicy, ["Always"]));
  if (ps.activeDeadlineSeconds != null)
    errs.push(forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"));
}

export function validateDaemonSet(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  nonNegative(s.minReadySeconds, "spec.minReadySeconds", errs);
  validateSelectorAndTemplate(s, "daemonset", ["Always"], errs);
  const us = s.updateStrategy;
  const types = ["OnDelete", "RollingUpdate"];
  if (isObj(us) && us.type && !types.includes(us.type))
    errs.push(notSupported("spec.updateStrategy.type", us.type, types));
  if (isObj(us) && us.type === "RollingUpdate" && isObj(us.rollingUpdate)) {
    const p = "spec.updateStrategy.rollingUpdate";
    const mu = intOrPercent(us.rollingUpdate.maxUnavailable, `${p}.maxUnavailable`, errs);
    const ms = intOrPercent(us.rollingUpdate.maxSurge, `${p}.maxSurge`, errs);
    if (mu === 0 && ms === 0)
      errs.push(
        invalid(`${p}.maxUnavailable`, us.rollingUpdate.maxUnavailable, "may not be 0 when `maxSurge` is 0"),
      );
  }
}

const JOB_RESTART = ["OnFailure", "Never"];

export function validateJobSpec(s: Obj, prefix: string, errs: Errs): void {
  for (const k of ["parallelism", "completions", "backoffLimit"]) nonNegative(s[k], `${prefix}.${k}`, errs);
  const ads = s.activeDeadlineSeconds;
  if (typeof ads === "number" && ads <= 0)
    errs.push(invalid(`${prefix}.activeDeadlineSeconds`, ads, "must be greater than 0"));
  const modes = ["NonIndexed", "Indexed"];
  if (s.completionMode && !modes.includes(s.completionMode))
    errs.push(notSupported(`${prefix}.completionMode`, s.completionMode, modes));
  if (s.completionMode === "Indexed" && s.completions == null) {
    errs.push(required(`${prefix}.completions`, "when completion mode is Indexed"));
  }
}

export function validateJob(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  validateJobSpec(s, "spec", errs);
  validateSelectorAndTemplate(s, undefined, JOB_RESTART, errs);
}

export function validateCronJob(obj: Obj, errs: Errs): void {
  const name = isObj(obj.metadata) ? obj.metadata.name : undefined;
  // Job names get an 11-character suffix and must stay a DNS-1035 label (63).
  if (typeof name === "string" && name.length > 52)
    errs.push(invalid("metadata.name", name, "must be no more than 52 characters"));
  const s = specOf(obj, errs);
  if (!s) return;
  validateSchedule(s.schedule, errs);
  validateTimeZone(s.timeZone, errs);
  const cp = ["Allow", "Forbid", "Replace"];
  if (s.concurrencyPolicy && !cp.includes(s.concurrencyPolicy))
    errs.push(notSupported("spec.concurrencyPolicy", s.concurrencyPolicy, cp));
  nonNegative(s.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit", errs);
  nonNegative(s.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit", errs);
  const jt = s.jobTemplate;
  if (!isObj(jt) || !isObj(jt.spec)) {
    errs.push(required("spec.jobTemplate.spec"));
    return;
  }
  validateJobSpec(jt.spec, "spec.jobTemplate.spec", errs);
  const p = "spec.jobTemplate.spec.template";
  validatePodTemplate(jt.spec.template, p, errs);
  const rp =
    isObj(jt.spec.template) && isObj(jt.spec.template.spec) ? jt.spec.template.spec.restartPolicy : undefined;
  if (typeof rp === "string" && rp && !JOB_RESTART.includes(rp))
    errs.push(notSupported(`${p}.spec.restartPolicy`, rp, JOB_RESTART));
}

export function validateHPA(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  const ref = isObj(s.scaleTargetRef) ? s.scaleTargetRef : {};
  if (!ref.kind) errs.push(required("spec.scaleTargetRef.kind"));
  if (!ref.name) errs.push(required("spec.scaleTargetRef.name"));
  const min = s.minReplicas;
  if (typeof min === "number" && min < 1)
    errs.push(invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
  const max = s.maxReplicas;
  if (typeof max !== "number")
    errs.push(max == null ? required("spec.maxReplicas") : typeError("spec.maxReplicas", max, "integer"));
  else if (max < 1) errs.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  else if (typeof min === "number" && max < min)
    errs.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  validateHPAMetrics(s, errs);
}

export function validatePDB(obj: Obj, errs: Errs): void {
  const s = specOf(obj, errs);
  if (!s) return;
  if (s.minAvailable != null && s.maxUnavailable != null) {
    errs.push(invalid("spec", s, "minAvailable and maxUnavailable cannot be both set"));
  }
  intOrPercent(s.minAvailable, "spec.minAvailable", errs);
  intOrPercent(s.maxUnavailable, "spec.maxUnavailable", errs);
  validateLabelSelector(s.selector, "spec.selector", errs);
}
