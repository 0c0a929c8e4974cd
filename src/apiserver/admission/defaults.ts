// Defaulting on create and update, as kube-apiserver 1.32 does while decoding
// a request (SetDefaults_* in pkg/apis/*/v1/defaults.go and the +default
// markers of k8s.io/api). Strategy-time changes live in strategy.ts.
import type { JSONSchemaProps, KObject, ResourceInfo } from "../registry/types.ts";
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultHPA,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
} from "./defaultsApps.ts";
import { defaultAPIService } from "../aggregator/apiService.ts";
import { defaultPodSpec } from "./defaultsPod.ts";
import { isObj } from "./fieldErrors.ts";

type Obj = Record<string, any>;
type Defaulter = (obj: Obj, info: ResourceInfo) => void;

function orDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === "") o[key] = value;
}

function sub(o: Obj, key: string): Obj | undefined {
  if (o[key] === undefined || o[key] === null) o[key] = {};
  return isObj(o[key]) ? o[key] : undefined;
}

function defaultService(obj: Obj): void {
  const s = sub(obj, "spec");
  if (!s) return;
  orDefault(s, "sessionAffinity", "None");
  if (s.sessionAffinity === "None") delete s.sessionAffinityConfig;
  if (s.sessionAffinity === "ClientIP" && !(s.sessionAffinityConfig?.clientIP?.timeoutSeconds != null)) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  orDefault(s, "type", "ClusterIP");
  if (Array.isArray(s.ports)) {
    for (const p of s.ports) {
      if (!isObj(p)) continue;
      orDefault(p, "protocol", "TCP");
      if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") {
        p.targetPort = p.port;
      }
    }
  }
  const t = s.type;
  const external =
    t === "NodePort" ||
    t === "LoadBalancer" ||
    (t === "ClusterIP" && Array.isArray(s.externalIPs) && s.externalIPs.length > 0);
  if (external) orDefault(s, "externalTrafficPolicy", "Cluster");
  if (t === "NodePort" || t === "LoadBalancer" || t === "ClusterIP")
    orDefault(s, "internalTrafficPolicy", "Cluster");
  if (t === "LoadBalancer" && s.allocateLoadBalancerNodePorts == null) s.allocateLoadBalancerNodePorts = true;
  if (t !== "ExternalName") defaultIPFamilies(s);
}

/**
 * Done by the Service REST storage in kube (initIPFamilyFields) on a
 * single-stack IPv4 cluster. Headless services without a selector get
 * RequireDualStack there, even on a single-stack cluster.
 */
function defaultIPFamilies(s: Obj): void {
  const headlessNoSelector =
    s.clusterIP === "None" && !(isObj(s.selector) && Object.keys(s.selector).length > 0);
  orDefault(s, "ipFamilyPolicy", headlessNoSelector ? "RequireDualStack" : "SingleStack");
  if (!Array.isArray(s.ipFamilies) || s.ipFamilies.length === 0) s.ipFamilies = ["IPv4"];
}

function defaultNamespace(obj: Obj): void {
  const meta = obj.metadata;
  if (isObj(meta) && typeof meta.name === "string" && meta.name) {
    if (!isObj(meta.labels)) meta.labels = {};
    meta.labels["kubernetes.io/metadata.name"] = meta.name;
  }
  const status = sub(obj, "status");
  if (status) orDefault(status, "phase", "Active");
}

function defaultPV(obj: Obj): void {
  const s = sub(obj, "spec");
  if (s) {
    orDefault(s, "persistentVolumeReclaimPolicy", "Retain");
    orDefault(s, "volumeMode", "Filesystem");
  }
  const status = sub(obj, "status");
  if (status) orDefault(status, "phase", "Pending");
}

function defaultPVC(obj: Obj): void {
  const s = sub(obj, "spec");
  if (s) orDefault(s, "volumeMode", "Filesystem");
  const status = sub(obj, "status");
  if (status) orDefault(status, "phase", "Pending");
}

function defaultEndpoints(obj: Obj): void {
  if (!Array.isArray(obj.subsets)) return;
  for (const ss of obj.subsets) {
    if (isObj(ss) && Array.isArray(ss.ports))
      for (const p of ss.ports) if (isObj(p)) orDefault(p, "protocol", "TCP");
  }
}

function defaultNode(obj: Obj): void {
  const st = obj.status;
  if (isObj(st) && isObj(st.capacity) && st.allocatable == null) st.allocatable = { ...st.capacity };
}

/** SetDefaults_LimitRangeItem: for Container items, default <- max, defaultRequest <- default, then min. */
function defaultLimitRange(obj: Obj): void {
  const limits = isObj(obj.spec) && Array.isArray(obj.spec.limits) ? obj.spec.limits : [];
  for (const it of limits) {
    if (!isObj(it) || it.type !== "Container") continue;
    const def = sub(it, "default");
    const req = sub(it, "defaultRequest");
    if (!def || !req) continue;
    for (const [k, v] of Object.entries(isObj(it.max) ? it.max : {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
    for (const [k, v] of Object.entries(isObj(it.min) ? it.min : {})) if (!(k in req)) req[k] = v;
  }
}

function defaultNetworkPolicy(obj: Obj): void {
  const s = sub(obj, "spec");
  if (!s) return;
  for (const dir of ["ingress", "egress"]) {
    if (!Array.isArray(s[dir])) continue;
    for (const rule of s[dir]) {
      if (isObj(rule) && Array.isArray(rule.ports))
        for (const p of rule.ports) if (isObj(p)) orDefault(p, "protocol", "TCP");
    }
  }
  // No policyTypes means at least "Ingress", plus "Egress" when egress rules exist.
  if (!Array.isArray(s.policyTypes) || s.policyTypes.length === 0) {
    s.policyTypes = Array.isArray(s.egress) && s.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

function defaultBinding(obj: Obj): void {
  const RBAC = "rbac.authorization.k8s.io";
  if (isObj(obj.roleRef)) orDefault(obj.roleRef, "apiGroup", RBAC);
  if (!Array.isArray(obj.subjects)) return;
  for (const s of obj.subjects) {
    if (isObj(s) && !s.apiGroup && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC;
  }
}

function defaultStorageClass(obj: Obj): void {
  orDefault(obj, "reclaimPolicy", "Delete");
  orDefault(obj, "volumeBindingMode", "Immediate");
}

function defaultCRD(obj: Obj): void {
  const s = obj.spec;
  if (!isObj(s)) return;
  const names = s.names;
  if (isObj(names) && typeof names.kind === "string" && names.kind) {
    orDefault(names, "singular", names.kind.toLowerCase());
    orDefault(names, "listKind", `${names.kind}List`);
  }
  if (s.conversion == null) s.conversion = { strategy: "None" };
  const svc = s.conversion?.webhook?.clientConfig?.service;
  if (isObj(svc) && svc.port == null) svc.port = 443;
  const storage = Array.isArray(s.versions)
    ? s.versions.find((v: unknown) => isObj(v) && v.storage === true)
    : undefined;
  const status = sub(obj, "status");
  if (status && storage && !(Array.isArray(status.storedVersions) && status.storedVersions.length > 0)) {
    status.storedVersions = [storage.name];
  }
}

/**
 * Decoding a v1 Secret merges stringData into data (stringData wins) and
 * drops it, so it is never stored. Non-string values are left for validation.
 */
function defaultSecret(obj: Obj): void {
  orDefault(obj, "type", "Opaque");
  const sd = obj.stringData;
  if (sd === null) delete obj.stringData;
  if (!isObj(sd) || !Object.values(sd).every((v) => typeof v === "string")) return;
  const data = isObj(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(v as string).toString("base64");
  if (Object.keys(data).length > 0) obj.data = data;
  delete obj.stringData;
}

const byKind: Record<string, Defaulter> = {
  "/Pod": (o) => defaultPodSpec(o.spec, true),
  "/Service": defaultService,
  "/Secret": defaultSecret,
  "/Namespace": defaultNamespace,
  "/PersistentVolume": defaultPV,
  "/PersistentVolumeClaim": defaultPVC,
  "/Endpoints": defaultEndpoints,
  "/Node": defaultNode,
  "/LimitRange": defaultLimitRange,
  "apps/Deployment": defaultDeployment,
  "apps/ReplicaSet": defaultReplicaSet,
  "apps/StatefulSet": defaultStatefulSet,
  "apps/DaemonSet": defaultDaemonSet,
  "batch/Job": defaultJob,
  "batch/CronJob": defaultCronJob,
  "autoscaling/HorizontalPodAutoscaler": (o, info) => defaultHPA(o, info.version),
  "networking.k8s.io/NetworkPolicy": defaultNetworkPolicy,
  "rbac.authorization.k8s.io/RoleBinding": defaultBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": defaultBinding,
  "storage.k8s.io/StorageClass": defaultStorageClass,
  "apiextensions.k8s.io/CustomResourceDefinition": defaultCRD,
  "apiregistration.k8s.io/APIService": defaultAPIService,
};

/** Apply the built-in defaults for `info`'s kind to `obj`, in place. Never throws. */
export function applyDefaults(info: ResourceInfo, obj: KObject): void {
  if (!isObj(obj)) return;
  if (info.crd) {
    if (info.crd.schema) setDefaultsFromSchema(info.crd.schema, obj);
    return;
  }
  byKind[`${info.group}/${info.kind}`]?.(obj, info);
}

/**
 * Structural-schema defaulting (apiextensions-apiserver structuraldefaulting.Default):
 * a property's default fills it when missing, or when null and not nullable,
 * inside objects that exist; then recurse into properties, additionalProperties and items.
 */
export function setDefaultsFromSchema(schema: JSONSchemaProps, obj: unknown): void {
  if (!isObj(schema)) return;
  if (Array.isArray(obj)) {
    if (isObj(schema.items)) for (const v of obj) setDefaultsFromSchema(schema.items, v);
    return;
  }
  if (!isObj(obj)) return;
  const props = isObj(schema.properties) ? schema.properties : undefined;
  if (props) {
    for (const [k, p] of Object.entries(props)) {
      if (!isObj(p) || p.default === undefined) continue;
      if (!(k in obj) || (obj[k] === null && p.nullable !== true)) obj[k] = structuredClone(p.default);
    }
  }
  const extra = isObj(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [k, v] of Object.entries(obj)) {
    const p = props && Object.hasOwn(props, k) ? props[k] : extra;
    if (p) setDefaultsFromSchema(p, v);
  }
}
