// JSON merge patch (RFC 7386, application/merge-patch+json). Hand-written
// because the algorithm is a dozen lines and none of the installed packages
// implements it; it follows evanphx/json-patch's MergePatch, which
// kube-apiserver uses, where that differs from the RFC's pseudo-code: nulls
// are also pruned from objects inside a newly added array.
import type { KObject } from "../registry/types.ts";
import { isPlainObject, PatchError } from "./PatchError.ts";
import { cloneJson } from "../registry/clone.ts";

type Obj = Record<string, unknown>;

/** RFC 7386 MergePatch(target, patch) on JSON values. Neither input is modified. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeInto(isPlainObject(target) ? cloneJson(target) : {}, patch);
}

function mergeInto(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete target[k];
      continue;
    }
    const cur = target[k];
    if (isPlainObject(cur) && isPlainObject(v)) target[k] = mergeInto(cur, v);
    else if (isPlainObject(cur)) target[k] = cloneJson(v);
    else target[k] = pruneNulls(v);
  }
  return target;
}

function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
  return out;
}

/**
 * Applies a merge patch to an object, answering as kube-apiserver does for a
 * body that is not a JSON object: null or a scalar is 400 "Invalid JSON
 * Patch"; an array replaces the document, which then fails to decode (422).
 */
export function applyMergePatch(original: KObject, patch: unknown): KObject {
  if (Array.isArray(patch)) throw PatchError.invalid("invalidDocument", "a merge patch that is an array does not decode into an object");
  if (!isPlainObject(patch)) throw PatchError.badRequest("invalidDocument", "Invalid JSON Patch");
  return mergePatch(original, patch) as KObject;
}
