// Resource arithmetic for the scheduler and the node profile: Kubernetes
// quantities as plain numbers (cpu in millicores, the rest in units), and a
// pod's effective requests as the scheduler computes them
// (k8s.io/component-helpers resource.PodRequests: the sum of containers, at
// least the largest init container, plus overhead).
import { parseQuantity } from "../../apiserver/admission/quantity.ts";
import type { KObject } from "../../apiserver/client.ts";

/** A quantity ("100m", "2Gi", "1e3", 4) as a number of base units; NaN when malformed. */
export function quantity(v: unknown): number {
  return parseQuantity(typeof v === "string" ? v.trim() : v) ?? Number.NaN;
}

/** cpu in millicores, rounded up as the scheduler's MilliValue does. */
export const milliCPU = (v: unknown) => Math.ceil(quantity(v) * 1000 - 1e-9);

export type Amounts = { cpu: number; memory: number; pods: number; storage: number };

export const zero = (): Amounts => ({ cpu: 0, memory: 0, pods: 0, storage: 0 });

/** A resource list (capacity, allocatable, requests) as Amounts; missing names are 0. */
export function amounts(list: Record<string, unknown> | undefined): Amounts {
  const num = (v: unknown) => {
    const n = quantity(v);
    return Number.isFinite(n) ? n : 0;
  };
  return {
    cpu: list?.cpu === undefined ? 0 : milliCPU(list.cpu) || 0,
    memory: num(list?.memory),
    pods: num(list?.pods),
    storage: num(list?.["ephemeral-storage"]),
  };
}

// The scheduler scores a container without requests as if it asked for
// 100m cpu and 200Mi memory (schedutil.DefaultMilliCPURequest/MemoryRequest).
const NONZERO_CPU = 100;
const NONZERO_MEMORY = 200 * 2 ** 20;

export type PodRequests = { req: Amounts; nonzeroCPU: number; nonzeroMemory: number };

function containerRequests(c: KObject): Record<string, unknown> {
  // A limit without a request is the request (defaulting does this upstream).
  return { ...(c?.resources?.limits ?? {}), ...(c?.resources?.requests ?? {}) };
}

export function podRequests(pod: KObject): PodRequests {
  const req = zero();
  let nonzeroCPU = 0;
  let nonzeroMemory = 0;
  for (const c of pod.spec?.containers ?? []) {
    const a = amounts(containerRequests(c));
    req.cpu += a.cpu;
    req.memory += a.memory;
    req.storage += a.storage;
    nonzeroCPU += a.cpu || NONZERO_CPU;
    nonzeroMemory += a.memory || NONZERO_MEMORY;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const a = amounts(containerRequests(c));
    req.cpu = Math.max(req.cpu, a.cpu);
    req.memory = Math.max(req.memory, a.memory);
    req.storage = Math.max(req.storage, a.storage);
  }
  const o = amounts(pod.spec?.overhead);
  req.cpu += o.cpu;
  req.memory += o.memory;
  req.storage += o.storage;
  req.pods = 1;
  return { req, nonzeroCPU, nonzeroMemory };
}
