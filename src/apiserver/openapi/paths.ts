// The path items of one resource in the OpenAPI documents. kubectl reads two
// things from them (k8s.io/cli-runtime resource/query_param_verifier_v3.go,
// k8s.io/kubectl pkg/cmd/apply/patcher.go, pkg/explain/v2/templates/plaintext.tmpl):
//  - every PATCH operation of a kind carries `x-kubernetes-group-version-kind`
//    {group, version, kind} and a `fieldValidation` query parameter; if the
//    first PATCH operation found for the kind lacks it, kubectl validates
//    client-side instead of sending fieldValidation=Strict;
//  - the PATCH request body lists application/strategic-merge-patch+json for
//    built-in kinds only; kubectl apply then computes a strategic merge patch
//    from the components, and a JSON merge patch otherwise (custom resources);
//  - `kubectl explain` finds the kind from any get/post/put/patch/delete
//    operation at /{prefix}/{version}[/namespaces/{namespace}]/{plural}[/{name}].
import type { ResourceInfo } from "../registry/types.ts";
import { type Dialect, refPath, type Schema } from "./schemas.ts";

export const PATCH_SCHEMA = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

const PATCH_TYPES_BUILTIN = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];
const PATCH_TYPES_CUSTOM = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];

export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

type Param = { name: string; in: "path" | "query"; description: string; required?: boolean; type?: string };

const nameParam: Param = { name: "name", in: "path", required: true, description: "name of the resource" };
const namespaceParam: Param = { name: "namespace", in: "path", required: true, description: "object name and auth scope, such as for teams and projects" };
const dryRun: Param = { name: "dryRun", in: "query", description: "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed" };
const fieldManager: Param = { name: "fieldManager", in: "query", description: "fieldManager is a name associated with the actor or entity that is making these changes." };
const fieldValidation: Param = {
  name: "fieldValidation",
  in: "query",
  description:
    "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
};
const force: Param = { name: "force", in: "query", type: "boolean", description: "Force is going to \"force\" Apply requests. It must be unset for non-apply patch requests." };

function param(p: Param, dialect: Dialect): Schema {
  const type = p.type ?? "string";
  const base: Schema = { name: p.name, in: p.in, description: p.description };
  if (p.required) base.required = true;
  if (dialect === "v3") base.schema = { type, uniqueItems: true };
  else base.type = type;
  return base;
}

function opName(verb: string, r: ResourceInfo): string {
  return `${verb}${r.namespaced ? "Namespaced" : ""}${r.kind}`;
}

function gvk(r: ResourceInfo): Schema {
  return { group: r.group, version: r.version, kind: r.kind };
}

function response(dialect: Dialect, schemaRef: string): Schema {
  const schema = { $ref: refPath(dialect, schemaRef) };
  if (dialect === "v2") return { "200": { description: "OK", schema }, "401": { description: "Unauthorized" } };
  return { "200": { description: "OK", content: { "application/json": { schema } } }, "401": { description: "Unauthorized" } };
}

function operation(dialect: Dialect, r: ResourceInfo, verb: string, action: string, schemaRef: string, params: Param[], body?: string[]): Schema {
  const op: Schema = {
    description: `${action} the specified ${r.kind}`,
    operationId: opName(verb, r),
    tags: [gvPath(r.group, r.version).replace(/^apis?\//, "").replaceAll(/[./]/g, "_")],
    parameters: params.map((p) => param(p, dialect)),
    responses: response(dialect, schemaRef),
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk(r),
  };
  if (body) {
    const schema = { $ref: refPath(dialect, action === "patch" ? PATCH_SCHEMA : schemaRef) };
    if (dialect === "v3") op.requestBody = { required: true, content: Object.fromEntries(body.map((t) => [t, { schema }])) };
    else {
      (op.parameters as Schema[]).push({ name: "body", in: "body", required: true, schema });
      op.consumes = body;
    }
  }
  return op;
}

/** The collection and item path items of resource `r`, whose component schema is `schemaName`. */
export function resourcePaths(r: ResourceInfo, schemaName: string, dialect: Dialect): Record<string, Schema> {
  const prefix = `/${gvPath(r.group, r.version)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
  const scope = r.namespaced ? [namespaceParam] : [];
  const item = [nameParam, ...scope];
  const json = ["application/json"];
  const patchTypes = r.modelType ? PATCH_TYPES_BUILTIN : PATCH_TYPES_CUSTOM;
  const can = (v: string) => r.verbs.includes(v);
  const collection: Schema = {};
  if (can("list")) collection.get = operation(dialect, r, "list", "list", schemaName, scope);
  if (can("create")) collection.post = operation(dialect, r, "create", "post", schemaName, [...scope, dryRun, fieldManager, fieldValidation], json);
  const one: Schema = {};
  if (can("get")) one.get = operation(dialect, r, "read", "get", schemaName, item);
  if (can("update")) one.put = operation(dialect, r, "replace", "put", schemaName, [...item, dryRun, fieldManager, fieldValidation], json);
  if (can("patch")) one.patch = operation(dialect, r, "patch", "patch", schemaName, [...item, dryRun, fieldManager, fieldValidation, force], patchTypes);
  if (can("delete")) one.delete = operation(dialect, r, "delete", "delete", schemaName, [...item, dryRun]);
  const out: Record<string, Schema> = {};
  if (Object.keys(collection).length > 0) out[prefix] = collection;
  if (Object.keys(one).length > 0) out[`${prefix}/{name}`] = one;
  return out;
}

export function patchSchema(): Schema {
  return { description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", type: "object" };
}
