// A keep-alive agent over connectUpstream: requests to the same upstream
// host and port share connections (dialed by the dial function, TLS on top
// for https) instead of paying a dial and a handshake each, as Go's
// http.Transport does for kube-apiserver's proxies. Pass it as
// Upstream.agent; upgrades always open their own connection.
import { Agent, type AgentOptions, type ClientRequestArgs } from "node:http";
import type { Duplex } from "node:stream";
import { connectUpstream, type Dial, type UpstreamTls } from "./upstream.ts";

export type UpstreamAgentOptions = {
  /** https (TLS on each connection) or http. */
  secure: boolean;
  dial?: Dial;
  tls?: UpstreamTls;
  connectTimeoutMs?: number;
  /** How long an idle connection is kept (Go's IdleConnTimeout is 90 s). */
  idleTimeoutMs?: number;
};

export class UpstreamAgent extends Agent {
  private readonly upstream: UpstreamAgentOptions;

  constructor(upstream: UpstreamAgentOptions, opts: AgentOptions = {}) {
    super({ keepAlive: true, maxFreeSockets: 4, timeout: upstream.idleTimeoutMs ?? 90_000, ...opts });
    this.upstream = upstream;
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const host = String(options.host ?? options.hostname ?? "localhost");
    const port = Number(options.port ?? (this.upstream.secure ? 443 : 80));
    const url = new URL(`${this.upstream.secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`);
    const { dial, tls, connectTimeoutMs } = this.upstream;
    connectUpstream({ url, dial, tls, connectTimeoutMs }).then(
      (stream) => callback?.(null, stream),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
