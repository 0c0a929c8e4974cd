// FieldError constructors rendering messages the way apimachinery's
// field.Error.ErrorBody does (k8s.io/apimachinery/pkg/util/validation/field).
import type { FieldError } from "../registry/types.ts";

export type Errs = FieldError[];

/** Go-like rendering of a bad value: strings quoted (%q), scalars bare, maps as %#v. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === "string"))
      return `[]string{${v.map((x) => JSON.stringify(x)).join(", ")}}`;
    return `[]interface {}{${v.map(showValue).join(", ")}}`;
  }
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    if (entries.every(([, x]) => typeof x === "string")) {
      return `map[string]string{${entries.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(", ")}}`;
    }
    return `map[string]interface {}{${entries.map(([k, x]) => `${JSON.stringify(k)}:${showValue(x)}`).join(", ")}}`;
  }
  return String(v);
}

export function required(field: string, detail = ""): FieldError {
  return {
    reason: "FieldValueRequired",
    field,
    message: detail ? `Required value: ${detail}` : "Required value",
  };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  const body = `Invalid value: ${showValue(value)}`;
  return { reason: "FieldValueInvalid", field, message: detail ? `${body}: ${detail}` : body };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { reason: "FieldValueDuplicate", field, message: `Duplicate value: ${showValue(value)}` };
}

export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const list = valid.map((s) => JSON.stringify(s)).join(", ");
  const body = `Unsupported value: ${showValue(value)}`;
  return {
    reason: "FieldValueNotSupported",
    field,
    message: list ? `${body}: supported values: ${list}` : body,
  };
}

/** field.TooLong in 1.32: "Too long: may not be more than N bytes" (value omitted). */
export function tooLong(field: string, max: number): FieldError {
  return { reason: "FieldValueTooLong", field, message: `Too long: may not be more than ${max} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return {
    reason: "FieldValueTooMany",
    field,
    message: `Too many: ${actual}: must have at most ${max} items`,
  };
}

export function forbidden(field: string, detail: string): FieldError {
  return { reason: "FieldValueForbidden", field, message: `Forbidden: ${detail}` };
}

/** A JSON type mismatch, worded like the apiextensions schema validator. */
export function typeError(field: string, value: unknown, want: string): FieldError {
  const got = jsonType(value);
  const name = field || "body";
  const message = `Invalid value: ${JSON.stringify(got)}: ${name} in body must be of type ${want}: ${JSON.stringify(got)}`;
  return { reason: "FieldValueTypeInvalid", field, message };
}

export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

export function isObj(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** field.Path.Key: `metadata.labels[app]`. */
export function keyed(path: string, key: string): string {
  return `${path}[${key}]`;
}

export function idx(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Iterate an array field that must be an array; reports a type error otherwise. */
export function arrayAt(v: unknown, field: string, errs: Errs): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(typeError(field, v, "array"));
    return [];
  }
  return v;
}

/** An object field; reports a type error when present with the wrong type. */
export function objectAt(v: unknown, field: string, errs: Errs): Record<string, any> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) {
    errs.push(typeError(field, v, "object"));
    return undefined;
  }
  return v;
}

/** Invalid with a value already rendered (e.g. a Go %#v struct). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { reason: "FieldValueInvalid", field, message: `Invalid value: ${rendered}: ${detail}` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { reason: "FieldValueNotFound", field, message: `Not found: ${showValue(value)}` };
}

/** A number field that must be a non-negative integer when present. */
export function nonNegative(v: unknown, field: string, errs: Errs): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "number") errs.push(typeError(field, v, "integer"));
  else if (v < 0) errs.push(invalid(field, v, "must be greater than or equal to 0"));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as any)[k], (b as any)[k])) return false;
  return true;
}
