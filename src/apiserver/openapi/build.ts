// The OpenAPI documents the server publishes for kubectl:
//  - GET /openapi/v3: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=<HASH>"}, ...}}
//    (client-go openapi.client.Paths; URLs rooted at /openapi/v3 keep working
//    behind a path-prefix proxy);
//  - GET /openapi/v3/<gv path>: one OpenAPI 3.0 document per group/version
//    with `paths` and `components.schemas`; kind schemas carry
//    `x-kubernetes-group-version-kind` as a list (kubectl explain and apply
//    match it with `contains` / gvkMatchesArray);
//  - GET /openapi/v2: Swagger 2.0 with every definition, as JSON or as
//    gnostic's protobuf (./gnostic.ts), which kubectl asks for first.
// Documents are built together on first use and kept serialized; the hash is
// the upper-case hex SHA-512 of a document, like kube-apiserver's.
import { createHash } from "node:crypto";
import type { ResourceInfo } from "../registry/types.ts";
import { reachableModels } from "../schema/typeGraph.ts";
import { encodeGnosticV2 } from "./gnostic.ts";
import { gvPath, PATCH_SCHEMA, patchSchema, resourcePaths } from "./paths.ts";
import {
  crdSchema,
  crdSchemaName,
  type Dialect,
  INT_OR_STRING,
  intOrStringSchema,
  modelSchema,
  OBJECT_META,
  type Schema,
  SchemaNames,
  usesIntOrString,
} from "./schemas.ts";

export type GroupVersionDocument = { json: string; hash: string; serverRelativeURL: string };

export type OpenAPIDocuments = {
  /** The /openapi/v3 discovery document, serialized. */
  rootV3(): string;
  /** The serialized document for "api/v1" or "apis/<group>/<version>" (slashes around are ignored), or undefined when nothing is served there. */
  groupVersionV3(path: string): string | undefined;
  /** The same document with its hash (for ETag and the `hash` query parameter) and URL. */
  groupVersionV3Info(path: string): GroupVersionDocument | undefined;
  /** The serialized /openapi/v2 document. */
  v2(): string;
  /** The hash of the v2 document (an ETag, shared by its JSON and protobuf forms as in kube-openapi). */
  v2Hash(): string;
  /** The v2 document as gnostic's openapi.v2.Document protobuf, encoded on first use. */
  v2Protobuf(): Buffer;
};

type Built = { root: string; gvs: Map<string, GroupVersionDocument>; v2: { json: string; hash: string; protobuf?: Buffer } };

/**
 * Prepares the documents for `resources` (built-in and custom). Nothing is
 * computed until the first lookup; call again when the resource list changes
 * (CRDs) and swap the result in.
 */
export function buildOpenAPI(resources: ResourceInfo[]): OpenAPIDocuments {
  let built: Built | undefined;
  const get = () => {
    built ??= buildAll(resources);
    return built;
  };
  return {
    rootV3: () => get().root,
    groupVersionV3: (path) => get().gvs.get(trimSlashes(path))?.json,
    groupVersionV3Info: (path) => get().gvs.get(trimSlashes(path)),
    v2: () => get().v2.json,
    v2Hash: () => get().v2.hash,
    v2Protobuf: () => {
      const v2 = get().v2;
      v2.protobuf ??= encodeGnosticV2(JSON.parse(v2.json));
      return v2.protobuf;
    },
  };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

function hashOf(json: string): string {
  return createHash("sha512").update(json).digest("hex").toUpperCase();
}

function buildAll(resources: ResourceInfo[]): Built {
  const names = new SchemaNames(resources);
  const byGV = new Map<string, ResourceInfo[]>();
  for (const r of resources) {
    const key = gvPath(r.group, r.version);
    byGV.set(key, [...(byGV.get(key) ?? []), r]);
  }
  const gvs = new Map<string, GroupVersionDocument>();
  for (const key of [...byGV.keys()].sort()) {
    const json = JSON.stringify(document("v3", byGV.get(key) ?? [], names, key));
    const hash = hashOf(json);
    gvs.set(key, { json, hash, serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` });
  }
  const root = JSON.stringify({ paths: Object.fromEntries([...gvs].map(([k, d]) => [k, { serverRelativeURL: d.serverRelativeURL }])) });
  const v2json = JSON.stringify(document("v2", resources, names, ""));
  return { root, gvs, v2: { json: v2json, hash: hashOf(v2json) } };
}

/** Component schemas and paths for `resources`, in the given dialect. */
function document(dialect: Dialect, resources: ResourceInfo[], names: SchemaNames, title: string): Schema {
  const schemas: Record<string, Schema> = {};
  const paths: Record<string, Schema> = {};
  const kindsByModel = new Map<string, Schema[]>();
  const roots = [OBJECT_META];
  for (const r of resources) {
    if (r.modelType) {
      roots.push(r.modelType);
      kindsByModel.set(r.modelType, [...(kindsByModel.get(r.modelType) ?? []), { group: r.group, kind: r.kind, version: r.version }]);
      Object.assign(paths, resourcePaths(r, names.nameOf(r.modelType), dialect));
    } else {
      const name = crdSchemaName(r);
      schemas[name] = { ...crdSchema(r, dialect, names), "x-kubernetes-group-version-kind": [{ group: r.group, kind: r.kind, version: r.version }] };
      Object.assign(paths, resourcePaths(r, name, dialect));
    }
  }
  const models = reachableModels(roots);
  for (const m of models) {
    const s = modelSchema(m, dialect, names);
    const kinds = kindsByModel.get(m);
    schemas[names.nameOf(m)] = kinds ? { ...s, "x-kubernetes-group-version-kind": kinds } : s;
  }
  if (usesIntOrString(models)) schemas[INT_OR_STRING] = intOrStringSchema(dialect);
  schemas[PATCH_SCHEMA] = patchSchema();
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  if (dialect === "v2") {
    return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths, definitions: sorted };
  }
  return { openapi: "3.0.0", info: { title: `Kubernetes ${title}`, version: "v1.32.0" }, paths, components: { schemas: sorted } };
}
