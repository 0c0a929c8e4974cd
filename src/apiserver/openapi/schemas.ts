// Component schemas for the OpenAPI documents, derived from the type graph,
// with upstream-style names ("io.k8s.api.core.v1.PodSpec") so that
// `kubectl explain` prints the last dotted segment as the type. Field schemas
// carry x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key, which
// kubectl's client-side apply reads (strategicpatch.PatchMetaFromOpenAPIV3:
// the extension sits on the property; the property resolves through
// allOf[0] and $ref, and arrays through items).
import type { JSONSchemaProps, ResourceInfo } from "../registry/types.ts";
import { patchMetaFor } from "../schema/patchMeta.ts";
import { type FieldType, getModel, getModelDocs, reachableModels } from "../schema/typeGraph.ts";

export type Schema = Record<string, unknown>;
export type Dialect = "v3" | "v2";

export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
export const OBJECT_META = "V1ObjectMeta";

const META_TYPES = new Set([
  "V1ObjectMeta",
  "V1ListMeta",
  "V1LabelSelector",
  "V1LabelSelectorRequirement",
  "V1ManagedFieldsEntry",
  "V1OwnerReference",
  "V1Condition",
  "V1Status",
  "V1StatusDetails",
  "V1StatusCause",
  "V1DeleteOptions",
  "V1Preconditions",
]);

const PACKAGES: Record<string, string> = {
  "": "io.k8s.api.core",
  "apiextensions.k8s.io": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
};

const PREFIX = /^(Core|Events)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z].*)$/;

/** Names component schemas: one upstream-style name per model, unique within a build. */
export class SchemaNames {
  private readonly byModel = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** Assigns names to every model reachable from `resources`, core resources first. */
  constructor(resources: ResourceInfo[]) {
    for (const r of resources) {
      if (!r.modelType) continue;
      for (const m of reachableModels([r.modelType])) if (!this.byModel.has(m)) this.assign(m, r.group);
    }
  }

  private assign(model: string, group: string): void {
    const m = PREFIX.exec(model);
    let name: string;
    if (!m) name = `io.k8s.kpanda.${model}`;
    else if (model === "V1PodTemplateSpec") name = "io.k8s.api.core.v1.PodTemplateSpec";
    else if (META_TYPES.has(model)) name = `io.k8s.apimachinery.pkg.apis.meta.${m[2].toLowerCase()}.${m[3]}`;
    else {
      const pkg = m[1] ? `io.k8s.api.${m[1].toLowerCase()}` : (PACKAGES[group] ?? `io.k8s.api.${group.split(".")[0]}`);
      name = `${pkg}.${m[2].toLowerCase()}.${m[3]}`;
    }
    if (this.taken.has(name)) name = `${name.slice(0, name.lastIndexOf(".") + 1)}${model}`;
    this.taken.add(name);
    this.byModel.set(model, name);
  }

  nameOf(model: string): string {
    let name = this.byModel.get(model);
    if (!name) {
      this.assign(model, "");
      name = this.byModel.get(model) as string;
    }
    return name;
  }
}

export function refPath(dialect: Dialect, name: string): string {
  return dialect === "v3" ? `#/components/schemas/${name}` : `#/definitions/${name}`;
}

/** A property that refers to a named schema, with its own description beside the reference. */
function refProperty(dialect: Dialect, name: string, description?: string): Schema {
  const ref = { $ref: refPath(dialect, name) };
  if (!description) return ref;
  return dialect === "v3" ? { description, allOf: [ref] } : { description, ...ref };
}

function typeSchema(t: FieldType, dialect: Dialect, names: SchemaNames, description?: string): Schema {
  const described = (s: Schema): Schema => (description ? { description, ...s } : s);
  switch (t.kind) {
    case "primitive":
      return described(t.format ? { type: t.type, format: t.format } : { type: t.type });
    case "intOrString":
      return refProperty(dialect, INT_OR_STRING, description);
    case "any":
      return described({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    case "ref":
      return refProperty(dialect, names.nameOf(t.name), description);
    case "array":
      return described({ type: "array", items: typeSchema(t.items, dialect, names) });
    case "map":
      return described({ type: "object", additionalProperties: typeSchema(t.values, dialect, names) });
  }
}

/** The component schema of a model, without its GVK extension. */
export function modelSchema(model: string, dialect: Dialect, names: SchemaNames): Schema {
  const m = getModel(model);
  if (!m) return { type: "object" };
  const docs = getModelDocs(model);
  const properties: Record<string, Schema> = {};
  for (const f of m.fields.values()) {
    const ref = f.type.kind === "ref" ? f.type.name : undefined;
    const description = docs?.fields.get(f.name) ?? (ref ? getModelDocs(ref)?.description : undefined);
    const prop = typeSchema(f.type, dialect, names, description);
    const meta = patchMetaFor(model, f.name);
    if (meta) {
      prop["x-kubernetes-patch-strategy"] = meta.strategy;
      if (meta.mergeKey) prop["x-kubernetes-patch-merge-key"] = meta.mergeKey;
    }
    properties[f.name] = prop;
  }
  const out: Schema = { type: "object", properties };
  if (docs?.description) out.description = docs.description;
  if (docs?.required.length) out.required = docs.required;
  return out;
}

export function usesIntOrString(models: string[]): boolean {
  const check = (t: FieldType): boolean =>
    t.kind === "intOrString" || (t.kind === "array" && check(t.items)) || (t.kind === "map" && check(t.values));
  return models.some((m) => [...(getModel(m)?.fields.values() ?? [])].some((f) => check(f.type)));
}

export function intOrStringSchema(dialect: Dialect): Schema {
  const base = {
    description:
      "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    format: "int-or-string",
  };
  return dialect === "v3" ? { ...base, oneOf: [{ type: "integer" }, { type: "string" }] } : { ...base, type: "string" };
}

/** Upstream's component name for a custom resource: reversed group, version, kind. */
export function crdSchemaName(r: ResourceInfo): string {
  return `${r.group.split(".").reverse().join(".")}.${r.version}.${r.kind}`;
}

/** The component schema of a custom resource version: its CRD schema plus apiVersion, kind and metadata. */
export function crdSchema(r: ResourceInfo, dialect: Dialect, names: SchemaNames): Schema {
  const given: JSONSchemaProps = r.crd?.schema ? structuredClone(r.crd.schema) : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const out = (dialect === "v2" ? stripV3Only(given) : given) as Schema;
  const metaDocs = getModelDocs("V1Pod");
  out.type = "object";
  out.properties = {
    ...((out.properties as Record<string, Schema> | undefined) ?? {}),
    apiVersion: { type: "string", description: metaDocs?.fields.get("apiVersion") },
    kind: { type: "string", description: metaDocs?.fields.get("kind") },
    metadata: refProperty(dialect, names.nameOf(OBJECT_META), "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
  };
  return out;
}

/** Swagger 2.0 has no `nullable`; upstream drops it when publishing CRDs in v2. */
function stripV3Only(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(stripV3Only);
  if (typeof s !== "object" || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (k !== "nullable") out[k] = stripV3Only(v);
  return out;
}
