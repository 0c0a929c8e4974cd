// The workloads that use a ConfigMap or a Secret: those whose pod template
// names it in a container's env (valueFrom) or envFrom, in a volume, or in a
// projected volume's sources (and, for a Secret, in imagePullSecrets). Read
// from the member as the caller, one list per workload kind; Jobs that a
// CronJob made are its CronJob's use, not listed again.
import type { Member } from "../clusters/members.ts";
import { type Caller, callAs } from "./callAs.ts";
import { kindNamed, type ObjectKind, pathOf } from "./kinds.ts";
import type { KObject } from "./objects.ts";

export type Use = "env" | "envFrom" | "volume" | "projected" | "imagePullSecrets";
export type RelatedWorkload = { kind: string; name: string; namespace: string; uses: Use[] };
export type Source = "configmaps" | "secrets";

const WORKLOADS = ["deployments", "statefulsets", "daemonsets", "jobs", "cronjobs"].map(kindNamed);

type Container = { env?: any[]; envFrom?: any[] };

function podSpecOf(kind: ObjectKind, o: KObject): Record<string, any> | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  if (kind.plural === "cronjobs") return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

/** How a pod spec uses the ConfigMap or Secret `name`, in a fixed order. */
export function usesOf(pod: Record<string, any>, source: Source, name: string): Use[] {
  const cm = source === "configmaps";
  const containers: Container[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  const found = new Set<Use>();
  for (const c of containers) {
    for (const e of c.env ?? []) {
      const ref = cm ? e?.valueFrom?.configMapKeyRef : e?.valueFrom?.secretKeyRef;
      if (ref?.name === name) found.add("env");
    }
    for (const e of c.envFrom ?? []) if ((cm ? e?.configMapRef : e?.secretRef)?.name === name) found.add("envFrom");
  }
  for (const v of pod.volumes ?? []) {
    if (cm ? v?.configMap?.name === name : v?.secret?.secretName === name) found.add("volume");
    for (const s of v?.projected?.sources ?? []) if ((cm ? s?.configMap : s?.secret)?.name === name) found.add("projected");
  }
  if (!cm && (pod.imagePullSecrets ?? []).some((s: { name?: string }) => s?.name === name)) found.add("imagePullSecrets");
  const order: Use[] = ["env", "envFrom", "volume", "projected", "imagePullSecrets"];
  return order.filter((u) => found.has(u));
}

const madeByCronJob = (o: KObject) =>
  ((o.metadata?.ownerReferences as { kind?: string; controller?: boolean }[] | undefined) ?? []).some((r) => r.controller && r.kind === "CronJob");

/** The workloads of `namespace` using ConfigMap or Secret `name`, by kind then name. */
export async function relatedWorkloads(m: Member, who: Caller, namespace: string, source: Source, name: string) {
  const lists = await Promise.all(WORKLOADS.map(async (kind) => ({ kind, items: (await callAs<{ items?: KObject[] }>(m, who, { path: await pathOf(m, kind, namespace) })).body.items ?? [] })));
  const out: RelatedWorkload[] = [];
  for (const { kind, items } of lists) {
    const byName = [...items].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    for (const o of byName) {
      if (kind.plural === "jobs" && madeByCronJob(o)) continue;
      const pod = podSpecOf(kind, o);
      const uses = pod ? usesOf(pod, source, name) : [];
      if (uses.length) out.push({ kind: kind.kind, name: o.metadata?.name ?? "", namespace, uses });
    }
  }
  return out;
}
