// What a Service's endpoints are, computed from its pods: shared by the
// Endpoints and EndpointSlice controllers (pkg/controller/endpoint and
// endpointslice, with pkg/api/v1/pod FindPort for named target ports).
import type { KObject } from "../../apiserver/client.ts";

export type ResolvedPort = { name?: string; port: number; protocol: string; appProtocol?: string };

export type PodEndpoint = {
  pod: KObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
  /** The service's ports as this pod serves them (a named targetPort the pod lacks drops that port). */
  ports: ResolvedPort[];
};

export function isPodReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c.status === "True");
}

/** FindPort: a targetPort number, or the container port of that name. */
export function findPort(pod: KObject, svcPort: any): number | undefined {
  const tp = svcPort.targetPort ?? svcPort.port;
  if (typeof tp === "number") return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === tp && (p.protocol ?? "TCP") === (svcPort.protocol ?? "TCP")) return p.containerPort;
    }
  }
  return undefined;
}

/** ShouldPodBeInEndpoints: an IP, not terminal, and not terminating unless the service publishes unready pods. */
function included(pod: KObject, publishNotReady: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  if (pod.metadata?.deletionTimestamp && !publishNotReady) return false;
  return true;
}

export function podEndpoints(svc: KObject, pods: KObject[]): PodEndpoint[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    if (!included(pod, publishNotReady)) continue;
    const ports: ResolvedPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({
        ...(sp.name ? { name: sp.name } : {}),
        port,
        protocol: sp.protocol ?? "TCP",
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    out.push({ pod, ip: pod.status.podIP, ready: publishNotReady || (isPodReady(pod) && !terminating), terminating, ports });
  }
  out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  return out;
}

export const portsKey = (ports: ResolvedPort[]) =>
  ports
    .map((p) => `${p.name ?? ""}/${p.port}/${p.protocol}`)
    .sort()
    .join(",");

export function targetRef(pod: KObject) {
  return { kind: "Pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
}

/** Endpoints subsets: addresses grouped by the set of ports they serve (RepackSubsets). */
export function subsetsOf(eps: PodEndpoint[]): KObject[] {
  const groups = new Map<string, { ports: ResolvedPort[]; ready: any[]; notReady: any[] }>();
  for (const e of eps) {
    if (e.ports.length === 0) continue;
    const k = portsKey(e.ports);
    let g = groups.get(k);
    if (!g) {
      g = { ports: e.ports, ready: [], notReady: [] };
      groups.set(k, g);
    }
    const addr = { ip: e.ip, ...(e.pod.spec?.nodeName ? { nodeName: e.pod.spec.nodeName } : {}), targetRef: targetRef(e.pod) };
    (e.ready ? g.ready : g.notReady).push(addr);
  }
  return [...groups.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady } : {}),
    ports: g.ports,
  }));
}
