// Update rules of the workload kinds: pkg/apis/apps/validation and
// pkg/apis/batch/validation (1.32), plus the selector immutability that the
// apps strategies add for apps/v1.
import { deepEqual, type Errs, forbidden, invalid, invalidRendered, isObj } from "./fieldErrors.ts";
import { showSelector } from "./labelSelector.ts";

type Obj = Record<string, any>;

const specOf = (o: Obj): Obj => (isObj(o.spec) ? o.spec : {});
const IMMUTABLE = "field is immutable";

/** Deployment, ReplicaSet, DaemonSet and StatefulSet strategies: apps/v1 selectors never change. */
export function validateSelectorUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const s = specOf(obj);
  if (!deepEqual(s.selector, specOf(old).selector)) {
    errs.push(invalidRendered("spec.selector", showSelector(s.selector), IMMUTABLE));
  }
}

const STS_MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

/**
 * ValidateStatefulSetUpdate. 1.32's list has no revisionHistoryLimit (later
 * releases allow it). The selector is part of the forbidden rest and also
 * immutable on its own.
 */
export function validateStatefulSetUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const rest = (x: Obj) => Object.fromEntries(Object.entries(x).filter(([k, v]) => !STS_MUTABLE.includes(k) && v != null));
  if (!deepEqual(rest(specOf(obj)), rest(specOf(old)))) {
    errs.push(
      forbidden(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  validateSelectorUpdate(obj, old, errs);
}

/** ValidateImmutableField for a scalar or pointer field: nil shows as null. */
function immutable(field: string, now: unknown, before: unknown, errs: Errs): void {
  if (!deepEqual(now ?? null, before ?? null)) errs.push(invalid(field, now ?? null, IMMUTABLE));
}

/**
 * validatePodTemplateUpdate: while a Job is suspended and has never started,
 * its template's scheduling directives (node affinity, node selector,
 * tolerations, labels, annotations, scheduling gates) may change.
 */
function jobTemplateUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const now = specOf(obj).template;
  const allow = specOf(obj).suspend === true && !old.status?.startTime;
  let before = specOf(old).template;
  if (allow && isObj(before) && isObj(now)) {
    before = structuredClone(before);
    if (!isObj(before.spec)) before.spec = {};
    const ps: Obj = before.spec;
    const ns: Obj = isObj(now.spec) ? now.spec : {};
    if (ns.affinity == null && isObj(ps.affinity)) {
      delete ps.affinity.nodeAffinity;
      if (Object.keys(ps.affinity).length === 0) delete ps.affinity;
    } else if (isObj(ns.affinity)) {
      ps.affinity = { ...(isObj(ps.affinity) ? ps.affinity : {}), nodeAffinity: ns.affinity.nodeAffinity };
      if (ps.affinity.nodeAffinity === undefined) delete ps.affinity.nodeAffinity;
    }
    for (const k of ["nodeSelector", "tolerations", "schedulingGates"]) {
      if (ns[k] === undefined) delete ps[k];
      else ps[k] = ns[k];
    }
    const nm: Obj = isObj(now.metadata) ? now.metadata : {};
    before.metadata = { ...(isObj(before.metadata) ? before.metadata : {}), labels: nm.labels, annotations: nm.annotations };
    for (const k of ["labels", "annotations"]) if (before.metadata[k] === undefined) delete before.metadata[k];
  }
  if (!deepEqual(now, before)) errs.push(invalid("spec.template", now, IMMUTABLE));
}

/**
 * ValidateJobSpecUpdate: completions (an Indexed Job may change it together
 * with parallelism), selector, template, completionMode, podFailurePolicy,
 * backoffLimitPerIndex and managedBy never change.
 */
export function validateJobUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const s = specOf(obj);
  const o = specOf(old);
  if (!deepEqual(s.completions ?? null, o.completions ?? null)) {
    if (s.completionMode !== "Indexed") immutable("spec.completions", s.completions, o.completions, errs);
    else if (s.completions != null && s.completions !== s.parallelism) {
      errs.push(invalid("spec.completions", s.completions, "can only be modified in tandem with spec.parallelism"));
    }
  }
  if (!deepEqual(s.selector, o.selector)) errs.push(invalidRendered("spec.selector", showSelector(s.selector), IMMUTABLE));
  jobTemplateUpdate(obj, old, errs);
  for (const f of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy"]) {
    immutable(`spec.${f}`, s[f], o[f], errs);
  }
}

/** ValidateControllerRevisionUpdate: data never changes. */
export function validateControllerRevisionUpdate(obj: Obj, old: Obj, errs: Errs): void {
  if (!deepEqual(obj.data, old.data)) errs.push(invalid("data", obj.data ?? null, IMMUTABLE));
}
