// apimachinery types whose protobuf message differs from their JSON form:
// each decoder takes the message bytes (possibly empty) and gives the JSON
// value Go's MarshalJSON prints for the decoded value.
import { BYTES, bytes, done, reader, skip, tag, VARINT, varint64, WireError } from "./wire.ts";

type Fields = Map<number, { wire: number; value: bigint | Buffer }>;

/** The last value of each field number; these messages have no repeated fields except StringList. */
function scan(buf: Buffer): Fields {
  const r = reader(buf);
  const out: Fields = new Map();
  while (!done(r)) {
    const t = tag(r);
    if (t.wire === VARINT) out.set(t.num, { wire: t.wire, value: varint64(r) });
    else if (t.wire === BYTES) out.set(t.num, { wire: t.wire, value: bytes(r) });
    else skip(r, t.wire);
  }
  return out;
}

function int(f: Fields, num: number, bits: number): bigint {
  const v = f.get(num);
  if (!v) return 0n;
  if (typeof v.value !== "bigint") throw new WireError(`proto: wrong wireType = ${v.wire} for field ${num}`);
  return BigInt.asIntN(bits, v.value);
}

function buffer(f: Fields, num: number): Buffer | undefined {
  const v = f.get(num);
  if (!v) return undefined;
  if (typeof v.value === "bigint") throw new WireError(`proto: wrong wireType = ${v.wire} for field ${num}`);
  return v.value;
}

function isoSeconds(seconds: bigint): string {
  const ms = Number(seconds) * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 0 || d.getUTCFullYear() > 9999) {
    throw new WireError(`time out of range: ${seconds} seconds`);
  }
  return d.toISOString().slice(0, 19);
}

/** metav1.Time {seconds = 1, nanos = 2}: RFC 3339 to the second; the zero time (an empty message) is null. */
export function time(buf: Buffer): string | null {
  if (buf.length === 0) return null;
  return `${isoSeconds(int(scan(buf), 1, 64))}Z`;
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(buf: Buffer): string | null {
  if (buf.length === 0) return null;
  const f = scan(buf);
  const nanos = Number(int(f, 2, 32));
  if (nanos < 0 || nanos > 999_999_999) throw new WireError(`nanos out of range: ${nanos}`);
  const micros = String(Math.floor(nanos / 1000)).padStart(6, "0");
  return `${isoSeconds(int(f, 1, 64))}.${micros}Z`;
}

/** Go's time.Duration.String() for a count of nanoseconds: "1h0m0s", "1.5s", "300ms". */
export function durationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, prec] = u < 1000n ? ["ns", 0] : u < 1_000_000n ? ["µs", 3] : ["ms", 6];
    out = fraction(u, prec as number) + unit;
  } else {
    out = `${fraction(u % 60_000_000_000n, 9)}s`;
    u /= 60_000_000_000n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v / 10^prec with the fraction's trailing zeros (and a bare ".") dropped. */
function fraction(v: bigint, prec: number): string {
  if (prec === 0) return String(v);
  const p = 10n ** BigInt(prec);
  const frac = String(v % p)
    .padStart(prec, "0")
    .replace(/0+$/, "");
  return frac ? `${v / p}.${frac}` : String(v / p);
}

/** metav1.Duration {duration = 1 (nanoseconds)}. */
export function duration(buf: Buffer): string {
  return durationString(int(scan(buf), 1, 64));
}

/** resource.Quantity {string = 1}; the zero quantity prints "0". */
export function quantity(buf: Buffer): string {
  const s = buffer(scan(buf), 1);
  return s && s.length > 0 ? s.toString("utf8") : "0";
}

/** intstr.IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}. */
export function intOrString(buf: Buffer): number | string {
  const f = scan(buf);
  if (int(f, 1, 64) === 1n) return buffer(f, 3)?.toString("utf8") ?? "";
  return Number(int(f, 2, 32));
}

/** Raw JSON bytes (runtime.RawExtension raw = 1, metav1.FieldsV1 Raw = 1); absent is null. */
export function rawJson(buf: Buffer, nested: (raw: Buffer) => unknown): unknown {
  const raw = buffer(scan(buf), 1);
  if (!raw || raw.length === 0) return null;
  if (raw.length >= 4 && raw.readUInt32BE(0) === 0x6b387300) return nested(raw);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new WireError("embedded raw object is neither JSON nor a protobuf object");
  }
}

/** A Go `[]string` type sent as a message of repeated string field 1 (authentication/v1 ExtraValue); empty is nil, so null. */
export function stringList(buf: Buffer): string[] | null {
  const r = reader(buf);
  const items: string[] = [];
  while (!done(r)) {
    const t = tag(r);
    if (t.num === 1) {
      if (t.wire !== BYTES) throw new WireError(`proto: wrong wireType = ${t.wire} for field items`);
      items.push(bytes(r).toString("utf8"));
    } else skip(r, t.wire);
  }
  return items.length > 0 ? items : null;
}
