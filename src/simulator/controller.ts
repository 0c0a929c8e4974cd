// What every simulated controller is: one options object, validated and
// defaulted by its constructor, and start/stop. Time comes from the clock in
// its context; the cluster only through the client.
import type { KubeClient } from "../apiserver/client.ts";
import type { KeyPairPem } from "../apiserver/tls/pki.ts";
import type { Clock } from "./clock.ts";
import type { Informer } from "./kube/informer.ts";
import type { SimNetwork } from "./network/SimNetwork.ts";

export type SimContext = {
  /** The cluster's name, for logs and events. */
  cluster: string;
  client: KubeClient;
  clock: Clock;
  /** Shared informers, one per resource, started by the cluster before controllers run. */
  informer(resource: import("../apiserver/client.ts").Resource): Informer;
  /** The cluster's in-memory network: what serves inside the cluster (kubelets, containers) listens here. */
  network: SimNetwork;
  /** The cluster's CA, as a kubelet has it: to get a serving certificate and verify client certificates. */
  ca: KeyPairPem;
  /** How long the API server keeps an Event after its last write (its --event-ttl), for event recorders. */
  eventTTLSeconds: number;
};

/**
 * The Kubernetes component a simulated controller stands in for. Its client
 * carries that component's User-Agent, so its writes show in managedFields
 * under that name, as kube-apiserver records a write without fieldManager.
 */
export type Component = "kube-controller-manager" | "kube-scheduler" | "kubelet" | "metrics-server";

export interface SimController {
  readonly name: string;
  /** Default kube-controller-manager, where most of kube's controllers run. */
  readonly component?: Component;
  start(ctx: SimContext): Promise<void>;
  stop(): void;
}
