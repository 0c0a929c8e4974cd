// What a namespace's ResourceQuotas and LimitRanges add up to, for
// …/resourcequotas:compute and …/limitranges:compute.
// Quotas: every quota must admit a request (ResourceQuota admission checks
// each one), so per resource the binding one is the quota with the least
// room left. LimitRanges: LimitRanger applies each in turn and a default
// only fills what is still missing, so the first LimitRange (in list
// order, by name) that defaults a resource decides it; within one, a later
// item overrides an earlier one (defaultContainerResourceRequirements).
// Every min must hold (the largest binds), every max (the smallest), every
// maxLimitRequestRatio (the smallest).
import { toResourceList } from "../../apiserver/admission/plugins/resourceList.ts";
import { compareQuantity, formatQuantity, type Quantity, subQuantity, zeroQuantity } from "../../apiserver/admission/quantity.ts";

type Obj = Record<string, any>;

export type QuotaResource = { resource: string; hard: string; used: string; remaining: string; percent: number; quota: string };

export function computeQuotas(quotas: Obj[]): { quotas: { name: string; hard: Record<string, string>; used: Record<string, string> }[]; resources: QuotaResource[] } {
  const best = new Map<string, { left: Quantity; r: QuotaResource }>();
  for (const q of quotas) {
    const hard = toResourceList(q.status?.hard ?? q.spec?.hard);
    const used = toResourceList(q.status?.used);
    for (const [res, h] of hard) {
      const u = used.get(res) ?? zeroQuantity();
      const left = subQuantity(h, u);
      const known = best.get(res);
      if (known && compareQuantity(known.left, left) <= 0) continue;
      const percent = h.nanos === 0n ? (u.nanos > 0n ? 100 : 0) : Math.round((Number(u.nanos) / Number(h.nanos)) * 1000) / 10;
      const remaining = left.nanos < 0n ? "0" : formatQuantity(left);
      best.set(res, { left, r: { resource: res, hard: formatQuantity(h), used: formatQuantity(u), remaining, percent, quota: q.metadata?.name ?? "" } });
    }
  }
  return {
    quotas: quotas.map((q) => ({ name: q.metadata?.name ?? "", hard: q.status?.hard ?? q.spec?.hard ?? {}, used: q.status?.used ?? {} })),
    resources: [...best.values()].map((b) => b.r).sort((a, b) => (a.resource < b.resource ? -1 : 1)),
  };
}

export type LimitsOfType = {
  type: string;
  default: Record<string, string>;
  defaultRequest: Record<string, string>;
  min: Record<string, string>;
  max: Record<string, string>;
  maxLimitRequestRatio: Record<string, string>;
};

export function computeLimitRanges(ranges: Obj[]): LimitsOfType[] {
  const byType = new Map<string, { default: Map<string, Quantity>; defaultRequest: Map<string, Quantity>; min: Map<string, Quantity>; max: Map<string, Quantity>; ratio: Map<string, Quantity> }>();
  const of = (type: string) => {
    let t = byType.get(type);
    if (!t) {
      t = { default: new Map(), defaultRequest: new Map(), min: new Map(), max: new Map(), ratio: new Map() };
      byType.set(type, t);
    }
    return t;
  };
  for (const lr of ranges) {
    const defaults = new Map<string, Map<string, Quantity>>();
    const requests = new Map<string, Map<string, Quantity>>();
    for (const it of Array.isArray(lr.spec?.limits) ? lr.spec.limits : []) {
      const type = String(it?.type ?? "");
      const t = of(type);
      // Within one LimitRange a later item overrides an earlier one.
      for (const [k, v] of toResourceList(it.default)) (defaults.get(type) ?? defaults.set(type, new Map()).get(type)!).set(k, v);
      for (const [k, v] of toResourceList(it.defaultRequest)) (requests.get(type) ?? requests.set(type, new Map()).get(type)!).set(k, v);
      keep(t.min, toResourceList(it.min), 1);
      keep(t.max, toResourceList(it.max), -1);
      keep(t.ratio, toResourceList(it.maxLimitRequestRatio), -1);
    }
    // Across LimitRanges the first to default a resource decides it.
    for (const [type, m] of defaults) for (const [k, v] of m) if (!of(type).default.has(k)) of(type).default.set(k, v);
    for (const [type, m] of requests) for (const [k, v] of m) if (!of(type).defaultRequest.has(k)) of(type).defaultRequest.set(k, v);
  }
  const show = (m: Map<string, Quantity>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, formatQuantity(v)]));
  return [...byType]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, t]) => ({ type, default: show(t.default), defaultRequest: show(t.defaultRequest), min: show(t.min), max: show(t.max), maxLimitRequestRatio: show(t.ratio) }));
}

/** Keeps per key the larger (sign 1) or smaller (sign -1) value. */
function keep(into: Map<string, Quantity>, from: Map<string, Quantity>, sign: 1 | -1): void {
  for (const [k, v] of from) {
    const cur = into.get(k);
    if (!cur || compareQuantity(v, cur) * sign > 0) into.set(k, v);
  }
}
