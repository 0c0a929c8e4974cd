// Pod spec defaults, as pkg/apis/core/v1/defaults.go (1.32) plus the
// declarative +default markers of k8s.io/api/core/v1 (port protocol TCP).
import { isObj } from "./fieldErrors.ts";

type Obj = Record<string, any>;

function setIfAbsent(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === "") o[key] = value;
}

/** parsers.ParseImageName: no tag and no digest means "latest". */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf("/");
  const colon = named.indexOf(":", lastSlash + 1);
  if (colon >= 0) return named.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

export function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  for (const [k, v] of [
    ["timeoutSeconds", 1],
    ["periodSeconds", 10],
    ["successThreshold", 1],
    ["failureThreshold", 3],
  ] as const) {
    if (!p[k]) p[k] = v;
  }
  if (isObj(p.httpGet)) {
    setIfAbsent(p.httpGet, "path", "/");
    setIfAbsent(p.httpGet, "scheme", "HTTP");
  }
}

function defaultLifecycleHandler(h: unknown): void {
  if (isObj(h) && isObj(h.httpGet)) {
    setIfAbsent(h.httpGet, "path", "/");
    setIfAbsent(h.httpGet, "scheme", "HTTP");
  }
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const e of env) {
    if (isObj(e) && isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef))
      setIfAbsent(e.valueFrom.fieldRef, "apiVersion", "v1");
  }
}

export function defaultContainer(c: unknown, hostNetwork: boolean): void {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy && typeof c.image === "string") {
    c.imagePullPolicy = imageTag(c.image) === "latest" ? "Always" : "IfNotPresent";
  }
  setIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
  setIfAbsent(c, "terminationMessagePolicy", "File");
  // Resources is a struct, not a pointer: it always serializes, as `{}` when empty.
  if (c.resources === undefined || c.resources === null) c.resources = {};
  if (Array.isArray(c.ports)) {
    for (const p of c.ports) {
      if (!isObj(p)) continue;
      setIfAbsent(p, "protocol", "TCP");
      if (hostNetwork && !p.hostPort && p.containerPort !== undefined) p.hostPort = p.containerPort;
    }
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultLifecycleHandler(c.lifecycle.postStart);
    defaultLifecycleHandler(c.lifecycle.preStop);
  }
  defaultEnv(c.env);
}

/** SetDefaults_Pod: requests default to limits, only on Pods (not templates). */
function defaultRequestsFromLimits(c: unknown): void {
  if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) return;
  if (!isObj(c.resources.requests)) c.resources.requests = {};
  for (const [k, v] of Object.entries(c.resources.limits)) {
    if (!(k in c.resources.requests)) c.resources.requests[k] = v;
  }
}

const MODE_420 = ["secret", "configMap", "downwardAPI", "projected"];

function defaultItemsFieldRef(items: unknown): void {
  if (!Array.isArray(items)) return;
  for (const it of items) if (isObj(it) && isObj(it.fieldRef)) setIfAbsent(it.fieldRef, "apiVersion", "v1");
}

export function defaultVolume(v: unknown): void {
  if (!isObj(v)) return;
  const sources = Object.keys(v).filter((k) => k !== "name" && isObj(v[k]));
  if (sources.length === 0) v.emptyDir = {};
  for (const k of MODE_420) if (isObj(v[k]) && v[k].defaultMode == null) v[k].defaultMode = 420;
  if (isObj(v.hostPath) && v.hostPath.type == null) v.hostPath.type = "";
  if (isObj(v.downwardAPI)) defaultItemsFieldRef(v.downwardAPI.items);
  if (isObj(v.projected) && Array.isArray(v.projected.sources)) {
    for (const s of v.projected.sources) {
      if (!isObj(s)) continue;
      if (isObj(s.serviceAccountToken) && s.serviceAccountToken.expirationSeconds == null) {
        s.serviceAccountToken.expirationSeconds = 3600;
      }
      if (isObj(s.downwardAPI)) defaultItemsFieldRef(s.downwardAPI.items);
    }
  }
  const tmpl =
    isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate)
      ? v.ephemeral.volumeClaimTemplate
      : undefined;
  if (tmpl && isObj(tmpl.spec)) setIfAbsent(tmpl.spec, "volumeMode", "Filesystem");
}

/** SetDefaults_PodSpec and everything reachable from it. `isPod` adds SetDefaults_Pod. */
export function defaultPodSpec(spec: unknown, isPod: boolean): void {
  if (!isObj(spec)) return;
  setIfAbsent(spec, "dnsPolicy", "ClusterFirst");
  setIfAbsent(spec, "restartPolicy", "Always");
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds == null) spec.terminationGracePeriodSeconds = 30;
  setIfAbsent(spec, "schedulerName", "default-scheduler");
  const hostNet = spec.hostNetwork === true && isPod;
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      defaultContainer(c, hostNet);
      if (isPod) defaultRequestsFromLimits(c);
    }
  }
  if (Array.isArray(spec.ephemeralContainers))
    for (const c of spec.ephemeralContainers) defaultContainer(c, false);
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) defaultVolume(v);
  if (isPod && spec.enableServiceLinks == null) spec.enableServiceLinks = true;
}

/**
 * A PodTemplateSpec inside a workload. Go serializes the template's ObjectMeta
 * struct with a null creationTimestamp, which 1.32 clients see in -o yaml.
 */
export function defaultPodTemplate(tmpl: unknown): void {
  if (!isObj(tmpl)) return;
  defaultTemplateMeta(tmpl);
  defaultPodSpec(tmpl.spec, false);
}

export function defaultTemplateMeta(tmpl: Obj): void {
  if (tmpl.metadata === undefined || tmpl.metadata === null) tmpl.metadata = {};
  if (isObj(tmpl.metadata) && !("creationTimestamp" in tmpl.metadata)) tmpl.metadata.creationTimestamp = null;
}
