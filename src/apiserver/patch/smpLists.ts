// Strategic merge patch for lists: merging by key, union of primitives, the
// list directives (`$patch` items, `$setElementOrder/`, delete lists) and the
// order of the result. The rules follow apimachinery's
// pkg/util/strategicpatch (mergeSlice, mergePatchIntoOriginal,
// normalizeElementOrder) and
// https://git.k8s.io/design-proposals-archive/cli/preserve-order-in-strategic-merge-patch.md:
// items named by the patch take the patch's (or $setElementOrder's) order,
// server-only items keep theirs, and the two are interleaved by their
// positions in the live list. Items new to the list land before server-only
// items that follow them, as upstream does.
import { isPlainObject, PatchError } from "./PatchError.ts";
import {
  applyStrategy,
  cleanNew,
  DIRECTIVE,
  type FieldLookup,
  goFormat,
  goTypeName,
  itemsOf,
  lookupField,
  type MergeMapFn,
  type Obj,
  type SchemaNode,
  SET_ORDER_PREFIX,
} from "./smpSchema.ts";

type ElemKind = "object" | "scalar";

/** Merges the value of a list field, honouring its patch strategy. */
export function mergeListField(original: unknown[], patch: unknown[], field: FieldLookup, isDeleteList: boolean, mergeMap: MergeMapFn): unknown[] {
  if (applyStrategy(field.meta) === "merge" || isDeleteList) {
    return mergeSlice(original, patch, itemsOf(field.node), field.meta?.mergeKey ?? "", isDeleteList, mergeMap);
  }
  return cleanNew(patch) as unknown[];
}

function mergeSlice(original: unknown[], patch: unknown[], items: SchemaNode, mergeKey: string, isDeleteList: boolean, mergeMap: MergeMapFn): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let o = original;
  let p = patch;
  let merged: unknown[];
  if (kind === "scalar") {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw PatchError.unprocessed("cannotMerge", `cannot merge lists without merge key for ${items?.kind === "ref" ? items.name : "Struct"}`);
    [o, p] = applyItemDirectives(original, patch, mergeKey);
    merged = mergeByKey(o, p, mergeKey, items, mergeMap);
  }
  const [named, serverOnly] = partition(merged, p, mergeKey, kind);
  return normalizeOrder(named, serverOnly, p, o, mergeKey, kind);
}

/** All elements of the lists share one kind; lists of lists are refused. */
function elementKind(...lists: unknown[][]): ElemKind {
  let first: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
      if (t === "array") throw PatchError.invalid("cannotMerge", "lists of lists are not supported");
      if (t === "null") throw PatchError.unprocessed("cannotMerge", "list elements must not be null");
      if (first === undefined) first = t;
      else if (first !== t) throw PatchError.unprocessed("cannotMerge", `list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return first === "object" ? "object" : "scalar";
}

function noMergeKey(item: unknown, mergeKey: string): PatchError {
  return PatchError.unprocessed("cannotMerge", `map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b && (a === null || typeof a !== "object");
}

/** Applies `{$patch: delete|replace}` items; returns the list to merge into and the plain patch items. */
function applyItemDirectives(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let o = original;
  for (const v of patch) {
    const item = v as Obj;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const d = item[DIRECTIVE];
    if (d === "delete") {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      o = o.filter((x) => !sameKey((x as Obj)[mergeKey], item[mergeKey]));
    } else if (d === "replace") {
      replace = true;
    } else if (d === "merge") {
      throw PatchError.unprocessed("badDirective", "merging lists cannot yet be specified in the patch");
    } else {
      throw PatchError.unprocessed("badDirective", `unknown patch type: ${goFormat(d)} in map: ${goFormat(item)}`);
    }
  }
  return replace ? [cleanNew(plain) as unknown[], []] : [o, plain];
}

function mergeByKey(original: unknown[], patch: unknown[], mergeKey: string, items: SchemaNode, mergeMap: MergeMapFn): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const item = v as Obj;
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const i = out.findIndex((x) => sameKey((x as Obj)[mergeKey], item[mergeKey]));
    if (i >= 0) out[i] = mergeMap(out[i] as Obj, item, items);
    else {
      const c = cleanNew(item);
      if (c !== undefined) out.push(c);
    }
  }
  return out;
}

function keyOf(v: unknown, mergeKey: string, kind: ElemKind): unknown {
  if (kind === "scalar") return v;
  return isPlainObject(v) ? v[mergeKey] : undefined;
}

function indexIn(list: unknown[], v: unknown, mergeKey: string, kind: ElemKind): number {
  const want = keyOf(v, mergeKey, kind);
  return list.findIndex((x) => keyOf(x, mergeKey, kind) === want);
}

/** Splits `merged` into the items named in `by` and the server-only rest. */
function partition(merged: unknown[], by: unknown[], mergeKey: string, kind: ElemKind): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    if (kind === "object") {
      if (!isPlainObject(v) || !Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      if (by.some((x) => !isPlainObject(x))) throw PatchError.unprocessed("cannotMerge", "value for key is not a map");
    }
    (indexIn(by, v, mergeKey, kind) >= 0 ? named : serverOnly).push(v);
  }
  return [named, serverOnly];
}

function sortByOrder(list: unknown[], order: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  let keep = list;
  let deleted: unknown[] = [];
  if (kind === "object") {
    for (const v of [...list, ...order]) if (!isPlainObject(v) || !Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    keep = list.filter((v) => (v as Obj)[DIRECTIVE] !== "delete");
    deleted = list.filter((v) => (v as Obj)[DIRECTIVE] === "delete");
  }
  const rank = (v: unknown) => {
    const i = indexIn(order, v, mergeKey, kind);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const sorted = keep
    .map((v, i) => ({ v, i, r: rank(v) }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r < b.r ? -1 : 1))
    .map((x) => x.v);
  return [...sorted, ...deleted];
}

/**
 * Orders named items by `patchOrder` and server-only items by `serverOrder`,
 * then interleaves them: a server-only item goes before the next named item
 * only when both are in the live list and it comes first there.
 */
function normalizeOrder(named: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const right = sortByOrder(named, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** The list field named by a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key. */
export function directiveField(key: string, prefix: string, formatError: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) throw PatchError.badRequest("badDirective", formatError);
  return key.slice(slash + 1);
}

/**
 * Processes every `$setElementOrder/<field>` of `patch` together with the
 * patch's `<field>` list, and removes both from the patch (upstream
 * mergePatchIntoOriginal).
 */
export function applySetElementOrder(original: Obj, patch: Obj, node: SchemaNode, mergeMap: MergeMapFn): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw PatchError.unprocessed("badDirective", `expected a []interface {}, but received a ${goTypeName(order)}`);
    const field = directiveField(key, SET_ORDER_PREFIX, "invalid patch format of setElementOrder list");
    const ov = listAt(original, field);
    const pv = listAt(patch, field);
    const lookup = lookupField(node, field);
    const mergeKey = lookup.meta?.mergeKey ?? "";
    validateOrder(pv ?? [], order, mergeKey);
    let merged: unknown[];
    if (ov && pv) merged = mergeListField(ov, pv, lookup, false, mergeMap);
    else if (pv) merged = cleanNew(pv) as unknown[];
    else if (ov) merged = ov;
    else continue;
    delete patch[field];
    if (merged.length === 0 || (ov ?? []).length + (pv ?? []).length === 0) {
      original[field] = merged;
      continue;
    }
    const kind = elementKind(ov ?? [], pv ?? []);
    const [named, serverOnly] = partition(merged, order, mergeKey, kind);
    original[field] = normalizeOrder(named, serverOnly, order, ov ?? [], mergeKey, kind);
  }
}

function listAt(m: Obj, field: string): unknown[] | undefined {
  if (!Object.hasOwn(m, field)) return undefined;
  const v = m[field];
  if (!Array.isArray(v)) throw PatchError.unprocessed("cannotMerge", `expected a []interface {}, but received a ${goTypeName(v)}`);
  return v;
}

/** The items of the patch list must appear in `$setElementOrder` in the same relative order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isPlainObject(v) && v[DIRECTIVE] === "delete")) : patchList;
  const keyed = (v: unknown): unknown => {
    if (!mergeKey) return v;
    if (!isPlainObject(v)) throw PatchError.unprocessed("cannotMerge", `expected a map[string]interface {}, but received a ${goTypeName(v)}`);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    return v[mergeKey];
  };
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isPlainObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameKey(keyed(item), keyed(order[s]))) p++;
    s++;
  }
  if (p < items.length) {
    throw PatchError.unprocessed("badDirective", `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ORDER_PREFIX} list:\n${goFormat(order)}\n`);
  }
}
