// Calls to a member cluster AS the kpanda user who made the REST call: the
// same identity the Kubernetes proxy gives it (kpanda's credential plus
// Impersonate-User kpanda:<user> and the groups kpanda:authenticated and
// system:authenticated, proxy/k8sProxy.ts memberHeaders), so the member's
// RBAC decides what the user may do there. Requests go over connections
// kept alive per member (proxy/forward.ts MemberPool), within the member's
// concurrency limit and timeout. A non-2xx answer rejects with {code, body}
// (what fromMember reads); a connection failure with an Error saying what
// went wrong, as Go's dialer words it.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { describeDialError, isTls, upstreamHost, upstreamPort } from "../../net/upstream.ts";
import type { Member } from "../clusters/members.ts";
import { onMember } from "../clusters/memberApi.ts";
import { MemberPool } from "../proxy/forward.ts";
import { memberHeaders } from "../proxy/k8sProxy.ts";

/** A member's answer with an HTTP error status (the body is its Status, as text). */
export class MemberStatusError extends Error {
  readonly code: number;
  readonly body: string;

  constructor(code: number, body: string, method: string, path: string) {
    super(`${method} ${path} answered ${code}`);
    this.code = code;
    this.body = body;
  }
}

export type CallOptions = { body?: unknown; contentType?: string };
export type Answer<T> = { status: number; body: T };

/** One user's view of members: every call is made as that user. */
export type Caller = {
  /** The kpanda user's name (impersonated as kpanda:<name>). */
  user: string;
  /** The REST caller's address, appended to X-Forwarded-For (the member's audit records it). */
  ip: string;
};

export class MemberCalls {
  private readonly pool = new MemberPool();

  /** Closes the kept connections (on shutdown). */
  close(): void {
    this.pool.close();
  }

  /** `method path` on member `m` as `who`; resolves with the status and the parsed JSON answer. */
  async call<T = any>(m: Member, who: Caller, method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
    return onMember(m, (signal) => this.send<T>(m, who, method, path, opts, signal));
  }

  /** The body of a GET. */
  async get<T = any>(m: Member, who: Caller, path: string): Promise<T> {
    return (await this.call<T>(m, who, "GET", path)).body;
  }

  private send<T>(m: Member, who: Caller, method: string, path: string, opts: CallOptions, signal: AbortSignal): Promise<Answer<T>> {
    const up = m.upstream(path);
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const incoming: Record<string, string> = { accept: "application/json" };
    if (payload) {
      incoming["content-type"] = opts.contentType ?? "application/json";
      incoming["content-length"] = String(payload.length);
    }
    const headers = memberHeaders(incoming, who.user, up.headers ?? {}, who.ip);
    const url = up.url;
    const send = isTls(url) ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: upstreamHost(url),
          port: upstreamPort(url),
          method,
          path: url.pathname + url.search,
          headers: { ...headers, host: url.host },
          agent: this.pool.agent(m.name, m, up),
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const code = res.statusCode ?? 0;
            if (code < 200 || code > 299) return reject(new MemberStatusError(code, text, method, url.pathname));
            try {
              resolve({ status: code, body: text ? JSON.parse(text) : undefined });
            } catch {
              reject(new Error(`${method} ${url.pathname} answered ${code} with a body that is not JSON`));
            }
          });
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (err.name === "AbortError") return reject(err);
        const dial = err.syscall === "connect" || err.code === "ECONNREFUSED" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN";
        reject(dial ? new Error(describeDialError(upstreamHost(url), upstreamPort(url), err)) : err);
      });
      req.end(payload);
    });
  }
}
