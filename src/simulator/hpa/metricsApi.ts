// The HTTP face of the simulated metrics-server: metrics.k8s.io/v1beta1 as
// metrics-server serves it (kubernetes-sigs/metrics-server pkg/api): group
// and resource discovery, NodeMetrics and PodMetrics get and list (label
// selectors; lists ordered by namespace and name), as JSON or as a
// meta.k8s.io Table (Name, then each usage as a quantity, then Window).
// Only get and list exist (405 otherwise). Callers are authenticated by
// request headers from the API server's front-proxy certificate
// (requestHeader.ts); authorization happened in the API server.
import type { IncomingMessage, ServerResponse } from "node:http";
import { addQuantity, formatQuantity, parseExact, type Quantity, zeroQuantity } from "../../apiserver/admission/quantity.ts";
import type { RequestHeaderAuthenticator } from "../../apiserver/auth/requestHeader.ts";
import type { KObject } from "../../apiserver/client.ts";
import { parseLabelSelector, SelectorError } from "../../apiserver/registry/selectors.ts";

export const METRICS_GROUP = "metrics.k8s.io";
export const METRICS_VERSION = "v1beta1";
const GV = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** What the API computes from: the metrics of running pods and of nodes, now. */
export type MetricsSource = {
  pods(namespace: string | undefined): KObject[];
  pod(namespace: string, name: string): KObject | undefined;
  nodes(): KObject[];
  node(name: string): KObject | undefined;
};

const RESOURCES = [
  { name: "nodes", singularName: "", namespaced: false, kind: "NodeMetrics", verbs: ["get", "list"] },
  { name: "pods", singularName: "", namespaced: true, kind: "PodMetrics", verbs: ["get", "list"] },
];

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, string>): void {
  send(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code });
}

/** NewNotFound for metrics-server's group resources (nodemetrics, podmetrics). */
function notFound(res: ServerResponse, resource: string, name: string): void {
  status(res, 404, "NotFound", `${resource}.${METRICS_GROUP} "${name}" not found`, { name, group: METRICS_GROUP, kind: resource });
}

function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((p) => p.includes("as=Table") && p.includes("g=meta.k8s.io"));
}

/** The usage a row shows: a node's, or the sum of a pod's containers'. */
function usageOf(m: KObject): Record<string, Quantity> {
  const parts: Record<string, unknown>[] = m.kind === "PodMetrics" ? (m.containers ?? []).map((c: KObject) => c.usage ?? {}) : [m.usage ?? {}];
  const out: Record<string, Quantity> = {};
  for (const u of parts) for (const [k, v] of Object.entries(u)) out[k] = addQuantity(out[k] ?? zeroQuantity(), parseExact(v) ?? zeroQuantity());
  return out;
}

/** addPodMetricsToTable / addNodeMetricsToTable, with rows carrying their object's metadata. */
function table(items: KObject[]): KObject {
  const names = items.length ? Object.keys(usageOf(items[0])).sort() : [];
  const columnDefinitions = items.length
    ? [
        { name: "Name", type: "string", format: "name", description: "Name of the resource", priority: 0 },
        ...names.map((name) => ({ name, type: "string", format: "quantity", description: "", priority: 0 })),
        { name: "Window", type: "string", format: "duration", description: "", priority: 0 },
      ]
    : [];
  const rows = items.map((m) => {
    const usage = usageOf(m);
    const cells = [m.metadata?.name, ...names.map((n) => formatQuantity(usage[n] ?? zeroQuantity())), m.window];
    return { cells, object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: m.metadata } };
  });
  return { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: {}, columnDefinitions, rows };
}

type Route = { resource: "nodes" | "pods"; namespace?: string; name?: string } | { discovery: KObject } | undefined;

function route(path: string): Route {
  const p = path.replace(/\/+$/, "");
  if (p === "/apis") return { discovery: { kind: "APIGroupList", apiVersion: "v1", groups: [group()] } };
  if (p === `/apis/${METRICS_GROUP}`) return { discovery: { kind: "APIGroup", apiVersion: "v1", ...group() } };
  if (p === `/apis/${GV}`) return { discovery: { kind: "APIResourceList", apiVersion: "v1", groupVersion: GV, resources: RESOURCES } };
  const rest = p.startsWith(`/apis/${GV}/`) ? p.slice(`/apis/${GV}/`.length).split("/").map(decodeURIComponent) : [];
  if (rest[0] === "nodes" && rest.length <= 2) return { resource: "nodes", name: rest[1] };
  if (rest[0] === "pods" && rest.length === 1) return { resource: "pods" };
  if (rest[0] === "namespaces" && rest[2] === "pods" && rest.length <= 4) return { resource: "pods", namespace: rest[1], name: rest[3] };
  return undefined;
}

function group() {
  const v = { groupVersion: GV, version: METRICS_VERSION };
  return { name: METRICS_GROUP, versions: [v], preferredVersion: v };
}

export function metricsHandler(source: MetricsSource, authn: () => RequestHeaderAuthenticator | undefined) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "https://metrics-server");
    if (["/healthz", "/livez", "/readyz"].includes(url.pathname)) {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ok");
      return;
    }
    const r = route(url.pathname);
    const watch = url.searchParams.get("watch");
    if (!authn()?.authenticate(req)) status(res, 401, "Unauthorized", "Unauthorized");
    else if (!r) status(res, 404, "NotFound", "the server could not find the requested resource");
    else if (req.method !== "GET" || watch === "true" || watch === "1") {
      status(res, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    } else if ("discovery" in r) send(res, 200, r.discovery);
    else {
      try {
        serveMetrics(source, r, url.searchParams.get("labelSelector") ?? undefined, wantsTable(req.headers.accept), res);
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
        status(res, 400, "BadRequest", e.message);
      }
    }
  };
}

function serveMetrics(source: MetricsSource, r: { resource: "nodes" | "pods"; namespace?: string; name?: string }, selector: string | undefined, asTable: boolean, res: ServerResponse): void {
  if (r.name !== undefined) {
    const m = r.resource === "nodes" ? source.node(r.name) : source.pod(r.namespace ?? "", r.name);
    if (m) send(res, 200, asTable ? table([m]) : m);
    else notFound(res, r.resource === "nodes" ? "nodemetrics" : "podmetrics", r.resource === "nodes" ? r.name : `${r.namespace}/${r.name}`);
    return;
  }
  const sel = parseLabelSelector(selector);
  let items = r.resource === "nodes" ? source.nodes() : source.pods(r.namespace);
  if (sel) items = items.filter((m) => sel.matches(m.metadata?.labels ?? {}));
  const key = (m: KObject) => `${m.metadata?.namespace ?? ""}/${m.metadata?.name ?? ""}`;
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const kind = r.resource === "nodes" ? "NodeMetricsList" : "PodMetricsList";
  send(res, 200, asTable ? table(items) : { kind, apiVersion: GV, metadata: {}, items });
}
