// SPDY/3.1 as Kubernetes speaks it (apimachinery's httpstream/spdy over
// moby/spdystream): the client upgrades with `Upgrade: SPDY/3.1` and a list
// of X-Stream-Protocol-Version values, then opens one stream per purpose,
// named by a `streamType` header (exec and attach: error, stdin, stdout,
// stderr, resize; port-forward: error and data per requestID and port).
// The framing is spdy-transport's. One shim: spdy-transport reads every
// SYN_STREAM as an HTTP request and refuses one without `:method` and
// `:path`, which Kubernetes' streams never carry; this connection's parser
// fills the two in before that check (nothing else reads them). Another:
// no flow control on what we send (see unlimited).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import transport, { type SpdyConnection, type SpdyStream, type WindowSide } from "spdy-transport";
import type { KObject } from "../../apiserver/client.ts";
import type { Session, StreamOptions } from "./session.ts";

/** Go's http.Error on a connection that was not upgraded. */
export function rejectUpgrade(socket: Duplex, code: number, text: string, body: string, headers: Record<string, string> = {}): void {
  const b = `${body}\n`;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n${extra}Content-Length: ${Buffer.byteLength(b)}\r\nConnection: close\r\n\r\n${b}`,
  );
}

/** httpstream.Handshake: the first client protocol the server accepts, or an error answered on the socket. */
export function negotiate(req: IncomingMessage, socket: Duplex, server: string[]): string | undefined {
  const raw = req.headers["x-stream-protocol-version"];
  const client = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  if (!client.length) {
    rejectUpgrade(socket, 400, "Bad Request", "unable to upgrade: X-Stream-Protocol-Version is required");
    return undefined;
  }
  const chosen = client.find((c) => server.includes(c));
  if (!chosen) {
    rejectUpgrade(socket, 403, "Forbidden", `unable to upgrade: unable to negotiate protocol: client supports [${client.join(" ")}], server accepts [${server.join(" ")}]`, {
      "X-Accepted-Stream-Protocol-Versions": server.join(", "),
    });
  }
  return chosen;
}

/** Answers 101 and speaks SPDY/3.1 on the socket; every stream the client opens is accepted and handed to onStream. */
export function spdyServer(socket: Duplex, protocol: string | undefined, onStream: (s: SpdyStream) => void): SpdyConnection {
  if (protocol !== undefined) {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  }
  return spdyConnection(socket, onStream);
}

/**
 * Lifts flow control off what we send. moby/spdystream, the SPDY of kubectl,
 * the API server and the kubelet, has none: it never sends WINDOW_UPDATE or
 * SETTINGS, and sends regardless of windows. spdy-transport, holding to
 * SPDY/3.1's 64 KiB windows, would stop after 64 KiB of an exec's output and
 * wait for updates that never come. So the window starts at SPDY's largest and
 * is filled up again whenever it is half spent.
 */
function unlimited(send: WindowSide): void {
  send.updateMax(2 ** 31 - 1);
  send.on("drain", () => send.update(send.getMax() - send.getCurrent()));
}

/** A server-side SPDY/3.1 connection over any byte stream (also the one tunneled in a WebSocket). */
export function spdyConnection(socket: Duplex, onStream: (s: SpdyStream) => void): SpdyConnection {
  const conn = transport.connection.create(socket, { protocol: "spdy", isServer: true });
  const parser = conn._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buf, cb) => parseKVs(buf, (err, headers) => cb(err, err ? headers : { ":method": "POST", ":path": "/", ...headers }));
  unlimited(conn._spdyState.window.send);
  conn.start(3.1);
  conn.on("stream", (s) => {
    unlimited(s._spdyState.window.send);
    s.on("error", () => {});
    s.respond(200, {});
    onStream(s);
  });
  conn.on("error", () => socket.destroy());
  socket.on("error", () => conn.destroyStreams());
  socket.on("close", () => conn.destroyStreams());
  return conn;
}

export const EXEC_SPDY_PROTOCOLS = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

/**
 * An exec or attach session over SPDY, once the client has opened the
 * streams the options call for (error always; stdin, stdout; stderr unless
 * tty; resize with a tty from v3 on), as the kubelet's
 * createHTTPStreamStreams waits for them.
 */
export function spdySession(socket: Duplex, protocol: string, opts: StreamOptions, run: (s: Session) => void): void {
  const want = new Set(["error"]);
  if (opts.stdin) want.add("stdin");
  if (opts.stdout) want.add("stdout");
  if (opts.stderr && !opts.tty) want.add("stderr");
  if (opts.tty && protocol !== "channel.k8s.io" && protocol !== "v2.channel.k8s.io") want.add("resize");
  const streams = new Map<string, SpdyStream>();
  const ac = new AbortController();
  const conn = spdyServer(socket, protocol, (s) => {
    const type = s.headers.streamtype;
    if (!want.has(type) || streams.has(type)) return void s.end();
    streams.set(type, s);
    if (type === "resize" || (type !== "stdin" && type !== "error")) s.resume();
    if (streams.size === want.size) run(session());
  });
  socket.on("close", () => ac.abort());
  const timer = setTimeout(() => streams.size < want.size && socket.destroy(), 30_000);
  timer.unref();
  const session = (): Session => {
    clearTimeout(timer);
    streams.get("error")?.resume();
    return {
      opts,
      stdin: streams.get("stdin"),
      signal: ac.signal,
      write(channel, data) {
        const s = streams.get(channel === 1 ? "stdout" : "stderr");
        if (s && !s.writableEnded) s.write(data);
      },
      finish(status: KObject) {
        for (const t of ["stdout", "stderr"]) streams.get(t)?.end();
        const err = streams.get("error");
        const text = protocol === "v4.channel.k8s.io" ? JSON.stringify(status) : status.status === "Success" ? "" : String(status.message ?? "");
        err?.end(text || undefined);
        setTimeout(() => conn.end(() => socket.end()), 50).unref();
      },
    };
  };
}
