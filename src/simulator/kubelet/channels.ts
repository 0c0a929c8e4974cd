// The WebSocket channel protocols of exec and attach (apimachinery's
// wsstream, and the v5 form of KEP-4006): every message starts with a
// channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize — and the
// base64 variants carry the channel as an ASCII digit and the data in
// base64. v4 and v5 send the final status as JSON on channel 3; the older
// forms send only a failure's message. v5 adds the close signal: a message
// [255, channel] half-closes that channel (the client's end of stdin).
import { PassThrough } from "node:stream";
import type { WebSocket } from "ws";
import type { KObject } from "../../apiserver/client.ts";
import type { Session, StreamOptions } from "./session.ts";

/** In our order of preference; the client's order decides among them, as wsstream's handshake does. */
export const EXEC_WS_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

const STDIN = 0;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

/** Frames data for a channel in the negotiated codec. */
export function channelFrame(protocol: string, channel: number, data: Buffer | string): Buffer | string {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  if (protocol.includes("base64")) return String.fromCharCode(48 + channel) + buf.toString("base64");
  return Buffer.concat([Buffer.from([channel]), buf]);
}

/** Splits a received message into its channel and data. */
export function channelMessage(protocol: string, msg: Buffer, isBinary: boolean): [number, Buffer] | undefined {
  if (!msg.length) return undefined;
  if (protocol.includes("base64") || !isBinary) return [msg[0] - 48, Buffer.from(msg.subarray(1).toString(), "base64")];
  return [msg[0], msg.subarray(1)];
}

/** An exec or attach session over an accepted WebSocket. */
export function webSocketSession(ws: WebSocket, protocol: string, opts: StreamOptions): Session {
  const ac = new AbortController();
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const v4 = protocol.startsWith("v4.") || protocol.startsWith("v5.");
  let done = false;
  const send = (channel: number, data: string | Buffer) => {
    if (!done && ws.readyState === ws.OPEN) ws.send(channelFrame(protocol, channel, data));
  };
  ws.on("message", (raw, isBinary) => {
    const m = channelMessage(protocol, Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer), isBinary);
    if (!m) return;
    const [ch, data] = m;
    if (ch === CLOSE && protocol.startsWith("v5.")) {
      if (data[0] === STDIN) stdin?.end();
    } else if (ch === STDIN) {
      if (!stdin?.writableEnded) stdin?.write(data);
    } else if (ch === RESIZE) {
      // A terminal size ({"Width":80,"Height":24}): the simulated shell draws nothing that depends on it.
    }
  });
  ws.on("close", () => {
    ac.abort();
    if (stdin && !stdin.writableEnded) stdin.end();
  });
  ws.on("error", () => ac.abort());
  // "Send an empty message to the lowest writable channel to notify the client the connection is established."
  send(opts.stdout ? 1 : opts.stderr ? 2 : ERROR, Buffer.alloc(0));
  return {
    opts,
    stdin,
    signal: ac.signal,
    write(channel, data) {
      if ((channel === 1 && opts.stdout) || (channel === 2 && opts.stderr)) send(channel, data);
    },
    finish(status: KObject) {
      if (v4) send(ERROR, JSON.stringify(status));
      else if (status.status !== "Success") send(ERROR, String(status.message ?? ""));
      done = true;
      // The server signals the end and lets the client close once it has read everything.
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
}
