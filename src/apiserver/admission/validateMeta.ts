// ObjectMeta checks: k8s.io/apimachinery/pkg/api/validation/objectmeta.go (v0.32).
import type { FieldError } from "../registry/types.ts";
import { type Errs, forbidden, invalid, isObj, required, tooLong, typeError } from "./fieldErrors.ts";
import { isDNS1123Label, isLabelValue, isQualifiedName } from "./names.ts";

export type NameFn = (name: string) => string[];

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** generateName is checked with its trailing dash masked (maskTrailingDash). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

function stringMap(v: unknown, field: string, errs: Errs): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) {
    errs.push(typeError(field, v, "object"));
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string") out[k] = x;
    else errs.push(typeError(`${field}[${k}]`, x, "string"));
  }
  return out;
}

export function validateLabels(labels: unknown, field: string, errs: Errs): void {
  for (const [k, v] of Object.entries(stringMap(labels, field, errs))) {
    for (const m of isQualifiedName(k)) errs.push(invalid(field, k, m));
    for (const m of isLabelValue(v)) errs.push(invalid(field, v, m));
  }
}

export function validateAnnotations(ann: unknown, field: string, errs: Errs): void {
  let size = 0;
  for (const [k, v] of Object.entries(stringMap(ann, field, errs))) {
    // Case does not matter for annotation keys: checked lower-cased.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE));
}

function validateOwnerRefs(refs: unknown, errs: Errs): void {
  if (refs === undefined || refs === null) return;
  const field = "metadata.ownerReferences";
  if (!Array.isArray(refs)) {
    errs.push(typeError(field, refs, "array"));
    return;
  }
  let controller = "";
  for (const r of refs) {
    if (!isObj(r)) continue;
    const version = typeof r.apiVersion === "string" ? r.apiVersion.split("/").pop() : "";
    if (!version) errs.push(invalid(`${field}.apiVersion`, version ?? "", "version must not be empty"));
    if (!r.kind) errs.push(invalid(`${field}.kind`, r.kind ?? "", "kind must not be empty"));
    if (!r.name) errs.push(invalid(`${field}.name`, r.name ?? "", "name must not be empty"));
    if (!r.uid) errs.push(invalid(`${field}.uid`, r.uid ?? "", "uid must not be empty"));
    if (r.controller === true) {
      const cur = `${r.kind}/${r.name}`;
      if (controller) {
        errs.push(
          invalid(
            field,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${cur}`,
          ),
        );
      } else controller = cur;
    }
  }
}

function validateFinalizers(f: unknown, errs: Errs): void {
  const field = "metadata.finalizers";
  if (f === undefined || f === null) return;
  if (!Array.isArray(f)) {
    errs.push(typeError(field, f, "array"));
    return;
  }
  for (const x of f) {
    if (typeof x !== "string") errs.push(typeError(field, x, "string"));
    else for (const m of isQualifiedName(x)) errs.push(invalid(field, x, m));
  }
}

function checkName(meta: Record<string, any>, nameFn: NameFn, errs: Errs): void {
  const { name, generateName } = meta;
  if (generateName !== undefined && generateName !== null && typeof generateName !== "string") {
    errs.push(typeError("metadata.generateName", generateName, "string"));
  } else if (generateName) {
    for (const m of nameFn(maskTrailingDash(generateName)))
      errs.push(invalid("metadata.generateName", generateName, m));
  }
  if (name !== undefined && name !== null && typeof name !== "string")
    errs.push(typeError("metadata.name", name, "string"));
  else if (!name) errs.push(required("metadata.name", "name or generateName is required"));
  else for (const m of nameFn(name)) errs.push(invalid("metadata.name", name, m));
}

/** ValidateObjectMetaAccessor. `namespaced` false forbids metadata.namespace. */
export function validateObjectMeta(meta: unknown, namespaced: boolean, nameFn: NameFn): FieldError[] {
  const errs: Errs = [];
  if (meta === undefined || meta === null) meta = {};
  if (!isObj(meta)) return [typeError("metadata", meta, "object")];
  checkName(meta, nameFn, errs);
  const ns = meta.namespace;
  if (ns !== undefined && ns !== null && typeof ns !== "string")
    errs.push(typeError("metadata.namespace", ns, "string"));
  else if (namespaced) {
    if (!ns) errs.push(required("metadata.namespace"));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid("metadata.namespace", ns, m));
  } else if (ns) errs.push(forbidden("metadata.namespace", "not allowed on this type"));
  const gen = meta.generation;
  if (typeof gen === "number" && gen < 0)
    errs.push(invalid("metadata.generation", gen, "must be greater than or equal to 0"));
  validateLabels(meta.labels, "metadata.labels", errs);
  validateAnnotations(meta.annotations, "metadata.annotations", errs);
  validateOwnerRefs(meta.ownerReferences, errs);
  validateFinalizers(meta.finalizers, errs);
  return errs;
}
