// Opening a connection to an upstream: a stream from a dial function, TLS on
// top for https, and the Kubernetes-style error a failure becomes.
//
// Shared by the API server (kubelets, pod and service proxies, aggregated
// APIs), the simulator and the platform's cluster proxy. It imports nothing
// from the rest of src/.
import type { Agent } from "node:http";
import { connect as netConnect } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect, type TLSSocket } from "node:tls";

/** Opens a byte stream to host:port (kube-apiserver's egress dialer). */
export type Dial = (host: string, port: number) => Duplex | Promise<Duplex>;

/** Client-side TLS for an https upstream. */
export type UpstreamTls = {
  /** CAs to verify the upstream with; without them, the system's. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate and key (PEM) to present. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** false: accept any certificate (kube-apiserver to kubelets without --kubelet-certificate-authority). */
  rejectUnauthorized?: boolean;
  /** SNI and the name to verify; the URL's host unless set (never an IP, as TLS forbids). */
  servername?: string;
};

export type Upstream = {
  /** http:, https:, ws: or wss: URL; its path and query are what the upstream sees. */
  url: URL;
  /** How to reach url's host and port; a plain TCP connect unless given. */
  dial?: Dial;
  tls?: UpstreamTls;
  /** Headers to set on the upstream request; undefined removes one. Names are case-insensitive. */
  headers?: Record<string, string | string[] | undefined>;
  /** How long dialing (and the TLS handshake) may take; 30 s as kube's dialer. */
  connectTimeoutMs?: number;
  /**
   * A keep-alive agent (agent.ts) whose connections openUpstream reuses
   * instead of dialing each time; it dials and handshakes itself, so dial,
   * tls and connectTimeoutMs here are then unused. Upgrades never use it.
   */
  agent?: Agent;
};

/**
 * A failed proxy step, carrying the Kubernetes Status it should answer with.
 * kube-apiserver renders a dial failure as a 500 with reason "" and messages
 * such as `error dialing backend: dial tcp 10.0.0.1:10250: connect:
 * connection refused` (apimachinery's UpgradeAwareHandler and
 * responsewriters.ErrorToAPIStatus); the caller picks the prefix.
 */
export class ProxyError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(message: string, options: { code?: number; reason?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 500;
    this.reason = options.reason ?? "";
  }
  /** The v1 Status body for this error. */
  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      code: this.code,
    };
    if (this.reason) status.reason = this.reason;
    return status;
  }
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export function isTls(url: URL): boolean {
  return url.protocol === "https:" || url.protocol === "wss:";
}

export function upstreamPort(url: URL): number {
  if (url.port) return Number(url.port);
  return isTls(url) ? 443 : 80;
}

/** url.hostname without IPv6 brackets. */
export function upstreamHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

const defaultDial: Dial = (host, port) =>
  new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });

/** Go's wording for a dial error (net.OpError), as kube's messages carry it. */
export function describeDialError(host: string, port: number, err: unknown): string {
  const code = (err as { code?: string }).code;
  const addr = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const why: Record<string, string> = {
    ECONNREFUSED: "connect: connection refused",
    ECONNRESET: "read: connection reset by peer",
    EHOSTUNREACH: "connect: no route to host",
    ENETUNREACH: "connect: network is unreachable",
    ETIMEDOUT: "i/o timeout",
  };
  // Go names no address for a failed name lookup.
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `dial tcp: lookup ${host}: no such host`;
  const text = (code && why[code]) ?? (err instanceof Error ? err.message : String(err));
  return `dial tcp ${addr}: ${text}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Dials the upstream and, for https/wss, completes a TLS handshake over the
 * dialed stream. Rejects with a ProxyError whose message is Go-like
 * (`dial tcp H:P: connect: connection refused`, `tls: ...`) and whose cause
 * is the original error; the caller adds its own prefix.
 */
export async function connectUpstream(upstream: Upstream): Promise<Duplex> {
  const host = upstreamHost(upstream.url);
  const port = upstreamPort(upstream.url);
  const ms = upstream.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timedOut = () => Object.assign(new Error("i/o timeout"), { code: "ETIMEDOUT" });
  let stream: Duplex;
  try {
    stream = await withTimeout(Promise.resolve((upstream.dial ?? defaultDial)(host, port)), ms, timedOut);
  } catch (err) {
    throw new ProxyError(describeDialError(host, port, err), { cause: err });
  }
  if (!isTls(upstream.url)) return stream;
  try {
    return await withTimeout(handshake(stream, host, upstream.tls ?? {}), ms, timedOut);
  } catch (err) {
    stream.destroy();
    const message = (err as { code?: string }).code === "ETIMEDOUT" ? "net/http: TLS handshake timeout" : tlsMessage(err);
    throw new ProxyError(message, { cause: err });
  }
}

function tlsMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return `tls: ${text}`;
}

function handshake(stream: Duplex, host: string, tls: UpstreamTls): Promise<TLSSocket> {
  const isIp = /^[\d.]+$/.test(host) || host.includes(":");
  const servername = tls.servername ?? (isIp ? undefined : host);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      socket: stream,
      servername,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      // An IP without a servername: verify the certificate's IP SANs against it.
      ...(servername ? {} : { checkServerIdentity: (_name: string, cert: { subjectaltname?: string }) => checkIp(host, cert) }),
      ALPNProtocols: ["http/1.1"],
    });
    socket.once("secureConnect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

function checkIp(host: string, cert: { subjectaltname?: string }): Error | undefined {
  const sans = (cert.subjectaltname ?? "").split(/,\s*/);
  if (sans.includes(`IP Address:${host}`)) return undefined;
  return new Error(`x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`);
}
