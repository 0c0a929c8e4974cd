// The shape of an object for field management: which maps are granular,
// which lists are associative (and by which keys), which are sets and which
// are atomic. Built-in kinds take it from the type graph plus the list keys
// of their OpenAPI (`x-kubernetes-list-map-keys`, which differ from the
// strategic-merge key in a few places), custom resources from their CRD
// schema. Anything the schema does not describe is "deduced" as
// structured-merge-diff does for untyped values: maps granular, lists atomic.
import { patchMetaFor } from "../schema/patchMeta.ts";
import { type FieldType, getModel } from "../schema/typeGraph.ts";
import type { JSONSchemaProps, ResourceInfo } from "../registry/types.ts";

export type Shape =
  | { k: "scalar" }
  /** An atomic map, struct or list: owned and replaced as a whole. */
  | { k: "atomic" }
  /** A struct: declared fields; `rest` for undeclared ones (deduced when absent). */
  | { k: "struct"; field(name: string): Shape | undefined }
  | { k: "map"; values: Shape }
  /** An associative list (list-type map); `defaults` fill key fields an item leaves out. */
  | { k: "list"; items: Shape; keys: string[]; defaults?: Record<string, unknown> }
  | { k: "set" }
  | { k: "deduced" };

export const SCALAR: Shape = { k: "scalar" };
export const ATOMIC: Shape = { k: "atomic" };
export const DEDUCED: Shape = { k: "deduced" };

/** The child shape of a field of a struct or map shape (deduced for anything undeclared). */
export function fieldShape(shape: Shape, name: string): Shape {
  if (shape.k === "struct") return shape.field(name) ?? DEDUCED;
  if (shape.k === "map") return shape.values;
  return DEDUCED;
}

// Structs marked `+structType=atomic` (or `+mapType=atomic`) upstream.
const ATOMIC_STRUCTS = new Set([
  "V1LabelSelector",
  "V1ObjectReference",
  "V1LocalObjectReference",
  "V1TypedLocalObjectReference",
  "V1TypedObjectReference",
  "V1SecretReference",
  "V1ConfigMapKeySelector",
  "V1SecretKeySelector",
  "V1ObjectFieldSelector",
  "V1ResourceFieldSelector",
  "V1NodeSelector",
  "V1NodeSelectorTerm",
  "V1CrossVersionObjectReference",
  "V2CrossVersionObjectReference",
  "V1ParamKind",
]);

type FieldOverride = { keys: string[]; defaults?: Record<string, unknown> } | "atomic";

const PORT_KEYS: FieldOverride = { keys: ["containerPort", "protocol"], defaults: { protocol: "TCP" } };

// Where the OpenAPI list-map-keys (or map type) differ from the patch merge key.
const OVERRIDES: Record<string, Record<string, FieldOverride>> = {
  V1Container: { ports: PORT_KEYS },
  V1EphemeralContainer: { ports: PORT_KEYS },
  V1ServiceSpec: { ports: { keys: ["port", "protocol"], defaults: { protocol: "TCP" } } },
  V1PodSpec: {
    topologySpreadConstraints: { keys: ["topologyKey", "whenUnsatisfiable"] },
    nodeSelector: "atomic",
  },
};

const structs = new Map<string, Shape>();

/** The shape of a built-in model ("V1Deployment"), built lazily field by field. */
export function modelShape(typeName: string): Shape {
  let s = structs.get(typeName);
  if (s) return s;
  if (ATOMIC_STRUCTS.has(typeName)) s = ATOMIC;
  else {
    const model = getModel(typeName);
    if (!model) s = DEDUCED;
    else {
      const cache = new Map<string, Shape | null>();
      s = {
        k: "struct",
        field(name) {
          let f = cache.get(name);
          if (f === undefined) {
            const mf = model.fields.get(name);
            f = mf ? fieldTypeShape(typeName, name, mf.type) : null;
            cache.set(name, f);
          }
          return f ?? undefined;
        },
      };
    }
  }
  structs.set(typeName, s);
  return s;
}

function fieldTypeShape(typeName: string, field: string, t: FieldType): Shape {
  const override = OVERRIDES[typeName]?.[field];
  if (override === "atomic") return ATOMIC;
  switch (t.kind) {
    case "primitive":
    case "intOrString":
      return SCALAR;
    case "any":
      return DEDUCED;
    case "ref":
      return modelShape(t.name);
    case "map":
      return { k: "map", values: typeShape(t.values) };
    case "array": {
      const meta = patchMetaFor(typeName, field);
      if (override) return { k: "list", items: typeShape(t.items), keys: override.keys, defaults: override.defaults };
      if (meta?.mergeKey) return { k: "list", items: typeShape(t.items), keys: [meta.mergeKey] };
      if (meta?.strategy.startsWith("merge") && (t.items.kind === "primitive" || t.items.kind === "intOrString")) {
        return { k: "set" };
      }
      return ATOMIC;
    }
  }
}

function typeShape(t: FieldType): Shape {
  switch (t.kind) {
    case "primitive":
    case "intOrString":
      return SCALAR;
    case "ref":
      return modelShape(t.name);
    case "map":
      return { k: "map", values: typeShape(t.values) };
    case "array":
      return ATOMIC;
    default:
      return DEDUCED;
  }
}

const crdShapes = new WeakMap<JSONSchemaProps, Shape>();

/** The shape a CRD's structural schema gives, from its x-kubernetes-* extensions. */
export function schemaShape(s: JSONSchemaProps | undefined): Shape {
  if (!s) return DEDUCED;
  let shape = crdShapes.get(s);
  if (shape) return shape;
  shape = buildSchemaShape(s);
  crdShapes.set(s, shape);
  return shape;
}

function buildSchemaShape(s: JSONSchemaProps): Shape {
  if (s["x-kubernetes-int-or-string"]) return SCALAR;
  if (s.type === "array") {
    const listType = s["x-kubernetes-list-type"];
    if (listType === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      const defaults: Record<string, unknown> = {};
      for (const k of keys) {
        const d = s.items?.properties?.[k]?.default;
        if (d !== undefined) defaults[k] = d;
      }
      return { k: "list", items: schemaShape(s.items), keys, defaults };
    }
    return listType === "set" ? { k: "set" } : ATOMIC;
  }
  const props = s.properties;
  if (s.type === "object" || props || s.additionalProperties || s["x-kubernetes-preserve-unknown-fields"]) {
    if (s["x-kubernetes-map-type"] === "atomic") return ATOMIC;
    if (props) {
      return { k: "struct", field: (name) => (Object.hasOwn(props, name) ? schemaShape(props[name]) : undefined) };
    }
    if (s.additionalProperties && typeof s.additionalProperties === "object") {
      return { k: "map", values: schemaShape(s.additionalProperties) };
    }
    return DEDUCED;
  }
  return s.type ? SCALAR : DEDUCED;
}

const META = "V1ObjectMeta";
const rootShapes = new WeakMap<JSONSchemaProps, Shape>();

/** The shape of a whole object of the resource. */
export function objectShape(info: ResourceInfo): Shape {
  if (info.modelType) return modelShape(info.modelType);
  const schema = info.crd?.schema;
  if (!schema) return { k: "struct", field: (n) => (n === "metadata" ? modelShape(META) : n === "apiVersion" || n === "kind" ? SCALAR : undefined) };
  let root = rootShapes.get(schema);
  if (!root) {
    const inner = schemaShape(schema);
    root = {
      k: "struct",
      field: (n) => (n === "metadata" ? modelShape(META) : n === "apiVersion" || n === "kind" ? SCALAR : inner.k === "struct" ? inner.field(n) : undefined),
    };
    rootShapes.set(schema, root);
  }
  return root;
}
