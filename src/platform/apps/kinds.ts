// The namespaced kinds the object routes serve, as data: where each lives in
// a member's API and what kpanda does with it. CronJobs are batch/v1 from
// Kubernetes 1.21 and batch/v1beta1 before (a 1.20 member serves batch/v1
// without them), so their group version is read from the member's
// discovery once per member.
import type { Member } from "../clusters/members.ts";
import { getJson } from "../clusters/memberApi.ts";

export type ObjectKind = {
  /** The REST path segment and the member's resource name. */
  plural: string;
  kind: string;
  group: string;
  version: string;
  /** Pod-template workloads (revisions, actions); false for Services, ConfigMaps and such. */
  workload: boolean;
  /** Only get and delete are offered (ReplicaSets belong to their Deployment). */
  readOnly?: boolean;
};

const k = (plural: string, kind: string, group: string, version: string, workload = false, readOnly = false): ObjectKind => ({
  plural,
  kind,
  group,
  version,
  workload,
  readOnly,
});

export const OBJECT_KINDS: readonly ObjectKind[] = [
  k("deployments", "Deployment", "apps", "v1", true),
  k("statefulsets", "StatefulSet", "apps", "v1", true),
  k("daemonsets", "DaemonSet", "apps", "v1", true),
  k("replicasets", "ReplicaSet", "apps", "v1", true, true),
  k("jobs", "Job", "batch", "v1", true),
  k("cronjobs", "CronJob", "batch", "v1", true),
  k("services", "Service", "", "v1"),
  // networking.k8s.io/v1 Ingress is served from 1.19.
  k("ingresses", "Ingress", "networking.k8s.io", "v1"),
  k("configmaps", "ConfigMap", "", "v1"),
  k("secrets", "Secret", "", "v1"),
  k("persistentvolumeclaims", "PersistentVolumeClaim", "", "v1"),
  k("serviceaccounts", "ServiceAccount", "", "v1"),
];

export const kindNamed = (plural: string): ObjectKind => {
  const found = OBJECT_KINDS.find((x) => x.plural === plural);
  if (!found) throw new Error(`unknown kind ${plural}`);
  return found;
};

const cronJobVersions = new WeakMap<Member, Promise<string>>();

/** The version the member serves `kind` at (batch/v1beta1 CronJobs on a member older than 1.21). */
export async function versionOf(m: Member, kind: ObjectKind): Promise<string> {
  if (kind.plural !== "cronjobs") return kind.version;
  let v = cronJobVersions.get(m);
  if (!v) {
    v = getJson<{ resources?: { name: string }[] }>(m, "/apis/batch/v1").then((d) =>
      (d.resources ?? []).some((r) => r.name === "cronjobs") ? "v1" : "v1beta1",
    );
    // A failed discovery is asked again next time.
    v.catch(() => cronJobVersions.delete(m));
    cronJobVersions.set(m, v);
  }
  return v;
}

/** The apiVersion the member serves `kind` at. */
export async function apiVersionOf(m: Member, kind: ObjectKind): Promise<string> {
  const v = await versionOf(m, kind);
  return kind.group ? `${kind.group}/${v}` : v;
}

/** The member path of the kind's collection in `namespace`, or of one object when `name` is given. */
export async function pathOf(m: Member, kind: ObjectKind, namespace: string, name?: string): Promise<string> {
  const root = kind.group ? `/apis/${kind.group}/${await versionOf(m, kind)}` : `/api/${kind.version}`;
  const base = `${root}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}
