// Core-group checks: ConfigMap, Secret, Service, PersistentVolumeClaim
// (pkg/apis/core/validation/validation.go, 1.32).
import { parseQuantity } from "./quantity.ts";
import {
  arrayAt,
  duplicate,
  type Errs,
  forbidden,
  invalid,
  isObj,
  notSupported,
  required,
  tooLong,
  typeError,
} from "./fieldErrors.ts";
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isValidPortName } from "./names.ts";
import { checkPortNum } from "./validatePod.ts";

type Obj = Record<string, any>;

const MAX_DATA_SIZE = 1024 * 1024;

/** Keys of a string map; a wrong type becomes an error and yields nothing. */
function entries(v: unknown, field: string, errs: Errs): [string, unknown][] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) {
    errs.push(typeError(field, v, "object"));
    return [];
  }
  return Object.entries(v);
}

function checkKey(k: string, field: string, errs: Errs): void {
  for (const m of isConfigMapKey(k)) errs.push(invalid(`${field}[${k}]`, k, m));
}

export function validateConfigMap(obj: Obj, errs: Errs): void {
  let size = 0;
  for (const [k, v] of entries(obj.data, "data", errs)) {
    checkKey(k, "data", errs);
    if (typeof v !== "string") errs.push(typeError(`data[${k}]`, v, "string"));
    else size += Buffer.byteLength(v);
  }
  const data = isObj(obj.data) ? obj.data : {};
  for (const [k, v] of entries(obj.binaryData, "binaryData", errs)) {
    checkKey(k, "binaryData", errs);
    if (Object.hasOwn(data, k)) errs.push(invalid(`binaryData[${k}]`, k, "duplicate of key present in data"));
    if (typeof v !== "string") errs.push(typeError(`binaryData[${k}]`, v, "string"));
    else size += base64Size(v);
  }
  // The size error sits on the empty path (field.NewPath("")).
  if (size > MAX_DATA_SIZE) errs.push(tooLong("", MAX_DATA_SIZE));
}

function base64Size(v: string): number {
  const pad = v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0;
  return Math.floor((v.length * 3) / 4) - pad;
}

const reBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function validateSecret(obj: Obj, errs: Errs): void {
  let size = 0;
  for (const [k, v] of entries(obj.data, "data", errs)) {
    checkKey(k, "data", errs);
    if (typeof v !== "string") errs.push(typeError(`data[${k}]`, v, "string"));
    else if (!reBase64.test(v)) errs.push(invalid(`data[${k}]`, "<omitted>", "illegal base64 data"));
    else size += base64Size(v);
  }
  for (const [k, v] of entries(obj.stringData, "stringData", errs)) {
    // v1's stringData is merged into data before validation (Convert_v1_Secret_To_core_Secret), so
    // ValidateSecret names its keys data[…].
    checkKey(k, "data", errs);
    if (typeof v !== "string") errs.push(typeError(`stringData[${k}]`, v, "string"));
    else size += Buffer.byteLength(v);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong("data", MAX_DATA_SIZE));
  const data = { ...(isObj(obj.data) ? obj.data : {}), ...(isObj(obj.stringData) ? obj.stringData : {}) };
  const need = (key: string) => {
    if (!Object.hasOwn(data, key)) errs.push(required(`data[${key}]`));
  };
  switch (obj.type) {
    case "kubernetes.io/tls":
      need("tls.crt");
      need("tls.key");
      break;
    case "kubernetes.io/dockerconfigjson":
      need(".dockerconfigjson");
      break;
    case "kubernetes.io/dockercfg":
      need(".dockercfg");
      break;
    case "kubernetes.io/service-account-token":
      if (!obj.metadata?.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
      }
      break;
  }
}

const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

function validateServicePort(
  p: unknown,
  i: number,
  requireName: boolean,
  names: Set<string>,
  type: string,
  errs: Errs,
): void {
  const path = `spec.ports[${i}]`;
  if (!isObj(p)) {
    errs.push(typeError(path, p, "object"));
    return;
  }
  if (requireName && !p.name) errs.push(required(`${path}.name`));
  else if (typeof p.name === "string" && p.name) {
    for (const m of isDNS1123Label(p.name)) errs.push(invalid(`${path}.name`, p.name, m));
    if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
    names.add(p.name);
  }
  checkPortNum(p.port, `${path}.port`, errs);
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(p.protocol))
    errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  const tp = p.targetPort;
  if (typeof tp === "number") checkPortNum(tp, `${path}.targetPort`, errs);
  else if (typeof tp === "string")
    for (const m of isValidPortName(tp)) errs.push(invalid(`${path}.targetPort`, tp, m));
  else if (tp != null) errs.push(typeError(`${path}.targetPort`, tp, "integer or string"));
  if (p.nodePort != null && type === "ClusterIP") {
    errs.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
  } else if (p.nodePort != null && p.nodePort !== 0) checkPortNum(p.nodePort, `${path}.nodePort`, errs);
}

export function validateService(obj: Obj, errs: Errs): void {
  const s = obj.spec;
  if (!isObj(s)) {
    errs.push(s == null ? required("spec") : typeError("spec", s, "object"));
    return;
  }
  const type = s.type;
  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported("spec.type", type ?? "", SERVICE_TYPES));
  const headless = s.clusterIP === "None";
  const ports = arrayAt(s.ports, "spec.ports", errs);
  if (ports.length === 0 && !headless && type !== "ExternalName") errs.push(required("spec.ports"));
  const names = new Set<string>();
  for (const [i, p] of ports.entries()) validateServicePort(p, i, ports.length > 1, names, type, errs);
  if (type === "ExternalName") {
    if (!s.externalName) errs.push(required("spec.externalName"));
    else if (typeof s.externalName === "string") {
      const name = s.externalName.replace(/\.$/, "");
      for (const m of isDNS1123Subdomain(name)) errs.push(invalid("spec.externalName", s.externalName, m));
    }
  }
  const aff = ["ClientIP", "None"];
  if (s.sessionAffinity && !aff.includes(s.sessionAffinity))
    errs.push(notSupported("spec.sessionAffinity", s.sessionAffinity, aff));
  if (typeof s.clusterIP === "string" && s.clusterIP && !headless && !isIP(s.clusterIP)) {
    errs.push(
      invalid(
        "spec.clusterIPs[0]",
        s.clusterIP,
        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
      ),
    );
  }
}

function isIP(v: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  return v4.test(v) || (v.includes(":") && /^[0-9a-fA-F:.]+$/.test(v));
}

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

export function validatePVC(obj: Obj, errs: Errs): void {
  const s = obj.spec;
  if (!isObj(s)) {
    errs.push(s == null ? required("spec") : typeError("spec", s, "object"));
    return;
  }
  const modes = arrayAt(s.accessModes, "spec.accessModes", errs);
  if (modes.length === 0) errs.push(required("spec.accessModes", "at least 1 access mode is required"));
  for (const m of modes)
    if (!ACCESS_MODES.includes(m as string)) errs.push(notSupported("spec.accessModes", m, ACCESS_MODES));
  const req = isObj(s.resources) && isObj(s.resources.requests) ? s.resources.requests : {};
  if (req.storage == null) errs.push(required("spec.resources[storage]"));
  // ValidatePersistentVolumeClaimSpec: ValidatePositiveQuantityValue on the storage request.
  else if ((parseQuantity(req.storage) ?? 1) <= 0) errs.push(invalid("spec.resources[storage]", String(req.storage), "must be greater than zero"));
  const vm = ["Block", "Filesystem"];
  if (s.volumeMode && !vm.includes(s.volumeMode))
    errs.push(notSupported("spec.volumeMode", s.volumeMode, vm));
}

export function validatePV(obj: Obj, errs: Errs): void {
  const s = obj.spec;
  if (!isObj(s)) {
    errs.push(s == null ? required("spec") : typeError("spec", s, "object"));
    return;
  }
  const modes = arrayAt(s.accessModes, "spec.accessModes", errs);
  if (modes.length === 0) errs.push(required("spec.accessModes"));
  for (const m of modes)
    if (!ACCESS_MODES.includes(m as string)) errs.push(notSupported("spec.accessModes", m, ACCESS_MODES));
  const cap = isObj(s.capacity) ? s.capacity : {};
  if (cap.storage == null) errs.push(required("spec.capacity"));
  const rp = ["Delete", "Recycle", "Retain"];
  if (s.persistentVolumeReclaimPolicy && !rp.includes(s.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported("spec.persistentVolumeReclaimPolicy", s.persistentVolumeReclaimPolicy, rp));
  }
}
