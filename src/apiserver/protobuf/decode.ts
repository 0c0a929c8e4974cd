// Decodes `application/vnd.kubernetes.protobuf` request bodies into the JSON
// object kube-apiserver would have decoded from the same object sent as JSON.
//
// The body is the 4-byte magic "k8s\0" and a runtime.Unknown message:
//   typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4
// raw is the object's own message, read with the field tables of ./fields/.
//
// Zero values. gogo-protobuf writes every non-pointer scalar, even when it is
// "" / 0 / false, and pointer, slice and map fields only when set. The JSON is
// what Go's encoding/json prints for the decoded struct:
//   - a non-pointer scalar that is zero is dropped when its field is omitempty,
//     kept otherwise ("port": 0);
//   - a pointer scalar that is present is kept, zero or not;
//   - an absent pointer, slice or map is dropped when omitempty, else null;
//   - a non-pointer struct is always printed (omitempty does not apply to
//     structs): "status": {}, "resources": {}, and a zero metav1.Time is null.
import type { KObject } from "../registry/types.ts";
import { badRequest } from "../registry/errors.ts";
import { type Field, isScalar, message, rootMessage } from "./schema.ts";
import * as special from "./special.ts";
import {
  BYTES,
  bytes,
  done,
  FIXED64,
  fixed64,
  reader,
  skip,
  tag,
  VARINT,
  varint64,
  WireError,
} from "./wire.ts";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const MAX_DEPTH = 64;

type Raw = { wire: number; value: bigint | Buffer };

/** Decodes a protobuf request body; malformed input or an unknown kind is a 400 BadRequest. */
export function decodeProtobufObject(buf: Buffer): KObject {
  try {
    return decodeEnvelope(buf, 0);
  } catch (e) {
    if (e instanceof WireError) throw badRequest(`unable to decode the protobuf body: ${e.message}`);
    throw e;
  }
}

function decodeEnvelope(buf: Buffer, depth: number): KObject {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new WireError(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  }
  const r = reader(buf.subarray(4));
  let apiVersion = "";
  let kind = "";
  let raw: Buffer = Buffer.alloc(0);
  let encoding = "";
  while (!done(r)) {
    const t = tag(r);
    if (t.num >= 1 && t.num <= 4 && t.wire !== BYTES)
      throw new WireError(`proto: wrong wireType = ${t.wire} for field ${t.num}`);
    if (t.num === 1) ({ apiVersion, kind } = typeMeta(bytes(r)));
    else if (t.num === 2) raw = bytes(r);
    else if (t.num === 3) encoding = bytes(r).toString("utf8");
    else skip(r, t.wire);
  }
  if (encoding) throw new WireError(`unsupported content encoding ${JSON.stringify(encoding)}`);
  if (!kind) throw badRequest("Object 'Kind' is missing in the protobuf body");
  const id = rootMessage(apiVersion, kind);
  if (!id)
    throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in the protobuf decoder`);
  return { apiVersion, kind, ...decodeMessage(id, raw, depth + 1) };
}

function typeMeta(buf: Buffer): { apiVersion: string; kind: string } {
  const r = reader(buf);
  const out = { apiVersion: "", kind: "" };
  while (!done(r)) {
    const t = tag(r);
    if ((t.num === 1 || t.num === 2) && t.wire !== BYTES)
      throw new WireError(`proto: wrong wireType = ${t.wire} for TypeMeta`);
    if (t.num === 1) out.apiVersion = bytes(r).toString("utf8");
    else if (t.num === 2) out.kind = bytes(r).toString("utf8");
    else skip(r, t.wire);
  }
  return out;
}

function expectedWire(type: string): number {
  if (type === "b" || type === "i32" || type === "i64") return VARINT;
  if (type === "f64") return FIXED64;
  return BYTES;
}

/** Reads one message's fields by number; unknown numbers are skipped, as proto2 does. */
function scanMessage(id: string, buf: Buffer): Map<number, Raw[]> {
  const m = message(id);
  if (!m) throw new WireError(`no field table for ${id}`);
  const out = new Map<number, Raw[]>();
  const r = reader(buf);
  while (!done(r)) {
    const t = tag(r);
    const f = m.byNumber.get(t.num);
    if (!f) {
      skip(r, t.wire);
      continue;
    }
    const want = f.map ? BYTES : expectedWire(f.type);
    const packed = f.repeated && want !== BYTES && t.wire === BYTES;
    if (t.wire !== want && !packed)
      throw new WireError(`proto: wrong wireType = ${t.wire} for field ${f.json || f.type}`);
    const list = out.get(t.num) ?? [];
    if (packed) {
      const p = reader(bytes(r));
      while (!done(p)) list.push({ wire: want, value: want === VARINT ? varint64(p) : fixed64(p) });
    } else {
      list.push({
        wire: t.wire,
        value: t.wire === VARINT ? varint64(r) : t.wire === FIXED64 ? fixed64(r) : bytes(r),
      });
    }
    out.set(t.num, list);
  }
  return out;
}

function decodeMessage(id: string, buf: Buffer, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError("exceeded maximum nesting depth");
  const m = message(id)!;
  const seen = scanMessage(id, buf);
  const out: Record<string, unknown> = {};
  for (const f of m.fields) {
    const raws = seen.get(f.num);
    if (f.inline) {
      Object.assign(
        out,
        decodeMessage(f.type, (raws?.at(-1)?.value as Buffer) ?? Buffer.alloc(0), depth + 1),
      );
    } else if (!raws) {
      const zero = absent(f, depth);
      if (zero !== undefined) out[f.json] = zero;
    } else if (f.map) {
      out[f.json] = decodeMap(f, raws, depth);
    } else if (f.repeated) {
      out[f.json] = raws.map((r) => value(f.type, r.value, depth));
    } else {
      const v = value(f.type, raws[raws.length - 1].value, depth);
      if (!(f.omitEmpty && !f.pointer && isZero(f.type, v))) out[f.json] = v;
    }
  }
  return out;
}

/** What Go prints for a field the wire did not carry; undefined when the field is omitted. */
function absent(f: Field, depth: number): unknown {
  if (f.pointer || f.repeated || f.map || f.type === "y") return f.omitEmpty ? undefined : null;
  if (isScalar(f.type)) return f.omitEmpty ? undefined : f.type === "s" ? "" : f.type === "b" ? false : 0;
  return value(f.type, Buffer.alloc(0), depth);
}

function isZero(type: string, v: unknown): boolean {
  return v === "" || v === 0 || v === false || (type === "y" && v === "");
}

function decodeMap(f: Field, entries: Raw[], depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const r = reader(e.value as Buffer);
    let key = "";
    let val: Raw | undefined;
    while (!done(r)) {
      const t = tag(r);
      if (t.num === 1) {
        if (t.wire !== BYTES)
          throw new WireError(`proto: wrong wireType = ${t.wire} for map key of ${f.json}`);
        key = bytes(r).toString("utf8");
      } else if (t.num === 2) {
        if (t.wire !== expectedWire(f.type))
          throw new WireError(`proto: wrong wireType = ${t.wire} for map value of ${f.json}`);
        val = {
          wire: t.wire,
          value: t.wire === VARINT ? varint64(r) : t.wire === FIXED64 ? fixed64(r) : bytes(r),
        };
      } else skip(r, t.wire);
    }
    out[key] = val ? value(f.type, val.value, depth) : absent({ ...f, map: false, omitEmpty: false }, depth);
  }
  return out;
}

/** One wire value as JSON: scalars, the apimachinery specials, or a nested message. */
function value(type: string, v: bigint | Buffer, depth: number): unknown {
  switch (type) {
    case "s":
      return (v as Buffer).toString("utf8");
    case "y":
      return (v as Buffer).toString("base64");
    case "b":
      return v !== 0n;
    case "i32":
      return Number(BigInt.asIntN(32, v as bigint));
    case "i64":
      return Number(BigInt.asIntN(64, v as bigint));
    case "f64":
      return (v as Buffer).readDoubleLE(0);
    case "@Time":
      return special.time(v as Buffer);
    case "@MicroTime":
      return special.microTime(v as Buffer);
    case "@Duration":
      return special.duration(v as Buffer);
    case "@Quantity":
      return special.quantity(v as Buffer);
    case "@IntOrString":
      return special.intOrString(v as Buffer);
    case "@RawExtension":
    case "@FieldsV1":
      return special.rawJson(v as Buffer, (raw) => decodeEnvelope(raw, depth + 1));
    case "@StringList":
      return special.stringList(v as Buffer);
    default:
      return decodeMessage(type, v as Buffer, depth + 1);
  }
}
