// Custom resources as the console calls them (routes/customResources.ts):
// the cluster's CRDs from the cache's list, one CRD as the member has it,
// and the objects of a CRD by group, version and resource, namespaced or
// cluster-scoped, each listed with its printer columns ("columns"). Writes
// go as YAML and take dryRun=All.
import { api, type Query } from "./client.ts";
import type { KObject } from "./apps.ts";

const e = encodeURIComponent;

export type PrinterColumn = { name: string; type: string; jsonPath: string; priority?: number; description?: string };

export type Crd = {
  apiVersion?: string;
  kind?: string;
  metadata: KObject["metadata"];
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string; plural: string; singular?: string };
    versions: { name: string; served: boolean; storage: boolean; additionalPrinterColumns?: PrinterColumn[] }[];
  };
};

/** An object of a CRD as the list answers it: with its printer columns' cells, by column name. */
export type CrItem = KObject & { columns?: Record<string, unknown> };

/** Where one CRD's objects are: its API group, a version and its plural, and a namespace when namespaced. */
export type CrWhere = { cluster: string; group: string; version: string; resource: string; namespace?: string };

export const crPaths = {
  /** The cached CRD list (ClusterAdmin). */
  crds: (c: string) => `/clusters/${e(c)}/customresourcedefinitions`,
  crd: (c: string, name: string) => `/clusters/${e(c)}/customresourcedefinitions/${e(name)}`,
  /** The objects; without a namespace, those of every namespace (or a cluster-scoped CRD's). */
  objects: (w: CrWhere) =>
    `/clusters/${e(w.cluster)}/gvr/${e(w.group)}/${e(w.version)}${w.namespace ? `/namespaces/${e(w.namespace)}` : ""}/${e(w.resource)}`,
  object: (w: CrWhere, name: string) => `${crPaths.objects(w)}/${e(name)}`,
  json: (w: CrWhere, name: string) => `${crPaths.objects(w)}/${e(name)}/json`,
};

const q = (o: Record<string, string | undefined>) => {
  const s = new URLSearchParams(Object.entries(o).filter((x): x is [string, string] => !!x[1])).toString();
  return s ? `?${s}` : "";
};

/** Console routes of the custom resources section. */
export const crRoutes = {
  crds: (c: string) => `/clusters/${e(c)}/customresources`,
  objects: (c: string, crd: string, o: { namespace?: string; version?: string } = {}) =>
    `/clusters/${e(c)}/customresources/${e(crd)}${q(o)}`,
  create: (c: string, crd: string, o: { namespace?: string; version?: string } = {}) =>
    `/clusters/${e(c)}/customresources/${e(crd)}/create${q(o)}`,
  object: (c: string, crd: string, name: string, o: { namespace?: string; version?: string } = {}) =>
    `/clusters/${e(c)}/customresources/${e(crd)}/objects/${e(name)}${q(o)}`,
};

/** The version shown first: the storage version if served, else the first served one. */
export function defaultVersion(crd: Crd): string | undefined {
  const served = crd.spec.versions.filter((v) => v.served);
  return (served.find((v) => v.storage) ?? served[0])?.name;
}

/**
 * The columns a list shows by default, as kubectl get does: the version's
 * additionalPrinterColumns of priority 0, or Age when it declares none (the
 * CRD handler's default table).
 */
export function printerColumns(crd: Crd, version: string): PrinterColumn[] {
  const declared = crd.spec.versions.find((v) => v.name === version)?.additionalPrinterColumns;
  if (!declared?.length) return [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }];
  return declared.filter((c) => !c.priority);
}

/** Creates (no name) or replaces an object given as YAML; dryRun validates only. */
export function writeCr(w: CrWhere, yaml: string, opts: { name?: string; dryRun?: boolean }): Promise<KObject> {
  const query: Query = opts.dryRun ? { dryRun: "All" } : {};
  return api<KObject>(opts.name ? "PUT" : "POST", opts.name ? crPaths.object(w, opts.name) : crPaths.objects(w), {
    raw: yaml,
    query,
    headers: { "content-type": "application/yaml" },
  });
}
