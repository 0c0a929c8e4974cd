// The /openapi/v2 document as protobuf: gnostic's openapi.v2.Document, what
// kube-openapi serves for `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
// (pkg/handler ToProtoBinary: openapi_v2.ParseDocument of the JSON, then
// proto.Marshal). kubectl up to 1.28 asks for nothing else before apply,
// diff and explain.
//
// Why protobufjs: the wire format is easy (src/apiserver/protobuf/wire.ts
// reads it by hand), but gnostic's model is sixty messages whose field
// numbers differ between look-alike messages (query and path parameters are
// numbered apart from field 5 on). Declaring them in a .proto file written
// from gnostic's (./openapiv2.proto) keeps the numbers checkable line by line
// against the public definition, and a well-kept encoder does the rest; the
// code here only maps JSON onto that model.
//
// The mapping follows gnostic's generated NewDocument (openapiv2/OpenAPIv2.go):
//  - a JSON key becomes the field of the same name in snake_case (`$ref` is
//    `_ref`); keys the model does not have are dropped (gnostic rejects the
//    whole document instead, and kube-apiserver then answers 503);
//  - `x-…` keys become `vendor_extension` NamedAny entries, and values of
//    type Any (`default`, `example`, `enum` items, extensions) carry their
//    value as block YAML text, as gnostic's NewAny marshals it
//    ("group: apps\nkind: Deployment\nversion: v1\n"); YAML 1.1 quoting, so
//    that go-yaml v2 readers (kube-openapi pkg/util/proto
//    VendorExtensionToMap) read "y" or "on" back as strings;
//  - maps become repeated Named* pairs in document order: `definitions`,
//    `properties`, `paths`, `responses`;
//  - oneofs pick by shape: a `$ref` map is a JsonReference where one is
//    allowed, a parameter `in: body` is a BodyParameter and any other is the
//    NonBodyParameter sub-schema of its `in`; `additionalProperties` is a
//    boolean or a Schema; `type` is a TypeItem list; `items` an ItemsItem
//    holding one Schema.
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { stringify } from "yaml";

type Json = Record<string, any>;
type Msg = Record<string, unknown>;

let documentType: protobuf.Type | undefined;

function types(): protobuf.Type {
  if (!documentType) {
    const text = readFileSync(new URL("./openapiv2.proto", import.meta.url), "utf8");
    const root = protobuf.parse(text, { keepCase: true }).root;
    root.resolveAll();
    documentType = root.lookupType("openapi.v2.Document");
  }
  return documentType;
}

/** Encodes an OpenAPI v2 (Swagger 2.0) document as gnostic's openapi.v2.Document. */
export function encodeGnosticV2(doc: Json): Buffer {
  const type = types();
  const bytes = type.encode(toMessage(type, doc)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function any(value: unknown): Msg {
  return { yaml: stringify(value, { version: "1.1" }) };
}

function named(entries: [string, unknown][], convert: (v: unknown) => Msg): Msg[] {
  return entries.map(([name, v]) => ({ name, value: convert(v) }));
}

function fieldName(key: string): string {
  return key.replace(/^\$/, "_").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The messages whose JSON form is not one field per key (see the header). */
const SPECIAL: Record<string, (t: protobuf.Type, v: any) => Msg> = {
  Paths: (t, v: Json) => ({
    vendor_extension: extensions(v),
    path: named(
      Object.entries(v).filter(([k]) => k.startsWith("/")),
      (p) => toMessage(sub(t, "path", "value"), p as Json),
    ),
  }),
  Definitions: (t, v: Json) => ({ additional_properties: named(Object.entries(v), (s) => toMessage(sub(t, "additional_properties", "value"), s as Json)) }),
  Properties: (t, v: Json) => ({ additional_properties: named(Object.entries(v), (s) => toMessage(sub(t, "additional_properties", "value"), s as Json)) }),
  Responses: (t, v: Json) => ({
    vendor_extension: extensions(v),
    response_code: named(
      Object.entries(v).filter(([k]) => !k.startsWith("x-")),
      (r) => toMessage(sub(t, "response_code", "value"), r as Json),
    ),
  }),
  ResponseValue: (t, v: Json) => refOr(t, v, "response"),
  ParametersItem: (t, v: Json) => refOr(t, v, "parameter"),
  Parameter: (t, v: Json) => {
    if (v.in === "body") return { body_parameter: toMessage(sub(t, "body_parameter"), v) };
    const nonBody = sub(t, "non_body_parameter");
    const which = `${fieldName(String(v.in)).replace(/^_/, "")}_parameter_sub_schema`;
    const field = nonBody.fields[which];
    return field ? { non_body_parameter: { [which]: toMessage(field.resolvedType as protobuf.Type, v) } } : {};
  },
  SchemaItem: (t, v: Json) => ({ schema: toMessage(sub(t, "schema"), v) }),
  AdditionalPropertiesItem: (t, v: unknown) =>
    typeof v === "boolean" ? { boolean: v } : { schema: toMessage(sub(t, "schema"), v as Json) },
  TypeItem: (_t, v: unknown) => ({ value: Array.isArray(v) ? v : [v] }),
  ItemsItem: (t, v: Json) => ({ schema: [toMessage(sub(t, "schema"), v)] }),
};

function sub(t: protobuf.Type, field: string, inner?: string): protobuf.Type {
  const r = t.fields[field].resolvedType as protobuf.Type;
  return inner ? sub(r, inner) : r;
}

function refOr(t: protobuf.Type, v: Json, other: string): Msg {
  if (typeof v.$ref === "string") return { json_reference: toMessage(sub(t, "json_reference"), v) };
  return { [other]: toMessage(sub(t, other), v) };
}

function extensions(v: Json): Msg[] {
  return named(
    Object.entries(v).filter(([k]) => k.startsWith("x-")),
    (x) => any(x),
  );
}

function toMessage(t: protobuf.Type, v: Json): Msg {
  const special = SPECIAL[t.name];
  if (special) return special(t, v);
  if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
  const out: Msg = {};
  if (t.fields.vendor_extension) out.vendor_extension = extensions(v);
  for (const [key, value] of Object.entries(v)) {
    const field = t.fields[fieldName(key)];
    if (!field || key.startsWith("x-")) continue;
    const converted = field.repeated
      ? Array.isArray(value) ? value.map((x) => fieldValue(field, x)).filter((x) => x !== undefined) : undefined
      : fieldValue(field, value);
    if (converted !== undefined) out[field.name] = converted;
  }
  return out;
}

/** One value of `field`, or undefined when the JSON value is of another type. */
function fieldValue(field: protobuf.Field, value: unknown): unknown {
  const r = field.resolvedType;
  if (r instanceof protobuf.Type) {
    if (r.name === "Any") return any(value);
    return toMessage(r, value as Json);
  }
  switch (field.type) {
    case "string":
      return typeof value === "string" ? value : undefined;
    case "bool":
      return typeof value === "boolean" ? value : undefined;
    case "double":
      return typeof value === "number" ? value : undefined;
    case "int64":
      return Number.isInteger(value) ? value : undefined;
    default:
      return undefined;
  }
}
