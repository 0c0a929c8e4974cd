// The resource verbs over HTTP: get, list, watch, create, update, patch,
// delete and deletecollection, plus the subresources every kind shares.
import { apiVersionOf } from "../registry/conversion.ts";
import { deleteObject } from "../registry/deletion.ts";
import { ApiError, badRequest, methodNotAllowed, notFound } from "../registry/errors.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { serverSideApply } from "./applyPatch.ts";
import { type Call, checkName, checkUnknownFields, jsonText, objectBody, partialMeta, requestContext } from "./call.ts";
import { bodyKind, decodeObject, negotiate } from "./codec.ts";
import { deleteOptions, listOptions } from "./params.ts";
import { patchObject } from "./patchObject.ts";
import { listJson, sendJson, sendObject, sendRaw, statusSuccess } from "./respond.ts";
import { handleSubresource } from "./subresources.ts";
import { renderTable } from "./table.ts";
import { serveWatch } from "./watchStream.ts";

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
  const parts = listJson(apiVersionOf(call.info), call.info.listKind, result.items, meta, Boolean(call.info.crd));
  if (rendering.format === "yaml") sendObject(call.res, 200, rendering, parts.join(""));
  else sendRaw(call.res, 200, parts, "application/json");
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
  checkName(obj, name);
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
    // Built-in kinds' items go without kind and apiVersion, as in list (see listJson).
    items: call.info.crd ? out : out.map(({ kind: _k, apiVersion: _a, ...item }) => item),
  });
}


