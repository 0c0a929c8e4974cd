// Custom resources against a structural schema: validation with the
// messages of apiextensions-apiserver's kubeOpenAPIResultToFieldErrors
// (kube-openapi wording "<path> in body ..."), and pruning of unknown fields.
import type { FieldError, JSONSchemaProps, KObject } from "../registry/types.ts";
import {
  duplicate,
  type Errs,
  invalid,
  isObj,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeError,
} from "./fieldErrors.ts";
import { isDNS1123Subdomain } from "./names.ts";
import { validateObjectMeta } from "./validateMeta.ts";

const patternCache = new Map<string, RegExp | null>();

function compilePattern(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p, "u");
    } catch {
      re = null;
    }
    patternCache.set(p, re);
  }
  return re;
}

const FORMATS: Record<string, (v: string) => boolean> = {
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  ipv4: (v) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
  hostname: (v) => isDNS1123Subdomain(v.toLowerCase()).length === 0,
};

function typeMatches(v: unknown, s: JSONSchemaProps): boolean {
  if (s["x-kubernetes-int-or-string"])
    return (typeof v === "number" && Number.isInteger(v)) || typeof v === "string";
  switch (s.type) {
    case "object":
      return isObj(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

function checkScalar(v: unknown, s: JSONSchemaProps, path: string, errs: Errs): void {
  const body = `${path} in body`;
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      errs.push(
        invalid(
          path,
          v,
          `${body} should be greater than ${s.exclusiveMinimum === true ? "" : "or equal to "}${s.minimum}`,
        ),
      );
    }
    if (typeof s.maximum === "number" && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      errs.push(
        invalid(
          path,
          v,
          `${body} should be less than ${s.exclusiveMaximum === true ? "" : "or equal to "}${s.maximum}`,
        ),
      );
    }
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) {
      errs.push(invalid(path, v, `${body} should be a multiple of ${s.multipleOf}`));
    }
    if (s.format === "int32" && (v < -(2 ** 31) || v >= 2 ** 31))
      errs.push(invalid(path, v, `${body} must be of type int32: "${v}"`));
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (typeof s.maxLength === "number" && len > s.maxLength) errs.push(tooLong(path, s.maxLength));
    if (typeof s.minLength === "number" && len < s.minLength)
      errs.push(invalid(path, v, `${body} should be at least ${s.minLength} chars long`));
    if (typeof s.pattern === "string") {
      const re = compilePattern(s.pattern);
      if (re && !re.test(v)) errs.push(invalid(path, v, `${body} should match '${s.pattern}'`));
    }
    const fmt = typeof s.format === "string" ? FORMATS[s.format] : undefined;
    if (fmt && !fmt(v))
      errs.push(invalid(path, v, `${body} must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
  if (
    Array.isArray(s.enum) &&
    s.enum.length > 0 &&
    !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))
  ) {
    errs.push(
      notSupported(
        path,
        v,
        s.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e))),
      ),
    );
  }
}

function checkArray(v: unknown[], s: JSONSchemaProps, path: string, errs: Errs): void {
  if (typeof s.maxItems === "number" && v.length > s.maxItems) errs.push(tooMany(path, v.length, s.maxItems));
  if (typeof s.minItems === "number" && v.length < s.minItems) {
    errs.push(invalid(path, v, `${path} in body should have at least ${s.minItems} items`));
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType === "set" || s.uniqueItems === true) {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) errs.push(duplicate(`${path}[${i}]`, x));
      seen.add(k);
    });
  } else if (listType === "map" && Array.isArray(s["x-kubernetes-list-map-keys"])) {
    const keys = s["x-kubernetes-list-map-keys"];
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (!isObj(x)) return;
      const k = JSON.stringify(keys.map((key) => x[key]));
      if (seen.has(k))
        errs.push(duplicate(`${path}[${i}]`, Object.fromEntries(keys.map((key) => [key, x[key]]))));
      seen.add(k);
    });
  }
  if (isObj(s.items))
    for (const [i, x] of v.entries()) validateValue(x, s.items as JSONSchemaProps, `${path}[${i}]`, errs);
}

function checkObject(
  v: Record<string, unknown>,
  s: JSONSchemaProps,
  path: string,
  errs: Errs,
  root: boolean,
): void {
  for (const r of Array.isArray(s.required) ? s.required : []) {
    if (typeof r === "string" && !(r in v)) errs.push(required(path ? `${path}.${r}` : r));
  }
  const props = isObj(s.properties) ? s.properties : undefined;
  const extra = isObj(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, x] of Object.entries(v)) {
    // apiVersion, kind and metadata at the root are the server's business.
    if (root && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
    const p = path ? `${path}.${k}` : k;
    const ps = props && Object.hasOwn(props, k) ? props[k] : undefined;
    if (ps) validateValue(x, ps, p, errs);
    else if (extra) validateValue(x, extra, path ? `${path}[${k}]` : k, errs);
  }
}

function validateValue(v: unknown, s: JSONSchemaProps, path: string, errs: Errs, root = false): void {
  if (!isObj(s)) return;
  if (v === null) {
    if (s.nullable === true || (!s.type && s["x-kubernetes-preserve-unknown-fields"])) return;
    if (s.type || s["x-kubernetes-int-or-string"]) {
      errs.push(typeError(path, v, s["x-kubernetes-int-or-string"] ? "integer,string" : (s.type as string)));
    }
    return;
  }
  if (!typeMatches(v, s)) {
    const want = s["x-kubernetes-int-or-string"] ? "integer,string" : (s.type as string);
    errs.push(typeError(path, v, want));
    return;
  }
  checkScalar(v, s, path, errs);
  if (Array.isArray(v)) checkArray(v, s, path, errs);
  else if (isObj(v)) checkObject(v, s, path, errs, root);
}

/**
 * Validate a custom resource: its metadata (name a DNS-1123 subdomain; with
 * `namespaced` given, namespace required or forbidden) and its body against
 * the version's structural schema. Never throws.
 */
export function validateCustomResource(
  schema: JSONSchemaProps | undefined,
  obj: KObject,
  namespaced?: boolean,
): FieldError[] {
  if (!isObj(obj)) return [typeError("", obj, "object")];
  const errs = validateObjectMeta(obj.metadata, namespaced ?? false, isDNS1123Subdomain);
  const out = namespaced === undefined ? errs.filter((e) => e.field !== "metadata.namespace") : errs;
  if (schema && isObj(schema)) validateValue(obj, schema, "", out, true);
  return out;
}

/**
 * Remove fields the structural schema does not specify (apiextensions
 * pruning), in place. apiVersion, kind and metadata stay at the root and in
 * x-kubernetes-embedded-resource objects; x-kubernetes-preserve-unknown-fields
 * keeps unknown fields. Returns the pruned paths, e.g. "spec.foo", sorted.
 */
export function pruneUnknownFields(schema: JSONSchemaProps | undefined, obj: unknown): string[] {
  const pruned: string[] = [];
  if (!isObj(schema) || !isObj(obj)) return pruned;
  pruneObject(obj, schema, "", pruned, true);
  return pruned.sort();
}

function prune(v: unknown, s: JSONSchemaProps | undefined, path: string, out: string[]): void {
  if (!isObj(s)) return;
  if (Array.isArray(v)) {
    if (isObj(s.items)) for (const [i, x] of v.entries()) prune(x, s.items, `${path}[${i}]`, out);
    return;
  }
  if (isObj(v)) pruneObject(v, s, path, out, s["x-kubernetes-embedded-resource"] === true);
}

function pruneObject(
  v: Record<string, unknown>,
  s: JSONSchemaProps,
  path: string,
  out: string[],
  keepTypeMeta: boolean,
): void {
  const props = isObj(s.properties) ? s.properties : undefined;
  const extra = s.additionalProperties;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (keepTypeMeta && (k === "apiVersion" || k === "kind" || k === "metadata")) {
      if (props && Object.hasOwn(props, k) && k !== "metadata") prune(v[k], props[k], p, out);
      continue;
    }
    if (props && Object.hasOwn(props, k)) prune(v[k], props[k], p, out);
    else if (isObj(extra)) prune(v[k], extra as JSONSchemaProps, path ? `${path}[${k}]` : k, out);
    else if (!preserve && extra !== true) {
      delete v[k];
      out.push(p);
    }
  }
}
