// Service address allocation, done where kube-apiserver's service REST storage
// does it: on create, a ClusterIP from the service CIDR and NodePorts from the
// node port range; on update, allocated values the client left out are kept
// (pkg/registry/core/service/storage: patchAllocatedValues).
import type { Attributes } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";

export const SERVICE_CIDR = { base: ipToInt("10.96.0.0"), size: 1 << 20 }; // 10.96.0.0/12
export const NODE_PORTS = { min: 30000, max: 32767 };

export function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function usedAddresses(store: ObjectStore): { ips: Set<string>; ports: Set<number> } {
  const info = store.registry.lookup("", "v1", "services")!;
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const it of store.list(info, undefined, {}).items) {
    const s = it.obj();
    for (const ip of s.spec?.clusterIPs ?? [s.spec?.clusterIP]) if (ip) ips.add(ip);
    for (const p of s.spec?.ports ?? []) if (p?.nodePort) ports.add(p.nodePort);
  }
  return { ips, ports };
}

function pick<T>(used: Set<T>, candidates: () => T, what: string): T {
  for (let i = 0; i < 1000; i++) {
    const c = candidates();
    if (!used.has(c)) return c;
  }
  throw new ApiError(500, "InternalError", `Internal error occurred: failed to allocate a ${what}: range is full`);
}

const needsNodePorts = (spec: any) => spec?.type === "NodePort" || spec?.type === "LoadBalancer";

export function allocateServiceAddresses(store: ObjectStore, a: Attributes): void {
  if (a.info.group !== "" || a.info.resource !== "services" || a.subresource) return;
  const spec = a.obj.spec;
  if (!spec || typeof spec !== "object") return;
  if (a.op === "UPDATE" && a.old) keepAllocated(a.old, a.obj);
  if (a.op !== "CREATE" && a.op !== "UPDATE") return;
  if (spec.type === "ExternalName") return;
  let used: ReturnType<typeof usedAddresses> | undefined;
  const getUsed = () => (used ??= usedAddresses(store));
  if (!spec.clusterIP) {
    const ip = pick(
      getUsed().ips,
      () => intToIp(SERVICE_CIDR.base + 2 + Math.floor(Math.random() * (SERVICE_CIDR.size - 3))),
      "serviceIP",
    );
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  } else if (!spec.clusterIPs) {
    spec.clusterIPs = [spec.clusterIP];
  }
  if (needsNodePorts(spec) && Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (p && typeof p === "object" && !p.nodePort) {
        p.nodePort = pick(
          getUsed().ports,
          () => NODE_PORTS.min + Math.floor(Math.random() * (NODE_PORTS.max - NODE_PORTS.min + 1)),
          "nodePort",
        );
        getUsed().ports.add(p.nodePort);
      }
    }
  }
}

/**
 * On update, before allocation: patchAllocatedValues (a client that leaves
 * out the clusterIP(s) or a NodePort keeps what was allocated, so re-applying
 * the same manifest works), then normalizeClusterIPs (changing or clearing
 * clusterIP alone carries clusterIPs along), as the service REST storage
 * does (pkg/registry/core/service/storage, 1.32).
 */
function keepAllocated(old: KObject, obj: KObject): void {
  const o = old.spec ?? {};
  const n = obj.spec;
  if (o.type !== "ExternalName" && n.type !== "ExternalName") {
    if (!n.clusterIP) n.clusterIP = o.clusterIP;
    if (!n.clusterIPs?.length && o.clusterIPs?.length) n.clusterIPs = o.clusterIPs;
  }
  if (needsNodePorts(n) && needsNodePorts(o) && Array.isArray(n.ports)) {
    const portsOf = (s: any) => new Set<number>((s.ports ?? []).map((p: any) => p?.nodePort).filter(Boolean));
    const now = portsOf(n);
    const used = new Set([...portsOf(o)].filter((p) => now.has(p)));
    // Matched by port name: the user may have changed the port's other fields.
    const byName = new Map<string, number>((o.ports ?? []).map((p: any) => [p?.name ?? "", p?.nodePort]));
    for (const p of n.ports) {
      const prev = byName.get(p?.name ?? "");
      if (p && typeof p === "object" && !p.nodePort && prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  normalizeClusterIPs(o, n);
}

function normalizeClusterIPs(o: any, n: any): void {
  const same = JSON.stringify(o.clusterIPs ?? []) === JSON.stringify(n.clusterIPs ?? []);
  if (o.clusterIPs?.length && !n.clusterIPs?.length && o.clusterIP === n.clusterIP) n.clusterIPs = o.clusterIPs;
  if (o.clusterIP === n.clusterIP) return;
  if (o.clusterIP && !n.clusterIP) {
    if (same) delete n.clusterIPs;
  } else if (same) n.clusterIPs = [n.clusterIP];
}
