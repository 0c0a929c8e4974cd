// corev1.ResourceList arithmetic (k8s.io/apiserver/pkg/quota/v1 and
// k8s.io/component-helpers/resource), over exact quantities.
import { addQuantity, formatQuantity, type Quantity, parseExact, subQuantity } from "../quantity.ts";

export type ResourceList = Map<string, Quantity>;
type Obj = Record<string, any>;

/** The parsable entries of a JSON resource list. */
export function toResourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (v === null || typeof v !== "object" || Array.isArray(v)) return out;
  for (const [k, raw] of Object.entries(v)) {
    const q = parseExact(raw);
    if (q) out.set(k, q);
  }
  return out;
}

/** As JSON, keys sorted the way Go serializes a map. */
export function fromResourceList(l: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...l.keys()].sort()) out[k] = formatQuantity(l.get(k)!);
  return out;
}

/** quota.Add: every key of either list; values summed. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    out.set(k, cur ? addQuantity(cur, v) : v);
  }
  return out;
}

/** quota.SubtractWithNonNegativeResult: keys of a, minus b, floored at zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    const d = other ? subQuantity(v, other) : v;
    out.set(k, d.nanos < 0n ? { nanos: 0n, format: d.format } : d);
  }
  return out;
}

/** quota.Mask: only the given keys. */
export function mask(l: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) {
    const v = l.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

/** "a=1,b=2Gi", keys sorted (the quota plugin's prettyPrint). */
export function prettyPrint(l: ResourceList): string {
  return [...l.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(l.get(k)!)}`)
    .join(",");
}

function maxInto(acc: ResourceList, l: ResourceList): void {
  for (const [k, v] of l) {
    const cur = acc.get(k);
    if (!cur || v.nanos > cur.nanos) acc.set(k, v);
  }
}

/**
 * resourcehelper.PodRequests / PodLimits: the containers' sum, then the
 * larger of that and each init container (plus the sidecars started before
 * it); sidecars (restartPolicy Always) add to the sum; then the overhead.
 */
export function podResources(spec: unknown, which: "requests" | "limits"): ResourceList {
  const s: Obj = spec && typeof spec === "object" ? spec : {};
  const of = (c: Obj): ResourceList => toResourceList(c?.resources?.[which]);
  let total: ResourceList = new Map();
  for (const c of Array.isArray(s.containers) ? s.containers : []) total = addLists(total, of(c));
  let sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of Array.isArray(s.initContainers) ? s.initContainers : []) {
    if (c?.restartPolicy === "Always") {
      total = addLists(total, of(c));
      sidecars = addLists(sidecars, of(c));
      maxInto(initMax, sidecars);
    } else maxInto(initMax, addLists(of(c), sidecars));
  }
  maxInto(total, initMax);
  const overhead = toResourceList(s.overhead);
  // Overhead adds to every request, but only to limits that are set.
  return addLists(total, which === "requests" ? overhead : mask(overhead, total.keys()));
}
