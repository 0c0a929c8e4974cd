// PATCH of an object or a subresource with a JSON, merge or strategic-merge
// patch (apply patches go to server-side apply).
import type { RequestContext } from "../registry/context.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { ApiError, badRequest } from "../registry/errors.ts";
import type { KObject } from "../registry/types.ts";
import { checkForceParam, serverSideApply } from "./applyPatch.ts";
import { type Call, checkName, checkUnknownFields } from "./call.ts";
import { bodyKind, decodeBody } from "./codec.ts";
import { applyPatch } from "./patch.ts";

/**
 * Read, patch, write; retried on a write conflict unless the patch itself
 * pins metadata.resourceVersion (then the conflict is the client's).
 */
export function patchObject(call: Call, ctx: RequestContext, namespace: string, name: string, subresource?: string): KObject {
  if (!call.body) throw badRequest("the body of the request is empty");
  const kind = bodyKind(call.req.headers["content-type"]);
  if (kind === "json" || kind === "yaml" || kind === "protobuf") {
    throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${call.info.crd ? "" : ", application/strategic-merge-patch+json"}`);
  }
  if (kind === "apply-patch") return serverSideApply(call, ctx, namespace, name, subresource).obj;
  checkForceParam(call);
  const doc = decodeBody(call.body, kind);
  const store = call.core.store;
  for (let attempt = 0; ; attempt++) {
    const current = store.get(call.info, namespace, name).obj();
    const patched = applyPatch(kind, current, doc, call.info);
    checkName(patched, name);
    patched.apiVersion = apiVersionOf(call.info);
    patched.kind = call.info.kind;
    const pinned = hasPinnedVersion(doc);
    if (!pinned) patched.metadata = { ...patched.metadata, resourceVersion: current.metadata?.resourceVersion };
    checkUnknownFields(call, ctx, patched);
    try {
      return store.update(call.info, namespace, name, patched, ctx, subresource).obj;
    } catch (e) {
      if (!pinned && attempt < 5 && e instanceof ApiError && e.reason === "Conflict") continue;
      throw e;
    }
  }
}

function hasPinnedVersion(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.some((op) => op?.path === "/metadata/resourceVersion" && op.op !== "test");
  return typeof (doc as any)?.metadata?.resourceVersion === "string";
}
