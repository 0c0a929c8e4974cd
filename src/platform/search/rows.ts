// What the index stores of an object: the object as kept (no managedFields;
// a Secret's metadata and type only) and the columns extracted from it.
import { createHash } from "node:crypto";
import { selectableFields } from "../../apiserver/registry/strategy.ts";
import type { GVR, KObject } from "./index.ts";
import { fieldOf, kindSpec, type KindSpec } from "./kinds.ts";

export type Row = {
  cluster: string;
  grp: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  name_lc: string;
  rv: string;
  created: number;
  status: string;
  s1: string;
  s2: string;
  n1: number;
  n2: number;
  n3: number;
  /** Lower-cased "key=value" lines, for fuzzySearch over labels. */
  labels_lc: string;
  /** A digest of labels and fields: when it is unchanged, an update leaves their rows alone. */
  sig: string;
  object: string;
  labels: [string, string][];
  /** Selectable fields not held in a column, non-empty values only ("" is the absent value). */
  fields: [string, string][];
};

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The object as the index keeps it. managedFields go, as client-go's
 * TransformStripManagedFields drops them from informer caches. A Secret keeps
 * its metadata and type only: data and stringData go, and so does the
 * last-applied annotation, which `kubectl apply` fills with the whole Secret.
 */
export function stripForIndex(group: string, resource: string, o: KObject): KObject {
  const { managedFields: _, ...meta } = o.metadata ?? {};
  if (group === "" && resource === "secrets") {
    const annotations = meta.annotations ? { ...meta.annotations } : undefined;
    if (annotations) delete annotations[LAST_APPLIED];
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { ...meta, ...(annotations ? { annotations } : {}) },
      ...(o.type !== undefined ? { type: o.type } : {}),
      ...(o.immutable !== undefined ? { immutable: o.immutable } : {}),
    };
  }
  return { ...o, metadata: meta };
}

/** Field selector fields answered from columns, for this kind. */
function columnFields(spec: KindSpec): Set<string> {
  return new Set(Object.keys(spec.fieldColumns ?? {}));
}

export function toRow(cluster: string, gvr: GVR, raw: KObject, extra: readonly KindSpec[] = []): Row {
  const spec = kindSpec(gvr, extra);
  const o = stripForIndex(gvr.group, gvr.resource, raw);
  const meta = o.metadata ?? {};
  const x = spec.extract?.(o) ?? {};
  const labels = Object.entries(meta.labels ?? {}).map(([k, v]) => [k, String(v)] as [string, string]);
  const inColumns = columnFields(spec);
  const fields: [string, string][] = [];
  for (const f of selectableFields(gvr)) {
    if (inColumns.has(f)) continue;
    const v = fieldOf(gvr, o, f);
    if (v !== "") fields.push([f, v]);
  }
  const name = meta.name ?? "";
  return {
    cluster,
    grp: gvr.group,
    version: gvr.version,
    resource: gvr.resource,
    namespace: meta.namespace ?? "",
    name,
    name_lc: name.toLowerCase(),
    rv: meta.resourceVersion ?? "",
    created: Date.parse(meta.creationTimestamp ?? "") || 0,
    status: x.status ?? "",
    s1: x.s1 ?? "",
    s2: x.s2 ?? "",
    n1: x.n1 ?? 0,
    n2: x.n2 ?? 0,
    n3: x.n3 ?? 0,
    labels_lc: labels.map(([k, v]) => `${k}=${v}`.toLowerCase()).join("\n"),
    sig: createHash("sha1").update(JSON.stringify([labels, fields])).digest("base64url").slice(0, 16),
    object: JSON.stringify(o),
    labels,
    fields,
  };
}
