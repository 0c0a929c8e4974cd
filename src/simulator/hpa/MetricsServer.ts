// A simulated metrics-server: metrics.k8s.io/v1beta1 PodMetrics and
// NodeMetrics computed on request from the informers' pods and nodes and the
// load model. It stores nothing. Like the real one it is an HTTPS server on
// the cluster's network, registered as an aggregated API (an APIService over
// the kube-system/metrics-server Service, metricsRegistration.ts), that
// trusts the API server's front-proxy headers as kube-system/
// extension-apiserver-authentication describes them; `kubectl top` and the
// HPA controller reach it through the API server.
import { createServer, type Server } from "node:https";
import { RequestHeaderAuthenticator } from "../../apiserver/auth/requestHeader.ts";
import { requestHeaderFromTrust } from "../../apiserver/controllers/authenticationTrust.ts";
import { type KObject, R, type Resource } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";
import type { SimContext, SimController } from "../controller.ts";
import type { Informer } from "../kube/informer.ts";
import { type Load, LoadModel } from "./load.ts";
import { METRICS_GROUP, METRICS_VERSION, type MetricsSource, metricsHandler } from "./metricsApi.ts";
import { METRICS_ENDPOINT, metricsServerTls, registerMetricsServer } from "./metricsRegistration.ts";
import { kibibytes, nanocores, quantity } from "./quantity.ts";

export { METRICS_GROUP, METRICS_VERSION };
export const R_POD_METRICS: Resource = { group: METRICS_GROUP, version: METRICS_VERSION, resource: "pods" };
export const R_NODE_METRICS: Resource = { group: METRICS_GROUP, version: METRICS_VERSION, resource: "nodes" };

/** The metrics window reported, as metrics-server's resolution. */
const WINDOW = "30s";
/** Usage of a container without a request: this many cores / bytes at load 1. */
const NO_REQUEST = { cpu: 0.1, memory: 128 * 2 ** 20 };
/** A node's own use (system daemons), as a share of its allocatable. */
const NODE_OVERHEAD = { cpu: 0.04, memory: 0.08 };
const NODE_INDEX = "metrics/nodeName";

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

type Usage = { cpu: number; memory: number };

export type MetricsServerOptions = { load?: LoadModel };

export class MetricsServer implements SimController {
  readonly name = "metrics-server";
  readonly load: LoadModel;
  private clock?: Clock;
  private pods?: Informer;
  private nodes?: Informer;
  private readonly owners = new Map<string, Informer>();
  private https?: Server;
  private authn?: RequestHeaderAuthenticator;
  private unlisten?: () => void;

  constructor(opts: MetricsServerOptions = {}) {
    this.load = opts.load ?? new LoadModel();
  }

  /** What the HTTP API serves, computed on each request. */
  readonly source: MetricsSource = {
    pods: (namespace) => this.podMetrics.list(namespace),
    pod: (namespace, name) => this.podMetrics.get(namespace, name),
    nodes: () => this.nodeMetrics.list(),
    node: (name) => this.nodeMetrics.get("", name),
  };

  async start(ctx: SimContext): Promise<void> {
    this.clock = ctx.clock;
    this.pods = ctx.informer(R.pods).addIndex(NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.nodes = ctx.informer(R.nodes);
    for (const [kind, r] of [
      ["ReplicaSet", R.replicasets],
      ["Deployment", R.deployments],
      ["StatefulSet", R.statefulsets],
      ["DaemonSet", R.daemonsets],
      ["Job", R.jobs],
    ] as const) {
      this.owners.set(kind, ctx.informer(r));
    }
    await this.serve(ctx);
  }

  /** Listens on METRICS_ENDPOINT of the cluster network, trusting the front proxy the API server names, and registers. */
  private async serve(ctx: SimContext): Promise<void> {
    const trust = await ctx.client.get(R.configmaps, "kube-system", "extension-apiserver-authentication");
    const rh = requestHeaderFromTrust(trust.data);
    if (!rh) throw new Error("the API server publishes no request-header CA");
    this.authn = new RequestHeaderAuthenticator(rh);
    const tls = await metricsServerTls();
    const https = createServer(
      { ...tls.serving, ca: rh.clientCA, requestCert: true, rejectUnauthorized: false },
      metricsHandler(this.source, () => this.authn),
    );
    // Idle connections stay until the client closes them (the aggregator's keep-alive agent does, after 90 s).
    https.keepAliveTimeout = 0;
    this.https = https;
    this.unlisten = ctx.network.listen(METRICS_ENDPOINT.ip, METRICS_ENDPOINT.port, (socket) => https.emit("connection", socket));
    await registerMetricsServer(ctx.client, tls.ca.cert);
  }

  stop(): void {
    this.unlisten?.();
    this.https?.closeAllConnections();
  }

  /** The provider of PodMetrics. */
  readonly podMetrics = {
    list: (namespace: string | undefined): KObject[] => {
      const out: KObject[] = [];
      for (const p of this.pods?.list() ?? []) {
        if (namespace !== undefined && p.metadata?.namespace !== namespace) continue;
        const m = this.podMetricsOf(p);
        if (m) out.push(m);
      }
      return out;
    },
    get: (namespace: string, name: string): KObject | undefined => {
      const p = this.pods?.get(namespace, name);
      return p ? this.podMetricsOf(p) : undefined;
    },
  };

  /** The provider of NodeMetrics. */
  readonly nodeMetrics = {
    list: (): KObject[] => (this.nodes?.list() ?? []).map((n) => this.nodeMetricsOf(n)),
    get: (_namespace: string, name: string): KObject | undefined => {
      const n = this.nodes?.get("", name);
      return n ? this.nodeMetricsOf(n) : undefined;
    },
  };

  /** Usage of each container of a running pod; undefined for pods metrics-server would not report. */
  containerUsage(pod: KObject): { name: string; usage: Usage }[] | undefined {
    if (pod.status?.phase !== "Running" || !pod.spec?.nodeName) return undefined;
    const load = this.load.loadOf(pod, this.workloadOf(pod));
    return (pod.spec.containers ?? []).map((c: any) => ({ name: String(c.name), usage: usageOf(c, load) }));
  }

  private podMetricsOf(pod: KObject): KObject | undefined {
    const containers = this.containerUsage(pod);
    if (!containers) return undefined;
    const now = iso(this.clock?.now() ?? Date.now());
    return {
      kind: "PodMetrics",
      apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
      metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, labels: pod.metadata?.labels, creationTimestamp: now },
      timestamp: now,
      window: WINDOW,
      containers: containers.map((c) => ({ name: c.name, usage: { cpu: nanocores(c.usage.cpu), memory: kibibytes(c.usage.memory) } })),
    };
  }

  private nodeMetricsOf(node: KObject): KObject {
    const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
    const total: Usage = { cpu: quantity(alloc.cpu) * NODE_OVERHEAD.cpu, memory: quantity(alloc.memory) * NODE_OVERHEAD.memory };
    for (const p of this.pods?.byIndex(NODE_INDEX, node.metadata?.name ?? "") ?? []) {
      for (const c of this.containerUsage(p) ?? []) {
        total.cpu += c.usage.cpu;
        total.memory += c.usage.memory;
      }
    }
    const now = iso(this.clock?.now() ?? Date.now());
    return {
      kind: "NodeMetrics",
      apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
      metadata: { name: node.metadata?.name, labels: node.metadata?.labels, creationTimestamp: now },
      timestamp: now,
      window: WINDOW,
      usage: { cpu: nanocores(total.cpu), memory: kibibytes(total.memory) },
    };
  }

  /** The pod's workload: its controller, or a ReplicaSet's Deployment. */
  private workloadOf(pod: KObject): KObject | undefined {
    const ns = pod.metadata?.namespace ?? "";
    let owner: KObject | undefined;
    let obj: KObject = pod;
    for (let depth = 0; depth < 2; depth++) {
      const ref = obj.metadata?.ownerReferences?.find((r) => r.controller);
      if (!ref) break;
      const next: KObject | undefined = this.owners.get(ref.kind)?.get(ns, ref.name);
      if (!next || next.metadata?.uid !== ref.uid) break;
      owner = obj = next;
    }
    return owner;
  }
}

function usageOf(container: any, load: Load): Usage {
  const req = container.resources?.requests ?? container.resources?.limits ?? {};
  const cpu = req.cpu !== undefined ? quantity(req.cpu) : NO_REQUEST.cpu;
  const memory = req.memory !== undefined ? quantity(req.memory) : NO_REQUEST.memory;
  return { cpu: cpu * load.cpu, memory: memory * load.memory };
}
