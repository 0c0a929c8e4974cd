// Calls to a member cluster AS the kpanda user who made the REST call: kpanda's
// credential plus Impersonate-User kpanda:<user> and kpanda's groups, the
// same headers the Kubernetes proxy sends (proxy/k8sProxy.ts memberHeaders),
// so the member's RBAC (the bindings access/memberRbac.ts keeps there)
// decides what the user may do. JSON calls, streamed answers (logs) and the
// WebSocket options of an upgraded call (exec) are built here. Connections
// are kept alive per member; streamed answers hold theirs until they end.
import type { IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import { describeDialError, upstreamHost, upstreamPort } from "../../net/upstream.ts";
import { memberHeaders } from "../proxy/k8sProxy.ts";
import { MemberHttpError } from "./memberHttp.ts";
import type { Member } from "./members.ts";

/** Who calls: the kpanda user's name, and the address it called from (appended to X-Forwarded-For). */
export type Caller = { user: string; ip?: string };
/** kpanda itself (its controllers): its own credential, no impersonation. */
export const KPANDA: Caller = { user: "" };

const agents = new WeakMap<Member, Agent>();

function agentOf(m: Member): Agent {
  let a = agents.get(m);
  if (!a) {
    const { tls } = m.upstream("/");
    a = new Agent({ keepAlive: true, maxFreeSockets: 8, timeout: 60_000, ...tls });
    agents.set(m, a);
  }
  return a;
}

/** The headers of a call as `caller`: kpanda's credential, the impersonation (none for KPANDA), and `extra`. */
export function callerHeaders(m: Member, caller: Caller, extra: Record<string, string> = {}): Record<string, string | string[]> {
  const up = m.upstream("/");
  if (caller === KPANDA) return { ...extra, ...((up.headers ?? {}) as Record<string, string>) };
  return memberHeaders(extra, caller.user, up.headers ?? {}, caller.ip ?? "") as Record<string, string | string[]>;
}

export type CallerRequest = {
  method?: string;
  /** The member-side path with its query. */
  path: string;
  body?: unknown;
  /** The body's media type (default application/json for objects). */
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
};

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
  return new Promise((resolve, reject) => {
    const req = request(up.url, { method: r.method ?? "GET", agent: agentOf(m), headers, signal: r.signal }, resolve);
    req.setTimeout(m.timeoutMs, () => req.destroy(new Error(`no answer within ${m.timeoutMs} ms`)));
    req.once("response", () => req.setTimeout(0));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return reject(err);
      const dial = err.syscall === "connect" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN";
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

/**
 * A JSON call as `caller`, within the member's concurrency limit and
 * timeout. A non-2xx answer rejects with MemberHttpError (its code and the
 * member's Status as body), which fromMember() turns into a PlatformError.
 */
export function callerJson<T = any>(m: Member, caller: Caller, r: CallerRequest): Promise<T> {
  return m.run(async (signal) => {
    const res = await callerStream(m, caller, { ...r, signal: r.signal ? AbortSignal.any([signal, r.signal]) : signal });
    const text = await readBody(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw new MemberHttpError(code, text, r.path.split("?")[0]);
    return (text ? JSON.parse(text) : undefined) as T;
  });
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
