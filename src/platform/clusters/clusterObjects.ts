// Cluster objects in the host: their status shape, merge-patch writes of
// spec, labels and status (the status subresource, so a status write never
// races an edit of the spec), and the view the REST API answers with, which
// never carries a credential.
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../host/crds.ts";
import type { Host } from "../host/host.ts";
import type { KObj } from "../host/kindCache.ts";

export const PHASES = ["Integrating", "Running", "Unknown", "Removing"] as const;
export type Phase = (typeof PHASES)[number];

export type Condition = { type: string; status: "True" | "False" | "Unknown"; reason: string; message: string; lastTransitionTime: string };

export type ClusterStatus = {
  phase?: Phase;
  kubernetesVersion?: string;
  conditions?: Condition[];
  lastSeen?: string;
  /** API latency of the last health probe, in ms. */
  latencyMs?: number;
  /** When kpanda's own ServiceAccount token expires (status.expirationTimestamp of its TokenRequest). */
  credentialExpiresAt?: string;
  /** The last summary (summary.ts), so another replica or a restarted one can serve it. */
  summary?: unknown;
};

const where = (name: string) => ({ group: GROUP, version: VERSION, plural: "clusters", name });
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

export function patchCluster(host: Host, name: string, body: Record<string, unknown>): Promise<KObj> {
  return host.custom.patchClusterCustomObject({ ...where(name), body }, merge) as Promise<KObj>;
}

export function patchClusterStatus(host: Host, name: string, status: ClusterStatus): Promise<KObj> {
  return host.custom.patchClusterCustomObjectStatus({ ...where(name), body: { status } }, merge) as Promise<KObj>;
}

export async function deleteClusterObject(host: Host, name: string): Promise<void> {
  await host.custom.deleteClusterCustomObject({ ...where(name) });
}

/** Conditions with `c` set; its lastTransitionTime is kept when the status did not change. */
export function withCondition(conditions: Condition[] | undefined, c: Omit<Condition, "lastTransitionTime">, now = new Date()): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const lastTransitionTime = i >= 0 && list[i].status === c.status ? list[i].lastTransitionTime : now.toISOString();
  const next = { ...c, lastTransitionTime };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export type ClusterView = {
  metadata: { name: string; creationTimestamp?: string; labels: Record<string, string> };
  spec: { alias?: string; labels: Record<string, string>; provider?: string; deletionProtection: boolean; credentialSource?: string };
  status: {
    phase: Phase;
    kubernetesVersion?: string;
    conditions: Condition[];
    lastSeen?: string;
    latencyMs?: number;
    credentialExpiresAt?: string;
  };
};

const iso = (t: unknown) => (t ? new Date(t as string).toISOString() : undefined);

/** What the REST API shows of a Cluster: no credential, no Secret name, no summary (that has its own path). */
export function clusterView(o: KObj): ClusterView {
  const labels = { ...(o.metadata?.labels ?? {}) };
  const st = (o.status ?? {}) as ClusterStatus;
  return {
    metadata: { name: o.metadata!.name!, creationTimestamp: iso(o.metadata?.creationTimestamp), labels },
    spec: {
      alias: o.spec?.alias,
      labels,
      provider: o.spec?.provider ?? (st.summary as { provider?: string } | undefined)?.provider,
      deletionProtection: !!o.spec?.deletionProtection,
      credentialSource: o.spec?.credentialSource,
    },
    status: {
      phase: o.metadata?.deletionTimestamp ? "Removing" : (st.phase ?? "Integrating"),
      kubernetesVersion: st.kubernetesVersion,
      conditions: st.conditions ?? [],
      lastSeen: st.lastSeen,
      latencyMs: st.latencyMs,
      credentialExpiresAt: st.credentialExpiresAt,
    },
  };
}

const condition = {
  type: "object",
  properties: {
    type: { type: "string" },
    status: { type: "string" },
    reason: { type: "string" },
    message: { type: "string" },
    lastTransitionTime: { type: "string" },
  },
} as const;

const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

export const clusterSchema = {
  type: "object",
  properties: {
    metadata: {
      type: "object",
      properties: { name: { type: "string" }, creationTimestamp: { type: "string" }, labels: stringMap },
    },
    spec: {
      type: "object",
      properties: {
        alias: { type: "string" },
        labels: stringMap,
        provider: { type: "string" },
        deletionProtection: { type: "boolean" },
        credentialSource: { type: "string", description: "ServiceAccount (kpanda's own, made on integration) or Kubeconfig" },
      },
    },
    status: {
      type: "object",
      properties: {
        phase: { type: "string", enum: [...PHASES] },
        kubernetesVersion: { type: "string" },
        conditions: { type: "array", items: condition },
        lastSeen: { type: "string" },
        latencyMs: { type: "number" },
        credentialExpiresAt: { type: "string" },
      },
    },
  },
} as const;
