// Subresources: status, scale, pods' binding, eviction and ephemeral
// containers, and the namespace finalize endpoint. The connect subresources
// (log, exec, attach, portforward, proxy) are connect.ts's.
import { bindPod } from "../registry/binding.ts";
import { evictPod } from "../registry/eviction.ts";
import { ApiError, badRequest, conflict, methodNotAllowed, notFound } from "../registry/errors.ts";
import type { RequestContext } from "../registry/context.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { bodyKind, decodeBody, decodeObject, negotiate } from "./codec.ts";
import { applyPatch } from "./patch.ts";
import { type Call, checkUnknownFields, objectBody, requestContext } from "./call.ts";
import { patchObject } from "./patchObject.ts";
import { sendJson, sendObject } from "./respond.ts";
import { cloneJson } from "../registry/clone.ts";
import { selectorString } from "../registry/selectors.ts";

export async function handleSubresource(call: Call, namespace: string): Promise<void> {
  const { info, target } = call;
  const sub = target.subresource!;
  const name = target.name!;
  if (!info.subresources.includes(sub)) throw notFound(info, name);
  const method = call.req.method ?? "GET";
  switch (sub) {
    case "status":
    case "finalize":
      return statusLike(call, namespace, name, sub, method);
    case "scale":
      return scale(call, namespace, name, method);
    case "binding":
      if (method !== "POST") throw methodNotAllowed();
      return binding(call, namespace, name);
    case "eviction":
      if (method !== "POST") throw methodNotAllowed();
      return eviction(call, namespace, name);
    case "ephemeralcontainers":
      return ephemeralContainers(call, namespace, name, method);
    default:
      throw notFound(info, name);
  }
}

/** pods/ephemeralcontainers: the pod for get, and writes that change only its ephemeral containers. */
function ephemeralContainers(call: Call, namespace: string, name: string, method: string): void {
  const rendering = negotiate(call.req.headers.accept);
  const ctx = requestContext(call);
  let out: KObject;
  if (method === "GET") out = call.core.store.get(call.info, namespace, name).obj();
  else if (method === "PUT") {
    const obj = objectBody(call);
    checkUnknownFields(call, ctx, obj);
    out = call.core.store.update(call.info, namespace, name, obj, ctx, "ephemeralcontainers").obj;
  } else if (method === "PATCH") out = patchObject(call, ctx, namespace, name, "ephemeralcontainers");
  else throw methodNotAllowed();
  sendObject(call.res, 200, rendering, JSON.stringify(out), ctx.warnings);
}

function statusLike(call: Call, namespace: string, name: string, sub: string, method: string): void {
  const rendering = negotiate(call.req.headers.accept);
  const ctx = requestContext(call);
  if (method === "GET" && sub === "status") {
    sendObject(call.res, 200, rendering, call.core.store.get(call.info, namespace, name).raw);
    return;
  }
  if (method === "PUT") {
    const obj = objectBody(call);
    checkUnknownFields(call, ctx, obj);
    const out = call.core.store.update(call.info, namespace, name, obj, ctx, sub).obj;
    sendObject(call.res, 200, rendering, JSON.stringify(out), ctx.warnings);
    return;
  }
  if (method === "PATCH" && sub === "status") {
    const out = patchObject(call, ctx, namespace, name, sub);
    sendObject(call.res, 200, rendering, JSON.stringify(out), ctx.warnings);
    return;
  }
  throw methodNotAllowed();
}

/** The autoscaling/v1 Scale kind, for patching a scale document. */
export const SCALE_INFO: ResourceInfo = {
  group: "autoscaling",
  version: "v1",
  resource: "scale",
  singular: "scale",
  kind: "Scale",
  listKind: "ScaleList",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: [],
  subresources: [],
  modelType: "V1Scale",
  storagePrefix: "",
};

type ScalePaths = { spec: string[]; status: string[]; selector?: string[] };

function scalePaths(info: ResourceInfo): ScalePaths {
  const s = info.crd?.scale;
  if (s) {
    const p = (jp: string) => jp.replace(/^\./, "").split(".");
    return { spec: p(s.specReplicasPath), status: p(s.statusReplicasPath), selector: s.labelSelectorPath ? p(s.labelSelectorPath) : undefined };
  }
  return { spec: ["spec", "replicas"], status: ["status", "replicas"] };
}

function at(obj: any, path: string[]): any {
  let cur = obj;
  for (const p of path) cur = cur?.[p];
  return cur;
}

function scaleSelector(obj: KObject, info: ResourceInfo, paths: ScalePaths): string {
  if (paths.selector) return String(at(obj, paths.selector) ?? "");
  if (info.crd) return "";
  // What kube's scale subresources report: LabelSelectorAsSelector(spec.selector).String().
  return selectorString(obj.spec?.selector) ?? "";
}

export function toScale(obj: KObject, info: ResourceInfo): KObject {
  const paths = scalePaths(info);
  const m = obj.metadata ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: at(obj, paths.spec) ?? 0 },
    status: { replicas: at(obj, paths.status) ?? 0, selector: scaleSelector(obj, info, paths) },
  };
}

function scale(call: Call, namespace: string, name: string, method: string): void {
  const { store } = call.core;
  const rendering = negotiate(call.req.headers.accept);
  if (method === "GET") {
    sendObject(call.res, 200, rendering, JSON.stringify(toScale(store.get(call.info, namespace, name).obj(), call.info)));
    return;
  }
  if (method !== "PUT" && method !== "PATCH") throw methodNotAllowed();
  const ctx = requestContext(call);
  const out = writeScale(store, call.info, namespace, name, ctx, (curScale) =>
    method === "PUT"
      ? decodeObject(call.body ?? Buffer.from(""), bodyKind(call.req.headers["content-type"]))
      : patchScale({ ...call, info: SCALE_INFO }, curScale),
  );
  sendObject(call.res, 200, rendering, JSON.stringify(out), ctx.warnings);
}

/**
 * Writes a Scale to its object: `next` maps the current Scale to the wanted
 * one (the PUT body, or the patched Scale). Retried on a write conflict
 * unless the wanted Scale pins a resourceVersion. Returns the new Scale.
 */
export function writeScale(
  store: ObjectStore,
  info: ResourceInfo,
  namespace: string,
  name: string,
  ctx: RequestContext,
  nextScale: (current: KObject) => KObject,
): KObject {
  const paths = scalePaths(info);
  for (let attempt = 0; ; attempt++) {
    const current = store.get(info, namespace, name).obj();
    const next = nextScale(toScale(current, info));
    // Scale.spec.replicas is omitempty: a body scaling to zero leaves it out.
    const replicas = next?.spec?.replicas ?? 0;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, "Invalid", `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const pinned = next.metadata?.resourceVersion;
    if (pinned && pinned !== current.metadata?.resourceVersion) throw conflict(info, name, "the object has been modified; please apply your changes to the latest version and try again");
    const updated = cloneJson(current);
    let cur: any = updated;
    for (const p of paths.spec.slice(0, -1)) cur = cur[p] ??= {};
    cur[paths.spec.at(-1)!] = replicas;
    try {
      return toScale(store.update(info, namespace, name, updated, ctx).obj, info);
    } catch (e) {
      if (!pinned && attempt < 5 && e instanceof ApiError && e.reason === "Conflict") continue;
      throw e;
    }
  }
}

function patchScale(call: Call, current: KObject): KObject {
  const kind = bodyKind(call.req.headers["content-type"]);
  if (kind === "json" || kind === "yaml" || kind === "protobuf") {
    throw new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format");
  }
  return applyPatch(kind, current, decodeBody(call.body ?? Buffer.from("{}"), kind), call.info);
}

function binding(call: Call, namespace: string, name: string): void {
  const ctx = requestContext(call);
  const b = decodeObject(call.body ?? Buffer.from(""), bodyKind(call.req.headers["content-type"]));
  const node = b?.target?.name;
  if (typeof node !== "string" || node === "") {
    throw new ApiError(422, "Invalid", `Binding "${name}" is invalid: target.name: Required value`);
  }
  bindPod(call.core.store, call.info, namespace, name, node, ctx);
  sendJson(call.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}

function eviction(call: Call, namespace: string, name: string): void {
  const ctx = requestContext(call);
  const ev = call.body?.length ? decodeObject(call.body, bodyKind(call.req.headers["content-type"])) : {};
  if (ev.metadata?.name && ev.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  evictPod(call.core.store, call.info, namespace, name, ev.deleteOptions ?? {}, ctx);
  sendJson(call.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}

