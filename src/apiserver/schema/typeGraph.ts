// The type graph of the built-in kinds, read at runtime from the model classes
// of @kubernetes/client-node (dist/gen/models/<Name>.js, each with a static
// `attributeTypeMap`). Models load one file at a time, on first use, through a
// synchronous require of the ES module: importing the package's `all.js`
// costs ~280 ms and the package root ~800 ms, while one model costs well
// under a millisecond. Descriptions come from the JSDoc in the .d.ts beside
// each model and are read only when asked for (OpenAPI, kubectl explain).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A field's type, parsed from the generator's TypeScript type string. */
export type FieldType =
  | { kind: "primitive"; type: "string" | "integer" | "number" | "boolean"; format?: string }
  | { kind: "intOrString" }
  /** Free-form JSON: `object`, `any` (RawExtension, JSON, FieldsV1). */
  | { kind: "any" }
  | { kind: "ref"; name: string }
  | { kind: "array"; items: FieldType }
  | { kind: "map"; values: FieldType };

export type ModelField = {
  /** The JSON field name (the generator's `baseName`). */
  name: string;
  type: FieldType;
};

export type Model = {
  name: string;
  /** Fields in declaration order, keyed by JSON name. */
  fields: Map<string, ModelField>;
};

export type ModelDocs = {
  description?: string;
  /** Field descriptions keyed by JSON name. */
  fields: Map<string, string>;
  /** JSON names of the fields the generator marks required (declared without `?`). */
  required: string[];
};

type AttributeType = { name: string; baseName: string; type: string; format: string };

const require = createRequire(import.meta.url);
let modelsDir: string | undefined;
const models = new Map<string, Model | null>();
const docs = new Map<string, ModelDocs | null>();

function dir(): string {
  modelsDir ??= dirname(require.resolve("@kubernetes/client-node/dist/gen/models/all.js"));
  return modelsDir;
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The model named `typeName` ("V1Pod"), or undefined when there is none. Cached. */
export function getModel(typeName: string): Model | undefined {
  const cached = models.get(typeName);
  if (cached !== undefined) return cached ?? undefined;
  const model = loadModel(typeName);
  models.set(typeName, model ?? null);
  return model;
}

function loadModel(typeName: string): Model | undefined {
  if (!NAME.test(typeName)) return undefined;
  let mod: Record<string, { attributeTypeMap?: AttributeType[] }>;
  try {
    mod = require(join(dir(), `${typeName}.js`));
  } catch {
    return undefined;
  }
  const attrs = mod[typeName]?.attributeTypeMap;
  if (!Array.isArray(attrs)) return undefined;
  const fields = new Map<string, ModelField>();
  for (const a of attrs) fields.set(a.baseName, { name: a.baseName, type: parseType(a.type, a.format) });
  return { name: typeName, fields };
}

const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;
const ARRAY_TYPE = /^Array<(.+)>$/;

/** Parses a generator type string ("Array<V1Container>", "{ [key: string]: string; }", ...). */
export function parseType(type: string, format = ""): FieldType {
  const arr = ARRAY_TYPE.exec(type);
  if (arr) return { kind: "array", items: parseType(arr[1], format) };
  const map = MAP_TYPE.exec(type);
  if (map) return { kind: "map", values: parseType(map[1], format) };
  switch (type) {
    case "string":
      return format ? { kind: "primitive", type: "string", format } : { kind: "primitive", type: "string" };
    case "boolean":
      return { kind: "primitive", type: "boolean" };
    case "number":
      if (format === "int32" || format === "int64") return { kind: "primitive", type: "integer", format };
      return format ? { kind: "primitive", type: "number", format } : { kind: "primitive", type: "number" };
    case "Date":
    case "V1MicroTime":
      // metav1.Time and metav1.MicroTime are both `date-time` strings in the
      // upstream schema (io.k8s.apimachinery.pkg.apis.meta.v1.Time / .MicroTime).
      // client-node names MicroTime as a class of its own (types.js), not a model.
      return { kind: "primitive", type: "string", format: "date-time" };
    case "IntOrString":
      return { kind: "intOrString" };
    case "any":
    case "object":
      return { kind: "any" };
    default:
      return NAME.test(type) ? { kind: "ref", name: type } : { kind: "any" };
  }
}

/** The model's description and its fields' descriptions, from the JSDoc in its .d.ts. Cached. */
export function getModelDocs(typeName: string): ModelDocs | undefined {
  const cached = docs.get(typeName);
  if (cached !== undefined) return cached ?? undefined;
  const d = getModel(typeName) ? loadDocs(typeName) : undefined;
  docs.set(typeName, d ?? null);
  return d;
}

// `/**\n* text\n*/\nexport declare class X` and `/**\n    * text\n    */\n    'field'?: T;`
const CLASS_DOC = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class /;
const FIELD_DOC = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*'([^']+)'\??:/g;
const REQUIRED_PROP = /^\s*'([^']+)':/gm;

function loadDocs(typeName: string): ModelDocs | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir(), `${typeName}.d.ts`), "utf8");
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  const byProp = new Map<string, string>();
  for (const m of text.matchAll(FIELD_DOC)) byProp.set(m[2], commentText(m[1]));
  const requiredProps = new Set([...text.matchAll(REQUIRED_PROP)].map((m) => m[1]));
  const required: string[] = [];
  // The .d.ts names properties by the generator's `name`, which differs from
  // the JSON name for a few fields ("_default" for "default").
  const model = getModel(typeName);
  const attrs = loadAttrNames(typeName);
  for (const [prop, jsonName] of attrs) {
    const d = byProp.get(prop);
    if (d && model?.fields.has(jsonName)) fields.set(jsonName, d);
    if (requiredProps.has(prop)) required.push(jsonName);
  }
  const cls = CLASS_DOC.exec(text);
  const description = cls ? commentText(cls[1]) : undefined;
  return { description: description || undefined, fields, required };
}

function loadAttrNames(typeName: string): [string, string][] {
  const mod = require(join(dir(), `${typeName}.js`)) as Record<string, { attributeTypeMap?: AttributeType[] }>;
  return (mod[typeName]?.attributeTypeMap ?? []).map((a) => [a.name, a.baseName]);
}

function commentText(body: string): string {
  return body
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .filter((l) => l.length > 0)
    .join(" ");
}

/** Every model name reachable from `roots` (the roots included), in breadth-first order. */
export function reachableModels(roots: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    const model = getModel(name);
    if (!model) continue;
    seen.add(name);
    for (const f of model.fields.values()) {
      const ref = refOf(f.type);
      if (ref && !seen.has(ref)) queue.push(ref);
    }
  }
  return [...seen];
}

/** The model a field type refers to, looking through arrays and maps. */
export function refOf(t: FieldType): string | undefined {
  if (t.kind === "ref") return t.name;
  if (t.kind === "array") return refOf(t.items);
  if (t.kind === "map") return refOf(t.values);
  return undefined;
}
