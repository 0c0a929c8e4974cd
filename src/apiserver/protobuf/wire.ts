// The protobuf wire format, read by hand: it is a handful of rules (varints,
// four wire types), and kube's protobuf bodies use only the proto2 subset of
// it, so a dependency would add more than it saves.
// https://protobuf.dev/programming-guides/encoding/

export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

/** Malformed wire data; decode.ts turns it into a 400 BadRequest. */
export class WireError extends Error {}

export type Reader = { buf: Buffer; pos: number; end: number };

export function reader(buf: Buffer): Reader {
  return { buf, pos: 0, end: buf.length };
}

export function done(r: Reader): boolean {
  return r.pos >= r.end;
}

/** A varint as an unsigned 64-bit bigint. */
export function varint64(r: Reader): bigint {
  let v = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (r.pos >= r.end) throw new WireError("unexpected EOF");
    const b = r.buf[r.pos++];
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asUintN(64, v);
  }
  throw new WireError("integer overflow");
}

/** A varint that must fit a length or a tag (below 2^31). */
export function varint(r: Reader): number {
  const v = varint64(r);
  if (v > 0x7fffffffn) throw new WireError("integer overflow");
  return Number(v);
}

export type Tag = { num: number; wire: number };

export function tag(r: Reader): Tag {
  const t = varint(r);
  const num = t >>> 3;
  const wire = t & 7;
  if (num === 0) throw new WireError(`illegal tag 0 (wire type ${wire})`);
  if (wire !== VARINT && wire !== FIXED64 && wire !== BYTES && wire !== FIXED32) {
    throw new WireError(`illegal wireType ${wire}`);
  }
  return { num, wire };
}

/** The payload of a length-delimited field, as a view of the same buffer. */
export function bytes(r: Reader): Buffer {
  const n = varint(r);
  if (r.pos + n > r.end) throw new WireError("unexpected EOF");
  const out = r.buf.subarray(r.pos, r.pos + n);
  r.pos += n;
  return out;
}

export function fixed64(r: Reader): Buffer {
  if (r.pos + 8 > r.end) throw new WireError("unexpected EOF");
  r.pos += 8;
  return r.buf.subarray(r.pos - 8, r.pos);
}

export function fixed32(r: Reader): Buffer {
  if (r.pos + 4 > r.end) throw new WireError("unexpected EOF");
  r.pos += 4;
  return r.buf.subarray(r.pos - 4, r.pos);
}

/** Skips a field of a number the tables do not know, as proto2 readers do. */
export function skip(r: Reader, wire: number): void {
  if (wire === VARINT) varint64(r);
  else if (wire === FIXED64) fixed64(r);
  else if (wire === BYTES) bytes(r);
  else if (wire === FIXED32) fixed32(r);
  else throw new WireError(`illegal wireType ${wire}`);
}
