// PATCH with application/apply-patch+yaml: server-side apply. Reads the live
// object (or creates it: apply creates), computes the applied object and its
// managedFields, and writes it with the precondition of the version it read.
import { applyConfig } from "../apply/apply.ts";
import type { RequestContext } from "../registry/context.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { ApiError, badRequest, notFound } from "../registry/errors.ts";
import { now } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";
import { decodeBody } from "./codec.ts";
import { boolParam } from "./params.ts";
import { type Call, checkName, checkUnknownFields } from "./call.ts";

function patchOptionsInvalid(field: string, message: string): ApiError {
  return new ApiError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${message}`, {
    group: "meta.k8s.io",
    kind: "PatchOptions",
    causes: [{ reason: message.startsWith("Required") ? "FieldValueRequired" : "FieldValueInvalid", message, field }],
  });
}

/** Rejects `force` on patches that are not apply patches, as kube's ValidatePatchOptions does. */
export function checkForceParam(call: Call): void {
  if (call.query.get("force") !== null) {
    throw patchOptionsInvalid("force", "Forbidden: may not be specified for non-apply patch");
  }
}

function appliedObject(call: Call, name: string): KObject {
  const doc = decodeBody(call.body ?? Buffer.from(""), "apply-patch");
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw badRequest("error decoding YAML: the applied configuration is not an object");
  }
  const obj = doc as KObject;
  const want = apiVersionOf(call.info);
  if (obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${obj.apiVersion ?? ""}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== call.info.kind) {
    throw badRequest(`the kind in the data (${obj.kind ?? ""}) does not match the expected kind (${call.info.kind})`);
  }
  const meta = obj.metadata;
  if (meta !== undefined && (meta === null || typeof meta !== "object" || Array.isArray(meta))) {
    throw badRequest("metadata: the metadata of the object must be a JSON object");
  }
  // A missing name is the live object's; with none, checkName below refuses it.
  if (meta?.name !== undefined && meta.name !== "" && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (meta?.managedFields !== undefined && meta.managedFields !== null) throw badRequest("metadata.managedFields must be nil");
  return obj;
}

/** Server-side apply of the request body; `created` when the object did not exist. */
export function serverSideApply(
  call: Call,
  ctx: RequestContext,
  namespace: string,
  name: string,
  subresource?: string,
): { obj: KObject; created: boolean } {
  const manager = call.query.get("fieldManager") ?? "";
  if (manager === "") throw patchOptionsInvalid("fieldManager", "Required value: is required for apply patch");
  if (manager.length > 128) throw patchOptionsInvalid("fieldManager", `Too long: may not be more than 128 bytes`);
  const force = boolParam(call.query, "force") ?? false;
  const config = appliedObject(call, name);
  const store = call.core.store;
  const applyCtx: RequestContext = { ...ctx, fieldManager: manager, managedFieldsSet: true };
  for (let attempt = 0; ; attempt++) {
    let live: KObject | undefined;
    try {
      live = store.get(call.info, namespace, name).obj();
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
      if (subresource) throw notFound(call.info, name);
    }
    const out = applyConfig({ info: call.info, live, config, manager, force, subresource, time: now() });
    out.apiVersion = apiVersionOf(call.info);
    out.kind = call.info.kind;
    out.metadata ??= {};
    checkName(out, name);
    checkUnknownFields(call, applyCtx, out);
    // A resourceVersion in the configuration is the client's precondition; otherwise the one read here is.
    const pinned = config.metadata?.resourceVersion;
    try {
      if (!live) {
        if (pinned) throw notFound(call.info, name);
        delete out.metadata.resourceVersion;
        return { obj: store.create(call.info, namespace, out, applyCtx), created: true };
      }
      out.metadata.resourceVersion = pinned ?? live.metadata?.resourceVersion;
      return { obj: store.update(call.info, namespace, name, out, applyCtx, subresource).obj, created: false };
    } catch (e) {
      const lostRace = e instanceof ApiError && (e.reason === "Conflict" || e.reason === "AlreadyExists") && !e.details?.causes;
      if (lostRace && !pinned && attempt < 5) continue;
      throw e;
    }
  }
}
