// Plain JSON GETs to a member cluster over connections kept alive per
// member: the health loop and the summaries call every cluster every few
// seconds, and a TLS handshake per call (what client-node 2.x does: a new
// dispatcher per request) would cost more than the calls themselves. Writes
// and typed calls go through client-node (member.kc).
//
// memberAgent(m) is the member's one pool of connections for every plain
// HTTPS call kpanda makes to it: these GETs, the search sync's lists and
// watches, and the Kubernetes proxy's requests. One TLS context per member
// (parsing its CA, certificate and key for each connection cost more than a
// call), no cap on connections (a watch holds one for minutes, and a health
// probe must never queue behind a search list), and a connection a call is
// done with is kept for the next (a relist's goes on to carry its watch). A failure is shaped
// like client-node's ApiException ({code, body}) so fromMember() and
// codeOf() read both alike; a connection failure is a plain Error whose
// message says what went wrong, as Go's dialer words it.
import { Agent as HttpAgent } from "node:http";
import { type Agent, request } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import { KeptHttpsAgent } from "../../net/keptHttpsAgent.ts";
import { describeDialError, isTls, upstreamHost, upstreamPort } from "../../net/upstream.ts";
import { PooledKubeConfig } from "./kubeconfig.ts";
import type { Member } from "./members.ts";

/** A member's answer with an HTTP error status. */
export class MemberHttpError extends Error {
  readonly code: number;
  readonly body: string;

  constructor(code: number, body: string, path: string) {
    super(`GET ${path} answered ${code}`);
    this.code = code;
    this.body = body;
  }
}

const agents = new WeakMap<Member, Agent>();
const contexts = new WeakMap<Member, SecureContext>();

/**
 * The member's one TLS context (its CA, client certificate and key, parsed
 * once), for every agent that connects to it: without it each new
 * connection parses them again, which cost more than the TLS handshake's
 * own work when a policy opened hundreds of connections at once.
 */
function memberSecureContext(m: Member): SecureContext {
  let ctx = contexts.get(m);
  if (!ctx) {
    const c = m.cred;
    ctx = createSecureContext({ ca: c.ca, cert: c.cert, key: c.key });
    contexts.set(m, ctx);
  }
  return ctx;
}

/** The member's kept-alive HTTPS connections (see above); a new Member (a new credential) gets new ones. */
export function memberAgent(m: Member): Agent {
  let a = agents.get(m);
  if (!a) {
    const c = m.cred;
    a = new KeptHttpsAgent({
      keepAlive: true,
      maxFreeSockets: 32,
      // An idle kept connection closes after a minute (a watch's own idle timer is longer and its own).
      timeout: 60_000,
      scheduling: "lifo",
      secureContext: memberSecureContext(m),
      rejectUnauthorized: !c.insecureSkipTLSVerify,
      servername: c.tlsServerName,
    });
    agents.set(m, a);
  }
  return a;
}

// A member served over plain HTTP (a test's) gets kept connections of its own.
const plainAgents = new WeakMap<Member, HttpAgent>();

/**
 * The kept connections for a call to `m` at `url`: over HTTPS the member's
 * one pool (memberAgent), warm from the search sync and the health probes
 * (a pool per caller opened a TLS connection per call in flight: 800
 * handshakes when a policy first reached 100 clusters); over plain HTTP a
 * pool of its own.
 */
export function memberAgentFor(m: Member, url: URL): HttpAgent {
  if (isTls(url)) return memberAgent(m);
  let a = plainAgents.get(m);
  if (!a) {
    a = new HttpAgent({ keepAlive: true, maxFreeSockets: 8, timeout: 60_000 });
    plainAgents.set(m, a);
  }
  return a;
}

/** Closes a member's kept-alive connections, these and its typed client's (a throwaway member, one whose credential was replaced, shutdown). */
export function closeMemberConnections(m: Member): void {
  if (m.kc instanceof PooledKubeConfig) m.kc.closePool();
  agents.get(m)?.destroy();
  agents.delete(m);
}

/** GETs `path` (with query) from the member and parses the JSON answer; rejects on a non-2xx status or a failed connection. */
export function memberGet<T = any>(m: Member, path: string, signal?: AbortSignal): Promise<T> {
  const base = new URL(m.cred.server);
  const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
  const headers: Record<string, string> = { accept: "application/json" };
  if (m.cred.token) headers.authorization = `Bearer ${m.cred.token}`;
  return new Promise<T>((resolve, reject) => {
    const req = request(url, { agent: memberAgent(m), headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) return reject(new MemberHttpError(code, text, url.pathname));
        try {
          resolve(text ? JSON.parse(text) : undefined);
        } catch {
          // /healthz and /readyz answer plain text.
          resolve(text as T);
        }
      });
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return reject(err);
      const dial = err.syscall === "connect" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN";
      reject(dial ? new Error(describeDialError(upstreamHost(url), upstreamPort(url), err)) : err);
    });
    req.end();
  });
}
