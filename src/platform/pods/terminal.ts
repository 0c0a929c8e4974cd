// GET …/clusters/{c}/namespaces/{ns}/pods/{name}/containers/{container}/terminal:
// a WebSocket that a console's terminal (xterm.js) attaches to, bridged to
// an interactive shell in the container (execBridge.ts) as the caller.
//
// Frame protocol (TERMINAL_PROTOCOL_DOC below is the route's description).
// The handshake authenticates like every REST call, with the bearer token
// in Authorization; a browser, which cannot set that header on a WebSocket,
// offers it as the subprotocol base64url.bearer.authorization.k8s.io.<token
// in unpadded base64url> (kube-apiserver's convention) next to
// terminal.kpanda.io, which the server selects.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { WebSocketServer, type WebSocket } from "ws";
import { authenticate } from "../http/auth.ts";
import type { PlatformContext, Principal } from "../http/context.ts";
import { ExecRefused, LOST, openTerminal, type Terminal } from "./execBridge.ts";

export const TERMINAL_SUBPROTOCOL = "terminal.kpanda.io";
const BEARER_PROTOCOL = "base64url.bearer.authorization.k8s.io.";
const PATH = /^\/apis\/kpanda\.io\/v1alpha1\/clusters\/([^/?]+)\/namespaces\/([^/?]+)\/pods\/([^/?]+)\/containers\/([^/?]+)\/terminal\/?(?:\?.*)?$/;

export const TERMINAL_PROTOCOL_DOC = `Upgrades to a WebSocket carrying an interactive shell in the container (bash, else sh), run through the member's pods/exec as the caller: the member's RBAC decides (a namespace viewer is refused with 403 at the handshake).
Authentication: the bearer token in Authorization, or (browsers) the subprotocol "base64url.bearer.authorization.k8s.io.<token as unpadded base64url>" offered together with "${TERMINAL_SUBPROTOCOL}", which the server selects.
Client to server: a text frame is keyboard input (UTF-8, as xterm.js's onData gives it), except a text frame that is exactly a JSON object {"type":"resize","cols":N,"rows":N}, which resizes the terminal; a binary frame is always input.
Server to client: text frames of terminal output (UTF-8; the shell runs under a tty, so stderr is merged and lines end in CR LF).
End: the server closes with 1000 and the reason "exit 0", "exit N" (the shell's exit code) or the member's message when the session failed; with 1011 when the connection to the member broke. A member that cannot be reached at the start answers the handshake with 503. Closing the socket ends the shell.`;

type Target = { cluster: string; namespace: string; pod: string; container: string };

function parse(url: string | undefined): Target | undefined {
  const m = PATH.exec(url ?? "");
  if (!m) return undefined;
  try {
    const [cluster, namespace, pod, container] = m.slice(1, 5).map(decodeURIComponent);
    return { cluster, namespace, pod, container };
  } catch {
    return undefined;
  }
}

function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h && /^bearer /i.test(h)) return h.slice(7).trim() || undefined;
  for (const p of String(req.headers["sec-websocket-protocol"] ?? "").split(",")) {
    const s = p.trim();
    if (s.startsWith(BEARER_PROTOCOL)) return Buffer.from(s.slice(BEARER_PROTOCOL.length), "base64url").toString("utf8") || undefined;
  }
  return undefined;
}

/** Answers the upgrade request with an HTTP error in the REST API's shape, then closes. */
function refuse(socket: Duplex, code: number, reason: string, message: string, cluster?: string): void {
  const body = JSON.stringify({ code, reason, message, ...(cluster ? { cluster } : {}) });
  const text = code === 401 ? "Unauthorized" : code === 403 ? "Forbidden" : code === 404 ? "Not Found" : code === 503 ? "Service Unavailable" : "Error";
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The frame is a resize message: {"type":"resize","cols":N,"rows":N}. */
export function resizeOf(text: string): { cols: number; rows: number } | undefined {
  if (!text.startsWith("{") || !text.includes('"resize"')) return undefined;
  try {
    const m = JSON.parse(text);
    if (m?.type === "resize" && Number.isInteger(m.cols) && Number.isInteger(m.rows) && m.cols > 0 && m.rows > 0) return { cols: m.cols, rows: m.rows };
  } catch {}
  return undefined;
}

/** Registers the upgrade handler for terminal paths (the documenting route is in routes/pods.ts). */
export function registerTerminal(app: FastifyInstance, ctx: PlatformContext): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(TERMINAL_SUBPROTOCOL) ? TERMINAL_SUBPROTOCOL : false),
  });
  const open = new Set<Duplex>();
  app.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parse(req.url);
    if (!target) return;
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    socket.on("error", () => {});
    serve(ctx, wss, req, socket, head, target).catch((err) => {
      ctx.log.error({ err }, "terminal failed");
      socket.destroy();
    });
  });
  app.addHook("preClose", async () => {
    for (const s of open) s.destroy();
  });
}

async function serve(ctx: PlatformContext, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, t: Target): Promise<void> {
  const principal = await authenticate(ctx, tokenOf(req));
  if (!principal) return refuse(socket, 401, "Unauthorized", "authentication required");
  const seen = ctx.authz.clustersOf(principal.name);
  if (seen !== "all" && !seen.has(t.cluster)) {
    return refuse(socket, 403, "Forbidden", `user "${principal.name}" has no role in cluster "${t.cluster}"`, t.cluster);
  }
  let member: Awaited<ReturnType<typeof ctx.members.get>>;
  try {
    member = await ctx.members.get(t.cluster);
  } catch {
    return refuse(socket, 503, "ServiceUnavailable", `cluster "${t.cluster}" is not available`, t.cluster);
  }
  if (!member) return refuse(socket, 404, "NotFound", `cluster "${t.cluster}" not found`);
  const ip = req.socket.remoteAddress ?? "";
  let client: WebSocket | undefined;
  const pending: Buffer[] = [];
  let terminal: Terminal;
  try {
    terminal = await openTerminal(member, { user: principal.name, ip }, { namespace: t.namespace, pod: t.pod, container: t.container }, {
      output: (data) => {
        if (client) client.send(data.toString("utf8"));
        else pending.push(data);
      },
      end: (status) => {
        const reason = status.status === "Success" ? "exit 0" : exitReason(status);
        if (client) client.close(status.reason === LOST ? 1011 : 1000, truncate(reason));
        else socket.destroy();
      },
    });
  } catch (err) {
    audit(ctx, principal, t, ip, err instanceof ExecRefused ? err.code : 503);
    if (err instanceof ExecRefused) return refuse(socket, err.code, err.status?.reason ?? "MemberError", err.message, t.cluster);
    return refuse(socket, 503, "ServiceUnavailable", `cluster "${t.cluster}" is unreachable: ${(err as Error).message}`, t.cluster);
  }
  audit(ctx, principal, t, ip, 101);
  // The client gave up while the shell was starting: end the shell too.
  if (socket.destroyed) return terminal.close();
  socket.once("close", () => {
    if (!client) terminal.close();
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    client = ws;
    for (const d of pending) ws.send(d.toString("utf8"));
    ws.on("message", (raw: Buffer, isBinary) => {
      if (!isBinary) {
        const size = resizeOf(raw.toString("utf8"));
        if (size) return terminal.resize(size.cols, size.rows);
      }
      terminal.write(raw);
    });
    // A ping now and then keeps an idle terminal's connection open through proxies that drop quiet ones.
    const ping = setInterval(() => ws.ping(), 30_000);
    ping.unref();
    ws.on("close", () => {
      clearInterval(ping);
      terminal.close();
    });
    ws.on("error", () => terminal.close());
  });
}

function exitReason(status: { message?: string; details?: { causes?: { reason?: string; message?: string }[] } }): string {
  const code = status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  return code ? `exit ${code}` : (status.message ?? "failed");
}

/** A close reason is at most 123 bytes. */
function truncate(s: string): string {
  let out = s;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/** Opening a shell acts on the pod: audited as the proxy audits exec (a create of pods/exec). */
function audit(ctx: PlatformContext, who: Principal, t: Target, sourceIP: string, code: number): void {
  ctx.audit.record({
    time: new Date().toISOString(),
    user: who.name,
    sourceIP,
    verb: "create",
    cluster: t.cluster,
    namespace: t.namespace,
    resource: "pods/exec",
    name: t.pod,
    code,
    path: `/clusters/${t.cluster}/namespaces/${t.namespace}/pods/${t.pod}/containers/${t.container}/terminal`,
    via: "rest",
  });
}
