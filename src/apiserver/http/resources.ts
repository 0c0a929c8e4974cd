// The resource verbs over HTTP: get, list, watch, create, update, patch,
// delete and deletecollection, plus the subresources every kind shares.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext, UserInfo } from "../registry/context.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { deleteObject } from "../registry/deletion.ts";
import { ApiError, badRequest, methodNotAllowed, notFound } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import { findDuplicateFields, strictDecodingMessage } from "../schema/unknownFields.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { bodyKind, decodeBody, decodeObject, negotiate } from "./codec.ts";
import { deleteOptions, dryRun, fieldValidation, listOptions } from "./params.ts";
import { managerFromUserAgent } from "../apply/managedFields.ts";
import { checkForceParam, serverSideApply } from "./applyPatch.ts";
import { applyPatch } from "./patch.ts";
import { listJson, sendJson, sendObject, sendRaw, statusSuccess } from "./respond.ts";
import { handleSubresource } from "./subresources.ts";
import { renderTable } from "./table.ts";
import type { ResourcePath } from "./requestInfo.ts";
import { serveWatch } from "./watchStream.ts";

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

export async function handleResource(call: Call): Promise<void> {
  const { req, target, info, query } = call;
  if (!info.namespaced && target.namespace !== undefined) throw notFound(info, target.name ?? "");
  const namespace = info.namespaced ? (target.namespace ?? "") : "";
  if (target.subresource) return handleSubresource(call, namespace);
  const method = req.method ?? "GET";
  const name = target.name;
  const isWatch = target.watchPath || query.get("watch") === "1" || query.get("watch") === "true";
  if (method === "GET" && isWatch) {
    return serveWatch(call, namespace || undefined, name);
  }
  switch (method) {
    case "GET":
      return name === undefined ? list(call, namespace) : get(call, namespace, name);
    case "POST":
      if (name !== undefined) throw methodNotAllowed();
      return create(call, namespace);
    case "PUT":
      if (name === undefined) throw methodNotAllowed();
      return update(call, namespace, name);
    case "PATCH":
      if (name === undefined) throw methodNotAllowed();
      return patch(call, namespace, name);
    case "DELETE":
      return name === undefined ? deleteCollection(call, namespace) : remove(call, namespace, name);
    default:
      throw methodNotAllowed();
  }
}

function get(call: Call, namespace: string, name: string): void {
  const rendering = negotiate(call.req.headers.accept);
  const item = call.core.store.get(call.info, namespace, name);
  if (rendering.as === "Table") {
    sendJson(call.res, 200, renderTable(call, rendering, [item.obj()], { resourceVersion: "" }));
    return;
  }
  if (rendering.as === "PartialObjectMetadata") {
    sendJson(call.res, 200, partialMeta(item.obj(), rendering.version));
    return;
  }
  sendObject(call.res, 200, rendering, item.raw);
}

function list(call: Call, namespace: string): void {
  const rendering = negotiate(call.req.headers.accept);
  const opts = listOptions(call.query, call.info);
  const result = call.core.store.list(call.info, namespace || undefined, opts);
  const meta = {
    resourceVersion: result.resourceVersion,
    continue: result.continue,
    remainingItemCount: result.remainingItemCount,
  };
  if (rendering.as === "Table") {
    sendJson(call.res, 200, renderTable(call, rendering, result.items.map((i) => i.obj()), meta));
    return;
  }
  if (rendering.as === "PartialObjectMetadata") {
    sendJson(call.res, 200, {
      kind: "PartialObjectMetadataList",
      apiVersion: `meta.k8s.io/${rendering.version}`,
      metadata: meta,
      items: result.items.map((i) => partialMeta(i.obj(), rendering.version)),
    });
    return;
  }
  const text = listJson(apiVersionOf(call.info), call.info.listKind, result.items, meta);
  if (rendering.format === "yaml") sendObject(call.res, 200, rendering, text);
  else sendRaw(call.res, 200, text, "application/json");
}

export function partialMeta(obj: KObject, version = "v1"): KObject {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** Decodes an object body and checks its apiVersion/kind against the endpoint. */
export function objectBody(call: Call): KObject {
  if (!call.body) throw badRequest("the body of the request is empty");
  const obj = decodeObject(call.body, bodyKind(call.req.headers["content-type"]));
  const want = apiVersionOf(call.info);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== call.info.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${call.info.kind})`);
  }
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== "object" || Array.isArray(obj.metadata))) {
    throw badRequest("metadata: the metadata of the object must be a JSON object");
  }
  obj.apiVersion = want;
  obj.kind = call.info.kind;
  return obj;
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

function create(call: Call, namespace: string): void {
  const ctx = requestContext(call);
  const rendering = negotiate(call.req.headers.accept);
  const obj = objectBody(call);
  if (call.info.namespaced) {
    const ns = obj.metadata?.namespace;
    if (ns !== undefined && ns !== "" && ns !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
  }
  checkUnknownFields(call, ctx, obj, jsonText(call));
  const created = call.core.store.create(call.info, namespace, obj, ctx);
  sendObject(call.res, 201, rendering, JSON.stringify(created), ctx.warnings);
}

function update(call: Call, namespace: string, name: string): void {
  const ctx = requestContext(call);
  const rendering = negotiate(call.req.headers.accept);
  const obj = objectBody(call);
  if (call.info.namespaced && obj.metadata?.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  checkUnknownFields(call, ctx, obj, jsonText(call));
  const { obj: out, created } = call.core.store.update(call.info, namespace, name, obj, ctx);
  sendObject(call.res, created ? 201 : 200, rendering, JSON.stringify(out), ctx.warnings);
}

function patch(call: Call, namespace: string, name: string, subresource?: string): void {
  const ctx = requestContext(call);
  const rendering = negotiate(call.req.headers.accept);
  if (bodyKind(call.req.headers["content-type"]) === "apply-patch") {
    const { obj, created } = serverSideApply(call, ctx, namespace, name, subresource);
    sendObject(call.res, created ? 201 : 200, rendering, JSON.stringify(obj), ctx.warnings);
    return;
  }
  const out = patchObject(call, ctx, namespace, name, subresource);
  sendObject(call.res, 200, rendering, JSON.stringify(out), ctx.warnings);
}

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
    if (patched.metadata?.name !== undefined && patched.metadata.name !== name) {
      throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
    }
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

function remove(call: Call, namespace: string, name: string): void {
  const ctx = requestContext(call);
  const body = call.body?.length ? decodeObject(call.body, bodyKind(call.req.headers["content-type"] ?? "application/json")) : undefined;
  const opts = deleteOptions(call.query, body);
  const { obj, deleted } = deleteObject(call.core.store, call.info, namespace, name, opts, ctx);
  if (deleted && !returnsDeletedObject(call.info)) {
    sendJson(call.res, 200, statusSuccess({
      name,
      group: call.info.group || undefined,
      kind: call.info.resource,
      uid: obj.metadata?.uid,
    }));
    return;
  }
  sendObject(call.res, 200, negotiate(call.req.headers.accept), JSON.stringify(obj), ctx.warnings);
}

/** Kinds whose delete answers with the object (ReturnDeletedObject in their registry). */
function returnsDeletedObject(info: ResourceInfo): boolean {
  return Boolean(info.crd) || (info.group === "" && ["pods", "namespaces", "services"].includes(info.resource));
}

function deleteCollection(call: Call, namespace: string): void {
  if (!call.info.verbs.includes("deletecollection")) throw methodNotAllowed();
  const ctx = requestContext(call);
  const body = call.body?.length ? decodeObject(call.body, bodyKind(call.req.headers["content-type"] ?? "application/json")) : undefined;
  const opts = deleteOptions(call.query, body);
  const lo = listOptions(call.query, call.info);
  const listed = call.core.store.list(call.info, namespace || undefined, { ...lo, limit: undefined, continue: undefined });
  const out: KObject[] = [];
  for (const it of listed.items) {
    const o = it.obj();
    try {
      out.push(deleteObject(call.core.store, call.info, o.metadata!.namespace ?? "", o.metadata!.name!, opts, ctx).obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  sendJson(call.res, 200, {
    kind: call.info.listKind,
    apiVersion: apiVersionOf(call.info),
    metadata: { resourceVersion: String(call.core.store.storage.currentRevision()) },
    items: out,
  });
}


