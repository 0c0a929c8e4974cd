// Where the connect subresources of pods and nodes lead: the kubelet of a
// pod's node (logs, exec, attach, port-forward, node proxy) or the pod's IP
// (pod proxy). Follows kube's pkg/registry/core/pod/strategy.go
// (LogLocation, ExecLocation, AttachLocation, PortForwardLocation,
// ResourceLocation), pkg/registry/core/node/strategy.go (ResourceLocation)
// and pkg/kubelet/client's NodeConnectionInfoGetter.
import { invalid as invalidField, forbidden as forbiddenField } from "../admission/fieldErrors.ts";
import { ApiError, badRequest, invalid } from "./errors.ts";
import type { ObjectStore } from "./store.ts";
import type { FieldError, KObject } from "./types.ts";

/** Where to connect, and with which credentials: the kubelet's or the proxy's. */
export type Location = { url: URL; kubelet: boolean };

/** kube-apiserver's default --kubelet-preferred-address-types. */
export const PREFERRED_ADDRESS_TYPES = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];
/** The kubelet port when a Node reports none (--kubelet-port). */
export const DEFAULT_KUBELET_PORT = 10250;

function core(store: ObjectStore, resource: string) {
  return store.registry.lookup("", "v1", resource)!;
}

export function getPod(store: ObjectStore, namespace: string, name: string): KObject {
  return store.get(core(store, "pods"), namespace, name).obj();
}

function hostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The kubelet's host and port for a node (GetConnectionInfo); 404 when the Node is missing. */
export function kubeletEndpoint(store: ObjectStore, nodeName: string): { host: string; port: number } {
  const node = store.get(core(store, "nodes"), "", nodeName).obj();
  const addresses: { type?: string; address?: string }[] = node.status?.addresses ?? [];
  let host: string | undefined;
  for (const type of PREFERRED_ADDRESS_TYPES) {
    host = addresses.find((a) => a.type === type && a.address)?.address;
    if (host) break;
  }
  if (!host) {
    // nodeutil.NoMatchError, rendered with Go's %v of the addresses.
    const known = addresses.map((a) => `{${a.type} ${a.address}}`).join(" ");
    throw new ApiError(500, "", `no preferred addresses found; known addresses: [${known}]`);
  }
  const port = Number(node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0);
  return { host, port: port > 0 ? port : DEFAULT_KUBELET_PORT };
}

function kubeletUrl(store: ObjectStore, nodeName: string, path: string, params: URLSearchParams): URL {
  const { host, port } = kubeletEndpoint(store, nodeName);
  const url = new URL(`https://${hostPort(host, port)}${path}`);
  // url.Values.Encode sorts by key, keeping each key's values in order.
  params.sort();
  url.search = params.toString();
  return url;
}

type Container = { name?: string };

/** Init, regular and ephemeral containers, in podutil.VisitContainers' order. */
function allContainers(pod: KObject): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
}

/** validateContainer: the named container, or the only one; 400 otherwise. */
export function validateContainer(container: string, pod: KObject): string {
  const name = pod.metadata?.name;
  if (!container) {
    const main: Container[] = pod.spec?.containers ?? [];
    if (main.length === 1) return main[0].name ?? "";
    if (main.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    // Go's %v of a []string: space-separated in brackets.
    const names = allContainers(pod).map((c) => c.name);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`);
  }
  if (!allContainers(pod).some((c) => c.name === container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  return container;
}

function boundNode(pod: KObject, name: string): string {
  const node = pod.spec?.nodeName;
  if (!node) throw badRequest(`pod ${name} does not have a host assigned`);
  return node;
}

function int(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  // Go's strconv.ParseInt, which the query parameter conversion uses.
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

function bool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  // Any value but "false" or "0" (and an empty one) is true, as the query conversion reads it.
  return v !== null && v !== "" && v !== "false" && v !== "0";
}

/** The query of pods/log, checked as ValidatePodLogOptions does (422 PodLogOptions). */
function logParams(q: URLSearchParams, podName: string): URLSearchParams {
  const tailLines = int(q, "tailLines");
  const limitBytes = int(q, "limitBytes");
  const sinceSeconds = int(q, "sinceSeconds");
  const sinceTime = q.get("sinceTime") || undefined;
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push(invalidField("tailLines", tailLines, "must be greater than or equal to 0"));
  if (limitBytes !== undefined && limitBytes < 1) errs.push(invalidField("limitBytes", limitBytes, "must be greater than 0"));
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    errs.push(forbiddenField("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    errs.push(invalidField("sinceSeconds", sinceSeconds, "must be greater than 0"));
  }
  if (errs.length) throw invalid({ group: "", kind: "PodLogOptions" } as never, podName, errs);
  const out = new URLSearchParams();
  if (bool(q, "follow")) out.append("follow", "true");
  if (bool(q, "previous")) out.append("previous", "true");
  if (bool(q, "timestamps")) out.append("timestamps", "true");
  if (sinceSeconds !== undefined) out.append("sinceSeconds", String(sinceSeconds));
  if (sinceTime !== undefined) out.append("sinceTime", rfc3339(sinceTime));
  if (tailLines !== undefined) out.append("tailLines", String(tailLines));
  if (limitBytes !== undefined) out.append("limitBytes", String(limitBytes));
  return out;
}

/** metav1.Time as the query carries it: RFC 3339 in seconds. */
function rfc3339(text: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw badRequest(`parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * LogLocation: the kubelet's containerLogs URL, or undefined for a pod not
 * yet on a node (kube then answers an empty log).
 */
export function logLocation(store: ObjectStore, namespace: string, name: string, q: URLSearchParams): Location | undefined {
  const pod = getPod(store, namespace, name);
  const container = validateContainer(q.get("container") ?? "", pod);
  const params = logParams(q, name);
  const node = pod.spec?.nodeName;
  if (!node) return undefined;
  const path = `/containerLogs/${enc(namespace)}/${enc(name)}/${enc(container)}`;
  return { url: kubeletUrl(store, node, path, params), kubelet: true };
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** streamParams of PodExecOptions and PodAttachOptions. */
function streamParams(q: URLSearchParams, withCommand: boolean): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ["stdin", "stdout", "stderr", "tty"]) if (bool(q, key)) out.append(key, "1");
  if (withCommand) for (const c of q.getAll("command")) out.append("command", c);
  return out;
}

/** ExecLocation and AttachLocation: `/exec|attach/{ns}/{pod}/{container}` on the kubelet. */
export function streamLocation(store: ObjectStore, namespace: string, name: string, q: URLSearchParams, kind: "exec" | "attach"): Location {
  const pod = getPod(store, namespace, name);
  const container = validateContainer(q.get("container") ?? "", pod);
  const node = boundNode(pod, name);
  const path = `/${kind}/${enc(namespace)}/${enc(name)}/${enc(container)}`;
  return { url: kubeletUrl(store, node, path, streamParams(q, kind === "exec")), kubelet: true };
}

/** PortForwardLocation: `/portForward/{ns}/{pod}`, the requested `ports` joined into the kubelet's `port`. */
export function portForwardLocation(store: ObjectStore, namespace: string, name: string, q: URLSearchParams): Location {
  const pod = getPod(store, namespace, name);
  const node = boundNode(pod, name);
  const ports = q.getAll("ports").flatMap((p) => p.split(",")).filter(Boolean);
  for (const p of ports) int(new URLSearchParams({ p }), "p");
  const params = new URLSearchParams();
  if (ports.length) params.append("port", ports.join(","));
  return { url: kubeletUrl(store, node, `/portForward/${enc(namespace)}/${enc(name)}`, params), kubelet: true };
}

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port" with scheme http or https. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  let scheme = "";
  let name: string;
  let port = "";
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || !["", "http", "https"].includes(scheme)) return undefined;
  return { scheme, name, port };
}

/** A global unicast IPv4 or IPv6 address (netutils.ParseIPSloppy(ip).IsGlobalUnicast()). */
function isGlobalUnicast(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (v4.slice(1).some((x) => Number(x) > 255)) return false;
    return !(a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254) || ip === "255.255.255.255");
  }
  if (!ip.includes(":")) return false;
  const lower = ip.toLowerCase();
  return !(lower === "::" || lower === "::1" || lower.startsWith("fe80:") || lower.startsWith("ff"));
}

/** Pod ResourceLocation: the pod's IP at the given port, or its first declared container port. */
export function podProxyLocation(store: ObjectStore, namespace: string, id: string): Location {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid pod request ${JSON.stringify(id)}`);
  const pod = getPod(store, namespace, parsed.name);
  let port = parsed.port;
  if (!port) {
    const withPorts = (pod.spec?.containers ?? []).find((c: KObject) => c.ports?.length);
    if (withPorts) port = String(withPorts.ports[0].containerPort);
  }
  const ip: string = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? "";
  if (!isGlobalUnicast(ip)) throw badRequest("address not allowed");
  const host = port ? hostPort(ip, port) : ip.includes(":") ? `[${ip}]` : ip;
  return { url: new URL(`${parsed.scheme || "http"}://${host}`), kubelet: false };
}

/** Node ResourceLocation: the kubelet, unless another port is asked for. */
export function nodeProxyLocation(store: ObjectStore, id: string): Location {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid node request ${JSON.stringify(id)}`);
  const { host, port } = kubeletEndpoint(store, parsed.name);
  if (!parsed.port || parsed.port === String(port)) return { url: new URL(`https://${hostPort(host, port)}`), kubelet: true };
  return { url: new URL(`${parsed.scheme || "http"}://${hostPort(host, parsed.port)}`), kubelet: false };
}
