// Scaling a workload in a member: the scale subresource of the kinds that
// have one, the HorizontalPodAutoscaler version a member serves, and a
// scheduled change's effect when an HPA already drives the workload.
import { memberGet } from "../clusters/memberHttp.ts";
import type { Member } from "../clusters/members.ts";

/** The kinds with a scale subresource, by kind and by REST plural. */
export const SCALABLE: Record<string, { group: string; resource: string; kind: string }> = {
  Deployment: { group: "apps", resource: "deployments", kind: "Deployment" },
  StatefulSet: { group: "apps", resource: "statefulsets", kind: "StatefulSet" },
  ReplicaSet: { group: "apps", resource: "replicasets", kind: "ReplicaSet" },
};
export const SCALABLE_PLURALS = Object.values(SCALABLE).map((s) => s.resource);

export const scalePath = (namespace: string, resource: string, name: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/scale`;

/** Where a workload's own object lives. */
export const workloadPath = (namespace: string, resource: string, name: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`;

const hpaVersions = new WeakMap<Member, { version: string; at: number }>();
const HPA_VERSION_TTL_MS = 5 * 60_000;

/**
 * The HPA version to use with a member: autoscaling/v2 where served (1.23
 * and later), else v2beta2 (a 1.20 member; same fields, behavior included),
 * else v1. Read from discovery, kept five minutes per member.
 */
export async function hpaVersion(m: Member): Promise<string> {
  const known = hpaVersions.get(m);
  if (known && Date.now() - known.at < HPA_VERSION_TTL_MS) return known.version;
  const group = await m.run((signal) => memberGet(m, "/apis/autoscaling", signal));
  const served = new Set<string>((group?.versions ?? []).map((v: any) => v.version));
  const version = ["v2", "v2beta2", "v1"].find((v) => served.has(v)) ?? "v1";
  hpaVersions.set(m, { version, at: Date.now() });
  return version;
}

export const hpaPath = (version: string, namespace: string, name?: string) =>
  `/apis/autoscaling/${version}/namespaces/${encodeURIComponent(namespace)}/horizontalpodautoscalers${name ? `/${encodeURIComponent(name)}` : ""}`;

export type HpaLike = {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number };
  status?: { currentReplicas?: number };
};

/** The HPA (of several, the first by name) whose scaleTargetRef is kind/name. */
export function hpaFor<T extends HpaLike>(hpas: readonly T[], kind: string, name: string): T | undefined {
  return [...hpas]
    .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
    .find((h) => h.spec?.scaleTargetRef?.kind === kind && h.spec?.scaleTargetRef?.name === name);
}

export type HpaMove = { minReplicas: number; maxReplicas: number; changed: boolean; scaleTarget: boolean };

/**
 * A scheduled size when an HPA drives the workload, as
 * kubernetes-cronhpa-controller's ScaleHPA decides it: the HPA's maxReplicas
 * rises to the size when below it; minReplicas falls to the size when above
 * it, or when the HPA sits at its minimum above the size; minReplicas rises
 * to the size when the HPA runs fewer replicas than that, and then the
 * workload is scaled to the size at once. Otherwise the replicas are left
 * to the HPA (which now works within the moved bounds).
 */
export function moveHpa(h: HpaLike, size: number): HpaMove {
  const current = h.status?.currentReplicas ?? 0;
  let min = h.spec?.minReplicas ?? 1;
  let max = h.spec?.maxReplicas ?? size;
  let changed = false;
  if (size > max) {
    max = size;
    changed = true;
  }
  if (size < min || (current === min && size < current) || current < size) {
    if (min !== size) changed = true;
    min = size;
  }
  return { minReplicas: min, maxReplicas: max, changed, scaleTarget: current < size };
}
