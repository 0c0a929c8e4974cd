// A generic upstream proxy: forwards an incoming HTTP request to an upstream
// URL over a stream from a dial function (TLS on top for https), streaming
// bodies both ways (watches, followed logs), and passes upgrades (WebSocket,
// SPDY/3.1) through byte for byte once the upstream answers 101.
//
// Written on node:http rather than http-proxy/http-proxy-3/httpxy: those
// refuse any upgrade that is not a GET with `Upgrade: websocket`, and kubectl's
// SPDY exec/attach/port-forward is a POST with `Upgrade: SPDY/3.1`. Like
// apimachinery's UpgradeAwareHandler, an upgrade request whose upstream answers
// anything but 101 gets that answer relayed as an ordinary response.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex, Readable } from "node:stream";
import { connectUpstream, ProxyError, type Upstream, upstreamHost, upstreamPort } from "./upstream.ts";

export { type Dial, ProxyError, type Upstream, type UpstreamTls } from "./upstream.ts";

/** Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

type Headers = Record<string, string | string[] | undefined>;

/** True for a request asking to switch protocols (Connection: Upgrade plus Upgrade). */
export function isUpgradeRequest(headers: IncomingMessage["headers"]): boolean {
  const connection = String(headers.connection ?? "").toLowerCase();
  return Boolean(headers.upgrade) && connection.split(/\s*,\s*/).includes("upgrade");
}

/** The headers a Connection header names (hop-by-hop too); empty without one. */
export function connectionNamed(connection: string | string[] | undefined): Set<string> {
  if (!connection) return new Set();
  return new Set(
    String(connection)
      .toLowerCase()
      .split(/\s*,\s*/)
      .filter(Boolean),
  );
}

/** True for a hop-by-hop header (lower-case `name`), given the ones Connection names. */
export function isHopByHop(name: string, named: Set<string>): boolean {
  return HOP_BY_HOP.has(name) || named.has(name);
}

/** A copy of headers without hop-by-hop ones (including those Connection names). */
export function stripHopByHop(headers: Headers): Headers {
  const named = connectionNamed(headers.connection);
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}

function applyHeaders(headers: Headers, set: Headers | undefined): Headers {
  for (const [name, value] of Object.entries(set ?? {})) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  return headers;
}

function hostHeader(upstream: Upstream): string {
  return upstream.url.host || `${upstreamHost(upstream.url)}:${upstreamPort(upstream.url)}`;
}

type OutgoingRequest = {
  method: string;
  headers: Headers;
  /** Streamed to the upstream; nothing is sent without it. */
  body?: Readable;
};

/**
 * Sends one request upstream and resolves with its response once the headers
 * arrive; the body streams from there. The caller owns the response (read or
 * destroy it). Rejects with a ProxyError when dialing, TLS or the exchange fails.
 */
export async function openUpstream(upstream: Upstream, outgoing: OutgoingRequest): Promise<IncomingMessage> {
  const stream = upstream.agent ? undefined : await connectUpstream(upstream);
  const headers = applyHeaders({ ...stripHopByHop(outgoing.headers), host: hostHeader(upstream) }, upstream.headers);
  const where = upstream.agent
    ? { agent: upstream.agent, host: upstreamHost(upstream.url), port: upstreamPort(upstream.url) }
    : { createConnection: () => stream as Socket };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ method: outgoing.method, path: upstream.url.pathname + upstream.url.search, headers, ...where });
    req.once("response", resolve);
    // An agent's failed dial or handshake arrives here already as a ProxyError.
    req.once("error", (err) => reject(err instanceof ProxyError ? err : new ProxyError(exchangeMessage(err), { cause: err })));
    if (outgoing.body) {
      outgoing.body.pipe(req);
      outgoing.body.once("error", (err) => req.destroy(err));
    } else req.end();
  });
}

function exchangeMessage(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === "ECONNRESET") return "read: connection reset by peer";
  if (code === "HPE_INVALID_CONSTANT" || code?.startsWith("HPE_")) return `malformed HTTP response: ${err.message}`;
  return err.message;
}

/**
 * Proxies an ordinary request: the upstream's status, headers (without
 * hop-by-hop ones) and body are relayed as they stream. If the client goes
 * away, the upstream is torn down (ending a follow or a watch). Rejects with a
 * ProxyError only before anything was written, so the caller can render it.
 */
export async function proxyHttp(req: IncomingMessage, res: ServerResponse, upstream: Upstream): Promise<void> {
  const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
  const answer = await openUpstream(upstream, {
    method: req.method ?? "GET",
    headers: req.headers,
    body: hasBody ? req : undefined,
  });
  relayResponse(answer, res);
}

/** Writes an upstream response to the client, streaming, and tears both down together. */
export function relayResponse(answer: IncomingMessage, res: ServerResponse): void {
  res.writeHead(answer.statusCode ?? 502, answer.statusMessage, stripHopByHop(answer.headers));
  // An answer of unknown length (a watch, a follow) may idle long: its headers go at once.
  // One of known length goes with its body, in one write (and one TLS record) where it fits.
  if (answer.headers["content-length"] === undefined) res.flushHeaders();
  answer.pipe(res);
  res.once("close", () => answer.destroy());
  answer.once("error", () => res.destroy());
  answer.once("aborted", () => res.destroy());
}

/**
 * Proxies an upgrade request from a server's 'upgrade' event. The handshake
 * goes upstream with its Connection and Upgrade headers; a 101 answer is
 * written back verbatim and then both sockets are piped byte for byte; any
 * other answer is relayed as an ordinary HTTP response and the client socket
 * closed. Resolves with the upstream's status (101 when switched); rejects
 * with a ProxyError before anything was written to `socket`.
 */
export async function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream): Promise<number> {
  const stream = await connectUpstream(upstream);
  const headers = applyHeaders(
    {
      ...stripHopByHop(req.headers),
      host: hostHeader(upstream),
      connection: "Upgrade",
      upgrade: req.headers.upgrade,
    },
    upstream.headers,
  );
  const outgoing = httpRequest({
    method: req.method ?? "GET",
    path: upstream.url.pathname + upstream.url.search,
    headers,
    createConnection: () => stream as Socket,
  });
  return await new Promise<number>((resolve, reject) => {
    outgoing.once("upgrade", (answer: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
      socket.write(rawHead(answer));
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      splice(socket, upstreamSocket);
      resolve(answer.statusCode ?? 101);
    });
    outgoing.once("response", (answer: IncomingMessage) => {
      writeResponse(socket, answer);
      resolve(answer.statusCode ?? 502);
    });
    outgoing.once("error", (err) => reject(new ProxyError(exchangeMessage(err), { cause: err })));
    outgoing.end();
  });
}

/** The status line and raw headers of an upstream answer, as sent. */
function rawHead(answer: IncomingMessage): string {
  let text = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`;
  for (let i = 0; i < answer.rawHeaders.length; i += 2) text += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/** A non-101 answer to an upgrade, relayed on the raw client socket, then closed. */
function writeResponse(socket: Duplex, answer: IncomingMessage): void {
  const headers = stripHopByHop(answer.headers);
  let text = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) text += `${name}: ${one}\r\n`;
  }
  const chunks: Buffer[] = [];
  answer.on("data", (chunk: Buffer) => chunks.push(chunk));
  answer.once("end", () => {
    const body = Buffer.concat(chunks);
    if (headers["content-length"] === undefined) text += `content-length: ${body.length}\r\n`;
    socket.end(Buffer.concat([Buffer.from(`${text}connection: close\r\n\r\n`), body]));
  });
  answer.once("error", () => socket.destroy());
}

/** Pipes two streams both ways; when either side ends or fails, both close. */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.once("close", close);
  b.once("close", close);
  a.once("error", close);
  b.once("error", close);
}

/**
 * Writes a ProxyError (or any error) to a raw socket from an 'upgrade' event,
 * as a JSON Status, and closes it.
 */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const error = err instanceof ProxyError ? err : new ProxyError(err instanceof Error ? err.message : String(err));
  const body = JSON.stringify(error.toStatus());
  socket.end(
    `HTTP/1.1 ${error.code} ${statusText(error.code)}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function statusText(code: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
  };
  return texts[code] ?? "Error";
}
