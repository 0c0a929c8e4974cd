// A stand-in for one node's kubelet and one pod's container port, reached
// through an API server's egressDial in memory, so the API server side of
// the connect subresources can be tested on its own: it records what it was
// asked and answers the way a kubelet does (text logs, 400 with the error as
// text, a WebSocket exec that prints one line and reports Success on the
// v4/v5 error channel). The simulator's kubelet is the real one.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { type Duplex, duplexPair } from "node:stream";
import { WebSocketServer } from "ws";
import type { ApiServer } from "../src/apiserver/server.ts";

export type Seen = { method: string; url: string; cn?: string };

export type FakeCluster = {
  /** The egressDial to give startApiServer. */
  dial(host: string, port: number): Promise<Duplex>;
  /** Must be called once the API server runs: the kubelet trusts its CA for client certificates. */
  attach(server: ApiServer): void;
  /** What the kubelet was asked, in order. */
  kubelet: Seen[];
  /** What the pod's port was asked, in order. */
  pod: Seen[];
  /** Hosts and ports dialed, as "host:port". */
  dialed: string[];
  /** Resolves when a followed log's client goes away. */
  followClosed(): Promise<void>;
  close(): void;
};

export const NODE = "node-a";
export const POD_IP = "10.244.0.5";
export const POD_PORT = 8080;

function refused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
}

export function fakeCluster(): FakeCluster {
  const kubeletSeen: Seen[] = [];
  const podSeen: Seen[] = [];
  const dialed: string[] = [];
  let followDone: () => void = () => {};
  let followClosed = new Promise<void>((r) => {
    followDone = r;
  });
  let kubelet: Server | undefined;
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => ["v5.channel.k8s.io", "v4.channel.k8s.io"].find((p) => offered.has(p)) ?? false,
  });

  const serveKubelet = (req: IncomingMessage, res: ServerResponse) => {
    const cn = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "");
    kubeletSeen.push({ method: req.method ?? "", url: req.url ?? "", cn });
    const url = new URL(req.url ?? "/", "https://kubelet");
    if (url.pathname === "/healthz") return void res.end("ok");
    if (url.pathname === "/containerLogs/default/waiting/app") {
      // The kubelet's answer for a container that has not started: 400 with the error as text.
      res.writeHead(400, { "content-type": "text/plain" });
      return void res.end('container "app" in pod "waiting" is waiting to start: ContainerCreating');
    }
    if (url.pathname.startsWith("/containerLogs/")) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("line 1\nline 2\n");
      if (url.searchParams.get("follow") !== "true") return void res.end();
      let n = 3;
      const timer = setInterval(() => res.write(`line ${n++}\n`), 50);
      res.once("close", () => {
        clearInterval(timer);
        followDone();
      });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("404 page not found");
  };

  const upgradeKubelet = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const cn = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "");
    kubeletSeen.push({ method: req.method ?? "", url: req.url ?? "", cn });
    wss.handleUpgrade(req, socket as never, head, (ws) => {
      // stdout (channel 1), then the v4/v5 error channel (3) with a Success Status.
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from("hello from exec\n")]));
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: "Success" }))]));
      ws.close(1000);
    });
  };

  const podServer = createHttpServer((req, res) => {
    podSeen.push({ method: req.method ?? "", url: req.url ?? "" });
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`pod web port ${POD_PORT} ${req.method} ${req.url} forwarded-uri=${req.headers["x-forwarded-uri"]}\n`);
  });

  const into = (server: { emit(event: string, ...args: unknown[]): boolean }): Duplex => {
    const [ours, theirs] = duplexPair();
    // One side closing closes the other, as a TCP reset would.
    ours.once("close", () => theirs.destroy());
    theirs.once("close", () => ours.destroy());
    server.emit("connection", theirs);
    return ours;
  };

  return {
    kubelet: kubeletSeen,
    pod: podSeen,
    dialed,
    followClosed: () => followClosed,
    attach(server) {
      kubelet = createHttpsServer(
        { ...server.pki.server, ca: server.pki.ca.cert, requestCert: true, rejectUnauthorized: true },
        serveKubelet,
      );
      kubelet.on("upgrade", upgradeKubelet);
    },
    async dial(host, port) {
      dialed.push(`${host}:${port}`);
      if (host === NODE && port === 10250 && kubelet) return into(kubelet);
      if (host === POD_IP && port === POD_PORT) return into(podServer);
      throw refused();
    },
    close() {
      followDone();
      followClosed = Promise.resolve();
      wss.close();
      kubelet?.close();
      kubelet?.closeAllConnections();
      podServer.close();
      podServer.closeAllConnections();
    },
  };
}
