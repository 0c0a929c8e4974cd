// Server-side apply (structured-merge-diff's Updater.Apply, in our terms):
// merge the configuration into the live object, remove what this manager
// applied last time and no longer does (unless someone else owns it), and
// refuse to change a field another manager owns unless forced.
import { ApiError } from "../registry/errors.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { difference, type FieldSet, intersection, isEmptySet, memberPaths, union } from "./fieldSet.ts";
import {
  storedEntries,
  type ManagedEntry,
  managerKey,
  newEntry,
  ownable,
  resetsStatus,
  setEntries,
} from "./managedFields.ts";
import { mergeValue, removeFields } from "./merge.ts";
import { objectShape } from "./shape.ts";
import { compare, configFieldSet, wholeNode } from "./walk.ts";

export type ApplyParams = {
  info: ResourceInfo;
  /** The live object, in the version the client applies with; undefined when apply creates it. */
  live: KObject | undefined;
  config: KObject;
  manager: string;
  force: boolean;
  subresource?: string;
  time: string;
};

type Conflict = { entry: ManagedEntry; fields: FieldSet };

/** The object after the apply, with its managedFields. Throws a 409 on conflicts unless forced. */
export function applyConfig(p: ApplyParams): KObject {
  const shape = objectShape(p.info);
  const resets = resetsStatus(p.info);
  const apiVersion = p.config.apiVersion ?? "";
  const live = withoutManagedFields(p.live);
  let entries = p.live ? storedEntries(p.live.metadata?.managedFields) : [];
  if (p.live && entries.length === 0) {
    // An object nobody manages yet: its fields belong to "before-first-apply", as in kube.
    const all = wholeNode(ownable(p.live, p.subresource, resets), shape);
    entries = [newEntry("before-first-apply", "Update", apiVersion, p.time, all, p.subresource)];
  }
  const applied = configFieldSet(ownable(p.config, p.subresource, resets), shape);
  let merged = mergeValue(live ?? {}, p.config, shape) as KObject;

  const selfKey = managerKey({ manager: p.manager, operation: "Apply", apiVersion, subresource: p.subresource });
  const last = entries.find((e) => managerKey(e) === selfKey);
  const others = entries.filter((e) => e !== last);
  if (last) {
    const dropped = difference(last.fieldsV1, applied);
    if (!isEmptySet(dropped)) {
      const kept = others.reduce((acc, e) => union(acc, e.fieldsV1), applied);
      merged = removeFields(merged, dropped, kept, shape) as KObject;
    }
  }

  const raw = compare(ownable(p.live, p.subresource, resets), ownable(merged, p.subresource, resets), shape);
  const changed = union(raw.modified, raw.added);
  const removed = raw.removed;
  const conflicts: Conflict[] = [];
  for (const e of others) {
    const fields = intersection(e.fieldsV1, changed);
    if (!isEmptySet(fields)) conflicts.push({ entry: e, fields });
  }
  if (conflicts.length && !p.force && !allowedByLastApplied(p, live, conflicts)) throw conflictError(conflicts);

  const out: ManagedEntry[] = [];
  for (const e of others) {
    const c = conflicts.find((x) => x.entry === e);
    let set = c ? difference(e.fieldsV1, c.fields) : e.fieldsV1;
    set = difference(set, removed);
    out.push(set === e.fieldsV1 ? e : { ...e, fieldsV1: set });
  }
  const objectChanged = !isEmptySet(changed) || !isEmptySet(removed);
  const time = objectChanged || !last?.time ? p.time : last.time;
  out.push(newEntry(p.manager, "Apply", apiVersion, time, applied, p.subresource));
  if (p.manager === KUBECTL) merged = keepLastApplied(live, merged, p.config);
  setEntries(merged, out);
  return merged;
}

const KUBECTL = "kubectl";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * kube's lastAppliedManager: `kubectl apply --server-side` over an object
 * that client-side apply manages does not conflict on fields that still hold
 * what the last-applied annotation says; kubectl then moves their ownership.
 */
function allowedByLastApplied(p: ApplyParams, live: KObject | undefined, conflicts: Conflict[]): boolean {
  const text = live?.metadata?.annotations?.[LAST_APPLIED];
  if (p.manager !== KUBECTL || typeof text !== "string" || text === "") return false;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return false;
  }
  const shape = objectShape(p.info);
  const resets = resetsStatus(p.info);
  const lastOwnable = ownable(last as KObject, p.subresource, resets);
  const allowed = difference(configFieldSet(lastOwnable, shape), compare(lastOwnable, ownable(live, p.subresource, resets), shape).modified);
  return conflicts.every((c) => isEmptySet(difference(c.fields, allowed)));
}

/** kube's lastAppliedUpdater: kubectl's server-side applies keep an existing last-applied annotation current. */
function keepLastApplied(live: KObject | undefined, merged: KObject, config: KObject): KObject {
  if (live?.metadata?.annotations?.[LAST_APPLIED] === undefined) return merged;
  const { [LAST_APPLIED]: _, ...annotations } = config.metadata?.annotations ?? {};
  const { annotations: __, ...meta } = config.metadata ?? {};
  const copy = { ...config, metadata: Object.keys(annotations).length ? { ...meta, annotations } : meta };
  const next = { ...merged, metadata: { ...merged.metadata } };
  next.metadata.annotations = { ...next.metadata.annotations, [LAST_APPLIED]: `${JSON.stringify(copy)}\n` };
  return next;
}

function withoutManagedFields(obj: KObject | undefined): KObject | undefined {
  if (obj?.metadata?.managedFields === undefined) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** How kube names a manager in a conflict: appliers by name, updaters with their version. */
function managerText(e: ManagedEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === "Update" ? `${s} using ${e.apiVersion}` : s;
}

/** The 409 kube answers (fieldmanager's NewConflictError), which kubectl prints with its advice. */
export function conflictError(conflicts: Conflict[]): ApiError {
  const list = conflicts.flatMap((c) => memberPaths(c.fields).map((path) => ({ manager: managerText(c.entry), path })));
  const causes = list.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${c.manager}`, field: c.path }));
  let message: string;
  if (list.length === 1) message = `Apply failed with 1 conflict: conflict with ${list[0].manager}: ${list[0].path}`;
  else {
    const byManager = new Map<string, string[]>();
    for (const c of list) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`));
    }
    message = `Apply failed with ${list.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(409, "Conflict", message, { causes });
}
