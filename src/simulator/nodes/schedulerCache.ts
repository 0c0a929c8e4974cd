// The scheduler's view of the cluster, kept incrementally: per node its
// allocatable, labels, taints and the sum of the requests of the pods on it
// (bound or assumed), and an index of assigned pods by label for pod
// anti-affinity. Nothing here rescans all pods.
import type { KObject } from "../../apiserver/client.ts";
import { keyOf } from "../kube/informer.ts";
import type { LabelSelector, Taint } from "./predicates.ts";
import { type Amounts, amounts, type PodRequests, podRequests, zero } from "./resources.ts";

export type AffinityTerm = { selector: LabelSelector; namespaces: Set<string> | "all"; topologyKey: string };

export type NodeInfo = {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  alloc: Amounts;
  req: Amounts;
  nonzeroCPU: number;
  nonzeroMemory: number;
};

export type AssignedPod = { key: string; node: string; namespace: string; labels: Record<string, string>; r: PodRequests; anti: AffinityTerm[] };

/** Required pod anti-affinity terms of a pod, namespaces resolved (a non-empty namespaceSelector is read as "all"). */
export function antiAffinityTerms(pod: KObject): AffinityTerm[] {
  const terms: KObject[] = pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms
    .filter((t) => t?.topologyKey)
    .map((t) => ({
      selector: t.labelSelector,
      namespaces: t.namespaceSelector ? "all" : new Set<string>(t.namespaces?.length ? t.namespaces : [pod.metadata?.namespace ?? ""]),
      topologyKey: t.topologyKey,
    }));
}

export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  readonly pods = new Map<string, AssignedPod>();
  /** Assigned pods with required anti-affinity (usually few). */
  readonly antiPods = new Set<string>();
  private readonly byLabel = new Map<string, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();
  private list: NodeInfo[] = [];
  private listDirty = true;

  /** The nodes in a stable order, for round-robin sampling. */
  nodeList(): NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.listDirty = false;
    }
    return this.list;
  }

  /** Adds or refreshes a node; returns true when something the filters read changed. */
  setNode(n: KObject): boolean {
    const name = n.metadata?.name ?? "";
    const labels: Record<string, string> = n.metadata?.labels ?? {};
    const taints: Taint[] = n.spec?.taints ?? [];
    const unschedulable = n.spec?.unschedulable === true;
    const alloc = amounts(n.status?.allocatable);
    const old = this.nodes.get(name);
    if (!old) {
      this.nodes.set(name, { name, labels, taints, unschedulable, alloc, req: zero(), nonzeroCPU: 0, nonzeroMemory: 0 });
      // Pods seen before their node count now.
      for (const key of this.byNode.get(name) ?? []) this.account(this.pods.get(key)!, 1);
      this.listDirty = true;
      return true;
    }
    const changed =
      old.unschedulable !== unschedulable ||
      JSON.stringify(old.taints) !== JSON.stringify(taints) ||
      JSON.stringify(old.labels) !== JSON.stringify(labels) ||
      JSON.stringify(old.alloc) !== JSON.stringify(alloc);
    // In place: nodeList() holds these objects.
    Object.assign(old, { labels, taints, unschedulable, alloc });
    return changed;
  }

  deleteNode(name: string): void {
    if (this.nodes.delete(name)) this.listDirty = true;
  }

  /** Counts pod on node (binding or bound); replaces an earlier placement of the same pod. */
  addPod(pod: KObject, node: string, r = podRequests(pod)): void {
    const key = keyOf(pod);
    const old = this.pods.get(key);
    if (old) this.removeKey(key);
    const a: AssignedPod = { key, node, namespace: pod.metadata?.namespace ?? "", labels: pod.metadata?.labels ?? {}, r, anti: antiAffinityTerms(pod) };
    this.pods.set(key, a);
    this.account(a, 1);
    const onNode = this.byNode.get(node);
    if (onNode) onNode.add(key);
    else this.byNode.set(node, new Set([key]));
    for (const k in a.labels) {
      const lk = `${k}=${a.labels[k]}`;
      const s = this.byLabel.get(lk);
      if (s) s.add(key);
      else this.byLabel.set(lk, new Set([key]));
    }
    if (a.anti.length) this.antiPods.add(key);
  }

  /** Forgets a pod's placement; returns whether it was counted. */
  removeKey(key: string): boolean {
    const a = this.pods.get(key);
    if (!a) return false;
    this.pods.delete(key);
    this.account(a, -1);
    this.byNode.get(a.node)?.delete(key);
    for (const k in a.labels) this.byLabel.get(`${k}=${a.labels[k]}`)?.delete(key);
    this.antiPods.delete(key);
    return true;
  }

  /** Assigned pods that may match selector: narrowed by one matchLabels pair or In expression when there is one. */
  candidates(selector: LabelSelector | undefined): Iterable<string> {
    if (!selector) return [];
    for (const k in selector.matchLabels ?? {}) return this.byLabel.get(`${k}=${selector.matchLabels![k]}`) ?? [];
    for (const r of selector.matchExpressions ?? []) {
      if (r.operator !== "In") continue;
      const out = new Set<string>();
      for (const v of r.values ?? []) for (const key of this.byLabel.get(`${r.key}=${v}`) ?? []) out.add(key);
      return out;
    }
    return this.pods.keys();
  }

  private account(a: AssignedPod, sign: 1 | -1): void {
    const n = this.nodes.get(a.node);
    if (!n) return;
    n.req.cpu += sign * a.r.req.cpu;
    n.req.memory += sign * a.r.req.memory;
    n.req.storage += sign * a.r.req.storage;
    n.req.pods += sign;
    n.nonzeroCPU += sign * a.r.nonzeroCPU;
    n.nonzeroMemory += sign * a.r.nonzeroMemory;
  }
}
