// A container's environment as the kubelet builds it
// (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, v1.32): envFrom
// first (ConfigMaps and Secrets, with their prefix; keys that are not valid
// variable names are skipped), then env in declaration order, each value
// either expanded ($(VAR) from the variables so far and the service
// variables) or taken from its source (ConfigMap or Secret key, downward API
// fieldRef or resourceFieldRef); then the service variables
// (pkg/kubelet/envvars: the pod namespace's services when enableServiceLinks,
// plus the `kubernetes` service of `default`) not already set. kubelet keeps
// them in a Go map, so its order is unspecified; ours is fixed: the image's
// PATH and the runtime's HOSTNAME first, the pod's variables in declaration
// order, the service variables by service name, and HOME last, as a
// busybox container shows them.
import type { KObject, KubeClient } from "../../../apiserver/client.ts";
import { quantity } from "../../nodes/resources.ts";

export const SECRETS = { group: "", version: "v1", resource: "secrets" };
export const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The pod's hostname (spec.hostname, else its name cut to 63 characters, as kubelet's GeneratePodHostNameAndDomain). */
export function podHostname(pod: KObject): string {
  return pod.spec?.hostname || String(pod.metadata?.name ?? "").slice(0, 63).replace(/[-.]+$/, "");
}

/** Reads ConfigMaps and Secrets once per session, through the Kubernetes API. */
export class SourceCache {
  private readonly client: KubeClient;
  private readonly ns: string;
  private readonly cache = new Map<string, Promise<Record<string, string> | undefined>>();

  constructor(client: KubeClient, namespace: string) {
    this.client = client;
    this.ns = namespace;
  }

  /** A ConfigMap's data and binaryData, or a Secret's data decoded; undefined when missing. */
  get(kind: "configMap" | "secret", name: string): Promise<Record<string, string> | undefined> {
    const key = `${kind}/${name}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.read(kind, name);
      this.cache.set(key, p);
    }
    return p;
  }

  private async read(kind: "configMap" | "secret", name: string): Promise<Record<string, string> | undefined> {
    try {
      if (kind === "configMap") {
        const cm = await this.client.get({ group: "", version: "v1", resource: "configmaps" }, this.ns, name);
        const bin = Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("latin1")]);
        return { ...cm.data, ...Object.fromEntries(bin) };
      }
      const s = await this.client.get(SECRETS, this.ns, name);
      return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("utf8")]));
    } catch {
      return undefined;
    }
  }
}

/** A downward API fieldRef's value (kubelet's podFieldSelectorRuntimeValue); labels and annotations as `k="v"` lines. */
export function fieldRefValue(pod: KObject, path: string): string {
  const m = /^metadata\.(labels|annotations)(?:\['(.*)'\])?$/.exec(path);
  if (m) {
    const map: Record<string, string> = pod.metadata?.[m[1]] ?? {};
    if (m[2] !== undefined) return map[m[2]] ?? "";
    return Object.keys(map)
      .sort()
      .map((k) => `${k}=${JSON.stringify(map[k])}`)
      .join("\n");
  }
  const ips = (list: KObject[] | undefined) => (list ?? []).map((x) => x.ip).join(",");
  switch (path) {
    case "metadata.name":
      return pod.metadata?.name ?? "";
    case "metadata.namespace":
      return pod.metadata?.namespace ?? "";
    case "metadata.uid":
      return pod.metadata?.uid ?? "";
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return ips(pod.status?.hostIPs);
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return ips(pod.status?.podIPs);
    default:
      return "";
  }
}

/**
 * A resourceFieldRef's value (pkg/api/v1/resource ExtractContainerResourceValue):
 * the container's limit or request divided by the divisor, rounded up; an
 * unset limit is the node's allocatable.
 */
export function resourceFieldValue(pod: KObject, ref: KObject, allocatable: Record<string, string>): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x: KObject) => x.name === ref.containerName) ?? pod.spec?.containers?.[0];
  const [kind, res] = String(ref.resource ?? "").split(".");
  let v = c?.resources?.[kind]?.[res];
  if (v === undefined && kind === "limits") v = allocatable[res];
  const divisor = quantity(ref.divisor ?? "1") || 1;
  const n = quantity(v ?? "0") || 0;
  return String(Math.ceil(n / divisor - 1e-9));
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Expands $(VAR) references as kube's third_party/forked/golang/expansion: $$ escapes, unknown references stay. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (all, name: string | undefined) => {
    if (all === "$$") return "$";
    const v = name ? lookup(name) : undefined;
    return v ?? all;
  });
}

/** The service variables (pkg/kubelet/envvars FromServices) of services with a cluster IP. */
export function serviceEnv(services: KObject[]): [string, string][] {
  const out: [string, string][] = [];
  const up = (s: string) => s.toUpperCase().replace(/-/g, "_");
  for (const svc of [...services].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))) {
    const ip = svc.spec?.clusterIP;
    const ports: KObject[] = svc.spec?.ports ?? [];
    if (!ip || ip === "None" || !ports.length) continue;
    const p = up(svc.metadata?.name ?? "");
    out.push([`${p}_SERVICE_HOST`, ip], [`${p}_SERVICE_PORT`, String(ports[0].port)]);
    for (const sp of ports) if (sp.name) out.push([`${p}_SERVICE_PORT_${up(sp.name)}`, String(sp.port)]);
    ports.forEach((sp, i) => {
      const proto = String(sp.protocol ?? "TCP");
      const url = `${proto.toLowerCase()}://${ip.includes(":") ? `[${ip}]` : ip}:${sp.port}`;
      if (i === 0) out.push([`${p}_PORT`, url]);
      const pp = `${p}_PORT_${sp.port}_${proto.toUpperCase()}`;
      out.push([pp, url], [`${pp}_PROTO`, proto.toLowerCase()], [`${pp}_PORT`, String(sp.port)], [`${pp}_ADDR`, ip]);
    });
  }
  return out;
}

/** The services whose variables a pod sees: its namespace's (when service links are on) and default/kubernetes. */
export async function visibleServices(client: KubeClient, pod: KObject): Promise<KObject[]> {
  const R_SVC = { group: "", version: "v1", resource: "services" };
  const ns = pod.metadata?.namespace ?? "default";
  const own = pod.spec?.enableServiceLinks === false ? [] : (await client.list(R_SVC, ns)).items;
  if (ns === "default" && own.some((s) => s.metadata?.name === "kubernetes")) return own;
  const master = await client.get(R_SVC, "default", "kubernetes").catch(() => undefined);
  return master ? [...own.filter((s) => s.metadata?.name !== "kubernetes"), master] : own;
}

export type EnvInputs = { pod: KObject; container: KObject; sources: SourceCache; services: KObject[]; allocatable: Record<string, string> };

/** The container's environment, in the order `env` prints it. */
export async function containerEnvironment(inp: EnvInputs): Promise<[string, string][]> {
  const { pod, container, sources } = inp;
  const vars = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? "configMap" : from.secretRef ? "secret" : undefined;
    const ref = from.configMapRef ?? from.secretRef;
    if (!kind || !ref?.name) continue;
    const data = await sources.get(kind, ref.name);
    for (const [k, v] of Object.entries(data ?? {})) {
      const name = `${from.prefix ?? ""}${k}`;
      if (ENV_NAME.test(name)) vars.set(name, v);
    }
  }
  const svc = serviceEnv(inp.services);
  const svcMap = new Map(svc);
  for (const e of container.env ?? []) {
    let v = e.value ?? "";
    if (v) v = expand(v, (n) => vars.get(n) ?? svcMap.get(n));
    else if (e.valueFrom) v = await valueFrom(inp, e.valueFrom);
    vars.delete(e.name);
    vars.set(e.name, v);
  }
  const out: [string, string][] = [["PATH", IMAGE_PATH], ["HOSTNAME", podHostname(pod)]];
  for (const [k, v] of vars) if (k !== "PATH" && k !== "HOSTNAME") out.push([k, v]);
  if (vars.has("PATH")) out[0] = ["PATH", vars.get("PATH")!];
  for (const [k, v] of svc) if (!vars.has(k)) out.push([k, v]);
  if (!vars.has("HOME")) out.push(["HOME", "/root"]);
  return out;
}

async function valueFrom(inp: EnvInputs, from: KObject): Promise<string> {
  if (from.fieldRef) return fieldRefValue(inp.pod, from.fieldRef.fieldPath ?? "");
  if (from.resourceFieldRef) return resourceFieldValue(inp.pod, { containerName: inp.container.name, ...from.resourceFieldRef }, inp.allocatable);
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (!ref?.name) return "";
  const data = await inp.sources.get(from.configMapKeyRef ? "configMap" : "secret", ref.name);
  return data?.[ref.key] ?? "";
}
