// The admission chain, in kube-apiserver's order: mutating plugins
// (NamespaceLifecycle, defaulting, LimitRanger, ServiceAccount,
// DefaultTolerationSeconds, DefaultStorageClass, service IP allocation), the create strategy, then
// validation of the object, then, only for a valid object, the validating
// plugins (PodSecurity, LimitRanger, ResourceQuota), which answer 403.
import { applyDefaults, setDefaultsFromSchema } from "./admission/defaults.ts";
import { forbidden as fieldForbidden } from "./admission/fieldErrors.ts";
import { defaultStorageClass } from "./admission/plugins/defaultStorageClass.ts";
import { defaultTolerationSeconds } from "./admission/plugins/defaultTolerationSeconds.ts";
import { limitRangerMutate, limitRangerValidate } from "./admission/plugins/limitRanger.ts";
import { podSecurity } from "./admission/plugins/podSecurity.ts";
import { resourceQuotaAdmission } from "./admission/plugins/resourceQuota.ts";
import { serviceAccountAdmission } from "./admission/plugins/serviceAccount.ts";
import { prepareForCreate, prepareForUpdate } from "./admission/strategy.ts";
import { validateCRD, validateCRDUpdate, validateCustomResource, validateObject } from "./admission/validation.ts";
import { namespaceObject } from "./admission/namespaces.ts";
import { allocateServiceAddresses } from "./controllers/serviceIPs.ts";
import type { Admission, Attributes, ValidatingStep } from "./registry/context.ts";
import { forbidden, notFound } from "./registry/errors.ts";
import type { ObjectStore } from "./registry/store.ts";
import type { FieldError } from "./registry/types.ts";

const isNamespace = (a: Attributes) => a.info.group === "" && a.info.resource === "namespaces";

/** NamespaceLifecycle: no new objects in a missing or terminating namespace. */
function namespaceLifecycle(store: () => ObjectStore) {
  return (a: Attributes) => {
    if (a.op !== "CREATE" || !a.info.namespaced) return;
    const ns = namespaceObject(store(), a.namespace);
    if (!ns) throw notFound(store().registry.lookup("", "v1", "namespaces")!, a.namespace);
    // Events may still be written into a terminating namespace, as in kube.
    if (ns.status?.phase === "Terminating" && a.info.resource !== "events") {
      throw forbidden(
        a.requestInfo,
        a.name,
        `unable to create new content in namespace ${a.namespace} because it is being terminated`,
      );
    }
  };
}

function defaulting(a: Attributes): void {
  if (a.op === "DELETE") return;
  if (a.info.crd) {
    if (a.info.crd.schema) setDefaultsFromSchema(a.info.crd.schema, a.obj);
    return;
  }
  if (a.subresource === "status" || a.subresource === "finalize") return;
  applyDefaults(a.info, a.obj);
}

/** PrepareForCreate runs after the mutating plugins (a pod's QoS class sees LimitRanger's defaults). */
function createStrategy(a: Attributes): void {
  if (a.op === "CREATE" && !a.info.crd) prepareForCreate(a.info, a.obj);
  else if (a.op === "UPDATE" && a.old && !a.subresource) prepareForUpdate(a.info, a.obj, a.old);
}

function validation(a: Attributes): FieldError[] | undefined {
  if (a.op === "DELETE") return undefined;
  if (a.info.crd) return validateCustomResource(a.info.crd.schema, a.obj, a.info.namespaced);
  const errs = validateObject(a.info, a.obj, a.old, a.subresource, a.requestInfo.group);
  if (a.info.group === "apiextensions.k8s.io" && a.info.resource === "customresourcedefinitions") {
    errs.push(...validateCRD(a.obj));
    if (a.old) errs.push(...validateCRDUpdate(a.obj, a.old));
  }
  return errs;
}

/** Namespaces cannot be renamed into existence under a terminating name; the default ones cannot be deleted. */
function protectedNamespaces(a: Attributes): FieldError[] | undefined {
  if (a.op === "DELETE" && isNamespace(a) && ["default", "kube-system", "kube-public"].includes(a.name)) {
    throw forbidden(a.requestInfo, a.name, `this namespace may not be deleted`);
  }
  return undefined;
}

/** ValidateObjectMetaUpdate: an object being deleted may lose finalizers but gain none. */
function noNewFinalizersWhileDeleting(a: Attributes): FieldError[] | undefined {
  if (a.op !== "UPDATE" || !a.old?.metadata?.deletionTimestamp) return undefined;
  const had = new Set(a.old.metadata.finalizers ?? []);
  const extra = [...new Set(a.obj.metadata?.finalizers ?? [])].filter((f) => !had.has(f)).sort();
  if (extra.length === 0) return undefined;
  const list = `[]string{${extra.map((f) => JSON.stringify(f)).join(", ")}}`;
  return [
    fieldForbidden(
      "metadata.finalizers",
      `no new finalizers can be added if the object is being deleted, found new finalizers ${list}`,
    ),
  ];
}

/** Validating plugins run only once the object is valid, as kube runs them after the strategy's Validate. */
function validatingPlugins(store: () => ObjectStore): ValidatingStep {
  const checks: ValidatingStep[] = [validation, noNewFinalizersWhileDeleting, protectedNamespaces];
  const plugins = [podSecurity(store), limitRangerValidate(store), resourceQuotaAdmission(store)];
  return (a) => {
    const errs: FieldError[] = [];
    for (const check of checks) errs.push(...(check(a) ?? []));
    if (errs.length) return errs;
    for (const plugin of plugins) plugin(a);
    return undefined;
  };
}

export function admissionChain(store: () => ObjectStore): Admission {
  return {
    mutating: [
      namespaceLifecycle(store),
      defaulting,
      limitRangerMutate(store),
      serviceAccountAdmission(store),
      defaultTolerationSeconds(),
      defaultStorageClass(store),
      createStrategy,
      (a) => allocateServiceAddresses(store(), a),
    ],
    validating: [validatingPlugins(store)],
  };
}
