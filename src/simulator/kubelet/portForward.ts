// Port-forward into a pod, in the three forms clients use
// (pkg/kubelet/cri/streaming/portforward and KEP-4006):
// - SPDY/3.1 with `portforward.k8s.io`: per forwarded connection the client
//   opens an error stream and a data stream, both with `port` and
//   `requestID` headers; the data stream carries the bytes.
// - the same SPDY connection tunneled in a WebSocket with subprotocol
//   `SPDY/3.1+portforward.k8s.io` (SPDY frames in binary messages), what
//   kubectl 1.31+ tries first;
// - WebSocket channels (`v4.channel.k8s.io`, `?port=80`): a data and an
//   error channel per port, each opened with the port as two little-endian
//   bytes (@kubernetes/client-node's PortForward).
// A forwarded connection reaches the container port as a connection to the
// pod's IP would (the dialer of the cluster's network); a port nobody
// listens on gets containerd's error text on the error stream.
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import { createWebSocketStream, type WebSocket } from "ws";
import type { KObject } from "../../apiserver/client.ts";
import { channelFrame, channelMessage } from "./channels.ts";
import { spdyConnection, spdyServer } from "./spdy.ts";

export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
export const TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
export const PORT_FORWARD_WS_PROTOCOLS = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

/** Opens a connection to the pod's port, or throws (ECONNREFUSED). */
export type Forward = (port: number) => Duplex;

/** containerd's message when nothing listens on the port inside the pod's network namespace. */
export function forwardError(pod: KObject, port: number): string {
  const sandbox = createHash("sha256").update(String(pod.metadata?.uid)).digest("hex");
  const netns = `/var/run/netns/cni-${sandbox.slice(0, 8)}-${sandbox.slice(8, 12)}-${sandbox.slice(12, 16)}-${sandbox.slice(16, 20)}-${sandbox.slice(20, 32)}`;
  return (
    `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "${netns}": ` +
    `failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
    `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  );
}

/** Pipes a client stream to the pod's port; errors go to onError. Resolves when both sides are done. */
function pipeToPort(data: Duplex, port: number, forward: Forward, onError: (msg: string) => void, pod: KObject): Promise<void> {
  let target: Duplex;
  try {
    target = forward(port);
  } catch {
    onError(forwardError(pod, port));
    data.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    data.pipe(target);
    target.pipe(data);
    let open = 2;
    const half = () => --open === 0 && resolve();
    target.on("end", half);
    data.on("end", half);
    const abort = () => {
      target.destroy();
      resolve();
    };
    target.on("error", abort);
    data.on("error", abort);
    data.on("close", abort);
  });
}

/** The SPDY form, on an upgraded socket (protocol given) or inside a WebSocket tunnel (protocol undefined). */
export function spdyPortForward(socket: Duplex, protocol: string | undefined, pod: KObject, forward: Forward): void {
  type Pair = { error?: Duplex; data?: Duplex };
  const pairs = new Map<string, Pair>();
  const onStream = (s: Duplex & { headers: Record<string, string>; id: number }) => {
    const port = Number(s.headers.port);
    const type = s.headers.streamtype;
    if (!(Number.isInteger(port) && port > 0 && port < 65536) || (type !== "error" && type !== "data")) return void s.end();
    // Clients without a requestID header pair streams by id: data is error's id + 2.
    const id = s.headers.requestid ?? String(type === "data" ? s.id - 2 : s.id);
    const p = pairs.get(id) ?? {};
    pairs.set(id, p);
    p[type] = s;
    if (type === "error") s.resume();
    if (!p.error || !p.data) return;
    pairs.delete(id);
    const { error, data } = p as Required<Pair>;
    void pipeToPort(data, port, forward, (msg) => error.write(msg), pod).then(() => error.end());
  };
  if (protocol === undefined) spdyConnection(socket, onStream);
  else spdyServer(socket, protocol, onStream);
}

/** KEP-4006's tunnel: the WebSocket's binary messages are the SPDY connection's bytes. */
export function tunneledPortForward(ws: WebSocket, pod: KObject, forward: Forward): void {
  const stream = createWebSocketStream(ws);
  stream.on("error", () => {});
  spdyPortForward(stream, undefined, pod, forward);
}

/** The WebSocket channel form: one data and one error channel per port of `ports`. */
export function channelPortForward(ws: WebSocket, protocol: string, ports: number[], pod: KObject, forward: Forward): void {
  const sinks: Duplex[] = [];
  let open = ports.length;
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    ws.send(channelFrame(protocol, 2 * i, portBytes));
    ws.send(channelFrame(protocol, 2 * i + 1, portBytes));
    let target: Duplex;
    try {
      target = forward(port);
    } catch {
      ws.send(channelFrame(protocol, 2 * i + 1, forwardError(pod, port)));
      if (--open === 0) ws.close(1000);
      return;
    }
    sinks[i] = target;
    target.on("data", (d: Buffer) => ws.readyState === ws.OPEN && ws.send(channelFrame(protocol, 2 * i, d)));
    const done = () => {
      if (--open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
    };
    target.once("end", done);
    target.on("error", () => target.destroy());
  });
  ws.on("message", (raw, isBinary) => {
    const m = channelMessage(protocol, Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer), isBinary);
    if (m && m[0] % 2 === 0) sinks[m[0] / 2]?.write(m[1]);
  });
  ws.on("close", () => {
    for (const s of sinks) s?.destroy();
  });
}
