// Applies a PATCH body of any supported type to the current object, mapping
// patch failures to the Status kube-apiserver answers.
import { ApiError } from "../registry/errors.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { applyJsonPatch } from "../patch/jsonPatch.ts";
import { mergePatch } from "../patch/mergePatch.ts";
import { PatchError } from "../patch/PatchError.ts";
import { strategicMergePatch } from "../patch/strategicMerge.ts";
import type { BodyKind } from "./codec.ts";

export function applyPatch(kind: BodyKind, current: KObject, doc: unknown, info: ResourceInfo): KObject {
  try {
    switch (kind) {
      case "json-patch":
        return applyJsonPatch(current, doc) as KObject;
      case "merge-patch":
        return asObject(mergePatch(current, doc));
      case "strategic-merge-patch":
        if (info.crd || !info.modelType) {
          throw new ApiError(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
          );
        }
        return strategicMergePatch(current, doc, info.modelType);
      default:
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
        );
    }
  } catch (e) {
    if (e instanceof PatchError) {
      throw new ApiError(e.code, e.reason || "InternalError", e.code === 422 ? `${e.message}: ${e.detail}` : e.message);
    }
    throw e;
  }
}

function asObject(v: unknown): KObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new ApiError(400, "BadRequest", "the patch produced a document that is not an object");
  }
  return v as KObject;
}
