// What listens on a simulated container's declared ports: a small HTTP
// server whose answer names the pod, the container and the port, and echoes
// the request line, so a port-forward or a pod or service proxy can be seen
// to arrive where it should. One server for every container of the cluster;
// each connection is tagged with whom it reached.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { KObject } from "../../apiserver/client.ts";

export type PortOwner = { pod: KObject; container: string; port: number };

/** The container of pod declaring TCP port `port` (spec.containers[].ports[].containerPort). */
export function declaredPort(pod: KObject, port: number): string | undefined {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.containerPort === port && (p.protocol ?? "TCP") === "TCP") return c.name;
  }
  return undefined;
}

export function containerResponse(o: PortOwner, method: string, url: string): string {
  return `pod: ${o.pod.metadata?.namespace}/${o.pod.metadata?.name}\ncontainer: ${o.container}\nport: ${o.port}\nrequest: ${method} ${url}\n`;
}

export class ContainerPorts {
  private readonly owners = new WeakMap<object, PortOwner>();
  private readonly server = createServer((req, res) => this.answer(req, res));

  constructor() {
    this.server.keepAliveTimeout = 60_000;
  }

  accept(socket: Duplex, owner: PortOwner): void {
    this.owners.set(socket, owner);
    this.server.emit("connection", socket);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const o = this.owners.get(req.socket);
    if (!o) return void res.writeHead(500).end();
    req.resume();
    const body = containerResponse(o, req.method ?? "GET", req.url ?? "/");
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  close(): void {
    this.server.closeAllConnections();
  }
}
