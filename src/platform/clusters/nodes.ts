// A member's nodes as the REST API shows them: the list view (status, roles,
// version, internal IP, pods, allocatable CPU and memory, usage where
// metrics.k8s.io is served), the detail (conditions, capacity, taints,
// labels, pods, events), and the edits: cordon and uncordon, labels,
// annotations and taints. nodeView() is the one place a Node becomes its REST
// view, so that the multi-cluster cache can serve the list later.
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { coreOf, getJson, itemsOf, onMember, qs, replaceMapPatch } from "./memberApi.ts";
import type { Member } from "./members.ts";
import { type CpuMem, cpuMem, podRequests, quantity } from "./quantity.ts";

export type NodeStatus = "Ready" | "NotReady" | "Unknown";
export type Taint = { key: string; value?: string; effect: string; timeAdded?: string };

export type NodeView = {
  name: string;
  status: NodeStatus;
  /** Cordoned (spec.unschedulable): kubectl prints SchedulingDisabled. */
  unschedulable: boolean;
  roles: string[];
  /** The kubelet's version. */
  version: string;
  internalIP?: string;
  creationTimestamp?: string;
  labels: Record<string, string>;
  taints: Taint[];
  /** Pods bound to the node that have not finished. */
  pods: number;
  /** Cores, bytes and a pod count. */
  allocatable: { cpu: number; memory: number; pods: number };
  /** From metrics.k8s.io; null where that API is not served. */
  usage: CpuMem | null;
};

type KNode = any;
type KPod = any;

const ROLE_PREFIX = "node-role.kubernetes.io/";

/**
 * Roles as kubectl prints them (printers.go findNodeRoles): the suffix of
 * each node-role.kubernetes.io/<role> label, and the value of the older
 * kubernetes.io/role label; sorted, without repeats.
 */
export function nodeRoles(labels: Record<string, string> = {}): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return [...roles].sort();
}

/**
 * The Ready condition's status: True is Ready, False NotReady, and Unknown
 * (the node controller's mark for a node whose lease stopped) or no Ready
 * condition at all is Unknown. kubectl prints NotReady for both False and
 * Unknown; the console tells the two apart.
 */
export function nodeStatus(node: KNode): NodeStatus {
  const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
  if (ready?.status === "True") return "Ready";
  if (ready?.status === "False") return "NotReady";
  return "Unknown";
}

/** A Node as the REST list shows it. */
export function nodeView(node: KNode, pods: number, usage: CpuMem | null): NodeView {
  const labels = node.metadata?.labels ?? {};
  const alloc = node.status?.allocatable ?? {};
  return {
    name: node.metadata.name,
    status: nodeStatus(node),
    unschedulable: !!node.spec?.unschedulable,
    roles: nodeRoles(labels),
    version: node.status?.nodeInfo?.kubeletVersion ?? "",
    internalIP: (node.status?.addresses ?? []).find((a: { type: string }) => a.type === "InternalIP")?.address,
    creationTimestamp: node.metadata?.creationTimestamp,
    labels,
    taints: node.spec?.taints ?? [],
    pods,
    allocatable: { ...cpuMem(alloc), pods: quantity(alloc.pods) },
    usage,
  };
}

const ACTIVE_PODS = "status.phase!=Succeeded,status.phase!=Failed";

/** Usage per node from metrics.k8s.io, or null when the API is missing or failing (not an error). */
async function nodeUsage(m: Member, name?: string): Promise<Map<string, CpuMem> | null> {
  try {
    const path = `/apis/metrics.k8s.io/v1beta1/nodes${name ? `/${encodeURIComponent(name)}` : ""}`;
    const got = await getJson(m, path);
    const items = name ? [got] : itemsOf(got);
    return new Map(items.map((nm: any) => [nm.metadata?.name, cpuMem(nm.usage)]));
  } catch {
    return null;
  }
}

/** Every node of the member, sorted by name. */
export async function listNodes(m: Member): Promise<NodeView[]> {
  const [nodes, pods, usage] = await Promise.all([
    getJson(m, "/api/v1/nodes"),
    // Counted as kubectl describe node counts them: pods that have not finished.
    getJson(m, `/api/v1/pods${qs({ fieldSelector: ACTIVE_PODS })}`),
    nodeUsage(m),
  ]);
  const perNode = new Map<string, number>();
  for (const p of itemsOf<KPod>(pods)) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  return itemsOf<KNode>(nodes)
    .map((n) => nodeView(n, perNode.get(n.metadata.name) ?? 0, usage ? (usage.get(n.metadata.name) ?? null) : null))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type NodeDetail = NodeView & {
  annotations: Record<string, string>;
  conditions: { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string }[];
  addresses: { type: string; address: string }[];
  nodeInfo: Record<string, string>;
  capacity: { cpu: number; memory: number; pods: number };
  /** Every resource, as the node reports it (quantities as strings). */
  resources: Record<string, { capacity?: string; allocatable?: string }>;
  podList: { namespace: string; name: string; phase?: string; podIP?: string; requests: CpuMem; creationTimestamp?: string }[];
  events: { type?: string; reason?: string; message?: string; count: number; lastTimestamp?: string; source?: string }[];
};

const eventTime = (e: any): string | undefined => e.lastTimestamp ?? e.eventTime ?? e.series?.lastObservedTime ?? e.metadata?.creationTimestamp;

/** One node with its conditions, resources, pods and events (newest first). */
export async function nodeDetail(m: Member, name: string): Promise<NodeDetail> {
  const [node, pods, events, usage] = await Promise.all([
    getJson(m, `/api/v1/nodes/${encodeURIComponent(name)}`),
    getJson(m, `/api/v1/pods${qs({ fieldSelector: `spec.nodeName=${name},${ACTIVE_PODS}` })}`),
    // As kubectl describe node finds them: events whose involved object is this Node.
    getJson(m, `/api/v1/events${qs({ fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}` })}`),
    nodeUsage(m, name),
  ]);
  const podItems = itemsOf<KPod>(pods);
  const cap = node.status?.capacity ?? {};
  const alloc = node.status?.allocatable ?? {};
  const resources: NodeDetail["resources"] = {};
  for (const k of new Set([...Object.keys(cap), ...Object.keys(alloc)])) resources[k] = { capacity: cap[k], allocatable: alloc[k] };
  return {
    ...nodeView(node, podItems.length, usage?.get(name) ?? null),
    annotations: node.metadata?.annotations ?? {},
    conditions: node.status?.conditions ?? [],
    addresses: node.status?.addresses ?? [],
    nodeInfo: node.status?.nodeInfo ?? {},
    capacity: { ...cpuMem(cap), pods: quantity(cap.pods) },
    resources,
    podList: podItems
      .map((p) => ({
        namespace: p.metadata.namespace,
        name: p.metadata.name,
        phase: p.status?.phase,
        podIP: p.status?.podIP,
        requests: podRequests(p),
        creationTimestamp: p.metadata.creationTimestamp,
      }))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    events: itemsOf(events)
      .map((e: any) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count ?? e.series?.count ?? 1,
        lastTimestamp: eventTime(e),
        source: e.source?.component ?? e.reportingComponent,
      }))
      .sort((a, b) => Date.parse(b.lastTimestamp ?? "") - Date.parse(a.lastTimestamp ?? "")),
  };
}

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** A JSON merge patch of the node (with the node's resourceVersion when given, so a concurrent change answers 409). */
export async function patchNode(m: Member, name: string, body: object): Promise<KNode> {
  return onMember(m, () => coreOf(m).patchNode({ name, body }, mergePatch));
}

/** The view of a node just written: its pod count and usage read again. */
export async function viewAfterWrite(m: Member, node: KNode): Promise<NodeView> {
  const name = node.metadata.name;
  const [pods, usage] = await Promise.all([
    getJson(m, `/api/v1/pods${qs({ fieldSelector: `spec.nodeName=${name},${ACTIVE_PODS}` })}`),
    nodeUsage(m, name),
  ]);
  return nodeView(node, itemsOf(pods).length, usage?.get(name) ?? null);
}

/**
 * Cordon (true) or uncordon (false), as kubectl does: spec.unschedulable
 * set, or removed (Go's omitempty drops false, so kubectl's patch is null).
 */
export function setUnschedulable(m: Member, name: string, on: boolean): Promise<KNode> {
  return patchNode(m, name, { spec: { unschedulable: on ? true : null } });
}

/**
 * Replaces a node's labels or annotations with `want`: a merge patch that
 * sets each wanted key and removes (null) the others, guarded by the
 * resourceVersion it was computed from.
 */
export async function replaceMap(m: Member, name: string, field: "labels" | "annotations", want: Record<string, string>): Promise<KNode> {
  const node = await getJson(m, `/api/v1/nodes/${encodeURIComponent(name)}`);
  const patch = replaceMapPatch(node.metadata?.[field], want);
  return patchNode(m, name, { metadata: { [field]: patch, resourceVersion: node.metadata.resourceVersion } });
}

/**
 * Replaces a node's taints. A taint already there (same key and effect)
 * keeps its timeAdded; a new NoExecute taint gets the time now, as kubectl
 * taint sets it (TimeAdded is only meaningful for NoExecute).
 */
export async function replaceTaints(m: Member, name: string, want: Taint[], now = new Date()): Promise<KNode> {
  const node = await getJson(m, `/api/v1/nodes/${encodeURIComponent(name)}`);
  const old: Taint[] = node.spec?.taints ?? [];
  const time = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const taints = want.map((t) => {
    const same = old.find((o) => o.key === t.key && o.effect === t.effect);
    const timeAdded = same?.timeAdded ?? (t.effect === "NoExecute" ? time : undefined);
    return { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, ...(timeAdded ? { timeAdded } : {}) };
  });
  return patchNode(m, name, { spec: { taints: taints.length ? taints : null }, metadata: { resourceVersion: node.metadata.resourceVersion } });
}
