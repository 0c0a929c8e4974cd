// validateObject: the kube-apiserver Validate / ValidateUpdate step for
// built-in kinds. Structure comes from the kinds' OpenAPI schemas
// (structural.ts); the semantic rules users hit most follow upstream's
// pkg/apis/*/validation with the same field paths and messages.
import type { FieldError, KObject, ResourceInfo } from "../registry/types.ts";
import { type Errs, isObj, typeError } from "./fieldErrors.ts";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isPathSegmentName } from "./names.ts";
import { validateAPIService } from "../aggregator/apiService.ts";
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
} from "./validateApps.ts";
import { validateConfigMap, validatePV, validatePVC, validateSecret, validateService } from "./validateCore.ts";
import {
  validateClusterIPsSync,
  validateImmutableData,
  validateNodeUpdate,
  validatePVCUpdate,
  validatePVUpdate,
  validateResourceQuotaUpdate,
  validateServiceUpdate,
} from "./validateCoreUpdate.ts";
import { validateNode } from "./validateNode.ts";
import { validateEventLegacy, validateEventStrict, validateEventUpdateStrict } from "./validateEvent.ts";
import { type NameFn, validateObjectMeta } from "./validateMeta.ts";
import {
  validateBinding,
  validateBindingUpdate,
  validateEndpointSliceUpdate,
  validateIngressClassUpdate,
  validateNamespaceFinalizers,
  validateRole,
  validateStorageClass,
  validateStorageClassUpdate,
} from "./validateOther.ts";
import { validateIngress, validateNetworkPolicy } from "./validateNetworking.ts";
import { validateEphemeralContainersUpdate } from "./validateEphemeral.ts";
import { validatePodSpec } from "./validatePod.ts";
import { validatePodUpdate } from "./validatePodUpdate.ts";
import {
  validateControllerRevisionUpdate,
  validateJobUpdate,
  validateSelectorUpdate,
  validateStatefulSetUpdate,
} from "./validateWorkloadUpdate.ts";

export { validateCRD, validateCRDUpdate } from "./crd.ts";
export { pruneUnknownFields, validateCustomResource } from "./customResource.ts";

type Obj = Record<string, any>;
type Rule = {
  name?: NameFn;
  validate?: (obj: Obj, errs: Errs, namespaced: boolean) => void;
  update?: (obj: Obj, old: Obj, errs: Errs) => void;
  /** The kind's Validate*Update reports its update checks before the create ones (kube's order). */
  updateFirst?: boolean;
};

const rbac = isPathSegmentName;

/** Per kind ("group/Kind"): its name rule, its create checks and its update-only checks. */
const RULES: Record<string, Rule> = {
  "/Namespace": { name: isDNS1123Label, validate: validateNamespaceFinalizers },
  "/Pod": { validate: (o, e) => validatePodSpec(o.spec, "spec", e), update: validatePodUpdate },
  "/Service": {
    name: isDNS1035Label,
    validate: (o, e) => {
      validateService(o, e);
      validateClusterIPsSync(o, e);
    },
    update: validateServiceUpdate,
    updateFirst: true,
  },
  "/ConfigMap": {
    validate: validateConfigMap,
    update: (o, old, e) => validateImmutableData("ConfigMap", o, old, e),
    updateFirst: true,
  },
  "/Secret": {
    validate: validateSecret,
    update: (o, old, e) => validateImmutableData("Secret", o, old, e),
    updateFirst: true,
  },
  "/PersistentVolumeClaim": { validate: validatePVC, update: validatePVCUpdate },
  "/PersistentVolume": { validate: validatePV, update: validatePVUpdate },
  "/Node": { validate: validateNode, update: validateNodeUpdate, updateFirst: true },
  "/ResourceQuota": { update: validateResourceQuotaUpdate },
  "/Event": { validate: validateEventLegacy },
  "apps/Deployment": { validate: validateDeployment, update: validateSelectorUpdate },
  "apps/ReplicaSet": { validate: validateReplicaSet, update: validateSelectorUpdate },
  "apps/StatefulSet": { validate: validateStatefulSet, update: validateStatefulSetUpdate, updateFirst: true },
  "apps/DaemonSet": { validate: validateDaemonSet, update: validateSelectorUpdate },
  "apps/ControllerRevision": { update: validateControllerRevisionUpdate },
  "batch/Job": { validate: validateJob, update: validateJobUpdate },
  "batch/CronJob": { validate: validateCronJob },
  "autoscaling/HorizontalPodAutoscaler": { validate: validateHPA },
  "policy/PodDisruptionBudget": { validate: validatePDB },
  "networking.k8s.io/NetworkPolicy": { validate: validateNetworkPolicy },
  "networking.k8s.io/Ingress": { validate: validateIngress },
  "networking.k8s.io/IngressClass": { update: validateIngressClassUpdate, updateFirst: true },
  "discovery.k8s.io/EndpointSlice": { update: validateEndpointSliceUpdate },
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
  "apiregistration.k8s.io/APIService": { name: isPathSegmentName, validate: validateAPIService },
};

/** A core Event written through events.k8s.io/v1 (stored as core/v1): the strict rules too. */
const EVENTS_V1: Rule = {
  validate: (o, e) => {
    validateEventLegacy(o, e);
    validateEventStrict(o, e);
  },
  update: validateEventUpdateStrict,
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
 * `requestGroup` is the group the client wrote through: for a core Event
 * written through events.k8s.io, the strict rules of that API apply.
 *
 * A write to the status subresource keeps the stored spec, so, like kube's
 * Validate*StatusUpdate, it checks metadata and status only: the kind rules
 * here are all about the spec.
 */
export function validateObject(
  info: ResourceInfo,
  obj: KObject,
  old?: KObject,
  subresource?: string,
  requestGroup?: string,
): FieldError[] {
  if (!isObj(obj)) return [typeError("", obj, "object")];
  const key = `${info.group}/${info.kind}`;
  // events.k8s.io Events are stored as core ones but validated by the request's API.
  const rule = key === "/Event" && requestGroup === "events.k8s.io" ? EVENTS_V1 : (RULES[key] ?? {});
  const errs: Errs = validateObjectMeta(obj.metadata, info.namespaced, rule.name ?? isDNS1123Subdomain);
  if (subresource === "status" && old) {
    errs.push(...validateStructure(info, { metadata: obj.metadata, status: obj.status }));
    return dedupe(errs);
  }
  if (subresource === "ephemeralcontainers" && old) {
    // ValidatePodEphemeralContainersUpdate: the pod spec plus additions only, not ValidatePodUpdate.
    errs.push(...validateStructure(info, obj));
    rule.validate?.(obj, errs, info.namespaced);
    validateEphemeralContainersUpdate(obj, old, errs);
    return dedupe(errs);
  }
  errs.push(...validateStructure(info, obj));
  try {
    const update = old && isObj(old) ? rule.update : undefined;
    if (rule.updateFirst) update?.(obj, old as Obj, errs);
    rule.validate?.(obj, errs, info.namespaced);
    if (!rule.updateFirst) update?.(obj, old as Obj, errs);
  } catch (e) {
    // A rule tripped over a shape the structural check already reported.
    if (errs.length === 0)
      errs.push({ reason: "FieldValueInvalid", field: "", message: `Invalid value: ${String(e)}` });
  }
  return dedupe(errs);
}
