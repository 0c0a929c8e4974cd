// metadata.managedFields: who owns which fields. Every write records its
// manager. A create, update or patch is an `Update` operation that takes the
// fields it added or changed from whoever held them; fields it removed leave
// every manager. Server-side apply (apply.ts) records `Apply` operations.
import { hasStatus } from "../registry/strategy.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { difference, equalSets, type FieldSet, isEmptySet, isFieldSet, sortSet, union } from "./fieldSet.ts";
import { objectShape } from "./shape.ts";
import { compare } from "./walk.ts";

export type Operation = "Apply" | "Update";

export type ManagedEntry = {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldSet;
  subresource?: string;
};

/** A manager's identity: appliers are one manager whatever version they apply with. */
export function managerKey(e: Pick<ManagedEntry, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ""}\u0000${e.operation === "Update" ? e.apiVersion : ""}`;
}

/** The manager a write without `fieldManager` records: the User-Agent's first segment, as kube does. */
export function managerFromUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const m = userAgent.split("/")[0].trim();
  return m ? m.slice(0, 128) : undefined;
}

/** The name recorded for writes nobody named (the server's own controllers). */
export const DEFAULT_MANAGER = "kube-apiserver";

function validEntry(e: unknown): e is ManagedEntry {
  if (e === null || typeof e !== "object") return false;
  const m = e as Record<string, unknown>;
  return (
    typeof m.manager === "string" &&
    (m.operation === "Apply" || m.operation === "Update") &&
    (m.fieldsType === undefined || m.fieldsType === "FieldsV1") &&
    (m.fieldsV1 === undefined || isFieldSet(m.fieldsV1))
  );
}

/** The entries of a managedFields value, or undefined when it is malformed. */
export function decodeEntries(v: unknown): ManagedEntry[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const e of v) if (!validEntry(e)) return undefined;
  return (v as ManagedEntry[]).map((e) => (e.fieldsV1 ? e : { ...e, fieldsType: "FieldsV1", fieldsV1: {} }));
}

/** The entries of a stored object: written by this server, so only their shape is trusted, not re-checked. */
export function storedEntries(v: unknown): ManagedEntry[] {
  if (!Array.isArray(v)) return [];
  return (v as ManagedEntry[]).map((e) => (e.fieldsV1 ? e : { ...e, fieldsType: "FieldsV1", fieldsV1: {} }));
}

/** `[]` or `[{}]`: a client asking to clear managedFields. */
export function isReset(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  return v.length === 1 && v[0] !== null && typeof v[0] === "object" && Object.keys(v[0]).length === 0;
}

/** Sorted as kube encodes them: Apply before Update, then by time, manager, version, subresource. */
export function sortEntries(entries: ManagedEntry[]): ManagedEntry[] {
  const cmp = (a = "", b = "") => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time, q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

export function newEntry(manager: string, operation: Operation, apiVersion: string, time: string, set: FieldSet, subresource?: string): ManagedEntry {
  const e: ManagedEntry = { manager, operation, apiVersion, time, fieldsType: "FieldsV1", fieldsV1: sortSet(set) };
  if (subresource) e.subresource = subresource;
  return e;
}

/** Sets `obj`'s managedFields, dropping entries that own nothing; removes the field when none are left. */
export function setEntries(obj: KObject, entries: ManagedEntry[]): void {
  const kept = entries.filter((e) => !isEmptySet(e.fieldsV1));
  obj.metadata ??= {};
  if (kept.length) obj.metadata.managedFields = sortEntries(kept);
  else delete obj.metadata.managedFields;
}

// Fields no manager owns (fieldmanager's stripMeta): identity and server-set metadata.
const STRIPPED_META = new Set([
  "name",
  "namespace",
  "creationTimestamp",
  "selfLink",
  "uid",
  "generation",
  "managedFields",
  "resourceVersion",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
]);

/** Whether main-resource writes leave status alone (store.prepareUpdate keeps the old status). */
export function resetsStatus(info: ResourceInfo): boolean {
  return hasStatus(info) && !(info.group === "" && info.resource === "nodes");
}

/**
 * The part of an object a write can own, built as a projection (rather than
 * stripping the field sets afterwards): no apiVersion, kind or server-set
 * metadata; no status where the main resource resets it; only status on the
 * status subresource.
 */
export function ownable(obj: KObject | undefined, subresource: string | undefined, resets: boolean): KObject | undefined {
  if (!obj) return obj;
  if (subresource === "status") return obj.status === undefined ? {} : { status: obj.status };
  const out: KObject = {};
  for (const k in obj) {
    if (k === "apiVersion" || k === "kind" || (resets && k === "status")) continue;
    if (k !== "metadata") {
      out[k] = obj[k];
      continue;
    }
    const meta = obj.metadata;
    if (meta === null || typeof meta !== "object") continue;
    let m: Record<string, unknown> | undefined;
    for (const mk in meta) {
      if (STRIPPED_META.has(mk)) continue;
      m ??= {};
      m[mk] = meta[mk];
    }
    if (m) out.metadata = m;
  }
  return out;
}

export type UpdateParams = {
  info: ResourceInfo;
  /** The version the client wrote in (recorded with the entry). */
  apiVersion: string;
  /** The object before the write; undefined for a create. */
  old: KObject | undefined;
  /** The object to be stored; its managedFields are set here. */
  obj: KObject;
  manager: string | undefined;
  subresource?: string;
  time: string;
};

/**
 * Records an Update operation on `obj.metadata.managedFields`. The starting
 * entries are the client's when it sent valid ones (kube accepts them; `[]`
 * clears them), else the old object's.
 */
export function recordUpdate(p: UpdateParams): void {
  p.obj.metadata ??= {};
  const meta = p.obj.metadata;
  const incoming = meta.managedFields;
  let entries: ManagedEntry[];
  let fromOld = false;
  if (!p.subresource && isReset(incoming)) entries = [];
  else {
    const sent = p.subresource ? undefined : decodeEntries(incoming);
    if (sent?.length) entries = sent;
    else {
      entries = storedEntries(p.old?.metadata?.managedFields);
      fromOld = true;
    }
  }
  const shape = objectShape(p.info);
  const resets = resetsStatus(p.info);
  const cmp = compare(ownable(p.old, p.subresource, resets), ownable(p.obj, p.subresource, resets), shape);
  const taken = union(cmp.modified, cmp.added);
  if (isEmptySet(taken) && isEmptySet(cmp.removed)) {
    if (fromOld) {
      if (p.old?.metadata?.managedFields) meta.managedFields = p.old.metadata.managedFields;
      else delete meta.managedFields;
      return;
    }
    setEntries(p.obj, entries);
    return;
  }
  const manager = p.manager || DEFAULT_MANAGER;
  const selfKey = managerKey({ manager, operation: "Update", apiVersion: p.apiVersion, subresource: p.subresource });
  const out: ManagedEntry[] = [];
  let self: ManagedEntry | undefined;
  for (const e of entries) {
    if (managerKey(e) === selfKey) {
      self = e;
      continue;
    }
    const next = difference(difference(e.fieldsV1, taken), cmp.removed);
    out.push(equalSets(next, e.fieldsV1) ? e : { ...e, fieldsV1: next });
  }
  const previous = self ? difference(self.fieldsV1, cmp.removed) : {};
  if (!isEmptySet(taken)) out.push(newEntry(manager, "Update", p.apiVersion, p.time, union(previous, taken), p.subresource));
  else if (self) out.push({ ...self, fieldsV1: previous });
  setEntries(p.obj, out);
}
