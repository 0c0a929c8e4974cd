// Kubernetes resource quantities as plain numbers (cores, bytes), enough for
// summaries: the suffixes of apimachinery's resource.Quantity (decimal SI
// n u m k M G T P E, binary Ki..Ei, and e/E exponents).
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
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

const FORM = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** A quantity's value, or 0 when absent or malformed. */
export function quantity(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return 0;
  const m = FORM.exec(v.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * SUFFIX[m[3] ?? ""];
}

/** Sums of cpu (cores) and memory (bytes). */
export type CpuMem = { cpu: number; memory: number };

export const cpuMem = (list: Record<string, unknown> | undefined): CpuMem => ({
  cpu: quantity(list?.cpu),
  memory: quantity(list?.memory),
});

export function addTo(total: CpuMem, more: CpuMem): void {
  total.cpu += more.cpu;
  total.memory += more.memory;
}

/**
 * A pod's effective request, as kube's resource helper computes it
 * (k8s.io/component-helpers/resource PodRequests): the larger of the sum of
 * its containers and the largest init container, plus the pod overhead.
 */
export function podRequests(pod: any): CpuMem {
  const sum: CpuMem = { cpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) addTo(sum, cpuMem(c.resources?.requests));
  for (const c of pod.spec?.initContainers ?? []) {
    const r = cpuMem(c.resources?.requests);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  addTo(sum, cpuMem(pod.spec?.overhead));
  return sum;
}
