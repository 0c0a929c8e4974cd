// Discovery of aggregated group-versions, merged into the server's own:
// /apis lists them after the local groups, ordered as kube-aggregator's
// SortedByGroupAndVersion orders APIServices (groupPriorityMinimum
// descending, then name; versions by versionPriority, then kube-aware
// version order), /apis/<group> is answered from the APIServices
// (handler_apis.go), and the aggregated apidiscovery.k8s.io/v2 document
// carries each group-version's resources as last fetched from its server
// (handler_discovery.go's legacy fallback, converted as
// endpoints.ConvertGroupVersionIntoToDiscovery does), "Stale" when the last
// fetch failed.
import { sortVersions } from "../registry/resources.ts";

/** One aggregated group-version: an APIService with a service. */
export type RemoteVersion = {
  name: string;
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
  /** The server's APIResourceList resources, as last fetched; undefined before the first fetch. */
  resources?: Record<string, any>[];
  /** The last fetch failed. */
  stale: boolean;
};

/** Groups in kube-aggregator's order, each with its versions in preference order. */
export function remoteGroups(remote: RemoteVersion[]): { group: string; versions: RemoteVersion[] }[] {
  const byPriority = [...remote].sort((a, b) => b.groupPriorityMinimum - a.groupPriorityMinimum || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groups: { group: string; versions: RemoteVersion[] }[] = [];
  for (const r of byPriority) {
    const g = groups.find((x) => x.group === r.group);
    if (g) g.versions.push(r);
    else groups.push({ group: r.group, versions: [r] });
  }
  for (const g of groups) {
    const kubeOrder = sortVersions(g.versions.map((v) => v.version));
    g.versions.sort((a, b) => b.versionPriority - a.versionPriority || kubeOrder.indexOf(a.version) - kubeOrder.indexOf(b.version));
  }
  return groups;
}

/** convertToDiscoveryAPIGroup: the APIGroup of one aggregated group. */
export function remoteApiGroup(g: { group: string; versions: RemoteVersion[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v.version}`, version: v.version }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

/** endpoints.ConvertGroupVersionIntoToDiscovery: an APIResourceList's resources in the v2 form. */
export function toDiscoveryResources(list: Record<string, any>[]): Record<string, unknown>[] {
  const out: Record<string, any>[] = [];
  const parents = new Map<string, Record<string, any>>();
  const kindOf = (r: Record<string, any>) => ({ group: r.group ?? "", version: r.version ?? "", kind: r.kind ?? "" });
  for (const r of list) {
    if (String(r.name).includes("/")) continue;
    const d: Record<string, any> = {
      resource: r.name,
      responseKind: kindOf(r),
      scope: r.namespaced ? "Namespaced" : "Cluster",
      singularResource: r.singularName ?? "",
      verbs: r.verbs ?? [],
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
    };
    out.push(d);
    parents.set(r.name, d);
  }
  for (const r of list) {
    const [parent, sub] = String(r.name).split("/", 2);
    if (sub === undefined) continue;
    const p = parents.get(parent);
    if (!p) continue;
    p.subresources = [...(p.subresources ?? []), { subresource: sub, responseKind: kindOf(r), verbs: r.verbs ?? [] }];
  }
  return out;
}

/** The aggregated-discovery items of the aggregated groups (names not served locally). */
export function remoteDiscoveryItems(remote: RemoteVersion[], local: Set<string>) {
  return remoteGroups(remote)
    .filter((g) => !local.has(g.group))
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v.version,
        resources: toDiscoveryResources(v.resources ?? []),
        freshness: v.stale || !v.resources ? "Stale" : "Current",
      })),
    }));
}
