// The fault-injecting proxy in front of a simulated cluster's API server: what
// its kubeconfigs point at. It terminates TLS with the cluster's serving
// certificate and forwards each request to the API server's own loopback
// port, as an authenticating front proxy does: a client certificate's
// identity (CN the user, O the groups, as kube's x509 authenticator reads
// them) travels in X-Remote-User / X-Remote-Group over a connection made
// with the front-proxy client certificate, so the API server's request-header
// authentication takes it; bearer tokens pass through unchanged; X-Remote-*
// headers from clients are dropped. Upgrades (exec, attach, port-forward)
// pass byte for byte through src/net's proxy.
//
// Faults: refuse connections (the port closes), latency before each request,
// a share of requests answered 500 InternalError or 429 TooManyRequests, and
// dropped watches (each open watch ends cleanly, so clients resume from their
// last resourceVersion).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { type Agent, createServer, request, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createSecureContext, type TLSSocket } from "node:tls";
import { isAuthProxyHeader } from "../../apiserver/auth/requestHeader.ts";
import type { KeyPairPem } from "../../apiserver/tls/pki.ts";
import { KeptHttpsAgent } from "../../net/keptHttpsAgent.ts";
import { proxyUpgrade, rejectUpgrade, stripHopByHop } from "../../net/proxy.ts";

export type FaultProxyOptions = {
  /** Where clients connect (0 picks a free port). */
  host: string;
  port?: number;
  /** The API server behind it. */
  upstream: { host: string; port: number };
  /** The cluster's CA: verifies client certificates and the API server. */
  ca: string;
  /** The serving certificate shown to clients (the API server's own). */
  serving: KeyPairPem;
  /** The front-proxy client certificate shown to the API server. */
  proxyClient: KeyPairPem;
};

type Headers = Record<string, string | string[] | undefined>;

/** kube's NewInternalError and NewTooManyRequests Status bodies. */
function faultStatus(code: 500 | 429): Record<string, unknown> {
  const base = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code };
  if (code === 429) {
    return { ...base, message: "Too many requests, please try again later.", reason: "TooManyRequests", details: { retryAfterSeconds: 1 } };
  }
  return { ...base, message: "Internal error occurred: injected fault", reason: "InternalError", details: { causes: [{ message: "injected fault" }] } };
}

/** A watch request: ?watch=true|1, or the legacy /watch/ path prefix. */
function isWatch(url: string): boolean {
  return /[?&]watch=(true|1)(&|$)/.test(url) || /^\/apis?\/(?:[^/?]+\/)?[^/?]+\/watch\//.test(url);
}

/** The client certificate's user as X-Remote-* headers, or nothing when it presented none the CA signed. */
function identityHeaders(sock: TLSSocket): Headers {
  if (!sock.authorized) return {};
  const subject = sock.getPeerCertificate()?.subject;
  if (!subject?.CN) return {};
  const o = subject.O;
  const groups = Array.isArray(o) ? o : o ? [o] : [];
  return { "x-remote-user": String(subject.CN), ...(groups.length ? { "x-remote-group": groups } : {}) };
}

/** What the API server gets: the client's headers without its X-Remote-*, plus the certificate's identity. */
function forwardHeaders(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!isAuthProxyHeader(k)) out[k] = v;
  return { ...out, ...identityHeaders(req.socket as TLSSocket) };
}

export class FaultProxy {
  /** Added before every request is forwarded. */
  latencyMs = 0;
  /** Share of requests (0..1) answered with errorCode. */
  errorRate = 0;
  errorCode: 500 | 429 = 500;
  /** Random source, replaceable for deterministic tests. */
  random: () => number = Math.random;

  private readonly opts: FaultProxyOptions;
  private readonly server: Server;
  private readonly agent: Agent;
  /** Open watches: ending one ends its client response cleanly. */
  private readonly watches = new Set<() => void>();
  /** Upgraded connections, which closeAllConnections() does not reach. */
  private readonly upgraded = new Set<Duplex>();
  private boundPort = 0;

  constructor(opts: FaultProxyOptions) {
    this.opts = opts;
    // One TLS context for every upstream connection: without it each new one parses the CA,
    // certificate and key again (a burst of new client connections opens as many upstream).
    const secureContext = createSecureContext({ ca: opts.ca, cert: opts.proxyClient.cert, key: opts.proxyClient.key });
    // Kept connections must not keep their first request and its answer alive (keptHttpsAgent.ts).
    this.agent = new KeptHttpsAgent({ keepAlive: true, secureContext });
    this.server = createServer(
      { cert: opts.serving.cert, key: opts.serving.key, ca: opts.ca, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 },
      (req, res) => void this.onRequest(req, res),
    );
    this.server.requestTimeout = 0;
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(req, socket, head));
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const h = this.opts.host;
    return `https://${h.includes(":") ? `[${h}]` : h}:${this.boundPort}`;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  async start(): Promise<void> {
    await this.listen(this.opts.port ?? 0);
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and drops open ones: clients get connection refused. */
  async unlisten(): Promise<void> {
    this.server.closeAllConnections();
    for (const s of this.upgraded) s.destroy();
    this.upgraded.clear();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async relisten(): Promise<void> {
    if (!this.server.listening) await this.listen(this.boundPort);
  }

  /** Ends every open watch; the clients see a clean end and resume from their last resourceVersion. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const end of [...this.watches]) end();
    return n;
  }

  clearHttpFaults(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.errorCode = 500;
  }

  async close(): Promise<void> {
    await this.unlisten();
    this.agent.destroy();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, this.opts.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** Waits the latency, then decides whether this request gets an injected error. */
  private async fault(): Promise<500 | 429 | undefined> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    return this.errorRate > 0 && this.random() < this.errorRate ? this.errorCode : undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const injected = await this.fault();
    if (injected) {
      const body = JSON.stringify(faultStatus(injected));
      const headers: Record<string, string> = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) };
      if (injected === 429) headers["Retry-After"] = "1";
      req.resume();
      res.writeHead(injected, headers).end(body);
      return;
    }
    const { host, port } = this.opts.upstream;
    const upstream = request({ host, port, method: req.method, path: req.url, headers: stripHopByHop(forwardHeaders(req)), agent: this.agent });
    upstream.once("response", (answer) => this.relay(req, res, answer));
    upstream.once("error", () => {
      // A watch ended by dropWatches() has already finished its answer cleanly.
      if (res.writableEnded) return;
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // A client gone before the answer ends tears the upstream request down (a finished one is back in the agent's pool).
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Streams the API server's answer to the client; a watch can be ended cleanly by dropWatches(). */
  private relay(req: IncomingMessage, res: ServerResponse, answer: IncomingMessage): void {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, stripHopByHop(answer.headers as IncomingHttpHeaders));
    res.flushHeaders();
    answer.pipe(res);
    const watch = isWatch(req.url ?? "");
    let end: () => void = () => res.destroy();
    if (watch) {
      end = () => {
        this.watches.delete(end);
        answer.unpipe(res);
        answer.destroy();
        res.end();
      };
      this.watches.add(end);
      res.once("close", () => this.watches.delete(end));
    }
    answer.once("aborted", end);
    answer.once("error", end);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.upgraded.add(socket);
    socket.once("close", () => this.upgraded.delete(socket));
    const injected = await this.fault();
    if (injected) {
      const body = JSON.stringify(faultStatus(injected));
      socket.end(`HTTP/1.1 ${injected} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    const headers: Headers = { ...identityHeaders(socket as Socket as TLSSocket) };
    for (const k of Object.keys(req.headers)) if (isAuthProxyHeader(k) && !(k in headers)) headers[k] = undefined;
    const { host, port } = this.opts.upstream;
    const { cert, key } = this.opts.proxyClient;
    try {
      await proxyUpgrade(req, socket, head, {
        url: new URL(req.url ?? "/", `https://${host.includes(":") ? `[${host}]` : host}:${port}`),
        tls: { ca: this.opts.ca, cert, key },
        headers,
      });
    } catch (e) {
      rejectUpgrade(socket, e);
    }
  }
}
