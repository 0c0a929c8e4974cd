// POST /clusterpolicies/{name}:dryrun: what enforcing the policy would do,
// per cluster and namespace, whatever its mode.
// - PodSecurity: the member's own answer. A server-side dry run (dryRun=All)
//   of the namespace's enforce label makes kube-apiserver's Pod Security
//   admission check the existing pods and warn, as it does for a real
//   relabel (pod-security-admission's EvaluatePodsInNamespace): a line
//   `existing pods in namespace "x" violate the new PodSecurity enforce
//   level "restricted:latest"`, then one line per distinct set of
//   violations, `pod (and N other pods): reasons`. Each of those is a
//   finding; kube names one pod per set, and so do we.
// - The other kinds: computed from the index (findings.ts).
// A namespace whose own object stands in the way (a Conflict) is a finding
// too. The PATCHes go as the caller, so the member's RBAC applies.
import type { MemberRegistry } from "../clusters/members.ts";
import type { KObj } from "../host/kindCache.ts";
import { fromMember } from "../http/errors.ts";
import type { KObject, SearchIndex } from "../search/index.ts";
import { conflictOf, isOurs, namespaceRole, podSecurityLabels, psaLabelsOf, targetsCluster } from "./desired.ts";
import { type Finding, limitRangeFindings, networkPolicyFindings, quotaFindings, quotaKinds } from "./findings.ts";
import { NAMESPACES, namespacePath, OBJECT_KINDS, PODS } from "./kinds.ts";
import { memberCall } from "./memberCall.ts";
import { queryAll } from "./PolicyController.ts";
import { objectName, POLICY_LABEL, type PolicySpec } from "./types.ts";

export type DryRunDeps = { members: MemberRegistry; index: SearchIndex };
type Caller = { user: string; ip?: string };

/** Every finding of a policy over its target clusters, sorted by cluster, namespace, kind and name. */
export async function dryRun(deps: DryRunDeps, policy: KObj, caller: Caller): Promise<Finding[]> {
  const name = policy.metadata!.name!;
  const spec = policy.spec as PolicySpec;
  const targets = deps.members.clusterObjects().filter((c) => targetsCluster(spec, c));
  const out: Finding[] = [];
  for (const missing of (spec.clusters.names ?? []).filter((n) => !deps.members.cluster(n))) {
    out.push({ cluster: missing, namespace: "", kind: "Cluster", name: missing, reason: "the cluster is not integrated" });
  }
  const perCluster = await Promise.all(
    targets.map((c) =>
      clusterFindings(deps, name, spec, c, caller).catch((e) => {
        const cluster = c.metadata!.name!;
        return [{ cluster, namespace: "", kind: "Cluster", name: cluster, reason: fromMember(cluster, e).message }];
      }),
    ),
  );
  for (const f of perCluster) out.push(...f);
  const key = (f: Finding) => [f.cluster, f.namespace, f.kind, f.name, f.reason];
  return out.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

async function clusterFindings(deps: DryRunDeps, policy: string, spec: PolicySpec, c: KObj, caller: Caller): Promise<Finding[]> {
  const cluster = c.metadata!.name!;
  if (c.status?.phase !== "Running") {
    return [{ cluster, namespace: "", kind: "Cluster", name: cluster, reason: `the cluster is ${c.status?.phase ?? "not Running"}` }];
  }
  const nss = (await queryAll(deps.index, { ...NAMESPACES, clusters: [cluster] })).filter(
    (n) => namespaceRole(spec, n) === "Target" && n.status?.phase !== "Terminating",
  );
  const tag = (ns: string, fs: Omit<Finding, "cluster" | "namespace">[]): Finding[] => fs.map((f) => ({ cluster, namespace: ns, ...f }));
  if (spec.kind === "PodSecurity") return podSecurityFindings(deps, policy, spec, c, nss, caller);
  const k = OBJECT_KINDS[spec.kind];
  const byNs = async (kind: { group: string; resource: string }) => groupByNamespace(await queryAll(deps.index, { group: kind.group, resource: kind.resource, clusters: [cluster] }));
  const own = await byNs(k);
  const pods = spec.kind === "ResourceQuota" ? new Map<string, KObject[]>() : await byNs(PODS);
  const counted = spec.kind === "ResourceQuota" ? await Promise.all(quotaKinds((spec.template?.hard ?? {}) as Record<string, unknown>).map(async (kind) => ({ kind, byNs: await byNs(kind) }))) : [];
  const out: Finding[] = [];
  for (const n of nss) {
    const ns = n.metadata!.name!;
    const foreign = conflictOf(k, own.get(ns) ?? [], policy);
    if (foreign) {
      out.push(...tag(ns, [{ kind: k.kind, name: foreign.metadata?.name ?? "", reason: `the namespace's own ${k.kind}: the policy would leave it and not apply (Conflict)` }]));
      continue;
    }
    const t = spec.template ?? {};
    if (spec.kind === "ResourceQuota") out.push(...tag(ns, quotaFindings(t, counted.map((x) => ({ kind: x.kind, items: x.byNs.get(ns) ?? [] })), objectName(policy))));
    else if (spec.kind === "LimitRange") out.push(...tag(ns, limitRangeFindings(t, pods.get(ns) ?? [])));
    else {
      const others = (own.get(ns) ?? []).filter((o) => !isOurs(o, policy));
      out.push(...tag(ns, networkPolicyFindings(t, ns, pods.get(ns) ?? [], others)));
    }
  }
  return out;
}

function groupByNamespace(items: KObject[]): Map<string, KObject[]> {
  const out = new Map<string, KObject[]>();
  for (const o of items) {
    const ns = o.metadata?.namespace ?? "";
    out.set(ns, [...(out.get(ns) ?? []), o]);
  }
  return out;
}

/** Pod Security admission arrived in 1.22 (alpha, off by default) and is on by default from 1.23. */
function hasPodSecurity(version: unknown): boolean {
  const m = /^v?1\.(\d+)/.exec(String(version ?? ""));
  return !m || Number(m[1]) >= 23;
}

async function podSecurityFindings(deps: DryRunDeps, policy: string, spec: PolicySpec, c: KObj, nss: KObject[], caller: Caller): Promise<Finding[]> {
  const cluster = c.metadata!.name!;
  const m = await deps.members.get(cluster);
  if (!m) return [];
  // The health loop records the version; until it has, ask.
  const version = c.status?.kubernetesVersion ?? (await memberCall(m, { path: "/version" })).body?.gitVersion;
  if (!hasPodSecurity(version)) {
    const reason = `Kubernetes ${version} has no Pod Security admission on by default (1.23 and later have it): the labels would have no effect`;
    return [{ cluster, namespace: "", kind: "Cluster", name: cluster, reason }];
  }
  const level = podSecurityLabels({ ...spec, mode: "Enforce" });
  const enforce = { "pod-security.kubernetes.io/enforce": level["pod-security.kubernetes.io/enforce"], "pod-security.kubernetes.io/enforce-version": level["pod-security.kubernetes.io/enforce-version"] };
  const lists = await Promise.all(
    nss.map(async (n): Promise<Finding[]> => {
      const ns = n.metadata!.name!;
      const labels = n.metadata?.labels;
      if (!isOurs(n, policy) && (labels?.[POLICY_LABEL] || psaLabelsOf(labels).length)) {
        const own = psaLabelsOf(labels).map(([k, v]) => `${k}=${v}`).join(", ");
        return [{ cluster, namespace: ns, kind: "Namespace", name: ns, reason: `the namespace's own Pod Security labels (${own || labels?.[POLICY_LABEL]}): the policy would leave them (Conflict)` }];
      }
      try {
        const res = await memberCall(m, { method: "PATCH", path: `${namespacePath(ns)}?dryRun=All`, body: { metadata: { labels: enforce } }, contentType: "application/merge-patch+json", as: caller });
        return warningFindings(cluster, ns, res.warnings);
      } catch (e) {
        return [{ cluster, namespace: ns, kind: "Namespace", name: ns, reason: fromMember(cluster, e).message }];
      }
    }),
  );
  return lists.flat();
}

/** Findings from the member's warnings: one per `pod (and N other pods): reasons` line. */
export function warningFindings(cluster: string, namespace: string, warnings: string[]): Finding[] {
  const out: Finding[] = [];
  for (const w of warnings) {
    if (w.startsWith("existing pods in namespace")) continue;
    const m = /^(\S+)( \(and (\d+) other pods?\))?: (.*)$/s.exec(w);
    if (!m) {
      // Other warnings (say, "new PodSecurity enforce level only checked against the first 3000 of 4000 existing pods") are findings on the namespace.
      out.push({ cluster, namespace, kind: "Namespace", name: namespace, reason: w });
      continue;
    }
    const others = m[3] ? ` (and ${m[3]} other pod${m[3] === "1" ? "" : "s"} with the same violations)` : "";
    out.push({ cluster, namespace, kind: "Pod", name: m[1], reason: `${m[4]}${others}` });
  }
  return out;
}
