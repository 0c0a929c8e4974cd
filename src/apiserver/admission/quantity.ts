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
