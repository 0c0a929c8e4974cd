// One CRD as the member has it, and where its objects are for the version
// (and namespace) the address names.
import { useQuery } from "@tanstack/react-query";
import type { ApiError } from "../api/ApiError.ts";
import { get } from "../api/client.ts";
import { type Crd, type CrWhere, crPaths, defaultVersion } from "../api/crs.ts";

export function useCrd(cluster: string, name: string) {
  return useQuery<Crd, ApiError>({
    queryKey: ["crd", cluster, name],
    queryFn: ({ signal }) => get<Crd>(crPaths.crd(cluster, name), undefined, signal),
    staleTime: 30_000,
  });
}

/** The objects' place: the version asked for when the CRD serves it, else its default. */
export function whereOf(crd: Crd, cluster: string, version?: string | null, namespace?: string | null): CrWhere {
  const served = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
  return {
    cluster,
    group: crd.spec.group,
    version: version && served.includes(version) ? version : (defaultVersion(crd) ?? ""),
    resource: crd.spec.names.plural,
    namespace: crd.spec.scope === "Namespaced" ? (namespace ?? undefined) : undefined,
  };
}
