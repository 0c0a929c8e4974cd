// Plain (non-upgrade) requests from the Kubernetes proxy to a member, over
// connections kept alive per member. src/net/proxy.ts dials and handshakes
// anew for every request, which is right for its one-off upgrades but would
// put a TLS handshake on every kubectl GET (bench/platform.ts holds the proxy
// to 1.3x a direct GET). Bodies stream both ways, so watches and followed
// logs pass through as they come. Upgrades (exec, attach, port-forward)
// still go through proxyUpgrade on a connection of their own.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { KeptHttpsAgent as HttpsAgent } from "../../net/keptHttpsAgent.ts";
import type { Socket } from "node:net";
import { ProxyError, relayResponse, type Upstream } from "../../net/proxy.ts";
import { memberAgent } from "../clusters/memberHttp.ts";
import { Member } from "../clusters/members.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS, describeDialError, isTls, upstreamHost, upstreamPort } from "../../net/upstream.ts";

type Headers = Record<string, string | string[] | undefined>;

/**
 * One keep-alive agent per member, replaced when the member is (a new
 * credential makes a new Member object). Watches hold a socket each for as
 * long as they run, so the number of sockets is not capped; idle ones are
 * kept up to a bound and closed after a while. An HTTPS member's is the
 * member's own (memberAgent), shared with kpanda's other calls to it.
 */
export class MemberPool {
  private readonly agents = new Map<string, { key: object; agent: HttpAgent }>();

  /** The agent for `cluster`, whose member (any object identifying its credential) is `key`. */
  agent(cluster: string, key: object, up: Upstream): HttpAgent {
    if (key instanceof Member && isTls(up.url)) return memberAgent(key);
    const known = this.agents.get(cluster);
    if (known?.key === key) return known.agent;
    known?.agent.destroy();
    const common = { keepAlive: true, maxFreeSockets: 16, timeout: 60_000, scheduling: "lifo" as const };
    const agent = isTls(up.url)
      ? new HttpsAgent({
          ...common,
          ca: up.tls?.ca,
          cert: up.tls?.cert,
          key: up.tls?.key,
          rejectUnauthorized: up.tls?.rejectUnauthorized ?? true,
          servername: up.tls?.servername,
        })
      : new HttpAgent(common);
    this.agents.set(cluster, { key, agent });
    return agent;
  }

  /** Closes every kept connection of its own (on shutdown; members' own agents close with the registry). */
  close(): void {
    for (const { agent } of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/**
 * Sends `req` to the upstream over `agent` with `headers` (already cleaned,
 * without hop-by-hop ones, and completed by the caller: memberHeaders), then relays the answer to `res` as it
 * streams. Resolves with the upstream's status once its headers are relayed;
 * rejects with a ProxyError when nothing could be relayed (dial, TLS or
 * exchange failure), so the caller can answer with a Status. A bodiless
 * request whose kept-alive connection turns out closed by the member is
 * sent once more on a new one, as Go's transport retries idempotent ones.
 * `onAnswer` sees the upstream's answer before it is relayed (to read along).
 */
export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  up: Upstream,
  agent: HttpAgent,
  headers: Headers,
  onAnswer?: (answer: IncomingMessage) => void,
  retried = false,
): Promise<number> {
  const url = up.url;
  const send = isTls(url) ? httpsRequest : httpRequest;
  const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
  return new Promise((resolve, reject) => {
    const out = send({
      host: upstreamHost(url),
      port: upstreamPort(url),
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers: { ...headers, host: url.host },
      agent,
    });
    let answered = false;
    const timedOut = () => Object.assign(new Error("i/o timeout"), { code: "ETIMEDOUT", syscall: "connect" });
    const connectTimer = setTimeout(() => out.destroy(timedOut()), up.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    out.once("socket", (socket: Socket) => {
      // A reused socket is connected already; a new one clears the timer once its handshake is done.
      if (out.reusedSocket) clearTimeout(connectTimer);
      else socket.once(isTls(url) ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    out.once("response", (answer: IncomingMessage) => {
      answered = true;
      clearTimeout(connectTimer);
      onAnswer?.(answer);
      relayResponse(answer, res);
      resolve(answer.statusCode ?? 502);
    });
    out.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (answered) return res.destroy();
      if (out.reusedSocket && !hasBody && !retried && err.code === "ECONNRESET") {
        return resolve(forwardHttp(req, res, up, agent, headers, onAnswer, true));
      }
      const dial = err.syscall === "connect" || err.code === "ECONNREFUSED" || err.code === "ETIMEDOUT";
      const message = dial ? describeDialError(upstreamHost(url), upstreamPort(url), err) : err.message;
      reject(new ProxyError(message, { code: 503, reason: "ServiceUnavailable", cause: err }));
    });
    // The client went away before the answer finished: stop the upstream call (a watch, a follow).
    res.once("close", () => {
      if (!res.writableFinished) out.destroy();
    });
    if (hasBody) {
      req.pipe(out);
      req.once("error", (err) => out.destroy(err));
    } else out.end();
  });
}
