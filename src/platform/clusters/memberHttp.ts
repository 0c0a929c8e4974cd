// Plain JSON GETs to a member cluster over connections kept alive per
// member: the health loop and the summaries call every cluster every few
// seconds, and a TLS handshake per call (what client-node 2.x does: a new
// dispatcher per request) would cost more than the calls themselves. Writes
// and typed calls go through client-node (member.kc). A failure is shaped
// like client-node's ApiException ({code, body}) so fromMember() and
// codeOf() read both alike; a connection failure is a plain Error whose
// message says what went wrong, as Go's dialer words it.
import { Agent, request } from "node:https";
import { createSecureContext } from "node:tls";
import { describeDialError, upstreamHost, upstreamPort } from "../../net/upstream.ts";
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

function agentOf(m: Member): Agent {
  let a = agents.get(m);
  if (!a) {
    const c = m.cred;
    a = new Agent({
      keepAlive: true,
      // Two connections carry a probe's three calls and a summary's six; at start, a hundred
      // clusters then cost two TLS handshakes each, not six.
      maxSockets: 2,
      // One TLS context per member: building it (parsing the CA, certificate and key) per connection costs more than the call.
      secureContext: createSecureContext({ ca: c.ca, cert: c.cert, key: c.key }),
      rejectUnauthorized: !c.insecureSkipTLSVerify,
      servername: c.tlsServerName,
    });
    agents.set(m, a);
  }
  return a;
}

/** Closes a member's kept-alive connections, these and its typed client's (a throwaway member, or one whose credential was replaced). */
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
    const req = request(url, { agent: agentOf(m), headers, signal }, (res) => {
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
