// The Endpoints and EndpointSlice controllers: for every Service with a
// selector, one Endpoints object of the same name and EndpointSlices
// (`kubernetes.io/service-name`, at most 100 endpoints each, one group per
// port mapping) listing its pods' IPs, readiness and ports. Services without
// a selector are left to their owners, as upstream does.
import { isNotFound, type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { SimContext, SimController } from "../controller.ts";
import { type Informer, keyOf } from "../kube/informer.ts";
import { WorkQueue } from "../kube/workQueue.ts";
import { labelSelectorMatches } from "../../apiserver/registry/selectors.ts";
import { type PodEndpoint, podEndpoints, portsKey, subsetsOf, targetRef } from "./endpoints.ts";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const MANAGED_BY = "endpointslice-controller.k8s.io";
const MAX_ENDPOINTS_PER_SLICE = 100;

export class EndpointsController implements SimController {
  readonly name = "endpoints";
  private client!: KubeClient;
  private services!: Informer;
  private pods!: Informer;
  private endpoints!: Informer;
  private slices!: Informer;
  private queue?: WorkQueue;

  async start(ctx: SimContext): Promise<void> {
    this.client = ctx.client;
    this.queue = new WorkQueue((k) => this.sync(k), 8);
    const enqueue = (o: KObject) => this.queue?.add(keyOf(o));
    this.services = ctx.informer(R.services).addIndex("namespace", (o) => [o.metadata?.namespace ?? ""]);
    this.services.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    this.pods = ctx.informer(R.pods).addIndex("namespace", (p) => [p.metadata?.namespace ?? ""]);
    this.pods.on({
      add: (p) => this.podChanged(p),
      update: (old, p) => {
        if (relevantChange(old, p)) {
          this.podChanged(old);
          this.podChanged(p);
        }
      },
      delete: (p) => this.podChanged(p),
    });
    this.endpoints = ctx.informer(R.endpoints);
    this.slices = ctx.informer(R.endpointslices).addIndex("service", (s) => {
      const n = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return n && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${s.metadata?.namespace}/${n}`] : [];
    });
  }

  stop(): void {
    this.queue?.stop();
  }

  private podChanged(pod: KObject): void {
    const ns = pod.metadata?.namespace ?? "";
    for (const svc of this.services.byIndex("namespace", ns)) {
      if (!svc.spec?.selector) continue;
      if (labelSelectorMatches({ matchLabels: svc.spec.selector }, pod.metadata?.labels)) this.queue?.add(keyOf(svc));
    }
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const svc = this.services.get(ns, name);
    if (!svc?.spec?.selector || svc.metadata?.deletionTimestamp) {
      if (!svc) await this.deleteEndpoints(ns, name);
      return;
    }
    const pods = this.pods.byIndex("namespace", ns).filter((p) => labelSelectorMatches({ matchLabels: svc.spec.selector }, p.metadata?.labels));
    const eps = podEndpoints(svc, pods);
    await this.syncEndpoints(svc, eps);
    await this.syncSlices(svc, eps);
  }

  private async deleteEndpoints(ns: string, name: string): Promise<void> {
    if (!this.endpoints.get(ns, name)) return;
    try {
      await this.client.delete(R.endpoints, ns, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async syncEndpoints(svc: KObject, eps: PodEndpoint[]): Promise<void> {
    const ns = svc.metadata?.namespace ?? "";
    const name = svc.metadata?.name ?? "";
    const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
    if (svc.spec?.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
    const subsets = subsetsOf(eps);
    const current = this.endpoints.get(ns, name);
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && sameLabels(current.metadata?.labels, labels)) return;
    const obj: KObject = { metadata: { name, namespace: ns, labels }, subsets };
    if (current) {
      await this.client.update(R.endpoints, ns, { ...obj, metadata: { ...current.metadata, labels } });
    } else {
      await this.client.create(R.endpoints, ns, obj);
    }
  }

  private async syncSlices(svc: KObject, eps: PodEndpoint[]): Promise<void> {
    const ns = svc.metadata?.namespace ?? "";
    const name = svc.metadata?.name ?? "";
    const desired = desiredSlices(svc, eps);
    const existing = this.slices.byIndex("service", `${ns}/${name}`).sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
    for (let i = 0; i < desired.length; i++) {
      const want = desired[i];
      const have = existing[i];
      if (!have) {
        await this.client.create(R.endpointslices, ns, want);
        continue;
      }
      if (JSON.stringify([have.endpoints ?? [], have.ports ?? []]) === JSON.stringify([want.endpoints, want.ports])) continue;
      await this.client.update(R.endpointslices, ns, { ...have, endpoints: want.endpoints, ports: want.ports });
    }
    for (const extra of existing.slice(desired.length)) {
      try {
        await this.client.delete(R.endpointslices, ns, extra.metadata?.name ?? "");
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}

function desiredSlices(svc: KObject, eps: PodEndpoint[]): KObject[] {
  const ns = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  const groups = new Map<string, PodEndpoint[]>();
  for (const e of eps) {
    const k = portsKey(e.ports);
    const g = groups.get(k) ?? [];
    g.push(e);
    groups.set(k, g);
  }
  if (groups.size === 0) groups.set("", []);
  const out: KObject[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i === 0 || i < g.length; i += MAX_ENDPOINTS_PER_SLICE) {
      const chunk = g.slice(i, i + MAX_ENDPOINTS_PER_SLICE);
      out.push({
        metadata: {
          generateName: `${name}-`,
          namespace: ns,
          labels: { ...(svc.metadata?.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY },
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name, uid: svc.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true }],
        },
        addressType: "IPv4",
        endpoints: chunk.map((e) => ({
          addresses: [e.ip],
          conditions: { ready: e.ready, serving: e.terminating ? isServing(e) : e.ready, terminating: e.terminating },
          ...(e.pod.spec?.nodeName ? { nodeName: e.pod.spec.nodeName } : {}),
          targetRef: targetRef(e.pod),
        })),
        ports: (chunk[0]?.ports ?? []).map((p) => ({ ...p })),
      });
    }
  }
  return out;
}

function isServing(e: PodEndpoint): boolean {
  return (e.pod.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c.status === "True");
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort());
}

/** Pod changes that can change endpoints: IP, readiness, phase, node, labels, deletion. */
function relevantChange(old: KObject, p: KObject): boolean {
  return (
    old.status?.podIP !== p.status?.podIP ||
    old.status?.phase !== p.status?.phase ||
    old.spec?.nodeName !== p.spec?.nodeName ||
    old.metadata?.deletionTimestamp !== p.metadata?.deletionTimestamp ||
    JSON.stringify(old.metadata?.labels) !== JSON.stringify(p.metadata?.labels) ||
    JSON.stringify(old.status?.conditions?.find((c: any) => c.type === "Ready")?.status) !==
      JSON.stringify(p.status?.conditions?.find((c: any) => c.type === "Ready")?.status)
  );
}
