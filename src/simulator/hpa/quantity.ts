// resource.Quantity as numbers, enough for metrics: cpu in cores, memory in
// bytes. Formats follow metrics-server (cpu in nanocores, memory in Ki).

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

/** A quantity's value (cores, bytes), or 0 when absent or malformed. */
export function quantity(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? v : 0;
  if (typeof v !== "string") return 0;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-zA-Z]*|[eE][+-]?\d+)$/.exec(v);
  if (!m) return 0;
  const n = Number(m[1]);
  if (m[2] in SUFFIX) return n * SUFFIX[m[2]];
  const exp = /^[eE]([+-]?\d+)$/.exec(m[2]);
  return exp ? n * 10 ** Number(exp[1]) : 0;
}

/** cpu as metrics-server prints it: "123456789n". */
export const nanocores = (cores: number) => `${Math.round(cores * 1e9)}n`;

/** memory as metrics-server prints it: "1234Ki". */
export const kibibytes = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

/** A milli-quantity the way the HPA reports averageValue: "250m". */
export const milli = (v: number) => `${Math.round(v * 1000)}m`;
