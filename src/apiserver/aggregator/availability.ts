// The Available condition of one APIService, decided as kube-aggregator's
// availability controllers do (v1.32, Endpoints-based): a local APIService
// is always available; a remote one needs its Service, the service port,
// Endpoints with an address on that port's name, and an answer in the 200s
// or 300s to GET /apis/<group>/<version> at the endpoint, made as
// system:kube-aggregator in system:masters with the front-proxy client
// certificate and without verifying the server (status/remote and
// status/local available_controller.go). The discovery check's answer is
// also the group-version's discovery document.
import type { Agent } from "node:http";
import type { KObject } from "../registry/types.ts";
import { ApiError } from "../registry/errors.ts";
import type { APIServiceCondition } from "./apiService.ts";
import { serviceOf } from "./apiService.ts";
import { fetchAggregated, resolveEndpoint, type UpstreamConfig, upstreamTls } from "./upstream.ts";

/** How long the discovery check may take (the controller's http.Client timeout). */
const DISCOVERY_TIMEOUT_MS = 5000;

export type Availability = {
  condition: APIServiceCondition;
  /** The group-version's resources, when the discovery check answered with them. */
  resources?: Record<string, any>[];
  /** The discovery check ran and failed. */
  discoveryFailed?: boolean;
};

const available = (reason: string, message: string): Availability => ({ condition: { type: "Available", status: "True", reason, message } });
const unavailable = (reason: string, message: string, discoveryFailed = false): Availability => ({
  condition: { type: "Available", status: "False", reason, message },
  discoveryFailed,
});

function read(cfg: UpstreamConfig, resource: string, namespace: string, name: string): KObject | undefined {
  const info = cfg.store.registry.lookup("", "v1", resource)!;
  try {
    return cfg.store.get(info, namespace, name).obj();
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}

/** `agent` keeps the connection for the next check (its TLS is the unverified one). */
export async function checkAvailability(cfg: UpstreamConfig, apiService: KObject, agent?: Agent): Promise<Availability> {
  const ref = serviceOf(apiService);
  if (!ref) return available("Local", "Local APIServices are always available");
  const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
  const svc = read(cfg, "services", ref.namespace, ref.name);
  if (!svc) return unavailable("ServiceNotFound", `${where} is not present`);
  if ((svc.spec?.type ?? "ClusterIP") === "ClusterIP") {
    const port = (svc.spec?.ports ?? []).find((p: any) => p.port === ref.port);
    if (!port) return unavailable("ServicePortError", `${where} is not listening on port ${ref.port}`);
    const portName = String(port.name ?? "");
    const eps = read(cfg, "endpoints", ref.namespace, ref.name);
    if (!eps) return unavailable("EndpointsNotFound", `cannot find endpoints for ${where}`);
    const active = (eps.subsets ?? []).some((ss: any) => ss.addresses?.length > 0 && (ss.ports ?? []).some((p: any) => (p.name ?? "") === portName));
    if (!active) return unavailable("MissingEndpoints", `endpoints for ${where} have no addresses with port name ${JSON.stringify(portName)}`);
  }
  return discoveryCheck(cfg, apiService, ref, agent);
}

async function discoveryCheck(cfg: UpstreamConfig, apiService: KObject, ref: NonNullable<ReturnType<typeof serviceOf>>, agent?: Agent): Promise<Availability> {
  const path = `/apis/${apiService.spec?.group}/${apiService.spec?.version}`;
  // As Go prints it: the port stays even when it is 443 (URL.toString would drop it).
  let target: string;
  try {
    const ep = resolveEndpoint(cfg.store, ref);
    target = `https://${ep.host.includes(":") ? `[${ep.host}]` : ep.host}:${ep.port}${path}`;
  } catch (e) {
    return unavailable("FailedDiscoveryCheck", (e as Error).message, true);
  }
  const url = new URL(target);
  const failing = (why: string) => unavailable("FailedDiscoveryCheck", `failing or missing response from ${target}: ${why}`, true);
  try {
    const reply = await fetchAggregated(cfg, {
      url,
      tls: upstreamTls(apiService, ref, cfg.proxyClient, true),
      method: "GET",
      // transport.SetAuthProxyHeaders(req, "system:kube-aggregator", "", ["system:masters"], nil)
      headers: { accept: "application/json", "x-remote-user": "system:kube-aggregator", "x-remote-group": "system:masters" },
      timeoutMs: DISCOVERY_TIMEOUT_MS,
      agent,
    });
    if (reply.status < 200 || reply.status >= 300) return failing(`bad status from ${target}: ${reply.status}`);
    let resources: Record<string, any>[] | undefined;
    try {
      const list = JSON.parse(reply.body.toString("utf8"));
      if (Array.isArray(list?.resources)) resources = list.resources;
    } catch {}
    return { ...available("Passed", "all checks passed"), resources };
  } catch (e) {
    // Go's *url.Error: Get "<url>": <cause>.
    return failing(`Get ${JSON.stringify(target)}: ${(e as Error).message}`);
  }
}
