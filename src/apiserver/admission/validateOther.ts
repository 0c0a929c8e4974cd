// RBAC, storage and networking checks (pkg/apis/{rbac,storage,networking}/validation, 1.32).
import {
  arrayAt,
  type Errs,
  forbidden,
  invalid,
  isObj,
  notSupported,
  required,
  typeError,
} from "./fieldErrors.ts";
import { isDNS1123Label, isPathSegmentName } from "./names.ts";

type Obj = Record<string, any>;

function validateRules(rules: unknown, namespaced: boolean, errs: Errs): void {
  arrayAt(rules, "rules", errs).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!isObj(r)) {
      errs.push(typeError(p, r, "object"));
      return;
    }
    const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
    if (len(r.verbs) === 0) errs.push(required(`${p}.verbs`, "verbs must contain at least one value"));
    if (len(r.nonResourceURLs) > 0) {
      if (namespaced)
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            r.nonResourceURLs,
            "namespaced rules cannot apply to non-resource URLs",
          ),
        );
      if (len(r.apiGroups) > 0 || len(r.resources) > 0 || len(r.resourceNames) > 0) {
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            r.nonResourceURLs,
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      }
      return;
    }
    if (len(r.apiGroups) === 0)
      errs.push(required(`${p}.apiGroups`, "resource rules must supply at least one api group"));
    if (len(r.resources) === 0)
      errs.push(required(`${p}.resources`, "resource rules must supply at least one resource"));
  });
}

export function validateRole(obj: Obj, errs: Errs, namespaced: boolean): void {
  validateRules(obj.rules, namespaced, errs);
}

export function validateBinding(obj: Obj, errs: Errs, namespaced: boolean): void {
  const ref = obj.roleRef;
  if (!isObj(ref)) errs.push(ref == null ? required("roleRef") : typeError("roleRef", ref, "object"));
  else {
    const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
    if (ref.apiGroup !== "rbac.authorization.k8s.io")
      errs.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", ["rbac.authorization.k8s.io"]));
    if (!kinds.includes(ref.kind)) errs.push(notSupported("roleRef.kind", ref.kind ?? "", kinds));
    if (!ref.name) errs.push(required("roleRef.name"));
    else if (typeof ref.name === "string")
      for (const m of isPathSegmentName(ref.name)) errs.push(invalid("roleRef.name", ref.name, m));
  }
  for (const [i, s] of arrayAt(obj.subjects, "subjects", errs).entries())
    validateSubject(s, `subjects[${i}]`, namespaced, errs);
}

function validateSubject(s: unknown, p: string, namespaced: boolean, errs: Errs): void {
  if (!isObj(s)) {
    errs.push(typeError(p, s, "object"));
    return;
  }
  if (!s.name) errs.push(required(`${p}.name`));
  switch (s.kind) {
    case "ServiceAccount":
      if (s.apiGroup) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup, [""]));
      if (typeof s.name === "string" && s.name)
        for (const m of isPathSegmentName(s.name)) errs.push(invalid(`${p}.name`, s.name, m));
      if (!namespaced && !s.namespace) errs.push(required(`${p}.namespace`));
      break;
    case "User":
    case "Group":
      if (s.apiGroup !== "rbac.authorization.k8s.io")
        errs.push(notSupported(`${p}.apiGroup`, s.apiGroup ?? "", ["rbac.authorization.k8s.io"]));
      break;
    default:
      errs.push(notSupported(`${p}.kind`, s.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
}

export function validateBindingUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const a = isObj(obj.roleRef) ? obj.roleRef : {};
  const b = isObj(old.roleRef) ? old.roleRef : {};
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
    const show = `rbac.RoleRef{APIGroup:${JSON.stringify(String(a.apiGroup ?? ""))}, Kind:${JSON.stringify(String(a.kind ?? ""))}, Name:${JSON.stringify(String(a.name ?? ""))}}`;
    errs.push({
      reason: "FieldValueInvalid",
      field: "roleRef",
      message: `Invalid value: ${show}: cannot change roleRef`,
    });
  }
}

export function validateStorageClass(obj: Obj, errs: Errs): void {
  if (!obj.provisioner) errs.push(required("provisioner"));
  const rp = ["Delete", "Retain"];
  if (obj.reclaimPolicy && !rp.includes(obj.reclaimPolicy))
    errs.push(notSupported("reclaimPolicy", obj.reclaimPolicy, rp));
  const vbm = ["Immediate", "WaitForFirstConsumer"];
  if (obj.volumeBindingMode && !vbm.includes(obj.volumeBindingMode)) {
    errs.push(notSupported("volumeBindingMode", obj.volumeBindingMode, vbm));
  }
}

export function validateStorageClassUpdate(obj: Obj, old: Obj, errs: Errs): void {
  if (JSON.stringify(obj.parameters ?? {}) !== JSON.stringify(old.parameters ?? {})) {
    errs.push(forbidden("parameters", "updates to parameters are forbidden."));
  }
  if (obj.provisioner !== old.provisioner)
    errs.push(forbidden("provisioner", "updates to provisioner are forbidden."));
  if (obj.reclaimPolicy !== old.reclaimPolicy)
    errs.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
  if (obj.volumeBindingMode !== old.volumeBindingMode) {
    errs.push(invalid("volumeBindingMode", obj.volumeBindingMode ?? null, "field is immutable"));
  }
}

/** ValidateIngressClassUpdate: spec.controller never changes. */
export function validateIngressClassUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const now = isObj(obj.spec) ? obj.spec.controller : undefined;
  if (now !== (isObj(old.spec) ? old.spec.controller : undefined)) {
    errs.push(invalid("spec.controller", now ?? "", "field is immutable"));
  }
}

/** ValidateEndpointSliceUpdate: addressType never changes. */
export function validateEndpointSliceUpdate(obj: Obj, old: Obj, errs: Errs): void {
  if (obj.addressType !== old.addressType) errs.push(invalid("addressType", obj.addressType ?? "", "field is immutable"));
}

export function validateNamespaceFinalizers(obj: Obj, errs: Errs): void {
  const f = isObj(obj.spec) ? obj.spec.finalizers : undefined;
  arrayAt(f, "spec.finalizers", errs).forEach((x) => {
    if (typeof x !== "string") errs.push(typeError("spec.finalizers", x, "string"));
    else if (!x.includes("/") && x !== "kubernetes") {
      for (const m of isDNS1123Label(x)) errs.push(invalid("spec.finalizers", x, m));
    }
  });
}
