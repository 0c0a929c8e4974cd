// Strategic merge patch (application/strategic-merge-patch+json), as
// kube-apiserver applies it: StrategicMergeMapPatch with MergeParallelList and
// IgnoreUnmatchedNulls (apimachinery pkg/util/strategicpatch), described in
// https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
//
//  - maps merge recursively; `null` deletes a key (and is ignored when the key is absent);
//  - a value of another JSON type than the live one replaces it;
//  - lists whose field has patchStrategy "merge" merge: lists of objects by
//    their patchMergeKey, lists of primitives as a union; other lists are replaced;
//  - a map field with patchStrategy "replace" is replaced;
//  - directives: `$patch: replace|delete` in a map, `$patch: delete|replace`
//    as a list item, `$retainKeys`, `$setElementOrder/<list>`,
//    `$deleteFromPrimitiveList/<list>`.
// Fields the schema does not know (maps, `object`, custom resources) follow
// the same rules without strategies, so they behave like JSON merge patch.
import type { KObject } from "../registry/types.ts";
import { goJSONKind, isPlainObject, PatchError } from "./PatchError.ts";
import { applySetElementOrder, directiveField, mergeListField } from "./smpLists.ts";
import {
  applyStrategy,
  cleanNew,
  DELETE_PRIMITIVE_PREFIX,
  DIRECTIVE,
  goFormat,
  lookupField,
  modelNode,
  type Obj,
  RETAIN_KEYS,
  type SchemaNode,
  SET_ORDER_PREFIX,
} from "./smpSchema.ts";
import { cloneJson } from "../registry/clone.ts";

/**
 * Applies a strategic merge patch to `original` (a built-in object whose model
 * is `modelType`, e.g. "V1Deployment"). Neither input is modified. Throws
 * PatchError for a patch that cannot apply.
 */
export function strategicMergePatch(original: KObject, patch: unknown, modelType: string): KObject {
  // kube-apiserver decodes the body into map[string]interface{}: JSON null
  // decodes to an empty patch, anything but an object fails to decode.
  if (patch === null) return cloneJson(original);
  if (!isPlainObject(patch)) {
    throw PatchError.badRequest("invalidDocument", `json: cannot unmarshal ${goJSONKind(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(original) as Obj, cloneJson(patch), modelNode(modelType)) as KObject;
}

/** Merges `patch` into `original` (both owned by the caller, and modified). */
function mergeMap(original: Obj, patch: Obj, node: SchemaNode): Obj {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, node, mergeMap);
  const deleteLists: string[] = [];
  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) deleteLists.push(key);
    else mergeField(original, key, patch[key], node, false);
  }
  // Delete lists go last so that a list and its delete list in one patch do
  // not depend on key order (upstream walks a Go map, in random order).
  for (const key of deleteLists) {
    const field = directiveField(key, DELETE_PRIMITIVE_PREFIX, "invalid patch format of primitive list");
    mergeField(original, field, patch[key], node, true);
  }
  return original;
}

function mapDirective(patch: Obj): Obj {
  const d = patch[DIRECTIVE];
  if (d === "replace") {
    delete patch[DIRECTIVE];
    return cleanNew(patch) as Obj;
  }
  if (d === "delete") return {};
  throw PatchError.unprocessed("badDirective", `unknown patch type: ${goFormat(d)} in map: ${goFormat(patch)}`);
}

function jsonKind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function mergeField(original: Obj, key: string, value: unknown, node: SchemaNode, isDeleteList: boolean): void {
  if (value === null) {
    delete original[key];
    return;
  }
  const present = Object.hasOwn(original, key);
  const current = original[key];
  if (!present || jsonKind(current) !== jsonKind(value)) {
    if (!isDeleteList) setCleaned(original, key, value);
    return;
  }
  if (Array.isArray(current)) {
    original[key] = mergeListField(current, value as unknown[], lookupField(node, key), isDeleteList, mergeMap);
  } else if (isPlainObject(current)) {
    const field = lookupField(node, key);
    if (applyStrategy(field.meta) === "replace") setCleaned(original, key, value);
    else original[key] = mergeMap(current, value as Obj, field.node);
  } else if (!isDeleteList) {
    setCleaned(original, key, value);
  }
}

function setCleaned(original: Obj, key: string, value: unknown): void {
  const v = cleanNew(value);
  if (v === undefined) delete original[key];
  else original[key] = v;
}

/**
 * `$retainKeys: [...]` clears every key of the live map that the list does not
 * name; every non-null key of the patch must be in the list.
 */
function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw PatchError.badRequest("badDirective", "invalid patch format of retainKeys");
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw PatchError.badRequest("badDirective", "invalid patch format of retainKeys");
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}
