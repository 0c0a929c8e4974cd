// The connect subresources, proxied into the cluster as kube-apiserver does:
// pods/log (a stream from the kubelet), pods/exec, attach and portforward (an
// upgrade passed through to the kubelet), and pods/proxy, services/proxy and
// nodes/proxy (any method, to the pod, a service endpoint or the kubelet).
// Every connection goes through the egress dialer; the kubelet gets the
// API server's kubelet client certificate. Authorization has already run.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type Dial, ProxyError, proxyHttp, proxyUpgrade, rejectUpgrade, type Upstream, type UpstreamTls } from "../../net/proxy.ts";
import { ApiError, badRequest, methodNotAllowed } from "../registry/errors.ts";
import {
  type Location,
  logLocation,
  nodeProxyLocation,
  podProxyLocation,
  portForwardLocation,
  streamLocation,
} from "../registry/podLocation.ts";
import { serviceProxyLocation } from "../registry/serviceLocation.ts";
import type { ObjectStore } from "../registry/store.ts";
import { relayLogs } from "./connectLogs.ts";

/** How the API server reaches into the cluster (kube-apiserver's egress selector, "cluster"). */
export type Egress = {
  /** Opens a stream to host:port; a plain TCP connect when absent. */
  dial?: Dial;
  /** TLS to kubelets: the kubelet client certificate, and a CA only if kubelets are to be verified. */
  kubelet: UpstreamTls;
};

/** A connect subresource addressed by a path. */
export type ConnectTarget = {
  resource: "pods" | "services" | "nodes";
  namespace: string;
  /** The name segment, raw: "web", "web:80", "https:web:8443". */
  name: string;
  subresource: string;
  /** For proxy: what follows `/proxy`, as sent ("" or starting with "/"). */
  rest: string;
};

const CONNECT = /^\/api\/v1\/(?:namespaces\/([^/]+)\/(pods|services)|(nodes))\/([^/]+)\/(log|exec|attach|portforward|proxy)(\/.*)?$/;

/** The connect subresource a path addresses, if any (core v1 only, as in kube). */
export function connectTarget(path: string): ConnectTarget | undefined {
  const m = CONNECT.exec(path);
  if (!m) return undefined;
  const resource = (m[2] ?? m[3]) as ConnectTarget["resource"];
  const subresource = m[5];
  if (resource !== "pods" && subresource !== "proxy") return undefined;
  if (subresource !== "proxy" && m[6]) return undefined;
  return { resource, namespace: m[1] ? decodeURIComponent(m[1]) : "", name: decodeURIComponent(m[4]), subresource, rest: m[6] ?? "" };
}

const upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();

/** Marks a request as an upgrade whose raw socket and head the connect handlers may take. */
export function markUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  upgrades.set(req, { socket, head });
}

/** Headers that never leave the API server: the caller's credentials, spent by authentication. */
const CREDENTIALS: Record<string, undefined> = { authorization: undefined };

function upstreamHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...CREDENTIALS };
  for (const name of Object.keys(req.headers)) if (name.startsWith("impersonate-")) out[name] = undefined;
  return out;
}

function upstreamOf(egress: Egress, req: IncomingMessage, location: Location): Upstream {
  // To pods and other ports kube's proxy transport skips verification (--proxy-client-cert-file aside).
  const tls = location.kubelet ? egress.kubelet : { rejectUnauthorized: false };
  return { url: location.url, dial: egress.dial, tls, headers: upstreamHeaders(req) };
}

export async function serveConnect(
  store: ObjectStore,
  egress: Egress,
  req: IncomingMessage,
  res: ServerResponse,
  target: ConnectTarget,
  query: URLSearchParams,
): Promise<void> {
  const method = req.method ?? "GET";
  const { namespace, name } = target;
  switch (target.subresource) {
    case "log": {
      if (method !== "GET") throw methodNotAllowed();
      const location = logLocation(store, namespace, name, query);
      return relayLogs(res, name, location && upstreamOf(egress, req, location));
    }
    case "exec":
    case "attach":
    case "portforward": {
      if (method !== "GET" && method !== "POST") throw methodNotAllowed();
      const location =
        target.subresource === "portforward"
          ? portForwardLocation(store, namespace, name, query)
          : streamLocation(store, namespace, name, query, target.subresource);
      const upgrade = upgrades.get(req);
      if (!upgrade) throw badRequest("Upgrade request required");
      return passUpgrade(req, res, upgrade, upstreamOf(egress, req, location));
    }
    default:
      return proxy(store, egress, req, res, target);
  }
}

function proxyLocation(store: ObjectStore, target: ConnectTarget): Location {
  if (target.resource === "pods") return podProxyLocation(store, target.namespace, target.name);
  if (target.resource === "services") return serviceProxyLocation(store, target.namespace, target.name);
  return nodeProxyLocation(store, target.name);
}

/** pods/proxy, services/proxy, nodes/proxy: UpgradeAwareHandler with kube's proxy Transport. */
async function proxy(store: ObjectStore, egress: Egress, req: IncomingMessage, res: ServerResponse, target: ConnectTarget): Promise<void> {
  const location = proxyLocation(store, target);
  const raw = new URL(req.url ?? "/", "https://localhost");
  location.url.pathname = target.rest || "";
  location.url.search = raw.search;
  const upstream = upstreamOf(egress, req, location);
  const upgrade = upgrades.get(req);
  if (upgrade) return passUpgrade(req, res, upgrade, upstream);
  if (!target.rest) {
    // Redirect an empty path to one that ends in '/' (http://issue.k8s.io/4958).
    res.writeHead(301, { Location: `${raw.pathname}/${raw.search}` });
    res.end();
    return;
  }
  const prefix = raw.pathname.slice(0, raw.pathname.length - target.rest.length);
  upstream.headers = {
    ...upstream.headers,
    "x-forwarded-uri": prefix + target.rest,
    "x-forwarded-host": req.headers.host,
    "x-forwarded-proto": "https",
  };
  try {
    await proxyHttp(req, res, upstream);
  } catch (err) {
    // apimachinery's proxy Transport: a failed round trip is 503 "error trying to reach service".
    if (err instanceof ProxyError) throw new ApiError(503, "ServiceUnavailable", `error trying to reach service: ${err.message}`);
    throw err;
  }
}

/** An upgrade goes through byte for byte; a failure to reach the backend is kube's "error dialing backend". */
async function passUpgrade(
  req: IncomingMessage,
  res: ServerResponse,
  upgrade: { socket: Duplex; head: Buffer },
  upstream: Upstream,
): Promise<void> {
  res.detachSocket(upgrade.socket as never);
  try {
    await proxyUpgrade(req, upgrade.socket, upgrade.head, upstream);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    rejectUpgrade(upgrade.socket, new ProxyError(`error dialing backend: ${message}`));
  }
}
