// A node pool as data: how many nodes, how big, where, and what they run.
// nodeObject() turns one pool member into the Node a kubelet would register:
// standard labels, capacity and allocatable, addresses, nodeInfo and the
// four kubelet conditions.
import type { KObject } from "../../apiserver/client.ts";
import type { Taint } from "./predicates.ts";
import { quantity } from "./resources.ts";

export type NodeProfile = {
  /** Nodes are named `${namePrefix}${i}`. */
  namePrefix: string;
  count: number;
  /** Capacity. */
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage: string;
  /** Held back from allocatable (system-reserved + kube-reserved + eviction threshold). */
  reserved: { cpu: string; memory: string; ephemeralStorage: string };
  /** Nodes are spread round-robin over the zones. */
  zones: string[];
  region: string;
  instanceType: string;
  arch: string;
  os: string;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  osImage: string;
  kernelVersion: string;
  labels: Record<string, string>;
  taints: Taint[];
};

export const DEFAULT_PROFILE: NodeProfile = {
  namePrefix: "node-",
  count: 3,
  cpu: "8",
  memory: "32Gi",
  pods: 110,
  ephemeralStorage: "100Gi",
  reserved: { cpu: "100m", memory: "512Mi", ephemeralStorage: "10Gi" },
  zones: ["zone-a", "zone-b", "zone-c"],
  region: "region-1",
  instanceType: "sim.large",
  arch: "amd64",
  os: "linux",
  kubeletVersion: "v1.32.0",
  containerRuntimeVersion: "containerd://1.7.24",
  osImage: "Ubuntu 24.04.1 LTS",
  kernelVersion: "6.8.0-49-generic",
  labels: {},
  taints: [],
};

/** Fills a partial profile with defaults and checks it. */
export function resolveProfile(p: Partial<NodeProfile> = {}): NodeProfile {
  const out: NodeProfile = { ...DEFAULT_PROFILE, ...p, reserved: { ...DEFAULT_PROFILE.reserved, ...p.reserved } };
  if (!Number.isInteger(out.count) || out.count < 0) throw new Error(`node profile count must be a whole number, got ${out.count}`);
  if (!out.zones.length) throw new Error("node profile needs at least one zone");
  for (const q of [out.cpu, out.memory, out.ephemeralStorage, out.reserved.cpu, out.reserved.memory, out.reserved.ephemeralStorage]) {
    if (!Number.isFinite(quantity(q))) throw new Error(`node profile quantity "${q}" is malformed`);
  }
  if (!/^[a-z0-9]([-a-z0-9.]*)$/.test(out.namePrefix)) throw new Error(`node name prefix "${out.namePrefix}" is not DNS-safe`);
  return out;
}

/** What one simulated node is: its name, place in the pool and network. */
export type NodeSpec = { name: string; index: number; profile: NodeProfile; internalIP: string; podCIDR: string };

/** The i-th node of the cluster (over all pools): 10.0.0.0/8 InternalIPs, one /24 of 10.128.0.0/9 for pods. */
export function nodeSpec(profile: NodeProfile, poolIndex: number, clusterIndex: number): NodeSpec {
  const n = clusterIndex + 1;
  const internalIP = `10.${(n >> 16) & 0x3f}.${(n >> 8) & 0xff}.${n & 0xff}`;
  const podCIDR = `10.${128 + ((clusterIndex >> 8) & 0x7f)}.${clusterIndex & 0xff}.0/24`;
  return { name: `${profile.namePrefix}${poolIndex}`, index: clusterIndex, profile, internalIP, podCIDR };
}

function minus(a: string, b: string, unit: "cpu" | "bytes"): string {
  const d = Math.max(0, quantity(a) - quantity(b));
  if (unit === "cpu") return `${Math.round(d * 1000)}m`;
  return d % 2 ** 20 === 0 ? `${d / 2 ** 20}Mi` : d % 1024 === 0 ? `${d / 1024}Ki` : String(Math.round(d));
}

export const CONDITION_TEXT: Record<string, { ok: string; reason: string; message: string }> = {
  Ready: { ok: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
  MemoryPressure: { ok: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" },
  DiskPressure: { ok: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" },
  PIDPressure: { ok: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" },
};

/** The healthy conditions a running kubelet posts, in kubelet's order. */
export function healthyConditions(heartbeat: string, transition: string): KObject[] {
  return ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"].map((type) => ({
    type,
    status: CONDITION_TEXT[type].ok,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: transition,
    reason: CONDITION_TEXT[type].reason,
    message: CONDITION_TEXT[type].message,
  }));
}

/** The Node object a kubelet registers, with its first status. */
export function nodeObject(spec: NodeSpec, cluster: string, now: string): KObject {
  const p = spec.profile;
  const zone = p.zones[spec.index % p.zones.length];
  const capacity = { cpu: p.cpu, memory: p.memory, pods: String(p.pods), "ephemeral-storage": p.ephemeralStorage };
  const allocatable = {
    cpu: minus(p.cpu, p.reserved.cpu, "cpu"),
    memory: minus(p.memory, p.reserved.memory, "bytes"),
    pods: String(p.pods),
    "ephemeral-storage": minus(p.ephemeralStorage, p.reserved.ephemeralStorage, "bytes"),
  };
  const id = `${cluster}-${spec.name}`.padEnd(32, "0").slice(0, 32);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: spec.name,
      labels: {
        "beta.kubernetes.io/arch": p.arch,
        "beta.kubernetes.io/os": p.os,
        "kubernetes.io/arch": p.arch,
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": p.os,
        "node.kubernetes.io/instance-type": p.instanceType,
        "topology.kubernetes.io/region": p.region,
        "topology.kubernetes.io/zone": zone,
        ...p.labels,
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        "sim.kpanda.io/simulated": "true",
      },
    },
    spec: {
      podCIDR: spec.podCIDR,
      podCIDRs: [spec.podCIDR],
      providerID: `kpanda-sim://${cluster}/${spec.name}`,
      ...(p.taints.length ? { taints: p.taints.map((t) => ({ ...t })) } : {}),
    },
    status: {
      capacity,
      allocatable,
      conditions: healthyConditions(now, now),
      addresses: [
        { type: "InternalIP", address: spec.internalIP },
        { type: "Hostname", address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id,
        systemUUID: id,
        bootID: id,
        kernelVersion: p.kernelVersion,
        osImage: p.osImage,
        containerRuntimeVersion: p.containerRuntimeVersion,
        kubeletVersion: p.kubeletVersion,
        kubeProxyVersion: p.kubeletVersion,
        operatingSystem: p.os,
        architecture: p.arch,
      },
    },
  };
}
