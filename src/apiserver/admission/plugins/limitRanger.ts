// LimitRanger admission (plugin/pkg/admission/limitranger, 1.32). Mutating:
// a new pod's containers and init containers get the Container items'
// default limits and defaultRequest requests they lack, noted in the
// kubernetes.io/limit-ranger annotation. Validating: min, max and
// maxLimitRequestRatio of Container and Pod items on new pods, and min/max
// storage of PersistentVolumeClaim items on created or updated claims.
// Each LimitRange is checked in turn; the first that fails answers 403.
import type { Attributes } from "../../registry/context.ts";
import { forbidden } from "../../registry/errors.ts";
import type { ObjectStore } from "../../registry/store.ts";
import type { KObject } from "../../registry/types.ts";
import { canonicalQuantity, formatQuantity, milliValue, type Quantity, unitValue } from "../quantity.ts";
import { podResources, type ResourceList, toResourceList } from "./resourceList.ts";

type Obj = Record<string, any>;

const ANNOTATION = "kubernetes.io/limit-ranger";

const isPod = (a: Attributes) => a.info.group === "" && a.info.resource === "pods";
const isPVC = (a: Attributes) => a.info.group === "" && a.info.resource === "persistentvolumeclaims";

/** SupportsAttributes: no subresources; pods on create only (containers cannot change), claims on create and update. */
function supports(a: Attributes): boolean {
  if (a.subresource || a.op === "DELETE") return false;
  return (isPod(a) && a.op === "CREATE") || isPVC(a);
}

function limitRanges(store: ObjectStore, ns: string): KObject[] {
  return store.storage.list(`/core/limitranges/${ns}/`).items.map((s) => JSON.parse(s.value));
}

const items = (lr: KObject): Obj[] => (Array.isArray(lr.spec?.limits) ? lr.spec.limits : []);

export function limitRangerMutate(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (!supports(a) || !isPod(a)) return;
    for (const lr of limitRanges(store(), a.namespace)) setPodDefaults(a.obj, lr);
  };
}

export function limitRangerValidate(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (!supports(a)) return;
    for (const lr of limitRanges(store(), a.namespace)) {
      const errs = isPod(a) ? validatePod(lr, a.obj) : validateClaim(lr, a.obj);
      if (errs.length) throw forbidden(a.requestInfo, a.name, errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`);
    }
  };
}

/** defaultContainerResourceRequirements + mergePodResourceRequirements. */
export function setPodDefaults(pod: Obj, lr: KObject): void {
  const limits: Obj = {};
  const requests: Obj = {};
  for (const it of items(lr)) {
    if (it?.type !== "Container") continue;
    Object.assign(requests, it.defaultRequest ?? {});
    Object.assign(limits, it.default ?? {});
  }
  if (!Object.keys(limits).length && !Object.keys(requests).length) return;
  const notes: string[] = [];
  const merge = (c: Obj, what: string) => {
    if (c == null || typeof c !== "object") return;
    const r: Obj = c.resources && typeof c.resources === "object" ? c.resources : {};
    const set = (field: "limits" | "requests", defaults: Obj, label: string) => {
      const have: Obj = r[field] && typeof r[field] === "object" ? r[field] : {};
      const added = Object.keys(defaults).filter((k) => !(k in have));
      if (!added.length) return;
      for (const k of added) have[k] = canonicalQuantity(defaults[k]) ?? defaults[k];
      r[field] = have;
      notes.push(`${added.sort().join(", ")} ${label} for ${what} ${c.name}`);
    };
    set("requests", requests, "request");
    set("limits", limits, "limit");
    c.resources = r;
  };
  const spec = pod.spec ?? {};
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) merge(c, "container");
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) merge(c, "init container");
  if (notes.length) {
    pod.metadata ??= {};
    pod.metadata.annotations = { ...pod.metadata.annotations, [ANNOTATION]: `LimitRanger plugin set: ${notes.join("; ")}` };
  }
}

/** requestLimitEnforcedValues: compare in milli-units unless a value is too large for them. */
function values(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const MAX_MILLI = 2n ** 63n / 1000n;
  const all = [req, lim, enforced].filter((q): q is Quantity => q !== undefined);
  const milli = all.every((q) => unitValue(q) <= MAX_MILLI);
  const v = (q?: Quantity) => (q ? (milli ? milliValue(q) : unitValue(q)) : 0n);
  return [v(req), v(lim), v(enforced)];
}

const s = formatQuantity;

function minConstraint(type: string, res: string, enforced: Quantity, request: ResourceList, limit: ResourceList) {
  const req = request.get(res);
  const lim = limit.get(res);
  const [r, l, e] = values(req, lim, enforced);
  if (!req) return `minimum ${res} usage per ${type} is ${s(enforced)}.  No request is specified`;
  if (r < e) return `minimum ${res} usage per ${type} is ${s(enforced)}, but request is ${s(req)}`;
  if (lim && l < e) return `minimum ${res} usage per ${type} is ${s(enforced)}, but limit is ${s(lim)}`;
  return undefined;
}

function maxConstraint(type: string, res: string, enforced: Quantity, request: ResourceList, limit: ResourceList) {
  const req = request.get(res);
  const lim = limit.get(res);
  const [r, l, e] = values(req, lim, enforced);
  if (!lim) return `maximum ${res} usage per ${type} is ${s(enforced)}.  No limit is specified`;
  if (l > e) return `maximum ${res} usage per ${type} is ${s(enforced)}, but limit is ${s(lim)}`;
  if (req && r > e) return `maximum ${res} usage per ${type} is ${s(enforced)}, but request is ${s(req)}`;
  return undefined;
}

function ratioConstraint(type: string, res: string, enforced: Quantity, request: ResourceList, limit: ResourceList) {
  const req = request.get(res);
  const lim = limit.get(res);
  const [r, l] = values(req, lim, enforced);
  if (!req || r === 0n) {
    return `${res} max limit to request ratio per ${type} is ${s(enforced)}, but no request is specified or request is 0`;
  }
  if (!lim || l === 0n) {
    return `${res} max limit to request ratio per ${type} is ${s(enforced)}, but no limit is specified or limit is 0`;
  }
  const ratio = Number(l) / Number(r);
  // Compared in milli-units when the enforced ratio allows; shown with %f.
  const max = Number(milliValue(enforced)) / 1000;
  if (ratio > max) {
    return `${res} max limit to request ratio per ${type} is ${s(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  }
  return undefined;
}

function checkItem(it: Obj, requests: ResourceList, limits: ResourceList, errs: string[]): void {
  const type = String(it.type);
  const run = (
    list: unknown,
    fn: (t: string, r: string, e: Quantity, req: ResourceList, lim: ResourceList) => string | undefined,
  ) => {
    for (const [res, q] of toResourceList(list)) {
      const e = fn(type, res, q, requests, limits);
      if (e) errs.push(e);
    }
  };
  run(it.min, minConstraint);
  run(it.max, maxConstraint);
  run(it.maxLimitRequestRatio, ratioConstraint);
}

/** PodValidateLimitFunc. */
export function validatePod(lr: KObject, pod: Obj): string[] {
  const errs: string[] = [];
  const spec = pod.spec ?? {};
  for (const it of items(lr)) {
    if (it?.type === "Container") {
      for (const key of ["containers", "initContainers"]) {
        for (const c of Array.isArray(spec[key]) ? spec[key] : []) {
          checkItem(it, toResourceList(c?.resources?.requests), toResourceList(c?.resources?.limits), errs);
        }
      }
    } else if (it?.type === "Pod") {
      checkItem(it, podResources(spec, "requests"), podResources(spec, "limits"), errs);
    }
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc: min as usual; max against the request. */
export function validateClaim(lr: KObject, pvc: Obj): string[] {
  const errs: string[] = [];
  const requests = toResourceList(pvc.spec?.resources?.requests);
  for (const it of items(lr)) {
    if (it?.type !== "PersistentVolumeClaim") continue;
    for (const [res, q] of toResourceList(it.min)) {
      const e = minConstraint("PersistentVolumeClaim", res, q, requests, new Map());
      if (e) errs.push(e);
    }
    for (const [res, q] of toResourceList(it.max)) {
      const req = requests.get(res);
      const [r, , e] = values(req, undefined, q);
      if (!req) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${s(q)}.  No request is specified`);
      else if (r > e) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${s(q)}, but request is ${s(req)}`);
    }
  }
  return errs;
}
