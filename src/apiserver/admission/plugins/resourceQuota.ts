// ResourceQuota admission (k8s.io/apiserver/pkg/admission/plugin/resourcequota,
// 1.32): for each quota in the namespace whose status.hard tracks what the
// request uses, the new usage (status.used plus the request's delta) must
// stay within status.hard, else 403 "exceeded quota". An admitted request is
// charged at once by writing status.used (not on dry runs); the quota
// controller later recomputes usage from storage.
import { type Attributes, systemContext } from "../../registry/context.ts";
import { forbidden } from "../../registry/errors.ts";
import type { ObjectStore } from "../../registry/store.ts";
import type { KObject } from "../../registry/types.ts";
import { type Evaluator, evaluatorFor, quotaMatches } from "./quotaUsage.ts";
import {
  addLists,
  fromResourceList,
  mask,
  prettyPrint,
  type ResourceList,
  subtractNonNegative,
  toResourceList,
} from "./resourceList.ts";

export function resourceQuotaAdmission(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (!a.info.namespaced || a.op === "DELETE") return;
    const ev = evaluatorFor(a.info.group, a.info.resource, a.info.storagePrefix);
    if (!ev.handles(a.op, a.subresource)) return;
    const s = store();
    const stored = s.storage.list(`/core/resourcequotas/${a.namespace}/`).items;
    if (!stored.length) return;
    const quotas: KObject[] = stored.map((q) => JSON.parse(q.value));
    const charges = checkRequest(a, ev, quotas);
    if (a.ctx.dryRun) return;
    const info = s.registry.lookup("", "v1", "resourcequotas")!;
    for (const [name, used] of charges) {
      s.mutate(info, a.namespace, name, systemContext(), (q) => {
        q.status = { ...q.status, used: fromResourceList(addLists(toResourceList(q.status?.used), used)) };
        return true;
      }, "status");
    }
  };
}

/** CheckRequest: the usage to charge, per quota name; throws 403 when a quota would be exceeded. */
export function checkRequest(a: Attributes, ev: Evaluator, quotas: KObject[]): Map<string, ResourceList> {
  const interesting: KObject[] = [];
  for (const q of quotas) {
    if (!quotaMatches(ev, q, a.obj)) continue;
    const restricted = ev.matchingResources(Object.keys(q.status?.hard ?? {}));
    const why = ev.constraints(restricted, a.obj);
    if (why) throw forbidden(a.requestInfo, a.name, `failed quota: ${q.metadata?.name}: ${why}`);
    const used = q.status?.used ?? {};
    if (restricted.some((r) => !(r in used))) {
      throw forbidden(
        a.requestInfo,
        a.name,
        `status unknown for quota: ${q.metadata?.name}, resources: ${[...restricted].sort().join(",")}`,
      );
    }
    interesting.push(q);
  }
  const charges = new Map<string, ResourceList>();
  if (!interesting.length) return charges;
  let delta = ev.usage(a.obj);
  const negative = [...delta].filter(([, q]) => q.nanos < 0n).map(([k]) => k);
  if (negative.length) {
    throw forbidden(a.requestInfo, a.name, `quota usage is negative for resource(s): ${negative.sort().join(",")}`);
  }
  // An update is charged only for what it adds.
  if (a.op === "UPDATE" && a.old?.metadata?.resourceVersion) delta = subtractNonNegative(delta, ev.usage(a.old));
  for (const [k, q] of delta) if (q.nanos === 0n) delta.delete(k);
  if (!delta.size) return charges;
  for (const q of interesting) {
    const hard = toResourceList(q.status?.hard);
    const used = toResourceList(q.status?.used);
    const requested = mask(delta, hard.keys());
    const newUsage = mask(addLists(used, requested), requested.keys());
    const exceeded = [...newUsage].filter(([k, v]) => v.nanos > (hard.get(k)?.nanos ?? v.nanos)).map(([k]) => k);
    if (exceeded.length) {
      throw forbidden(
        a.requestInfo,
        a.name,
        `exceeded quota: ${q.metadata?.name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
      );
    }
    if (requested.size) charges.set(q.metadata!.name!, requested);
  }
  return charges;
}
