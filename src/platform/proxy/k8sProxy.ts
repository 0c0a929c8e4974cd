// The Kubernetes proxy: /k8s/clusters/{cluster}/… forwards a Kubernetes API
// request to a member cluster as the kpanda user who sent it. kubectl points
// at it with a kubeconfig whose token is a kpanda token.
// - The caller authenticates with its kpanda bearer token; failures answer
//   as Kubernetes Status objects (kubectl prints their message).
// - Every Impersonate-* header the client sends is dropped, and so is its
//   Authorization: the member sees kpanda's own credential plus
//   Impersonate-User kpanda:<user> and the groups kpanda:authenticated and
//   system:authenticated, so the member's RBAC (the kpanda-* ClusterRoles
//   and bindings kpanda keeps there, access/memberRbac.ts) decides.
// - Bodies stream both ways (watches, follows) over kept-alive connections
//   per member; upgrades (exec, attach, port-forward over WebSocket or SPDY)
//   pass byte for byte after the handshake.
// - Mutating calls and exec/attach/port-forward are audited with the user,
//   cluster, namespace, resource and name read from the path.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { connectionNamed, isHopByHop, ProxyError, proxyUpgrade, rejectUpgrade } from "../../net/proxy.ts";
import { USER_GROUP, USER_PREFIX } from "../access/memberRbac.ts";
import type { Member } from "../clusters/members.ts";
import { authenticate } from "../http/auth.ts";
import type { PlatformContext, Principal } from "../http/context.ts";
import { forwardHttp, MemberPool } from "./forward.ts";
import { MUTATING_VERBS, type RequestInfo, requestInfo } from "./requestInfo.ts";

export const PROXY_PREFIX = "/k8s/clusters/";
/**
 * The groups a kpanda user has in a member: kpanda's, and
 * system:authenticated, which kube-apiserver would add to an impersonated
 * user given no groups (it grants discovery, /version and self reviews).
 */
const USER_GROUPS = [USER_GROUP, "system:authenticated"];
/** Subresources whose upgrades are audited: a shell or a tunnel into a pod. */
const STREAMING = new Set(["exec", "attach", "portforward"]);

type Target = { cluster: string; path: string; info: RequestInfo };

/**
 * Registers the proxy's request handler (plain requests, ahead of Fastify's
 * routes) and the server's upgrade handler. Watches, followed logs and upgraded sessions (exec, attach,
 * port-forward) would hold the server open for as long as they run, so
 * closing the app ends those; other requests finish as the server drains.
 */
export function registerK8sProxy(app: FastifyInstance, ctx: PlatformContext): void {
  const pool = new MemberPool();
  const open = new Set<{ destroy(): unknown }>();
  const track = (s: ServerResponse | Duplex) => {
    open.add(s);
    s.once("close", () => open.delete(s));
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const target = parseTarget(req.method ?? "GET", req.url ?? "");
    if (target && isStream(target)) track(res);
    return serveHttp(ctx, pool, req, res, target).catch((err) => {
      ctx.log.error({ err }, "proxy request failed");
      if (!res.headersSent) sendStatus(res, new ProxyError("internal error", { code: 500, reason: "InternalError" }));
      else res.destroy();
    });
  };
  // Served ahead of Fastify: every kubectl call comes this way, and Fastify's routing,
  // hooks and per-request logger would cost about as much as the proxying itself. The
  // body is not read here: it streams to the member untouched.
  const fastify = app.server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  app.server.removeAllListeners("request");
  app.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith(PROXY_PREFIX)) void serve(req, res);
    else for (const handle of fastify) handle.call(app.server, req, res);
  });
  app.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!req.url?.startsWith(PROXY_PREFIX)) return;
    track(socket);
    serveUpgrade(ctx, req, socket, head).catch((err) => {
      ctx.log.error({ err }, "proxy upgrade failed");
      socket.destroy();
    });
  });
  app.addHook("preClose", async () => {
    for (const s of open) s.destroy();
  });
  app.addHook("onClose", async () => pool.close());
}

/** A request whose answer runs until someone stops it: a watch, or a followed log. */
function isStream(target: Target): boolean {
  if (target.info.verb === "watch") return true;
  if (!target.path.includes("follow=")) return false;
  const follow = new URLSearchParams(target.path.split("?", 2)[1] ?? "").get("follow");
  return follow !== null && follow !== "false" && follow !== "0";
}

/** The cluster and the member-side path (with query) of a proxy URL; undefined when malformed. */
export function parseTarget(method: string, url: string): Target | undefined {
  const rest = url.slice(PROXY_PREFIX.length);
  const end = rest.search(/[/?]/);
  let cluster: string;
  try {
    cluster = decodeURIComponent(end < 0 ? rest : rest.slice(0, end));
  } catch {
    return undefined;
  }
  if (!cluster) return undefined;
  let path = end < 0 ? "/" : rest.slice(end);
  if (path.startsWith("?")) path = `/${path}`;
  return { cluster, path, info: requestInfo(method, path) };
}

type Admitted = { target: Target; principal: Principal; member: Member };

/** Authenticates the caller and finds its cluster; a ProxyError (401, 403, 404, 503) otherwise. */
async function admit(ctx: PlatformContext, req: IncomingMessage, target = parseTarget(req.method ?? "GET", req.url ?? "")): Promise<Admitted> {
  if (!target) throw new ProxyError("the path names no cluster: use /k8s/clusters/{cluster}/…", { code: 404, reason: "NotFound" });
  const principal = await authenticate(ctx, bearer(req));
  // kube-apiserver's own answer to a request it cannot authenticate.
  if (!principal) throw new ProxyError("Unauthorized", { code: 401, reason: "Unauthorized" });
  const seen = ctx.authz.clustersOf(principal.name);
  if (seen !== "all" && !seen.has(target.cluster)) {
    throw new ProxyError(`user "${principal.name}" has no role in cluster "${target.cluster}"`, { code: 403, reason: "Forbidden" });
  }
  let member: Member | undefined;
  try {
    member = await ctx.members.get(target.cluster);
  } catch (err) {
    throw new ProxyError(`cluster "${target.cluster}" is not available`, { code: 503, reason: "ServiceUnavailable", cause: err });
  }
  if (!member) throw new ProxyError(`cluster "${target.cluster}" not found`, { code: 404, reason: "NotFound" });
  return { target, principal, member };
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^bearer /i.test(h)) return undefined;
  return h.slice(7).trim() || undefined;
}

/**
 * The headers the member gets: the client's, without any Impersonate-* or
 * Authorization, plus kpanda's credential (for a token credential), the
 * impersonation of the caller, and the caller's address appended to
 * X-Forwarded-For (kube-apiserver records it as a source IP in its audit).
 */
export function memberHeaders(incoming: IncomingMessage["headers"], user: string, credential: Record<string, unknown>, clientIP: string) {
  const headers: Record<string, string | string[] | undefined> = {};
  // Hop-by-hop headers are dropped in the same pass (the caller sets its own Host and framing).
  const named = connectionNamed(incoming.connection);
  for (const name in incoming) {
    const lower = name.toLowerCase();
    const value = incoming[name];
    if (value === undefined || lower === "authorization" || lower.startsWith("impersonate-") || isHopByHop(lower, named)) continue;
    headers[lower] = value;
  }
  for (const [name, value] of Object.entries(credential)) headers[name.toLowerCase()] = value as string;
  headers["impersonate-user"] = `${USER_PREFIX}${user}`;
  headers["impersonate-group"] = USER_GROUPS;
  const forwarded = incoming["x-forwarded-for"];
  headers["x-forwarded-for"] = forwarded ? `${forwarded}, ${clientIP}` : clientIP;
  return headers;
}

async function serveHttp(ctx: PlatformContext, pool: MemberPool, req: IncomingMessage, res: ServerResponse, parsed?: Target): Promise<void> {
  const start = performance.now();
  let admitted: Admitted;
  try {
    admitted = await admit(ctx, req, parsed);
  } catch (err) {
    return sendStatus(res, err as ProxyError);
  }
  const { target, principal, member } = admitted;
  const clientIP = req.socket.remoteAddress ?? "";
  const up = member.upstream(target.path);
  // The client's own headers stay on req (forwardHttp reads its framing there).
  const headers = memberHeaders(req.headers, principal.name, up.headers ?? {}, clientIP);
  const { info } = target;
  const audited = MUTATING_VERBS.has(info.verb);
  // A create names its object in the body: read the member's answer along to learn the name it got.
  let named: Promise<string | undefined> = Promise.resolve(undefined);
  const onAnswer = audited && info.verb === "create" && !info.name ? (a: IncomingMessage) => (named = createdName(a)) : undefined;
  let code: number;
  try {
    code = await forwardHttp(req, res, up, pool.agent(member.name, member, up), headers, onAnswer);
  } catch (err) {
    const e = err as ProxyError;
    ctx.log.child({ cluster: member.name }).warn({ err: e.message }, "proxy could not reach the member");
    code = e.code;
    sendStatus(res, new ProxyError(`cluster "${member.name}" is unreachable: ${e.message}`, { code: e.code, reason: e.reason }));
  }
  // Until the member's response headers (a watch's stream is not counted); only for integrated clusters' names.
  ctx.metrics.observeProxy(member.name, (performance.now() - start) / 1000);
  if (audited) audit(ctx, principal, { ...target, info: { ...info, name: info.name || ((await named) ?? "") } }, clientIP, info.verb, code);
}

/** metadata.name of a JSON answer to a create (at most 1 MiB of it is kept); undefined otherwise. */
function createdName(answer: IncomingMessage): Promise<string | undefined> {
  if (!String(answer.headers["content-type"] ?? "").startsWith("application/json")) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    answer.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 1 << 20) chunks.push(c);
    });
    answer.once("end", () => {
      try {
        const name = JSON.parse(Buffer.concat(chunks).toString("utf8"))?.metadata?.name;
        resolve(typeof name === "string" ? name : undefined);
      } catch {
        resolve(undefined);
      }
    });
    answer.once("close", () => resolve(undefined));
  });
}

async function serveUpgrade(ctx: PlatformContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const start = performance.now();
  let admitted: Admitted;
  try {
    admitted = await admit(ctx, req);
  } catch (err) {
    return rejectUpgrade(socket, err);
  }
  const { target, principal, member } = admitted;
  const clientIP = req.socket.remoteAddress ?? "";
  const up = member.upstream(target.path);
  // proxyUpgrade takes the request's own headers: replace them (keeping Upgrade, which
  // memberHeaders drops as hop-by-hop), then set no others.
  const upgrade = req.headers.upgrade;
  req.headers = { ...memberHeaders(req.headers, principal.name, up.headers ?? {}, clientIP), upgrade } as IncomingMessage["headers"];
  let code: number;
  try {
    code = await proxyUpgrade(req, socket, head, { ...up, headers: {} });
  } catch (err) {
    const e = err as ProxyError;
    code = e.code;
    rejectUpgrade(socket, new ProxyError(`cluster "${member.name}" is unreachable: ${e.message}`, { code: 503, reason: "ServiceUnavailable" }));
  }
  ctx.metrics.observeProxy(member.name, (performance.now() - start) / 1000);
  // Opening a shell or a tunnel acts on the pod: audited as kube authorizes it, a create
  // (1.30+ checks create for WebSocket exec, attach and portforward; SPDY ones are POSTs).
  const { info } = target;
  if (STREAMING.has(info.subresource) || MUTATING_VERBS.has(info.verb)) audit(ctx, principal, target, clientIP, "create", code);
}

function audit(ctx: PlatformContext, who: Principal, target: Target, sourceIP: string, verb: string, code: number): void {
  const { info } = target;
  // kubectl's resource notation: resource[.group][/subresource].
  const resource = info.resource
    ? `${info.resource}${info.apiGroup ? `.${info.apiGroup}` : ""}${info.subresource ? `/${info.subresource}` : ""}`
    : undefined;
  ctx.audit.record({
    time: new Date().toISOString(),
    user: who.name,
    sourceIP,
    verb,
    cluster: target.cluster,
    namespace: info.namespace || undefined,
    resource,
    name: info.name || undefined,
    code,
    path: target.path.split("?")[0],
    via: "proxy",
  });
}

/** Answers with a Kubernetes Status (what kubectl expects to print). */
function sendStatus(res: ServerResponse, err: ProxyError): void {
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
