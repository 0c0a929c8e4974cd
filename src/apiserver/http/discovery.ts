// API discovery: the legacy documents (/api, /apis, /apis/<g>, /<gv>) and the
// aggregated apidiscovery.k8s.io/v2 form that kubectl >= 1.30 asks for
// (https://kubernetes.io/docs/concepts/overview/kubernetes-api/#aggregated-discovery).
import type { ResourceRegistry } from "../registry/resources.ts";
import type { ResourceInfo } from "../registry/types.ts";

/** What the documents read of a registry: its resources and their groups (a subset serves as well, e.g. kpanda's /k8s/search). */
export type DiscoverySource = Pick<ResourceRegistry, "groups" | "all">;

type SubInfo = { kind: string; group?: string; version?: string; verbs: string[] };

function subresourceInfo(r: ResourceInfo, sub: string): SubInfo {
  switch (sub) {
    case "scale":
      return { kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] };
    case "binding":
      return { kind: "Binding", verbs: ["create"] };
    case "eviction":
      return { kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] };
    case "log":
      return { kind: "Pod", verbs: ["get"] };
    // Connect subresources: their verbs come from the connect methods (GET, POST; proxy adds PUT, PATCH, DELETE).
    case "attach":
      return { kind: "PodAttachOptions", verbs: ["create", "get"] };
    case "exec":
      return { kind: "PodExecOptions", verbs: ["create", "get"] };
    case "portforward":
      return { kind: "PodPortForwardOptions", verbs: ["create", "get"] };
    case "proxy":
      return { kind: `${r.kind}ProxyOptions`, verbs: ["create", "delete", "get", "patch", "update"] };
    case "finalize":
      return { kind: "Namespace", verbs: ["update"] };
    case "token":
      return { kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"] };
    default:
      return { kind: r.kind, verbs: ["get", "patch", "update"] };
  }
}

export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupDoc(g: { group: string; versions: string[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(reg: DiscoverySource) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: reg
      .groups()
      .filter((g) => g.group !== "")
      .map(groupDoc),
  };
}

export function apiGroup(reg: DiscoverySource, group: string) {
  const g = reg.groups().find((x) => x.group === group && group !== "");
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(g) } : undefined;
}

function resourcesOf(reg: DiscoverySource, group: string, version: string): ResourceInfo[] {
  return reg.all().filter((r) => r.group === group && r.version === version);
}

export function apiResourceList(reg: DiscoverySource, group: string, version: string) {
  const rs = resourcesOf(reg, group, version);
  if (rs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) {
      const s = subresourceInfo(r, sub);
      resources.push({
        name: `${r.resource}/${sub}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources };
}

function discoveryResource(r: ResourceInfo) {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((sub) => {
            const s = subresourceInfo(r, sub);
            return {
              subresource: sub,
              responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
              verbs: s.verbs,
            };
          }),
        }
      : {}),
  };
}

/** The aggregated document: /api (legacy=true) holds the core group, /apis the rest. */
export function aggregatedDiscovery(reg: DiscoverySource, legacy: boolean) {
  const groups = reg.groups().filter((g) => (legacy ? g.group === "" : g.group !== ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map((g) => ({
      metadata: legacy ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: resourcesOf(reg, g.group, v).map(discoveryResource),
        freshness: "Current",
      })),
    })),
  };
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export function wantsAggregated(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    if (!part.includes("g=apidiscovery.k8s.io") || !part.includes("as=APIGroupDiscoveryList")) continue;
    const v = /v=(v2beta1|v2)\b/.exec(part)?.[1];
    if (v) return v;
  }
  return undefined;
}
