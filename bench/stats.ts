// Latency samples, percentiles and a bounded concurrent runner.

/** Nearest-rank percentile of samples in ms; p in (0, 100]. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export class Samples {
  private data: Float64Array;
  private n = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  add(ms: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = ms;
  }
  get count(): number {
    return this.n;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }
  summary(): { count: number; p50: number; p99: number; max: number } {
    const s = this.sorted();
    return { count: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN };
  }
}

/**
 * Runs fn(0..n-1) with at most `concurrency` in flight and records each
 * call's latency. Stops at the first failure.
 */
export async function runConcurrent(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ seconds: number; latency: Samples }> {
  const latency = new Samples(n);
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await fn(i);
      latency.add(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { seconds: (performance.now() - start) / 1000, latency };
}

/** 0.42 ms, 3.17 ms, 12.3 ms, 150 ms. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
