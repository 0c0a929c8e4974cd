// resource.Quantity parsing, enough to check syntax and compare two values.
// Suffixes follow k8s.io/apimachinery/pkg/api/resource/suffix.go.

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const reQuantity = /^([+-]?(?:\d+\.?\d*|\.\d+))(.*)$/;

/** The decode error kube-apiserver gives for a malformed quantity. */
export const QUANTITY_MSG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The value of a quantity as a float, or undefined when it is not a valid quantity. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const m = reQuantity.exec(v.trim() === v ? v : "");
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2];
  if (suffix in SUFFIX) return n * SUFFIX[suffix];
  const exp = /^[eE]([+-]?\d+)$/.exec(suffix);
  if (exp) return n * 10 ** Number(exp[1]);
  return undefined;
}

// Exact quantities for sums and comparisons (quota usage, limit ranges).
// The value is held in nano-units, as resource.Quantity keeps at most nine
// decimal places (finer values round up). The format decides how the value
// prints: a sum keeps the format of its left operand unless that is zero.

export type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";
export type Quantity = { nanos: bigint; format: Format };

const NANO = 1_000_000_000n;
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const reExact = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

/** A quantity held exactly, or undefined when v is not a valid quantity. */
export function parseExact(v: unknown): Quantity | undefined {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return undefined;
    v = String(v);
  }
  if (typeof v !== "string" || parseQuantity(v) === undefined) return undefined;
  const m = reExact.exec(v);
  if (!m || (m[2] === "" && !m[3])) return undefined;
  const frac = m[3] ?? "";
  let digits = BigInt(`${m[2] || "0"}${frac}`);
  if (m[1] === "-") digits = -digits;
  const scale = 10n ** BigInt(frac.length);
  const suffix = m[4];
  if (suffix in BINARY_EXP) {
    return { nanos: divCeil(digits * NANO * 2n ** BigInt(BINARY_EXP[suffix]), scale), format: "BinarySI" };
  }
  let exp: number;
  let format: Format = "DecimalSI";
  if (suffix in DECIMAL_EXP) exp = DECIMAL_EXP[suffix];
  else {
    exp = Number(suffix.slice(1));
    format = "DecimalExponent";
  }
  const e = exp + 9;
  const nanos = e >= 0 ? divCeil(digits * 10n ** BigInt(e), scale) : divCeil(digits, scale * 10n ** BigInt(-e));
  return { nanos, format };
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: "n", [-6]: "u", [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };
const BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/** Quantity.String(): the canonical form ("1500m", "1536Mi", "1k", "0"). */
export function formatQuantity(q: Quantity): string {
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  const sign = neg ? "-" : "";
  // BinarySI prints in powers of 1024 only for whole values of at least 1024.
  if (q.format === "BinarySI" && abs >= 1024n * NANO && abs % NANO === 0n) {
    let n = abs / NANO;
    let k = 0;
    while (k < 6 && n % 1024n === 0n) {
      n /= 1024n;
      k++;
    }
    return `${sign}${n}${BINARY_SUFFIX[k]}`;
  }
  if (abs === 0n) return "0";
  let n = abs;
  let e = -9;
  while (e < 18 && n % 1000n === 0n) {
    n /= 1000n;
    e += 3;
  }
  if (q.format === "DecimalExponent") return `${sign}${n}${e === 0 ? "" : `e${e}`}`;
  return `${sign}${n}${DECIMAL_SUFFIX[e]}`;
}

/** The canonical text of a quantity value, or undefined when it does not parse. */
export function canonicalQuantity(v: unknown): string | undefined {
  const q = parseExact(v);
  return q && formatQuantity(q);
}

export const zeroQuantity = (): Quantity => ({ nanos: 0n, format: "DecimalSI" });

/** Quantity.Add: the sum takes the left operand's format, or the right one's when the left is zero. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

export function subQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

export function compareQuantity(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Quantity.MilliValue: the value in thousandths, rounded up. */
export function milliValue(q: Quantity): bigint {
  return divCeil(q.nanos, 1_000_000n);
}

/** Quantity.Value: the value in whole units, rounded up. */
export function unitValue(q: Quantity): bigint {
  return divCeil(q.nanos, NANO);
}
