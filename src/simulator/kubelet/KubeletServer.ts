// The kubelet API of every simulated node, as one controller: an HTTP server
// reached over the cluster's in-memory network at each node's addresses
// (InternalIP and Hostname) on port 10250, with TLS per node (a serving
// certificate from the cluster's CA, issued on the first connection) and a
// client certificate from that CA required, as a kubelet with
// --client-ca-file authenticates kube-apiserver. Pods' IPs answer on their
// containers' declared ports (containerPorts.ts). A stopped node answers
// nothing. Nothing here runs per pod until someone connects.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import { isConflict, type KObject, R } from "../../apiserver/client.ts";
import { issueServingCert } from "../../apiserver/tls/pki.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import type { Accept } from "../network/SimNetwork.ts";
import { containerExitStatus } from "../nodes/containerExit.ts";
import type { NodeController } from "../nodes/nodeController.ts";
import type { NodeSpec } from "../nodes/profile.ts";
import { ContainerPorts, declaredPort } from "./containerPorts.ts";
import { KubeletApi } from "./KubeletApi.ts";

export const KUBELET_PORT = 10250;

export type KubeletServerOptions = {
  /** Milliseconds of the cluster's clock between a running container's log lines (sim.kpanda.io/log-lines-per-second overrides). */
  logLineMs?: number;
};

export class KubeletServer implements SimController {
  readonly name = "kubelet-server";
  readonly component = "kubelet";
  private readonly nodes: NodeController;
  private readonly opts: Required<KubeletServerOptions>;
  private readonly byAddress = new Map<string, NodeSpec>();
  private readonly byPodPrefix = new Map<string, string>();
  private readonly tls = new Map<string, TlsServer>();
  private readonly nodeOf = new WeakMap<object, string>();
  private readonly ports = new ContainerPorts();
  private readonly http = createServer((req, res) => this.request(req, res));
  private ctx?: SimContext;
  private pods?: Informer;
  private api?: KubeletApi;
  private removeResolver?: () => void;

  constructor(nodes: NodeController, opts: KubeletServerOptions = {}) {
    this.nodes = nodes;
    this.opts = { logLineMs: opts.logLineMs ?? 5000 };
    if (!(this.opts.logLineMs >= 0)) throw new Error("kubelet logLineMs must be a non-negative number");
    this.http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.pods = ctx.informer(R.pods).addIndex("nodeName", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    for (const s of this.nodes.nodeSpecs()) {
      this.byAddress.set(s.name, s);
      this.byAddress.set(s.internalIP, s);
      this.byPodPrefix.set(s.podCIDR.split(".").slice(0, 3).join("."), s.name);
    }
    this.api = new KubeletApi({
      clock: ctx.clock,
      client: ctx.client,
      lineMs: this.opts.logLineMs,
      pod: (ns, name) => this.pods?.get(ns, name),
      podsOn: (node) => this.pods?.byIndex("nodeName", node) ?? [],
      forward: (pod, port) => ctx.network.connect(pod.status?.podIP ?? "", port),
      exited: (pod, container, code) => this.exited(pod, container, code),
    });
    this.removeResolver = ctx.network.addResolver((host, port) => this.resolve(host, port));
  }

  /** Writes a container's exit into its pod's status, re-reading the pod on a conflict. */
  private async exited(pod: KObject, container: string, code: number): Promise<void> {
    const { client, clock } = this.ctx!;
    const ns = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await client.get(R.pods, ns, name).catch(() => undefined);
      if (!cur || cur.metadata?.uid !== pod.metadata?.uid) return;
      const status = containerExitStatus(cur, container, code, clock.now());
      if (!status) return;
      try {
        await client.update(R.pods, ns, { ...cur, status }, "status");
        return;
      } catch (e) {
        if (!isConflict(e)) return;
      }
    }
  }

  stop(): void {
    this.removeResolver?.();
    this.http.closeAllConnections();
    this.ports.close();
  }

  /** Who answers host:port in this cluster: a node's kubelet, or a container port of a pod. */
  private resolve(host: string, port: number): Accept | undefined {
    const node = this.byAddress.get(host);
    if (node) {
      if (!this.nodes.isRunning(node.name)) return undefined;
      if (port === KUBELET_PORT) return (s) => this.acceptKubelet(node.name, s);
      // hostNetwork pods listen on their node's address.
      return this.containerOn(node.name, (p) => !!p.spec?.hostNetwork, port);
    }
    const prefix = host.slice(0, host.lastIndexOf("."));
    const nodeName = this.byPodPrefix.get(prefix);
    if (!nodeName || !this.nodes.isRunning(nodeName)) return undefined;
    return this.containerOn(nodeName, (p) => p.status?.podIP === host && !p.spec?.hostNetwork, port);
  }

  private containerOn(node: string, match: (p: KObject) => boolean, port: number): Accept | undefined {
    for (const pod of this.pods?.byIndex("nodeName", node) ?? []) {
      if (!match(pod) || pod.status?.phase !== "Running") continue;
      const container = declaredPort(pod, port);
      if (container) return (s) => this.ports.accept(s, { pod, container, port });
    }
    return undefined;
  }

  private acceptKubelet(node: string, socket: Duplex): void {
    void this.tlsServer(node).then(
      (t) => t.emit("connection", socket),
      () => socket.destroy(),
    );
  }

  /** The node's TLS endpoint: its serving certificate, client certificates from the cluster CA requested. */
  private tlsServer(node: string): Promise<TlsServer> {
    const have = this.tls.get(node);
    if (have) return Promise.resolve(have);
    const spec = this.nodes.spec(node)!;
    return issueServingCert(this.ctx!.ca, node, [node, spec.internalIP]).then((pair) => {
      const existing = this.tls.get(node);
      if (existing) return existing;
      const t = createTlsServer({ cert: pair.cert, key: pair.key, ca: this.ctx!.ca.cert, requestCert: true, rejectUnauthorized: false });
      t.on("secureConnection", (s: TLSSocket) => {
        this.nodeOf.set(s, node);
        this.http.emit("connection", s);
      });
      t.on("tlsClientError", () => {});
      this.tls.set(node, t);
      return t;
    });
  }

  /** The node a request came to, when its client certificate is the CA's (else undefined: 401). */
  private caller(req: IncomingMessage): string | undefined {
    const s = req.socket as TLSSocket;
    return s.authorized ? this.nodeOf.get(s) : undefined;
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const node = this.caller(req);
    if (!node) {
      res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8" }).end("Unauthorized\n");
      return;
    }
    this.api!.request(node, req, res);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const node = this.caller(req);
    if (!node) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\nConnection: close\r\n\r\nUnauthorized\n");
      return;
    }
    this.api!.upgrade(node, req, socket, head);
  }
}
