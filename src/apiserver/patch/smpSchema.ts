// Schema lookups and shared helpers for strategic merge patch: where a field
// leads in the type graph, its patch strategy, and the cleaning of patch
// values that land in the object as they are.
import { type PatchMeta, patchMetaFor } from "../schema/patchMeta.ts";
import { type FieldType, getModel } from "../schema/typeGraph.ts";
import { isPlainObject } from "./PatchError.ts";

export type Obj = Record<string, unknown>;
/** A position in the type graph; undefined where the schema is unknown (free-form JSON). */
export type SchemaNode = FieldType | undefined;
export type FieldLookup = { node: SchemaNode; meta?: PatchMeta };
export type MergeMapFn = (original: Obj, patch: Obj, node: SchemaNode) => Obj;

export const DIRECTIVE = "$patch";
export const RETAIN_KEYS = "$retainKeys";
export const SET_ORDER_PREFIX = "$setElementOrder";
export const DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList";

export function modelNode(typeName: string): SchemaNode {
  return getModel(typeName) ? { kind: "ref", name: typeName } : undefined;
}

/** The schema of field `key` of an object at `node`, with its patch metadata. */
export function lookupField(node: SchemaNode, key: string): FieldLookup {
  if (node?.kind === "ref") {
    const field = getModel(node.name)?.fields.get(key);
    return field ? { node: field.type, meta: patchMetaFor(node.name, key) } : { node: undefined };
  }
  if (node?.kind === "map") return { node: node.values };
  return { node: undefined };
}

export function itemsOf(node: SchemaNode): SchemaNode {
  return node?.kind === "array" ? node.items : undefined;
}

export function nodeName(node: SchemaNode): string {
  return node?.kind === "ref" ? node.name : "Struct";
}

/**
 * The strategy that matters when applying a patch: "merge", "replace" or "".
 * retainKeys only tells clients to send `$retainKeys`; the server acts on the
 * directive wherever it appears (extractRetainKeysPatchStrategy upstream).
 */
export function applyStrategy(meta: PatchMeta | undefined): string {
  return meta?.strategy.split(",").find((s) => s !== "retainKeys") ?? "";
}

function isDirectiveKey(k: string): boolean {
  return k === RETAIN_KEYS || k.startsWith(`${SET_ORDER_PREFIX}/`) || k.startsWith(`${DELETE_PRIMITIVE_PREFIX}/`);
}

/**
 * A patch value stored as it is (a new field, a replaced value): null map
 * values dropped and maps holding `$patch` removed, as upstream's
 * discardNullValuesFromPatch and removeDirectives do. Unlike upstream we also
 * drop stray `$retainKeys`/`$setElementOrder/`/`$deleteFromPrimitiveList/`
 * keys instead of storing them. Undefined means "drop this value".
 */
export function cleanNew(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = cleanNew(x);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (!isPlainObject(v)) return v;
  if (Object.hasOwn(v, DIRECTIVE)) return undefined;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || isDirectiveKey(k)) continue;
    const c = cleanNew(x);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** Go's %v rendering of a decoded JSON value, for error messages that match kube-apiserver's. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** Go's reflect type name of a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return "[]interface {}";
  if (isPlainObject(v)) return "map[string]interface {}";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return typeof v === "boolean" ? "bool" : "string";
}
