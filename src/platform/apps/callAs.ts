// Calls to a member cluster AS the kpanda user who made the REST call: the
// same identity the Kubernetes proxy gives it (kpanda's credential plus
// Impersonate-User kpanda:<user> and the groups kpanda:authenticated and
// system:authenticated, proxy/k8sProxy.ts memberHeaders), so the member's
// RBAC (the bindings access/memberRbac.ts keeps there) decides what the user
// may do. KPANDA calls as kpanda itself (its controllers): its credential,
// no impersonation. JSON calls, streamed answers (logs) and the WebSocket
// options of an upgraded call (exec) are all built here.
//
// Requests go over the member's one pool of kept-alive connections
// (clusters/memberHttp.ts memberAgent; streamed answers hold theirs until
// they end), JSON calls within the member's concurrency limit and timeout.
// A non-2xx answer is a MemberHttpError ({code, body}: the member's status
// and its Status as text, what fromMember reads); a connection failure an
// Error saying what went wrong, as Go's dialer words it.
import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { describeDialError, isTls, upstreamHost, upstreamPort } from "../../net/upstream.ts";
import { onMember } from "../clusters/memberApi.ts";
import { memberAgentFor, MemberHttpError } from "../clusters/memberHttp.ts";
import type { Member } from "../clusters/members.ts";
import { memberHeaders } from "../proxy/k8sProxy.ts";

/** Who calls: the kpanda user's name, and the address it called from (appended to X-Forwarded-For). */
export type Caller = { user: string; ip?: string };
/** kpanda itself (its controllers): its own credential, no impersonation. */
export const KPANDA: Caller = { user: "" };

/** A member's answer: its status code and its parsed JSON body. */
export type Answer<T> = { status: number; body: T };

export type CallerRequest = {
  method?: string;
  /** The member-side path with its query. */
  path: string;
  /** An object (sent as JSON) or a string (sent as it is). */
  body?: unknown;
  /** The body's media type (default application/json; patches name their type). */
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
};

/** The headers of a call as `caller`: kpanda's credential, the impersonation (none for KPANDA), and `extra`. */
export function callerHeaders(m: Member, caller: Caller, extra: Record<string, string> = {}): Record<string, string | string[]> {
  const up = m.upstream("/");
  if (caller === KPANDA) return { ...extra, ...((up.headers ?? {}) as Record<string, string>) };
  return memberHeaders(extra, caller.user, up.headers ?? {}, caller.ip ?? "") as Record<string, string | string[]>;
}

/**
 * Sends a request as `caller` and resolves with the member's answer as it
 * starts (headers read, body still streaming), whatever its status. A
 * failure to connect rejects with an Error saying why.
 */
export function callerStream(m: Member, caller: Caller, r: CallerRequest): Promise<IncomingMessage> {
  const up = m.upstream(r.path);
  const payload = r.body === undefined ? undefined : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  const extra: Record<string, string> = { accept: r.accept ?? "application/json" };
  if (payload !== undefined) {
    extra["content-type"] = r.contentType ?? "application/json";
    extra["content-length"] = String(Buffer.byteLength(payload));
  }
  const headers = callerHeaders(m, caller, extra);
  const send = isTls(up.url) ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(up.url, { method: r.method ?? "GET", agent: memberAgentFor(m, up.url), headers, signal: r.signal }, resolve);
    req.setTimeout(m.timeoutMs, () => req.destroy(new Error(`no answer within ${m.timeoutMs} ms`)));
    req.once("response", () => req.setTimeout(0));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return reject(err);
      const dial = err.syscall === "connect" || err.code === "ECONNREFUSED" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN";
      reject(dial ? new Error(describeDialError(upstreamHost(up.url), upstreamPort(up.url), err)) : err);
    });
    req.end(payload);
  });
}

/** The whole body of an answer, as text. */
export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

/** One JSON exchange on an already admitted call (within m.run). */
async function exchange<T>(m: Member, caller: Caller, r: CallerRequest, signal: AbortSignal): Promise<Answer<T>> {
  const res = await callerStream(m, caller, { ...r, signal: r.signal ? AbortSignal.any([signal, r.signal]) : signal });
  const text = await readBody(res);
  const status = res.statusCode ?? 0;
  const path = r.path.split("?")[0];
  if (status < 200 || status > 299) throw new MemberHttpError(status, text, path);
  try {
    return { status, body: (text ? JSON.parse(text) : undefined) as T };
  } catch {
    throw new Error(`${r.method ?? "GET"} ${path} answered ${status} with a body that is not JSON`);
  }
}

/**
 * A JSON call as `caller` within the member's limit and timeout, for the
 * REST routes: resolves with the member's status and body (a create's 201,
 * a delete's 202 pass through); any failure rejects as a PlatformError
 * naming the cluster (a refused object keeps its field causes).
 */
export function callAs<T = any>(m: Member, caller: Caller, r: CallerRequest): Promise<Answer<T>> {
  return onMember(m, (signal) => exchange<T>(m, caller, r, signal));
}

/**
 * The body of a JSON call as `caller` within the member's limit and
 * timeout, for controllers and helpers that read the member's own failure:
 * a non-2xx answer rejects with the MemberHttpError itself.
 */
export function callerJson<T = any>(m: Member, caller: Caller, r: CallerRequest): Promise<T> {
  return m.run(async (signal) => (await exchange<T>(m, caller, r, signal)).body);
}

/** What `ws` needs to open a WebSocket to the member at `path` as `caller` (TLS, credential, impersonation). */
export function callerWebSocket(m: Member, caller: Caller, path: string): { url: string; options: Record<string, unknown> } {
  const up = m.upstream(path);
  const url = new URL(up.url);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return {
    url: url.toString(),
    options: { ...up.tls, headers: callerHeaders(m, caller), handshakeTimeout: m.timeoutMs, perMessageDeflate: false },
  };
}
