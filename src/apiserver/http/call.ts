// One API request as the verb handlers see it, and what they share: its
// request context (user, dryRun, fieldValidation, field manager) and the
// decoding and checking of its object body. Every handler module imports
// from here; this module imports none of them.
import type { IncomingMessage, ServerResponse } from "node:http";
import { managerFromUserAgent } from "../apply/managedFields.ts";
import type { RequestContext, UserInfo } from "../registry/context.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { badRequest } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { findDuplicateFields, strictDecodingMessage } from "../schema/unknownFields.ts";
import { bodyKind, decodeObject } from "./codec.ts";
import { goDecodeError } from "./goDecode.ts";
import { dryRun, fieldValidation } from "./params.ts";
import type { ResourcePath } from "./requestInfo.ts";

export type ApiCore = {
  store: ObjectStore;
  /** Field paths the schema does not know, for fieldValidation (pruned from custom resources). */
  unknownFields(info: ResourceInfo, obj: KObject): string[];
};

export type Call = {
  core: ApiCore;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  target: ResourcePath;
  info: ResourceInfo;
  user: UserInfo;
  body?: Buffer;
};

export function requestContext(call: Call): RequestContext {
  const q = call.query;
  return {
    user: call.user,
    dryRun: dryRun(q),
    fieldValidation: fieldValidation(q),
    fieldManager: q.get("fieldManager") || managerFromUserAgent(call.req.headers["user-agent"]),
    warnings: [],
  };
}

/** Decodes an object body and checks its apiVersion/kind against the endpoint. */
export function objectBody(call: Call): KObject {
  if (!call.body) throw badRequest("the body of the request is empty");
  const kind = bodyKind(call.req.headers["content-type"]);
  const obj = decodeObject(call.body, kind);
  const want = apiVersionOf(call.info);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== call.info.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${call.info.kind})`);
  }
  if (kind !== "protobuf") {
    const typeError = goDecodeError(want, call.info.kind, obj);
    if (typeError) throw badRequest(typeError);
  }
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== "object" || Array.isArray(obj.metadata))) {
    throw badRequest("metadata: the metadata of the object must be a JSON object");
  }
  obj.apiVersion = want;
  obj.kind = call.info.kind;
  return obj;
}

/**
 * The object's name must be the one on the URL, as checkName in kube's
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go requires of
 * updates and patches (apply included); a missing or empty name is
 * errEmptyName from handlers/namer.go.
 */
export function checkName(obj: KObject, name: string): void {
  const got = obj.metadata?.name;
  if (got === undefined || got === "") {
    throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
  }
  if (got !== name) throw badRequest(`the name of the object (${got}) does not match the name on the URL (${name})`);
}

/** Applies fieldValidation: Strict rejects unknown fields, Warn reports them. Custom resources are pruned either way. */
export function checkUnknownFields(call: Call, ctx: RequestContext, obj: KObject, rawJson?: string): void {
  if (ctx.fieldValidation === "Ignore" && !call.info.crd) return;
  const unknown = call.core.unknownFields(call.info, obj);
  if (ctx.fieldValidation === "Ignore") return;
  const dups = rawJson ? findDuplicateFields(rawJson) : [];
  if (unknown.length === 0 && dups.length === 0) return;
  if (ctx.fieldValidation === "Strict") {
    throw badRequest(strictDecodingMessage(call.info.kind, call.info.version, unknown, dups));
  }
  ctx.warnings.push(...unknown.map((f) => `unknown field "${f}"`), ...dups.map((f) => `duplicate field "${f}"`));
}

/** The body as text when it is JSON (duplicate fields are only visible there). */
export function jsonText(call: Call): string | undefined {
  const ct = String(call.req.headers["content-type"] ?? "");
  return call.body && ct.startsWith("application/json") ? call.body.toString("utf8") : undefined;
}

/** An object's metadata as a meta.k8s.io PartialObjectMetadata. */
export function partialMeta(obj: KObject, version = "v1"): KObject {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}
