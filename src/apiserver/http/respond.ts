// Writing responses: objects, lists, Tables and Status errors.
import type { ServerResponse } from "node:http";
import { stringify as toYaml } from "yaml";
import { ApiError, internalError } from "../registry/errors.ts";
import type { Item } from "../registry/store.ts";
import type { Rendering } from "./codec.ts";
import { whenDurable } from "./durable.ts";

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  sendRaw(res, code, JSON.stringify(body), "application/json", warnings);
}

/** Sends a body given whole, or in parts that are written one after another (see listJson). */
export function sendRaw(
  res: ServerResponse,
  code: number,
  body: string | string[],
  contentType: string,
  warnings: string[] = [],
): void {
  if (res.headersSent) return;
  // Held until every write it may reflect is durable (durable.ts).
  whenDurable(
    res,
    () => writeNow(res, code, body, contentType, warnings),
    () => writeNow(res, 500, JSON.stringify(internalError().toStatus()), "application/json", []),
  );
}

function writeNow(res: ServerResponse, code: number, body: string | string[], contentType: string, warnings: string[]): void {
  if (res.headersSent) return;
  let length = 0;
  if (typeof body === "string") length = Buffer.byteLength(body);
  else for (const part of body) length += Buffer.byteLength(part);
  const headers: Record<string, string | string[]> = {
    "Content-Type": contentType,
    "Content-Length": String(length),
    "Cache-Control": "no-cache, private",
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  if (typeof body === "string") {
    res.end(body);
    return;
  }
  for (const part of body) res.write(part);
  res.end();
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.toStatus());
}

/** Sends one object in the negotiated form (JSON or YAML; Table is handled by the caller). */
export function sendObject(
  res: ServerResponse,
  code: number,
  rendering: Rendering,
  raw: string,
  warnings: string[] = [],
): void {
  if (rendering.as === "object" && rendering.format === "yaml") {
    sendRaw(res, code, toYaml(JSON.parse(raw)), "application/yaml", warnings);
    return;
  }
  sendRaw(res, code, raw, "application/json", warnings);
}

/** About how long each part of a list document is. */
const LIST_PART = 32 * 1024;

/**
 * Builds a List document from already-serialized items, without re-serializing
 * them. Built-in kinds' items go without kind and apiVersion, as
 * kube-apiserver lists them: typed list items carry no TypeMeta, only the
 * list does. Custom resources' items keep theirs (`typeMeta`), being
 * unstructured.
 *
 * The document comes in parts of about 32 KB, written one after another:
 * one string for a whole page (500 pods make 750 KB) means large
 * allocations, fresh memory and its page faults, each time it is flattened
 * and encoded; parts took a page of 500 pods from about 14 ms of server CPU
 * to under 5 (bench/apiserver.ts).
 */
export function listJson(
  apiVersion: string,
  kind: string,
  items: Item[],
  meta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
  typeMeta: boolean,
): string[] {
  const m: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) m.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) m.remainingItemCount = meta.remainingItemCount;
  const parts: string[] = [];
  let out = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(m)},"items":[`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += typeMeta ? items[i].raw : withoutTypeMeta(items[i].raw);
    if (out.length >= LIST_PART) {
      parts.push(out);
      out = "";
    }
  }
  parts.push(`${out}]}`);
  return parts;
}

/** An object's JSON without its kind and apiVersion; cut as text when both lead the object, as stored objects' do. */
function withoutTypeMeta(raw: string): string {
  const first = typeMemberEnd(raw, 1);
  const second = first < 0 ? -1 : typeMemberEnd(raw, first);
  if (second >= 0) return `{${raw.slice(second)}`;
  const { kind: _k, apiVersion: _a, ...obj } = JSON.parse(raw);
  return JSON.stringify(obj);
}

/** Where a `"kind":"…",` or `"apiVersion":"…",` member starting at `at` ends, or -1 (also for escapes in its value). */
function typeMemberEnd(raw: string, at: number): number {
  const key = raw.startsWith('"kind":"', at) ? 8 : raw.startsWith('"apiVersion":"', at) ? 14 : 0;
  if (key === 0) return -1;
  const close = raw.indexOf('"', at + key);
  if (close < 0 || raw.charCodeAt(close - 1) === 0x5c || raw.charCodeAt(close + 1) !== 0x2c) return -1;
  return close + 2;
}

export function statusSuccess(details: Record<string, unknown>): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details };
}

export function toApiError(e: unknown): ApiError | undefined {
  return e instanceof ApiError ? e : undefined;
}
