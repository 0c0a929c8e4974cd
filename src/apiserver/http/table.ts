// Server-side printing: wraps the printers' rows in a meta.k8s.io Table.
import { badRequest } from "../registry/errors.ts";
import type { KObject } from "../registry/types.ts";
import { type IncludeObject, printTable } from "../printers/index.ts";
import type { Rendering } from "./codec.ts";
import type { Call } from "./call.ts";

type TableRendering = Extract<Rendering, { as: "Table" }>;

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject") ?? "Metadata";
  if (v !== "None" && v !== "Metadata" && v !== "Object") {
    throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`);
  }
  return v;
}

export function renderTable(
  call: Call,
  r: TableRendering,
  objects: KObject[],
  meta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
): Record<string, unknown> {
  const { columnDefinitions, rows } = printTable(call.info, objects, {
    now: new Date(),
    includeObject: includeObject(call.query),
  });
  const m: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) m.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) m.remainingItemCount = meta.remainingItemCount;
  return { kind: "Table", apiVersion: `meta.k8s.io/${r.version}`, metadata: m, columnDefinitions, rows };
}

/** A watch event's Table: column definitions on the first event only, as kube-apiserver sends them. */
export function tableForWatch(call: Call, r: TableRendering, obj: KObject, first: boolean): Record<string, unknown> {
  const { columnDefinitions, rows } = printTable(call.info, [obj], {
    now: new Date(),
    includeObject: includeObject(call.query),
    noHeaders: !first,
  });
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${r.version}`,
    metadata: { resourceVersion: obj.metadata?.resourceVersion ?? "" },
    columnDefinitions,
    rows,
  };
}
