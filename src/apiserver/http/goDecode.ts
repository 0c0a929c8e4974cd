// The type errors kube-apiserver finds when it decodes a JSON body into a
// built-in kind's Go struct. Since 1.23 its JSON serializer decodes with
// sigs.k8s.io/json, a fork of Go's encoding/json, whose error for a value of
// the wrong JSON type names the innermost struct, the path of JSON field names
// (list indexes and map keys left out) and the Go type:
//   json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
// The handlers turn it into 400 BadRequest "<Kind> in version "<v>" cannot be
// handled as a <Kind>: <error>" (transformDecodeError in
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go). A type error is
// a decoding error, so it comes before unknown fields and validation.
//
// The Go types come from the protobuf field tables, which mirror them. Named
// Go types print as their underlying type here ("string" where Go says
// "v1.RestartPolicy", "map[string]resource.Quantity" for "v1.ResourceList").
// kube 1.20 decoded with json-iterator and worded these errors differently
// ("v1.Deployment.Spec: v1.DeploymentSpec.Replicas: readUint32: ..."); we
// follow 1.32.
import { QUANTITY_MSG, parseQuantity } from "../admission/quantity.ts";
import { type Field, isScalar, message, rootMessage } from "../protobuf/schema.ts";

const GO_SCALAR: Record<string, string> = { s: "string", b: "bool", i32: "int32", i64: "int64", f64: "float64", y: "[]uint8" };
const GO_SPECIAL: Record<string, string> = {
  "@Time": "v1.Time",
  "@MicroTime": "v1.MicroTime",
  "@Duration": "v1.Duration",
  "@Quantity": "resource.Quantity",
  "@IntOrString": "intstr.IntOrString",
  "@RawExtension": "runtime.RawExtension",
  "@FieldsV1": "v1.FieldsV1",
  "@StringList": "[]string",
};

/** Where a value sits: the Go struct whose field holds it, and the JSON path of that field. */
type Context = { struct: string; path: string };

/**
 * The decoding error of the first value of `obj` whose JSON type the Go type
 * cannot take, as kube-apiserver words it; undefined when there is none or
 * the kind is not in the tables.
 */
export function goDecodeError(apiVersion: string, kind: string, obj: Record<string, unknown>): string | undefined {
  const root = rootMessage(apiVersion, kind);
  if (!root) return undefined;
  const err = checkStruct(root, obj, "");
  if (!err) return undefined;
  const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
  return `${kind} in version "${version}" cannot be handled as a ${kind}: ${err}`;
}

/** A message id ("apps/v1.DeploymentSpec") as Go prints the type: "v1.DeploymentSpec". */
function goStructType(id: string): string {
  const dot = id.lastIndexOf(".");
  return `${id.slice(id.lastIndexOf("/", dot) + 1, dot)}.${id.slice(dot + 1)}`;
}

function goElemType(type: string): string {
  return GO_SCALAR[type] ?? GO_SPECIAL[type] ?? goStructType(type);
}

function goFieldType(f: Field): string {
  const elem = goElemType(f.type);
  return f.repeated ? `[]${elem}` : f.map ? `map[string]${elem}` : elem;
}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  return Array.isArray(v) ? "array" : "object";
}

function typeError(value: string, ctx: Context, goType: string): string {
  return `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.path} of type ${goType}`;
}

/** The field of a message, looking through inline (embedded) members as Go promotes their fields. */
function findField(id: string, key: string): Field | undefined {
  const m = message(id);
  if (!m) return undefined;
  for (const f of m.fields) {
    if (f.inline) {
      const inner = findField(f.type, key);
      if (inner) return inner;
    } else if (f.json === key) return f;
  }
  return undefined;
}

function checkStruct(id: string, obj: Record<string, unknown>, path: string): string | undefined {
  const struct = id.slice(id.lastIndexOf(".") + 1);
  for (const [key, value] of Object.entries(obj)) {
    // Unknown fields are not type errors (fieldValidation reports them).
    const f = findField(id, key);
    if (!f || value === null) continue;
    const ctx = { struct, path: path ? `${path}.${key}` : key };
    const err = checkField(f, value, ctx);
    if (err) return err;
  }
  return undefined;
}

function checkField(f: Field, value: unknown, ctx: Context): string | undefined {
  if (f.repeated || f.map) {
    const ok = f.repeated ? Array.isArray(value) : jsonKind(value) === "object";
    if (!ok) return typeError(jsonKind(value), ctx, goFieldType(f));
    const items = Array.isArray(value) ? value : Object.values(value as object);
    for (const v of items) {
      const err = v === null ? undefined : checkValue(f.type, v, ctx);
      if (err) return err;
    }
    return undefined;
  }
  return checkValue(f.type, value, ctx);
}

/** One non-null value against one Go element type. */
function checkValue(type: string, v: unknown, ctx: Context): string | undefined {
  const kind = jsonKind(v);
  if (isScalar(type)) return checkScalar(type, v, ctx);
  switch (type) {
    case "@RawExtension":
    case "@FieldsV1":
      return undefined;
    case "@Time":
    case "@MicroTime":
    case "@Duration":
      // Their UnmarshalJSON decodes a string first; its error takes this field's context.
      return kind === "string" ? undefined : typeError(kind, ctx, "string");
    case "@Quantity":
      // resource.Quantity's UnmarshalJSON parses a string or a bare number, and its error stands alone.
      return (kind === "string" || kind === "number") && parseQuantity(v) !== undefined ? undefined : QUANTITY_MSG;
    case "@IntOrString":
      // intstr.IntOrString's UnmarshalJSON decodes anything but a string as an int32.
      return kind === "string" ? undefined : checkScalar("i32", v, ctx);
    case "@StringList":
      if (!Array.isArray(v)) return typeError(kind, ctx, "[]string");
      for (const s of v) if (s !== null && typeof s !== "string") return typeError(jsonKind(s), ctx, "string");
      return undefined;
  }
  if (kind !== "object") return typeError(kind, ctx, goStructType(type));
  return checkStruct(type, v as Record<string, unknown>, ctx.path);
}

function checkScalar(type: string, v: unknown, ctx: Context): string | undefined {
  const kind = jsonKind(v);
  const goType = GO_SCALAR[type];
  switch (type) {
    case "s":
      return kind === "string" ? undefined : typeError(kind, ctx, goType);
    case "b":
      return kind === "bool" ? undefined : typeError(kind, ctx, goType);
    case "f64":
      return kind === "number" ? undefined : typeError(kind, ctx, goType);
    case "y":
      // []byte takes a base64 string, or an array of numbers.
      if (kind === "string") return base64Error(v as string);
      return kind === "array" ? undefined : typeError(kind, ctx, goType);
    default: {
      if (kind !== "number") return typeError(kind, ctx, goType);
      const n = v as number;
      const fits = type === "i32" ? n >= -(2 ** 31) && n < 2 ** 31 : Number.isSafeInteger(n);
      // A number that is not an integer of the type names its digits.
      return Number.isInteger(n) && fits ? undefined : typeError(`number ${String(v)}`, ctx, goType);
    }
  }
}

const isNewline = (b: number) => b === 0x0a || b === 0x0d;
const isBase64 = (b: number) =>
  (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f;

/**
 * Go's base64.StdEncoding.Decode error for `text`, or undefined when it
 * decodes: padding required, newlines skipped, the offset counted in bytes
 * (decodeQuantum in Go's encoding/base64).
 */
export function base64Error(text: string): string | undefined {
  const src = Buffer.from(text, "utf8");
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === src.length) return j === 0 ? undefined : corrupt(si - j);
      const b = src[si++];
      if (isBase64(b)) continue;
      if (isNewline(b)) {
        j--;
        continue;
      }
      if (b !== 0x3d || j < 2) return corrupt(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is read.
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      return si < src.length ? corrupt(si) : undefined;
    }
  }
}
