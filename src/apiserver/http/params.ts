// Query parameters of resource requests, validated once.
import type { DeleteOptions } from "../registry/deletion.ts";
import type { FieldValidation } from "../registry/context.ts";
import { badRequest } from "../registry/errors.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "../registry/selectors.ts";
import type { ListOptions } from "../registry/store.ts";
import { supportsField } from "../registry/strategy.ts";
import type { ResourceInfo } from "../registry/types.ts";
import type { WatchOptions } from "../registry/watch.ts";

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return v === "" || v === "1" || v === "true" || v === "True";
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}

export function dryRun(q: URLSearchParams): boolean {
  const v = q.getAll("dryRun");
  for (const d of v) if (d !== "All") throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return v.length > 0;
}

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

export function listOptions(q: URLSearchParams, info: ResourceInfo): WatchOptions {
  let opts: ListOptions;
  try {
    opts = { labelSelector: parseLabelSelector(q.get("labelSelector") ?? undefined) };
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(`unable to parse requirement: ${e.message}`);
    throw e;
  }
  try {
    // Field selector errors carry no prefix in kube ("field label not supported: x").
    opts.fieldSelector = parseFieldSelector(q.get("fieldSelector") ?? undefined, (f) => supportsField(info, f));
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  const limit = intParam(q, "limit");
  if (limit !== undefined && limit < 0) throw badRequest("limit: Invalid value: must be >= 0");
  const match = q.get("resourceVersionMatch") ?? undefined;
  if (match && match !== "Exact" && match !== "NotOlderThan") {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  const rv = q.get("resourceVersion") ?? undefined;
  if (match && !rv) throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
  if (match === "Exact" && rv === "0") throw badRequest("resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
  const cont = q.get("continue") || undefined;
  if (cont && rv && rv !== "0") throw badRequest("specifying resource version is not allowed when using continue");
  return {
    ...opts,
    limit,
    continue: cont,
    resourceVersion: rv,
    resourceVersionMatch: match,
    allowWatchBookmarks: boolParam(q, "allowWatchBookmarks"),
    sendInitialEvents: boolParam(q, "sendInitialEvents"),
  };
}

export function timeoutSeconds(q: URLSearchParams): number | undefined {
  return intParam(q, "timeoutSeconds");
}

/** DeleteOptions from the body (if any) overlaid by query parameters, as kube does. */
export function deleteOptions(q: URLSearchParams, body: Record<string, any> | undefined): DeleteOptions {
  const o: DeleteOptions = {};
  if (body) {
    if (body.gracePeriodSeconds !== undefined) o.gracePeriodSeconds = body.gracePeriodSeconds;
    if (body.propagationPolicy !== undefined) o.propagationPolicy = body.propagationPolicy;
    if (body.orphanDependents !== undefined) o.orphanDependents = body.orphanDependents;
    if (body.preconditions) o.preconditions = body.preconditions;
  }
  const grace = intParam(q, "gracePeriodSeconds");
  if (grace !== undefined) o.gracePeriodSeconds = grace;
  const policy = q.get("propagationPolicy");
  if (policy) o.propagationPolicy = policy;
  const orphan = boolParam(q, "orphanDependents");
  if (orphan !== undefined) o.orphanDependents = orphan;
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    throw badRequest("DeleteOptions: Invalid value: both OrphanDependents and PropagationPolicy may not be set");
  }
  return o;
}
