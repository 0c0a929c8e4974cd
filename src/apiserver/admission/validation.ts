// validateObject: the kube-apiserver Validate / ValidateUpdate step for
// built-in kinds. Structure comes from the kinds' OpenAPI schemas
// (structural.ts); the semantic rules users hit most follow upstream's
// pkg/apis/*/validation with the same field paths and messages.
import type { FieldError, KObject, ResourceInfo } from "../registry/types.ts";
import { type Errs, isObj, typeError } from "./fieldErrors.ts";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isPathSegmentName } from "./names.ts";
import { validateStructure } from "./structural.ts";
import {
  validateCronJob,
  validateDaemonSet,
  validateDeployment,
  validateHPA,
  validateJob,
  validatePDB,
  validateReplicaSet,
  validateStatefulSet,
  validateWorkloadUpdate,
} from "./validateApps.ts";
import {
  validateConfigMap,
  validateImmutableData,
  validatePV,
  validatePVC,
  validatePVCUpdate,
  validateSecret,
  validateService,
  validateServiceUpdate,
} from "./validateCore.ts";
import { type NameFn, validateObjectMeta } from "./validateMeta.ts";
import {
  validateBinding,
  validateBindingUpdate,
  validateNamespaceFinalizers,
  validateRole,
  validateStorageClass,
  validateStorageClassUpdate,
} from "./validateOther.ts";
import { validateIngress, validateNetworkPolicy } from "./validateNetworking.ts";
import { validatePodSpec } from "./validatePod.ts";

export { validateCRD } from "./crd.ts";
export { pruneUnknownFields, validateCustomResource } from "./customResource.ts";

type Obj = Record<string, any>;
type Rule = {
  name?: NameFn;
  validate?: (obj: Obj, errs: Errs, namespaced: boolean) => void;
  update?: (obj: Obj, old: Obj, errs: Errs) => void;
};

const rbac = isPathSegmentName;

/** Per kind ("group/Kind"): its name rule, its create checks and its update-only checks. */
const RULES: Record<string, Rule> = {
  "/Namespace": { name: isDNS1123Label, validate: validateNamespaceFinalizers },
  "/Pod": { validate: (o, e) => validatePodSpec(o.spec, "spec", e) },
  "/Service": { name: isDNS1035Label, validate: validateService, update: validateServiceUpdate },
  "/ConfigMap": {
    validate: validateConfigMap,
    update: (o, old, e) => validateImmutableData("ConfigMap", o, old, e),
  },
  "/Secret": { validate: validateSecret, update: (o, old, e) => validateImmutableData("Secret", o, old, e) },
  "/PersistentVolumeClaim": { validate: validatePVC, update: validatePVCUpdate },
  "/PersistentVolume": { validate: validatePV },
  "apps/Deployment": {
    validate: validateDeployment,
    update: (o, old, e) => validateWorkloadUpdate("Deployment", o, old, e),
  },
  "apps/ReplicaSet": {
    validate: validateReplicaSet,
    update: (o, old, e) => validateWorkloadUpdate("ReplicaSet", o, old, e),
  },
  "apps/StatefulSet": {
    validate: validateStatefulSet,
    update: (o, old, e) => validateWorkloadUpdate("StatefulSet", o, old, e),
  },
  "apps/DaemonSet": {
    validate: validateDaemonSet,
    update: (o, old, e) => validateWorkloadUpdate("DaemonSet", o, old, e),
  },
  "batch/Job": { validate: validateJob, update: (o, old, e) => validateWorkloadUpdate("Job", o, old, e) },
  "batch/CronJob": { validate: validateCronJob },
  "autoscaling/HorizontalPodAutoscaler": { validate: validateHPA },
  "policy/PodDisruptionBudget": { validate: validatePDB },
  "networking.k8s.io/NetworkPolicy": { validate: validateNetworkPolicy },
  "networking.k8s.io/Ingress": { validate: validateIngress },
  "rbac.authorization.k8s.io/Role": { name: rbac, validate: validateRole },
  "rbac.authorization.k8s.io/ClusterRole": { name: rbac, validate: validateRole },
  "rbac.authorization.k8s.io/RoleBinding": {
    name: rbac,
    validate: validateBinding,
    update: validateBindingUpdate,
  },
  "rbac.authorization.k8s.io/ClusterRoleBinding": {
    name: rbac,
    validate: validateBinding,
    update: validateBindingUpdate,
  },
  "storage.k8s.io/StorageClass": { validate: validateStorageClass, update: validateStorageClassUpdate },
};

function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = `${e.field}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * All validation errors of a built-in object (metadata, structure, kind
 * rules; CRD-specific rules are validateCRD's, run beside this one), for create (no `old`) or
 * update. Run after defaulting. Never throws: malformed input yields errors.
 *
 * A write to the status subresource keeps the stored spec, so, like kube's
 * Validate*StatusUpdate, it checks metadata and status only: the kind rules
 * here are all about the spec.
 */
export function validateObject(info: ResourceInfo, obj: KObject, old?: KObject, subresource?: string): FieldError[] {
  if (!isObj(obj)) return [typeError("", obj, "object")];
  const key = `${info.group}/${info.kind}`;
  const rule = RULES[key] ?? {};
  const errs: Errs = validateObjectMeta(obj.metadata, info.namespaced, rule.name ?? isDNS1123Subdomain);
  if (subresource === "status" && old) {
    errs.push(...validateStructure(info, { metadata: obj.metadata, status: obj.status }));
    return dedupe(errs);
  }
  errs.push(...validateStructure(info, obj));
  try {
    rule.validate?.(obj, errs, info.namespaced);
    if (old && isObj(old)) rule.update?.(obj, old, errs);
  } catch (e) {
    // A rule tripped over a shape the structural check already reported.
    if (errs.length === 0)
      errs.push({ reason: "FieldValueInvalid", field: "", message: `Invalid value: ${String(e)}` });
  }
  return dedupe(errs);
}
