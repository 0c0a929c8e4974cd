// How /k8s/search/ answers a read: JSON (the object, or a <Kind>List), or a
// meta.k8s.io Table when the client asks for one (kubectl get asks
// `application/json;as=Table;v=v1;g=meta.k8s.io`). The Table is the one
// kube-apiserver prints for the kind (the apiserver's own printers), with a
// Cluster column first; each row's object is a PartialObjectMetadata (by
// default; includeObject=Object gives the whole object, None none) whose
// metadata carries the kpanda.io/cluster annotation.
import { type ColumnDefinition, type IncludeObject, printTable } from "../../apiserver/printers/index.ts";
import { ApiError, badRequest } from "../../apiserver/registry/errors.ts";
import type { KObject } from "../search/index.ts";
import { CLUSTER_ANNOTATION } from "./listing.ts";
import type { ServedKind } from "./served.ts";

export type Rendering = { as: "json" } | { as: "Table"; version: string };

/** The first media type of Accept that is served: JSON, or a meta.k8s.io Table (v1, or v1beta1 as older kubectl asks). */
export function negotiate(accept: string | undefined): Rendering {
  for (const part of (accept || "*/*").split(",")) {
    const [type, ...rest] = part.split(";").map((s) => s.trim());
    const params = Object.fromEntries(rest.map((p) => p.split("=").map((s) => s.trim())));
    if (!["application/json", "application/*", "*/*"].includes(type.toLowerCase())) continue;
    if (!params.as) return { as: "json" };
    if (params.as === "Table" && params.g === "meta.k8s.io" && ["v1", "v1beta1"].includes(params.v ?? "v1")) return { as: "Table", version: params.v ?? "v1" };
  }
  // kube-apiserver's answer when nothing acceptable is left (its protobuf and YAML are not served here).
  throw new ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json");
}

const CLUSTER_COLUMN: ColumnDefinition = {
  name: "Cluster",
  type: "string",
  format: "",
  description: `The kpanda member cluster the object is in (its ${CLUSTER_ANNOTATION} annotation).`,
  priority: 0,
};

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject") ?? "Metadata";
  if (v !== "None" && v !== "Metadata" && v !== "Object") {
    // kube-apiserver's wording (table.go's includeObject check).
    throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`);
  }
  return v;
}

/**
 * The Table of `objects` (served objects: annotated with their cluster). With
 * `noHeaders` (watch events after the first, as kube-apiserver sends them) the
 * column definitions are left out.
 */
export function table(
  kind: ServedKind,
  objects: KObject[],
  r: Extract<Rendering, { as: "Table" }>,
  q: URLSearchParams,
  meta: { resourceVersion: string; continue?: string; noHeaders?: boolean },
) {
  // The index's objects are the JSON the members served, which the printers read defensively.
  const { columnDefinitions, rows } = printTable(kind.info, objects as never[], {
    now: new Date(),
    includeObject: includeObject(q),
    noHeaders: meta.noHeaders,
  });
  for (let i = 0; i < rows.length; i++) rows[i].cells.unshift(objects[i].metadata?.annotations?.[CLUSTER_ANNOTATION] ?? "");
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${r.version}`,
    metadata: { resourceVersion: meta.resourceVersion, ...(meta.continue ? { continue: meta.continue } : {}) },
    columnDefinitions: meta.noHeaders ? [] : [CLUSTER_COLUMN, ...columnDefinitions],
    rows,
  };
}

/** A <Kind>List of the request's group version. */
export function list(kind: ServedKind, items: KObject[], meta: { resourceVersion: string; continue?: string }) {
  const { group, version } = kind.info;
  return {
    kind: `${kind.info.kind}List`,
    apiVersion: group ? `${group}/${version}` : version,
    metadata: { resourceVersion: meta.resourceVersion, ...(meta.continue ? { continue: meta.continue } : {}) },
    items,
  };
}
