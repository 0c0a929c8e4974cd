// Update rules of the core kinds: the Validate*Update functions of
// pkg/apis/core/validation/validation.go (1.32) for Service, Secret,
// ConfigMap, PersistentVolume(Claim), Node and ResourceQuota.
import { isIP } from "node:net";
import type { FieldError } from "../registry/types.ts";
import { deepEqual, type Errs, forbidden, invalid, isObj, required, showValue } from "./fieldErrors.ts";
import { parseQuantity } from "./quantity.ts";

type Obj = Record<string, any>;

const specOf = (o: Obj): Obj => (isObj(o.spec) ? o.spec : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
/** A Go []string in an Invalid value: `[]string(nil)` when unset. */
const goStrings = (v: string[] | undefined) => (v && v.length > 0 ? v : undefined);

/** Invalid with a []string value, `[]string(nil)` when unset. */
function invalidList(field: string, v: string[] | undefined, detail: string): FieldError {
  const shown = v === undefined || v.length === 0 ? "[]string(nil)" : showValue(v);
  return { reason: "FieldValueInvalid", field, message: `Invalid value: ${shown}: ${detail}` };
}

/**
 * validateServiceClusterIPsRelatedFields, the part that keeps clusterIP and
 * clusterIPs in step (run on create and update; ExternalName has neither).
 */
export function validateClusterIPsSync(obj: Obj, errs: Errs): void {
  const s = specOf(obj);
  if (s.type === "ExternalName") return;
  const ips = Array.isArray(s.clusterIPs) ? strings(s.clusterIPs) : undefined;
  if (typeof s.clusterIP === "string" && s.clusterIP) {
    if (!ips || ips.length === 0) errs.push(required("spec.clusterIPs"));
    else if (ips[0] !== s.clusterIP) errs.push(invalidList("spec.clusterIPs", ips, "first value must match `clusterIP`"));
  } else if (ips && ips.length > 0) {
    errs.push(invalidList("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"));
  }
  if (ips && ips.length > 2) errs.push(invalidList("spec.clusterIPs", ips, "may only hold up to 2 values"));
  if (ips && ips.length === 2 && ips.every((ip) => isIP(ip)) && isIP(ips[0]) === isIP(ips[1])) {
    errs.push(invalidList("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"));
  }
}

const headless = (s: Obj) => Array.isArray(s.clusterIPs) && s.clusterIPs.length === 1 && s.clusterIPs[0] === "None";

/** validateUpgradeDowngradeClusterIPs: the primary IP never changes; dropping the secondary needs SingleStack. */
function upgradeDowngradeClusterIPs(s: Obj, o: Obj, errs: Errs): void {
  if (headless(s) && headless(o)) return;
  const now = goStrings(strings(s.clusterIPs));
  const before = strings(o.clusterIPs);
  const n = now ?? [];
  const path = "spec.clusterIPs[0]";
  if (before.length === n.length) {
    before.forEach((ip, i) => {
      if (ip !== n[i]) errs.push(invalidList(`spec.clusterIPs[${i}]`, now, "may not change once set"));
    });
  } else if (before.length > n.length) {
    if (n.length === 0) errs.push(invalidList(path, now, "primary clusterIP can not be unset"));
    if (n.length > 0 && n[0] !== before[0]) errs.push(invalidList(path, now, "may not change once set"));
    if (n.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(
        invalid("spec.ipFamilyPolicy", s.ipFamilyPolicy, "must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (before.length > 0 && n[0] !== before[0]) {
    errs.push(invalidList(path, now, "may not change once set"));
  }
}

/** validateUpgradeDowngradeIPFamilies (a headless service may change its families). */
function upgradeDowngradeIPFamilies(s: Obj, o: Obj, errs: Errs): void {
  if (headless(s) || headless(o)) return;
  const now = strings(s.ipFamilies);
  const before = strings(o.ipFamilies);
  const shown = goStrings(now);
  const path = "spec.ipFamilies[0]";
  if (before.length === now.length) {
    before.forEach((f, i) => {
      if (f !== now[i]) errs.push(invalidList(path, shown, "may not change once set"));
    });
  } else if (before.length > now.length) {
    if (strings(s.clusterIPs).length === 0) errs.push(invalidList(path, shown, "primary ipFamily can not be unset"));
    // Upstream shows clusterIPs here, not the families.
    if (now.length > 0 && now[0] !== before[0])
      errs.push(invalidList(path, goStrings(strings(s.clusterIPs)), "may not change once set"));
    if (now.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(
        invalid("spec.ipFamilyPolicy", s.ipFamilyPolicy, "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (before.length > 0 && now.length > 0 && now[0] !== before[0]) {
    errs.push(invalidList(path, goStrings(strings(s.clusterIPs)), "may not change once set"));
  }
}

/**
 * ValidateServiceUpdate: clusterIPs and ipFamilies may be upgraded or
 * downgraded but never changed, except to, from or on ExternalName; a
 * LoadBalancer keeps its loadBalancerClass.
 */
export function validateServiceUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const s = specOf(obj);
  const o = specOf(old);
  if (s.type !== "ExternalName" && o.type !== "ExternalName") {
    upgradeDowngradeClusterIPs(s, o, errs);
    upgradeDowngradeIPFamilies(s, o, errs);
  }
  if (s.type === "LoadBalancer" && o.type === "LoadBalancer" && (s.loadBalancerClass ?? null) !== (o.loadBalancerClass ?? null)) {
    errs.push(invalid("spec.loadBalancerClass", s.loadBalancerClass, "may not change once set"));
  }
}

const IMMUTABLE_SET = "field is immutable when `immutable` is set";

/** ValidateSecretUpdate / ValidateConfigMapUpdate: `type` never changes; with `immutable: true`, nor does the data. */
export function validateImmutableData(kind: string, obj: Obj, old: Obj, errs: Errs): void {
  if (kind === "Secret" && (obj.type || old.type) !== old.type) {
    errs.push(invalid("type", obj.type, "field is immutable"));
  }
  if (old.immutable !== true) return;
  if (obj.immutable !== true) errs.push(forbidden("immutable", IMMUTABLE_SET));
  // A Secret's stringData is already merged into data when this runs.
  const fields = kind === "Secret" ? ["data"] : ["data", "binaryData"];
  for (const f of fields) {
    if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, IMMUTABLE_SET));
  }
}

const storageOf = (spec: Obj): unknown =>
  isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests.storage : undefined;

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable except that an
 * unbound claim may get its volumeName once, a claim without a class may get
 * one, and a Bound claim may change resources.requests.storage (growing, or
 * shrinking down to above status.capacity: RecoverVolumeExpansionFailure is
 * on in 1.32) and volumeAttributesClassName. The message carries go-cmp's
 * diff after a newline upstream; go-cmp randomizes its spacing, so only the
 * first line is stable and only it is given here.
 */
export function validatePVCUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const s: Obj = structuredClone(specOf(obj));
  const o: Obj = structuredClone(specOf(old));
  if (!o.volumeName) o.volumeName = s.volumeName;
  const oldBeta = old.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"];
  const newBeta = obj.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"];
  if (oldBeta !== undefined && o.storageClassName == null && s.storageClassName != null && s.storageClassName === oldBeta) {
    if (newBeta === undefined || newBeta === oldBeta) delete s.storageClassName;
  } else {
    if ((newBeta ?? "") !== (oldBeta ?? "")) {
      errs.push(invalid("metadata.annotations.volume.beta.kubernetes.io/storage-class", newBeta ?? "", "field is immutable"));
    }
    if (s.storageClassName != null && o.storageClassName == null && (oldBeta === undefined || s.storageClassName === oldBeta)) {
      delete s.storageClassName;
    }
  }
  const bound = old.status?.phase === "Bound";
  if (bound && isObj(s.resources) && isObj(s.resources.requests)) {
    s.resources.requests.storage = storageOf(o);
    if (s.resources.requests.storage === undefined) delete s.resources.requests.storage;
  }
  if (bound && s.volumeAttributesClassName != null) s.volumeAttributesClassName = o.volumeAttributesClassName;
  for (const c of [s, o]) for (const k of Object.keys(c)) if (c[k] === undefined || c[k] === null) delete c[k];
  if (!deepEqual(s, o)) {
    errs.push(forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
  }
  const newSize = parseQuantity(storageOf(specOf(obj)));
  const oldSize = parseQuantity(storageOf(specOf(old)));
  const statusSize = parseQuantity(old.status?.capacity?.storage) ?? 0;
  if (newSize !== undefined && oldSize !== undefined && newSize < oldSize && newSize <= statusSize) {
    errs.push(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
  }
  immutableAt("volumeMode", specOf(obj).volumeMode, specOf(old).volumeMode, errs);
  const vac = specOf(obj).volumeAttributesClassName;
  if (specOf(old).volumeAttributesClassName != null && vac !== specOf(old).volumeAttributesClassName) {
    if (vac == null) errs.push(forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
    else if (vac === "") {
      errs.push(forbidden("spec.volumeAttributesClassName", "update from non-nil value to an empty string is forbidden"));
    }
  }
}

/** ValidateImmutableField for a scalar (a pointer shows as its value, nil as null). */
function immutableAt(field: string, now: unknown, before: unknown, errs: Errs): void {
  if (!deepEqual(now ?? null, before ?? null)) errs.push(invalid(field, now ?? null, "field is immutable"));
}

/** Every PersistentVolumeSource member of a PV spec (one volume type each). */
const PV_SOURCES = [
  "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi", "fc", "flexVolume", "flocker",
  "gcePersistentDisk", "glusterfs", "hostPath", "iscsi", "local", "nfs", "photonPersistentDisk", "portworxVolume",
  "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume",
];

/**
 * ValidatePersistentVolumeUpdate: the volume source and volumeMode are
 * immutable (a CSI volume may gain a controllerExpandSecretRef), and
 * nodeAffinity once set. Upstream appends go-cmp's diff to the first
 * message; see validatePVCUpdate.
 */
export function validatePVUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const s = specOf(obj);
  const o = specOf(old);
  const source = (spec: Obj, dropExpandRef: boolean) => {
    const out: Obj = {};
    for (const k of PV_SOURCES) if (spec[k] != null) out[k] = structuredClone(spec[k]);
    if (dropExpandRef && isObj(out.csi)) delete out.csi.controllerExpandSecretRef;
    return out;
  };
  const gainsRef = isObj(o.csi) && o.csi.controllerExpandSecretRef == null && isObj(s.csi);
  if (!deepEqual(source(s, gainsRef), source(o, false))) {
    errs.push(forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"));
  }
  immutableAt("volumeMode", s.volumeMode, o.volumeMode, errs);
  if (o.nodeAffinity != null && !deepEqual(s.nodeAffinity, o.nodeAffinity)) {
    errs.push(invalid("nodeAffinity", s.nodeAffinity ?? null, "field is immutable, except for updating from beta label to GA"));
  }
  if (o.volumeAttributesClassName != null && s.volumeAttributesClassName == null) {
    errs.push(forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
  }
}

/** A v1 Node's pod CIDRs: podCIDRs, or podCIDR when only it is set (the v1 to internal conversion). */
function podCIDRs(spec: Obj): string[] {
  const plural = strings(spec.podCIDRs);
  if (plural.length > 0) return plural;
  return typeof spec.podCIDR === "string" && spec.podCIDR ? [spec.podCIDR] : [];
}

const NODE_CIDR = 'node updates may not change podCIDR except from "" to valid';

/** ValidateNodeUpdate: podCIDRs and providerID may be set once, never changed. */
export function validateNodeUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const now = podCIDRs(specOf(obj));
  const before = podCIDRs(specOf(old));
  if (before.length > 0) {
    if (before.length !== now.length) errs.push(forbidden("spec.podCIDRs", NODE_CIDR));
    else for (const [i, c] of before.entries()) if (c !== now[i]) errs.push(forbidden("spec.podCIDRs", NODE_CIDR));
  }
  const was = specOf(old).providerID;
  if (typeof was === "string" && was && specOf(obj).providerID !== was) {
    errs.push(forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
  }
}

/** ValidateResourceQuotaUpdate: the set of scopes never changes. */
export function validateResourceQuotaUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const now = strings(specOf(obj).scopes);
  const before = new Set(strings(specOf(old).scopes));
  if (new Set(now).size !== before.size || now.some((x) => !before.has(x))) {
    const shown = now.length ? `[]core.ResourceQuotaScope{${now.map((x) => JSON.stringify(x)).join(", ")}}` : "[]core.ResourceQuotaScope(nil)";
    errs.push({ reason: "FieldValueInvalid", field: "spec.scopes", message: `Invalid value: ${shown}: field is immutable` });
  }
}
