// CustomResourceDefinition checks (apiextensions-apiserver
// pkg/apis/apiextensions/validation, 1.32), including the structural-schema
// rule that every specified node has a type.
import type { FieldError, KObject } from "../registry/types.ts";
import {
  type Errs,
  forbidden,
  invalid,
  invalidRendered,
  isObj,
  notSupported,
  required,
  typeError,
} from "./fieldErrors.ts";
import { isDNS1035Label, isDNS1123Subdomain } from "./names.ts";

type Obj = Record<string, any>;
const TYPES = ["array", "boolean", "integer", "number", "object", "string"];

function showVersions(versions: unknown): string {
  if (!Array.isArray(versions)) return "[]apiextensions.CustomResourceDefinitionVersion(nil)";
  const names = versions.map((v) =>
    isObj(v)
      ? `{Name:${JSON.stringify(String(v.name ?? ""))}, Served:${v.served === true}, Storage:${v.storage === true}}`
      : "{}",
  );
  return `[]apiextensions.CustomResourceDefinitionVersion{${names.join(", ")}}`;
}

function validateNames(s: Obj, errs: Errs): void {
  const n = s.names;
  if (!isObj(n)) {
    errs.push(n == null ? required("spec.names.plural") : typeError("spec.names", n, "object"));
    if (n == null) errs.push(required("spec.names.kind"));
    return;
  }
  for (const k of ["plural", "singular"]) {
    const v = n[k];
    if (k === "plural" && !v) errs.push(required("spec.names.plural"));
    else if (typeof v === "string" && v)
      for (const m of isDNS1035Label(v)) errs.push(invalid(`spec.names.${k}`, v, m));
  }
  if (!n.kind) errs.push(required("spec.names.kind"));
  else if (typeof n.kind === "string" && !/^[A-Za-z][-A-Za-z0-9]*$/.test(n.kind)) {
    errs.push(invalid("spec.names.kind", n.kind, "must be a valid kind name"));
  }
}

/** Structural schema: every node specifies a type, except under preserve-unknown-fields or int-or-string. */
function validateStructural(s: unknown, path: string, errs: Errs, where: string): void {
  if (!isObj(s)) {
    errs.push(typeError(path, s, "object"));
    return;
  }
  const free = s["x-kubernetes-preserve-unknown-fields"] === true || s["x-kubernetes-int-or-string"] === true;
  if (!s.type && !free) errs.push(required(`${path}.type`, `must not be empty ${where}`));
  else if (s.type && !TYPES.includes(s.type)) errs.push(notSupported(`${path}.type`, s.type, TYPES));
  if (isObj(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(
      forbidden(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"),
    );
  }
  if (isObj(s.properties)) {
    for (const [k, p] of Object.entries(s.properties))
      validateStructural(p, `${path}.properties[${k}]`, errs, "for specified object fields");
  }
  if (isObj(s.additionalProperties))
    validateStructural(
      s.additionalProperties,
      `${path}.additionalProperties`,
      errs,
      "for specified additionalProperties",
    );
  if (s.items !== undefined) validateStructural(s.items, `${path}.items`, errs, "for specified array items");
  else if (s.type === "array") errs.push(required(`${path}.items`, "must be specified"));
}

function validateVersions(s: Obj, errs: Errs): void {
  const versions = s.versions;
  if (!Array.isArray(versions) || versions.length === 0) {
    if (versions != null && !Array.isArray(versions))
      errs.push(typeError("spec.versions", versions, "array"));
    errs.push(
      invalidRendered(
        "spec.versions",
        showVersions(versions),
        "must have exactly one version marked as storage version",
      ),
    );
    return;
  }
  const names = new Set<string>();
  let storage = 0;
  let served = 0;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!isObj(v)) {
      errs.push(typeError(p, v, "object"));
      return;
    }
    if (v.storage === true) storage++;
    if (v.served === true) served++;
    if (!v.name) errs.push(required(`${p}.name`));
    else if (typeof v.name === "string") {
      for (const m of isDNS1035Label(v.name)) errs.push(invalid(`${p}.name`, v.name, m));
      if (names.has(v.name))
        errs.push(
          invalidRendered("spec.versions", showVersions(versions), "must contain unique version names"),
        );
      names.add(v.name);
    }
    const schema = isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
    const sp = `${p}.schema.openAPIV3Schema`;
    if (schema === undefined || schema === null) errs.push(required(sp, "schemas are required"));
    else if (isObj(schema) && schema.type !== "object") {
      errs.push(
        schema.type
          ? notSupported(`${sp}.type`, schema.type, ["object"])
          : required(`${sp}.type`, "must not be empty at the root"),
      );
      validateStructural({ ...schema, type: "object" }, sp, errs, "at the root");
    } else validateStructural(schema, sp, errs, "at the root");
  });
  if (storage !== 1)
    errs.push(
      invalidRendered(
        "spec.versions",
        showVersions(versions),
        "must have exactly one version marked as storage version",
      ),
    );
  if (served === 0)
    errs.push(
      invalidRendered("spec.versions", showVersions(versions), "must have at least one served version"),
    );
}

/**
 * The CRD-specific rules of a CustomResourceDefinition. Generic ObjectMeta
 * checks are validateObject's: run both. Never throws.
 */
export function validateCRD(crd: KObject): FieldError[] {
  if (!isObj(crd)) return [typeError("", crd, "object")];
  const errs: Errs = [];
  const s = crd.spec;
  if (!isObj(s)) {
    errs.push(s == null ? required("spec") : typeError("spec", s, "object"));
    return errs;
  }
  if (!s.group) errs.push(required("spec.group"));
  else if (typeof s.group !== "string") errs.push(typeError("spec.group", s.group, "string"));
  else {
    for (const m of isDNS1123Subdomain(s.group)) errs.push(invalid("spec.group", s.group, m));
    if (!s.group.includes("."))
      errs.push(invalid("spec.group", s.group, "should be a domain with at least one dot"));
  }
  const scopes = ["Cluster", "Namespaced"];
  if (!s.scope) errs.push(required("spec.scope"));
  else if (!scopes.includes(s.scope)) errs.push(notSupported("spec.scope", s.scope, scopes));
  validateNames(s, errs);
  const name = isObj(crd.metadata) ? crd.metadata.name : undefined;
  const plural = isObj(s.names) ? s.names.plural : undefined;
  if (typeof name === "string" && name && name !== `${plural}.${s.group}`) {
    errs.push(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  validateVersions(s, errs);
  const strategies = ["None", "Webhook"];
  const conv = s.conversion;
  if (isObj(conv) && conv.strategy && !strategies.includes(conv.strategy)) {
    errs.push(notSupported("spec.conversion.strategy", conv.strategy, strategies));
  }
  return errs;
}

/**
 * validateCustomResourceDefinitionSpecUpdate: group and names.plural never
 * change (they make the name); once the CRD is Established, scope and
 * names.kind neither, since they shape its storage.
 */
export function validateCRDUpdate(crd: KObject, old: KObject): FieldError[] {
  const errs: Errs = [];
  const s: Obj = isObj(crd.spec) ? crd.spec : {};
  const o: Obj = isObj(old.spec) ? old.spec : {};
  const names = (x: Obj): Obj => (isObj(x.names) ? x.names : {});
  const immutable = (field: string, now: unknown, before: unknown) => {
    if (now !== before) errs.push(invalid(field, now ?? "", "field is immutable"));
  };
  const conditions: unknown[] = Array.isArray(old.status?.conditions) ? old.status.conditions : [];
  const established = conditions.some((c) => isObj(c) && c.type === "Established" && c.status === "True");
  if (established) {
    immutable("spec.scope", s.scope, o.scope);
    immutable("spec.names.kind", names(s).kind, names(o).kind);
  }
  immutable("spec.group", s.group, o.group);
  immutable("spec.names.plural", names(s).plural, names(o).plural);
  return errs;
}
