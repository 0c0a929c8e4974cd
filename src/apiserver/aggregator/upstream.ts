// Reaching an aggregated API server: the APIService's service resolved to one
// ready endpoint, as kube-apiserver does with --enable-aggregator-routing=true
// (k8s.io/apiserver/pkg/util/proxy ResolveEndpoint over Endpoints, v1.32),
// TLS as remote.BuildTransportConfig sets it (server name
// <service>.<namespace>.svc, the caBundle, insecureSkipTLSVerify, the
// front-proxy client certificate), the user in X-Remote-* headers, and the
// connection opened through the server's egress dialer.
import type { Agent, IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { authProxyHeaders, isAuthProxyHeader } from "../auth/requestHeader.ts";
import type { UserInfo } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";
import type { KeyPairPem } from "../tls/pki.ts";
import { type Dial, openUpstream, type Upstream, type UpstreamTls } from "../../net/proxy.ts";
import type { ServiceReference } from "./apiService.ts";

export type UpstreamConfig = {
  store: ObjectStore;
  /** The front-proxy client certificate (--proxy-client-cert-file / --proxy-client-key-file). */
  proxyClient: KeyPairPem;
  dial?: Dial;
};

function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, "ServiceUnavailable", message);
}

function read(store: ObjectStore, resource: string, namespace: string, name: string): KObject | undefined {
  const info = store.registry.lookup("", "v1", resource);
  if (!info) return undefined;
  try {
    return store.get(info, namespace, name).obj();
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}

/**
 * ResolveEndpoint: host and port of a random ready address of the service's
 * Endpoints whose subset has the port named like the service port. Throws
 * kube's errors (NotFound for the service, ServiceUnavailable otherwise).
 */
export function resolveEndpoint(store: ObjectStore, ref: ServiceReference): { host: string; port: number } {
  const svc = read(store, "services", ref.namespace, ref.name);
  if (!svc) throw new ApiError(404, "NotFound", `service "${ref.name}" not found`, { kind: "services", name: ref.name });
  const type = svc.spec?.type ?? "ClusterIP";
  if (type !== "ClusterIP" && type !== "LoadBalancer" && type !== "NodePort") throw new Error(`unsupported service type "${type}"`);
  const svcPort = (svc.spec?.ports ?? []).find((p: any) => p.port === ref.port);
  if (!svcPort) throw serviceUnavailable(`no service port ${ref.port} found for service "${ref.name}"`);
  const eps = read(store, "endpoints", ref.namespace, ref.name);
  const subsets: any[] = eps?.subsets ?? [];
  const candidates: { host: string; port: number }[] = [];
  for (const ss of subsets) {
    const port = (ss.ports ?? []).find((p: any) => (p.name ?? "") === (svcPort.name ?? ""));
    if (!port) continue;
    for (const a of ss.addresses ?? []) candidates.push({ host: String(a.ip), port: Number(port.port) });
  }
  if (candidates.length === 0) throw serviceUnavailable(`no endpoints available for service "${ref.name}"`);
  return candidates[Math.floor(Math.random() * candidates.length)];
}

/** TLS toward the service as the APIService asks for it. */
export function upstreamTls(apiService: KObject, ref: ServiceReference, proxyClient: KeyPairPem, insecure = false): UpstreamTls {
  const bundle = typeof apiService.spec?.caBundle === "string" ? Buffer.from(apiService.spec.caBundle, "base64").toString("utf8") : "";
  return {
    servername: `${ref.name}.${ref.namespace}.svc`,
    ca: bundle || undefined,
    cert: proxyClient.cert,
    key: proxyClient.key,
    rejectUnauthorized: !(insecure || apiService.spec?.insecureSkipTLSVerify === true),
  };
}

/**
 * The headers an aggregated server gets: the client's, without what the
 * API server consumed (Authorization, Impersonate-*, front-proxy headers),
 * plus the user's X-Remote-* (transport.NewAuthProxyRoundTripper).
 */
export function forwardedHeaders(headers: IncomingHttpHeaders, user: UserInfo): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k === "authorization" || k.startsWith("impersonate-") || isAuthProxyHeader(k)) continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(authProxyHeaders(user))) out[k.toLowerCase()] = v;
  return out;
}

export type UpstreamCall = {
  url: URL;
  tls: UpstreamTls;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  timeoutMs?: number;
  /** A keep-alive agent for this APIService (its tls then is the agent's). */
  agent?: Agent;
};

/** Opens one request to the aggregated server; the caller reads or relays the answer. */
export function openAggregated(cfg: UpstreamConfig, call: UpstreamCall): Promise<IncomingMessage> {
  const upstream: Upstream = { url: call.url, dial: cfg.dial, tls: call.tls, connectTimeoutMs: call.timeoutMs, agent: call.agent };
  return openUpstream(upstream, {
    method: call.method,
    headers: call.headers,
    body: call.body && call.body.length > 0 ? Readable.from([call.body]) : undefined,
  });
}

/** One request read to the end, for the server's own calls (discovery checks, in-process reads). */
export async function fetchAggregated(cfg: UpstreamConfig, call: UpstreamCall): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const exchange = (async () => {
    const answer = await openAggregated(cfg, call);
    const chunks: Buffer[] = [];
    for await (const c of answer) chunks.push(c as Buffer);
    return { status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) };
  })();
  const ms = call.timeoutMs;
  if (!ms) return exchange;
  let timer: NodeJS.Timeout | undefined;
  // Go's http.Client Timeout: the whole exchange, dial included.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")), ms);
  });
  exchange.catch(() => {});
  return Promise.race([exchange, deadline]).finally(() => clearTimeout(timer));
}
