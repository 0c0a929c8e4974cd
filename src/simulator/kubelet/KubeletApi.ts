// The paths of the kubelet API (pkg/kubelet/server/server.go) for one node:
//   GET /healthz, /pods, /configz
//   GET /containerLogs/{namespace}/{pod}/{container}
//   /exec|/attach/{namespace}/{pod}[/{uid}]/{container}  (upgrade)
//   /portForward/{namespace}/{pod}[/{uid}]               (upgrade)
// with the kubelet's error texts: a pod not on this node is 404 "pod does
// not exist"; a container that is not running is 500 `container not found
// ("c")` for exec and attach; a log with no run to read is 400.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { KObject, KubeClient } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";
import { EXEC_WS_PROTOCOLS, webSocketSession } from "./channels.ts";
import { logOptions } from "./logs.ts";
import { containerSpec, containerStatus } from "./logs.ts";
import { streamLog } from "./logStream.ts";
import { channelPortForward, type Forward, PORT_FORWARD_PROTOCOL, PORT_FORWARD_WS_PROTOCOLS, spdyPortForward, TUNNEL_PROTOCOL, tunneledPortForward } from "./portForward.ts";
import { type ContainerProcess, runAttach, runExec, type StreamOptions } from "./session.ts";
import { shellState } from "./shell/container.ts";
import { EXEC_SPDY_PROTOCOLS, negotiate, rejectUpgrade, spdySession } from "./spdy.ts";

export type KubeletHost = {
  clock: Clock;
  client: KubeClient;
  lineMs: number;
  pod(namespace: string, name: string): KObject | undefined;
  podsOn(node: string): KObject[];
  forward(pod: KObject, port: number): Duplex;
  /** Records that a container's main process exited with code. */
  exited(pod: KObject, container: string, code: number): Promise<void>;
};

type Route = { kind: string; ns: string; pod: string; container: string; uid?: string };

/** Splits a kubelet path into its handler and parameters. */
export function route(path: string): Route | undefined {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [kind, ns, pod, a, b] = seg;
  if ((kind === "exec" || kind === "attach") && (seg.length === 4 || seg.length === 5)) return { kind, ns, pod, container: b ?? a, uid: b ? a : undefined };
  if (kind === "containerLogs" && seg.length === 4) return { kind, ns, pod, container: a };
  if (kind === "portForward" && (seg.length === 3 || seg.length === 4)) return { kind, ns, pod, container: "", uid: a };
  if (seg.length === 1 && ["healthz", "pods", "configz"].includes(kind)) return { kind, ns: "", pod: "", container: "" };
  return undefined;
}

const text = (res: ServerResponse, code: number, body: string) => void res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8" }).end(`${body}\n`);

/** remotecommand.NewOptions: "1" or "true" switch a stream on. */
function streamOptions(q: URLSearchParams): StreamOptions | string {
  const on = (k: string) => ["1", "true"].includes(q.get(k) ?? "");
  const o = { stdin: on("stdin"), stdout: on("stdout"), stderr: on("stderr"), tty: on("tty") };
  if (!o.stdin && !o.stdout && !o.stderr) return "you must specify at least 1 of stdin, stdout, stderr";
  return o;
}

/** WebSocket subprotocols the client offered, in its order ("" when none). */
function offered(req: IncomingMessage): string[] {
  const h = req.headers["sec-websocket-protocol"];
  return h ? h.split(",").map((p) => p.trim()).filter(Boolean) : [];
}

export class KubeletApi {
  private readonly host: KubeletHost;
  /** The subprotocol picked for each handshake, for ws's handleProtocols. */
  private readonly chosen = new WeakMap<IncomingMessage, string>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => this.chosen.get(req) || false });

  constructor(host: KubeletHost) {
    this.host = host;
  }

  private podOn(node: string, ns: string, name: string): KObject | undefined {
    const p = this.host.pod(ns, name);
    return p?.spec?.nodeName === node ? p : undefined;
  }

  request(node: string, req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "https://kubelet");
    const r = route(url.pathname);
    if (!r) return text(res, 404, "404 page not found");
    if (r.kind === "healthz") return void res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ok");
    if (r.kind === "pods") {
      const body = JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: this.host.podsOn(node) });
      return void res.writeHead(200, { "Content-Type": "application/json" }).end(body);
    }
    if (r.kind === "configz") {
      const cfg = { kubeletconfig: { enableServer: true, port: 10250, readOnlyPort: 0, authentication: { x509: { clientCAFile: "/etc/kubernetes/pki/ca.crt" } }, authorization: { mode: "Webhook" } } };
      return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(cfg));
    }
    if (r.kind === "containerLogs") return this.logs(node, r, url.searchParams, res);
    text(res, 400, "Upgrade request required");
  }

  private logs(node: string, r: Route, q: URLSearchParams, res: ServerResponse) {
    const opts = logOptions(q);
    if (typeof opts === "string") return text(res, opts.includes("Invalid") ? 422 : 400, opts);
    const pod = this.podOn(node, r.ns, r.pod);
    if (!pod) return text(res, 404, `pod ${JSON.stringify(r.pod)} does not exist`);
    if (!containerSpec(pod, r.container)) return text(res, 404, `container ${JSON.stringify(r.container)} not found in pod ${JSON.stringify(r.pod)}`);
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    let started = false;
    const write = (s: string) => {
      if (!started) res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
      started = true;
      res.write(s);
    };
    const src = { clock: this.host.clock, lineMs: this.host.lineMs, pod: () => this.podOn(node, r.ns, r.pod) };
    void streamLog(src, r.container, opts, write, ac.signal).then((err) => {
      if (err && !started) return text(res, 400, err);
      if (!started) res.writeHead(200, { "Content-Type": "text/plain" });
      res.end();
    });
  }

  upgrade(node: string, req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", () => {});
    const url = new URL(req.url ?? "/", "https://kubelet");
    const r = route(url.pathname);
    const reject = (code: number, status: string, body: string) => rejectUpgrade(socket, code, status, body);
    if (!r || !["exec", "attach", "portForward"].includes(r.kind)) return reject(404, "Not Found", "404 page not found");
    const ws = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
    const spdy = (req.headers.upgrade ?? "").toLowerCase().includes("spdy/3.1");
    if (!ws && !spdy) return reject(400, "Bad Request", `unable to upgrade: unsupported upgrade "${req.headers.upgrade}": use WebSocket or SPDY/3.1`);
    const pod = this.podOn(node, r.ns, r.pod);
    if (r.kind === "portForward") return this.portForward(pod, url.searchParams, req, socket, head, ws);
    const opts = streamOptions(url.searchParams);
    if (typeof opts === "string") return reject(400, "Bad Request", opts);
    if (!pod) return reject(404, "Not Found", "pod does not exist");
    const spec = containerSpec(pod, r.container);
    if (!spec || !containerStatus(pod, r.container)?.state?.running) return reject(500, "Internal Server Error", `container not found (${JSON.stringify(r.container)})`);
    const proc = this.process(pod, spec);
    const argv = url.searchParams.getAll("command");
    const run = r.kind === "exec" ? (s: Parameters<typeof runExec>[0]) => runExec(s, proc, argv) : (s: Parameters<typeof runExec>[0]) => runAttach(s, proc);
    const fail = (s: { finish(st: KObject): void }) => (e: unknown) => s.finish({ metadata: {}, status: "Failure", message: String(e), reason: "InternalError", code: 500 });
    if (spdy) {
      const protocol = negotiate(req, socket, EXEC_SPDY_PROTOCOLS);
      if (protocol) spdySession(socket, protocol, opts, (s) => void run(s).catch(fail(s)));
      return;
    }
    this.acceptWebSocket(req, socket, head, EXEC_WS_PROTOCOLS, true, (w, protocol) => {
      const s = webSocketSession(w, protocol, opts);
      void run(s).catch(fail(s));
    });
  }

  private portForward(pod: KObject | undefined, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, ws: boolean) {
    const tunnel = ws && offered(req).includes(TUNNEL_PROTOCOL);
    let ports: number[] = [];
    if (ws && !tunnel) {
      // NewV4Options: the `port` query parameter (client-node's `ports` is the API server's name for it).
      const raw = [...q.getAll("port"), ...q.getAll("ports")];
      if (!raw.length) return rejectUpgrade(socket, 400, "Bad Request", 'query parameter "port" is required');
      ports = raw.flatMap((v) => v.split(",")).map(Number);
      const bad = ports.find((p) => !(Number.isInteger(p) && p > 0 && p < 65536));
      if (bad !== undefined) return rejectUpgrade(socket, 400, "Bad Request", `unable to parse "${raw.join(",")}" as a port`);
    }
    if (!pod) return rejectUpgrade(socket, 404, "Not Found", "pod does not exist");
    const forward: Forward = (port) => this.host.forward(pod, port);
    if (!ws) {
      const protocol = negotiate(req, socket, [PORT_FORWARD_PROTOCOL]);
      if (protocol) spdyPortForward(socket, protocol, pod, forward);
      return;
    }
    if (tunnel) return this.acceptWebSocket(req, socket, head, [TUNNEL_PROTOCOL], false, (w) => tunneledPortForward(w, pod, forward));
    this.acceptWebSocket(req, socket, head, PORT_FORWARD_WS_PROTOCOLS, true, (w, protocol) => channelPortForward(w, protocol, ports, pod, forward));
  }

  /** wsstream's handshake: the client's first protocol we speak; none offered is the plain binary form. */
  private acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, supported: string[], allowNone: boolean, then: (ws: WebSocket, protocol: string) => void) {
    const client = offered(req);
    const chosen = client.length ? client.find((p) => supported.includes(p)) : allowNone ? "" : undefined;
    if (chosen === undefined) {
      const msg = `unable to upgrade: requested protocol(s) are not supported: [${client.join(" ")}]; supports [${supported.join(" ")}] over WebSocket, or SPDY/3.1`;
      return rejectUpgrade(socket, 403, "Forbidden", msg);
    }
    this.chosen.set(req, chosen);
    // ws refuses a Sec-WebSocket-Protocol that is not an RFC 7230 token, and
    // KEP-4006's "SPDY/3.1+portforward.k8s.io" has a '/'. The choice is made
    // above; ws only needs a header it can parse, and answers with handleProtocols'
    // pick (this.chosen), so kubectl sees the protocol it asked for.
    if (chosen) req.headers["sec-websocket-protocol"] = "kpanda-chosen";
    this.wss.handleUpgrade(req, socket, head, (w) => then(w, chosen || "channel.k8s.io"));
  }

  private process(pod: KObject, container: KObject): ContainerProcess {
    const node = String(pod.spec?.nodeName);
    return {
      pod,
      container,
      shellState: () => shellState(this.host.client, pod, container),
      exited: (code) => this.host.exited(pod, container.name, code),
      followLog: async (write, signal) => {
        const src = { clock: this.host.clock, lineMs: this.host.lineMs, pod: () => this.podOn(node, pod.metadata?.namespace ?? "", pod.metadata?.name ?? "") };
        await streamLog(src, container.name, { follow: true, tailLines: 0 }, write, signal);
      },
    };
  }
}
