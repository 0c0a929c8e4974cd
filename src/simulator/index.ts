// The simulator's public start function: N simulated clusters in one
// process, each an API server of our own behind a fault proxy on its own
// loopback port (client certificates and tokens required) with every
// simulator controller — nodes,
// scheduler, kubelets, node lifecycle, workload controllers, metrics-server
// and HPA, endpoints, volumes, disruption budgets — and a fault handle.
import type { Logger } from "pino";
import type { Clock } from "./clock.ts";
import { type SimCluster, startSimCluster } from "./cluster.ts";
import type { SimController } from "./controller.ts";
import { ClusterFaults } from "./faults/ClusterFaults.ts";
import { DisruptionController } from "./faults/DisruptionController.ts";
import { HpaController } from "./hpa/HpaController.ts";
import type { LoadModel } from "./hpa/load.ts";
import { MetricsServer } from "./hpa/MetricsServer.ts";
import { EndpointsController } from "./network/EndpointsController.ts";
import { type NodeSim, type NodeSimOptions, nodeControllers } from "./nodes/index.ts";
import { VolumeController } from "./storage/VolumeController.ts";
import { workloadControllers } from "./workloads/index.ts";

export type SimulatorOptions = {
  /** How many clusters (named sim-1, sim-2, ...); default 1. */
  clusters?: number;
  /** Cluster names instead of sim-N. */
  names?: string[];
  /** Nodes per cluster (default 3). */
  nodes?: number;
  /** Node simulation options (profiles override `nodes`). */
  nodeOptions?: NodeSimOptions;
  /** Each cluster's PKI and admin kubeconfig go to DIR/<cluster>/. */
  dataDir?: string;
  /** Loopback address to serve on (default 127.0.0.1). */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /**
   * Watch history per cluster (default 5,000 events; small values let tests
   * force 410 Gone). Smaller than a lone API server's, so that many clusters
   * fit in one process.
   */
  historySize?: number;
  /** How long Events live (default 600 s: shorter than kube's hour, for the same reason). */
  eventTTLSeconds?: number;
};

export const SIM_HISTORY_SIZE = 5_000;
export const SIM_EVENT_TTL_SECONDS = 600;

export type SimulatedCluster = SimCluster & {
  faults: ClusterFaults;
  /** The load model behind metrics.k8s.io: setLoad(labels, fraction). */
  load: LoadModel;
  nodes: NodeSim;
  metrics: MetricsServer;
  /** DIR/<cluster>/kubeconfig, when a data dir was given. */
  kubeconfigPath?: string;
};

export type Simulator = {
  clusters: SimulatedCluster[];
  cluster(name: string): SimulatedCluster;
  stop(): Promise<void>;
};

export type ClusterControllers = { controllers: SimController[]; nodes: NodeSim; metrics: MetricsServer };

/** Every simulator controller for one cluster, in start order. */
export function simControllers(opts: { nodes?: number; nodeOptions?: NodeSimOptions } = {}): ClusterControllers {
  const nodeOpts: NodeSimOptions = { ...opts.nodeOptions };
  if (!nodeOpts.profiles && opts.nodes !== undefined) nodeOpts.profiles = [{ count: opts.nodes }];
  const nodes = nodeControllers(nodeOpts);
  const metrics = new MetricsServer();
  return {
    nodes,
    metrics,
    controllers: [
      ...nodes.controllers,
      ...workloadControllers(),
      new EndpointsController(),
      new VolumeController(),
      new DisruptionController(),
      metrics,
      new HpaController(),
    ],
  };
}

export async function startOneCluster(name: string, opts: SimulatorOptions): Promise<SimulatedCluster> {
  const set = simControllers({ nodes: opts.nodes, nodeOptions: opts.nodeOptions });
  const c = await startSimCluster({
    name,
    controllers: set.controllers,
    clock: opts.clock,
    dataDir: opts.dataDir,
    host: opts.host,
    logger: opts.logger,
    historySize: opts.historySize ?? SIM_HISTORY_SIZE,
    eventTTLSeconds: opts.eventTTLSeconds ?? SIM_EVENT_TTL_SECONDS,
  });
  return {
    ...c,
    faults: new ClusterFaults(c.proxy, { url: c.server.url, ca: c.server.pki.ca.cert, credential: c.server.admin }, set.nodes),
    load: set.metrics.load,
    nodes: set.nodes,
    metrics: set.metrics,
    kubeconfigPath: opts.dataDir ? `${opts.dataDir}/${name}/kubeconfig` : undefined,
  };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const names = opts.names ?? Array.from({ length: opts.clusters ?? 1 }, (_, i) => `sim-${i + 1}`);
  if (new Set(names).size !== names.length) throw new Error("cluster names must be distinct");
  const clusters: SimulatedCluster[] = [];
  try {
    // A few at a time: each start generates keys and lists its informers.
    for (let i = 0; i < names.length; i += 4) {
      clusters.push(...(await Promise.all(names.slice(i, i + 4).map((n) => startOneCluster(n, opts)))));
    }
  } catch (e) {
    await Promise.allSettled(clusters.map((c) => c.stop()));
    throw e;
  }
  return {
    clusters,
    cluster(name) {
      const c = clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no simulated cluster "${name}"`);
      return c;
    },
    stop: async () => {
      await Promise.allSettled(clusters.map((c) => c.stop()));
    },
  };
}

export { CPU_LOAD_ANNOTATION, MEMORY_LOAD_ANNOTATION } from "./hpa/load.ts";
export { ClusterFaults };
