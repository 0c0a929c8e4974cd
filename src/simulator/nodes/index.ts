// The node side of a simulated cluster as one bundle: the kubelets' node
// registration and heartbeats, the node lifecycle controller, the scheduler
// and the kubelets' pod lifecycle. nodeControllers() returns the
// SimControllers for startSimCluster and the fault handles.
import type { SimController } from "../controller.ts";
import { KubeletServer } from "../kubelet/KubeletServer.ts";
import { Kubelet, type KubeletOptions } from "./kubelet.ts";
import { type NodeLifecycleOptions, NodeLifecycleController } from "./lifecycle.ts";
import { NodeController, type NodeControllerOptions } from "./nodeController.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";
import { DEFAULT_KNOBS } from "./stages.ts";

export type NodeSimOptions = NodeControllerOptions & {
  lifecycle?: NodeLifecycleOptions;
  scheduler?: SchedulerOptions | false;
  kubelet?: KubeletOptions;
};

export type NodeSim = {
  controllers: SimController[];
  nodes: NodeController;
  lifecycle: NodeLifecycleController;
  scheduler?: Scheduler;
  kubelet: Kubelet;
  /** The nodes' kubelet API (logs, exec, attach, port-forward) and their pods' container ports. */
  kubeletServer: KubeletServer;
  /** A fault: the node's kubelet goes silent. */
  stopNode(name: string): void;
  startNode(name: string): Promise<void>;
};

export function nodeControllers(opts: NodeSimOptions = {}): NodeSim {
  const { lifecycle: lo, scheduler: so, kubelet: ko, ...no } = opts;
  const nodes = new NodeController(no);
  const lifecycle = new NodeLifecycleController(lo);
  const scheduler = so === false ? undefined : new Scheduler(so);
  const kubelet = new Kubelet(nodes, ko);
  const kubeletServer = new KubeletServer(nodes, { logLineMs: ko?.knobs?.logLineMs ?? DEFAULT_KNOBS.logLineMs });
  return {
    controllers: [nodes, lifecycle, ...(scheduler ? [scheduler] : []), kubelet, kubeletServer],
    nodes,
    lifecycle,
    scheduler,
    kubelet,
    kubeletServer,
    stopNode: (name) => nodes.stopNode(name),
    startNode: (name) => nodes.startNode(name),
  };
}

export { DEFAULT_POD_STAGES } from "./podStages.ts";
export { DEFAULT_PROFILE, type NodeProfile } from "./profile.ts";
export { DEFAULT_KNOBS, type KubeletKnobs, type Stage } from "./stages.ts";
