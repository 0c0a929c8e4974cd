// JSON Patch (RFC 6902, application/json-patch+json) through fast-json-patch,
// with kube-apiserver's answers (endpoints/handlers/patch.go applyJSPatch):
// a body that does not decode as a list of operation objects is 400
// BadRequest; more than 10000 operations is 413; any failure while applying
// (a `test` that does not match, a path that does not resolve, a malformed
// op) is 422 Invalid.
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { goJSONKind, isPlainObject, PatchError, type PatchErrorKind } from "./PatchError.ts";
import { cloneJson } from "../registry/clone.ts";

const { applyPatch, JsonPatchError } = fastJsonPatch;

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const KIND_BY_NAME: Record<string, PatchErrorKind> = {
  TEST_OPERATION_FAILED: "testFailed",
  OPERATION_PATH_CANNOT_ADD: "badPath",
  OPERATION_PATH_UNRESOLVABLE: "badPath",
  OPERATION_FROM_UNRESOLVABLE: "badPath",
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: "badPath",
  OPERATION_VALUE_OUT_OF_BOUNDS: "badPath",
};

/** Applies `patch` (the decoded request body) to `document`. Neither input is modified. */
export function applyJsonPatch<T>(document: T, patch: unknown): T {
  const ops = decodePatch(patch);
  try {
    return applyPatch(cloneJson(document), ops, true, true).newDocument;
  } catch (e) {
    throw toPatchError(e, ops);
  }
}

function decodePatch(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    throw PatchError.badRequest("invalidDocument", `json: cannot unmarshal ${goJSONKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isPlainObject(op) && op !== null) {
      throw PatchError.badRequest("invalidDocument", `json: cannot unmarshal ${goJSONKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(413, "tooManyOperations", `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  // Operation values end up in the result: copy them so it shares nothing with the input.
  return cloneJson(patch) as Operation[];
}

function toPatchError(e: unknown, ops: Operation[]): PatchError {
  if (e instanceof JsonPatchError) {
    const kind = KIND_BY_NAME[e.name] ?? (ops[e.index ?? -1] === null ? "invalidDocument" : "invalidOperation");
    // The library's message also dumps the document: keep the first line only.
    const first = e.message.split("\n")[0];
    const op = e.operation as { op?: unknown; path?: unknown } | undefined;
    return PatchError.invalid(kind, `${first} (operation ${e.index ?? "?"}: ${String(op?.op)} ${String(op?.path)})`);
  }
  if (e instanceof TypeError) return PatchError.invalid("invalidOperation", e.message);
  throw e;
}
