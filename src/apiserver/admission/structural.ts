// Type-structure checks for built-in kinds, using the compiled OpenAPI
// validators of kubernetes-models. Validators load lazily (synchronous
// require of the ESM module) so start-up pays only for kinds in use.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { FieldError, KObject, ResourceInfo } from "../registry/types.ts";
import { invalid, typeError } from "./fieldErrors.ts";

type AjvError = { instancePath: string; keyword: string; params: Record<string, any> };
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const requireModule = createRequire(import.meta.url);
const cache = new Map<string, ValidateFn | null>();

/** "V1Deployment" + group "apps" -> "IoK8sApiAppsV1Deployment". */
export function schemaModuleName(info: ResourceInfo): string | undefined {
  const m = /^(V\d+(?:alpha\d+|beta\d+)?)(.+)$/.exec(info.modelType ?? "");
  if (!m) {
    // CoreV1Event / EventsV1Event style model names.
    if (info.modelType === "CoreV1Event") return "IoK8sApiCoreV1Event";
    if (info.modelType === "EventsV1Event") return "IoK8sApiEventsV1Event";
    return undefined;
  }
  const version = m[1];
  const kind = m[2];
  if (info.group === "apiextensions.k8s.io")
    return `IoK8sApiextensionsApiserverPkgApisApiextensions${version}${kind}`;
  const g = info.group === "" ? "core" : info.group.replace(/\.k8s\.io$/, "").split(".")[0];
  const group = g === "rbac" ? "Rbac" : g.charAt(0).toUpperCase() + g.slice(1);
  return `IoK8sApi${group}${version}${kind}`;
}

export function loadValidator(info: ResourceInfo): ValidateFn | null {
  const name = schemaModuleName(info);
  if (!name) return null;
  let fn = cache.get(name);
  if (fn !== undefined) return fn;
  try {
    const url = import.meta.resolve(`kubernetes-models/_schemas/${name}`);
    fn = (requireModule(fileURLToPath(url)).validate as ValidateFn) ?? null;
  } catch {
    fn = null;
  }
  cache.set(name, fn);
  return fn;
}

/** Map keys that render as `field[key]` rather than `field.key`. */
const MAP_FIELDS = new Set([
  "labels",
  "annotations",
  "data",
  "binaryData",
  "stringData",
  "matchLabels",
  "nodeSelector",
  "limits",
  "requests",
  "capacity",
  "allocatable",
  "hard",
  "used",
  "parameters",
  "max",
  "min",
  "default",
  "defaultRequest",
  "maxLimitRequestRatio",
  "properties",
  "patternProperties",
  "definitions",
]);

function isMapKey(parentKey: string, seg: string): boolean {
  if (parentKey === "selector") return seg !== "matchLabels" && seg !== "matchExpressions";
  return MAP_FIELDS.has(parentKey);
}

/** JSON pointer "/spec/containers/0/name" -> "spec.containers[0].name", reading `root` to tell arrays from maps. */
export function pointerToPath(pointer: string, root: unknown): string {
  if (!pointer) return "";
  let path = "";
  let node: any = root;
  let parentKey = "";
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) path += `[${seg}]`;
    else if (path && isMapKey(parentKey, seg)) path += `[${seg}]`;
    else path = path ? `${path}.${seg}` : seg;
    node = node !== null && typeof node === "object" ? node[seg] : undefined;
    parentKey = seg;
  }
  return path;
}

function valueAt(pointer: string, root: unknown): unknown {
  if (!pointer) return root;
  let node: any = root;
  for (const raw of pointer.slice(1).split("/")) {
    node =
      node !== null && typeof node === "object"
        ? node[raw.replace(/~1/g, "/").replace(/~0/g, "~")]
        : undefined;
  }
  return node;
}

/**
 * Only JSON type and format mismatches are reported: kube-apiserver rejects
 * those while decoding, but it does not enforce the OpenAPI `required` and
 * `enum` of built-in kinds (the kind's validation code does, in its own words).
 */
function toFieldError(e: AjvError, root: unknown, oneOfPaths: Set<string>): FieldError | undefined {
  const field = pointerToPath(e.instancePath, root);
  const value = valueAt(e.instancePath, root);
  switch (e.keyword) {
    case "type":
      if (oneOfPaths.has(e.instancePath)) return undefined;
      return typeError(field, value, String(e.params.type));
    case "oneOf":
      return typeError(field, value, "integer or string");
    case "format":
      return invalid(field, value, `must be a valid ${e.params.format}`);
    default:
      return undefined;
  }
}

/**
 * Structural errors of `obj` against the built-in kind's OpenAPI schema.
 * apiVersion and kind come from the URL, so they are not checked here.
 */
export function validateStructure(info: ResourceInfo, obj: KObject): FieldError[] {
  const fn = loadValidator(info);
  if (!fn) return [];
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  const data = { ...obj, apiVersion, kind: info.kind };
  let ok: boolean;
  try {
    ok = fn(data);
  } catch {
    return [];
  }
  if (ok || !fn.errors) return [];
  const oneOf = new Set(fn.errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const out: FieldError[] = [];
  for (const e of fn.errors) {
    const fe = toFieldError(e, data, oneOf);
    if (fe) out.push(fe);
  }
  return out;
}
