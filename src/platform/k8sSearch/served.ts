// What /k8s/search/ serves: every kind the search index caches (search/kinds.ts),
// at each of the versions members serve it in, described as kube-apiserver
// describes the built-in kind (apiserver/registry/builtin.ts: kind, singular,
// short names, categories) but with the verbs served here only, get, list and
// watch, and no subresources. Discovery documents are the apiserver's own
// (apiserver/http/discovery.ts), given this subset.
import { builtinGroupOrder, builtinResources } from "../../apiserver/registry/builtin.ts";
import type { ResourceInfo } from "../../apiserver/registry/types.ts";
import type { DiscoverySource } from "../../apiserver/http/discovery.ts";
import { KINDS, type KindSpec } from "../search/kinds.ts";

/** The verbs served (writes go to one cluster: /k8s/clusters/{c}). */
export const SERVED_VERBS = ["get", "list", "watch"];

export type ServedKind = { spec: KindSpec; info: ResourceInfo };

/**
 * The served kinds: a cached kind at each of its versions (kinds.ts), the
 * first preferred. A member on an older Kubernetes stores a kind at an older
 * version (a 1.20 member's CronJobs are batch/v1beta1); every version lists
 * the kind's objects of all versions, each keeping its own apiVersion, which
 * discovery must name for kubectl to decode it. A version the apiserver does
 * not describe is described as the preferred one is. Kinds without a built-in
 * description (custom resources added by configuration) are not served: their
 * Kind is unknown here.
 */
export function servedKinds(kinds: readonly KindSpec[] = KINDS): ServedKind[] {
  const out: ServedKind[] = [];
  const builtin = (group: string, version: string, resource: string) =>
    builtinResources.find((r) => r.group === group && r.version === version && r.resource === resource);
  for (const spec of kinds) {
    const preferred = builtin(spec.group, spec.versions[0], spec.resource);
    if (!preferred) continue;
    for (const version of spec.versions) {
      const info = builtin(spec.group, version, spec.resource) ?? { ...preferred, version };
      out.push({ spec, info: { ...info, verbs: SERVED_VERBS, subresources: [] } });
    }
  }
  return out;
}

/** The served kinds as the discovery documents read a registry: resources, and groups in kube-apiserver's order. */
export function discoverySource(served: readonly ServedKind[]): DiscoverySource {
  const infos = served.map((s) => s.info);
  const order = (g: string) => (g === "" ? -1 : builtinGroupOrder.indexOf(g) === -1 ? 1000 : builtinGroupOrder.indexOf(g));
  const groups = [...new Set(infos.map((i) => i.group))]
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((group) => ({ group, versions: [...new Set(infos.filter((i) => i.group === group).map((i) => i.version))] }));
  return { all: () => infos, groups: () => groups };
}

/** The served kind at (group, version, resource), if any. */
export function findServed(served: readonly ServedKind[], group: string, version: string, resource: string): ServedKind | undefined {
  return served.find((s) => s.info.group === group && s.info.version === version && s.info.resource === resource);
}
