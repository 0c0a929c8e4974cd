// The resource quota controller (pkg/controller/resourcequota, 1.32):
// status.hard mirrors spec.hard and status.used is recomputed from storage
// when a quota's spec changes, when a tracked object is deleted, when a pod
// ends or is being deleted, and on a periodic resync (which also corrects
// charges admission made for writes that then failed). Only namespaces that
// hold a quota are looked at.
import { fromResourceList, type ResourceList, toResourceList, addLists, mask } from "../admission/plugins/resourceList.ts";
import { type Evaluator, evaluatorFor, quotaScopes } from "../admission/plugins/quotaUsage.ts";
import { controllerManagerContext } from "../registry/context.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

const QUOTAS = "core/resourcequotas";

export type QuotaControllerOptions = { store: ObjectStore; resyncMs?: number };

export class QuotaController implements Controller {
  readonly name = "resourcequota";
  private readonly store: ObjectStore;
  /** namespace → names of its quotas. */
  private readonly quotas = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: QuotaControllerOptions) {
    this.store = opts.store;
    this.timer = setInterval(() => {
      for (const ns of this.quotas.keys()) this.mark(ns);
    }, opts.resyncMs ?? 60_000);
    this.timer.unref();
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) if (e.prefix === QUOTAS) this.handle(e);
  }

  handle(e: ObjectEvent): void {
    const ns = e.obj.metadata?.namespace;
    if (!ns) return;
    if (e.prefix === QUOTAS) {
      const name = e.obj.metadata?.name ?? "";
      if (e.type === "DELETED") {
        this.quotas.get(ns)?.delete(name);
        if (!this.quotas.get(ns)?.size) this.quotas.delete(ns);
        return;
      }
      if (!this.quotas.has(ns)) this.quotas.set(ns, new Set());
      this.quotas.get(ns)!.add(name);
      if (!synced(e.obj)) this.mark(ns);
      return;
    }
    if (!this.quotas.has(ns)) return;
    if (e.type === "DELETED") this.mark(ns);
    else if (e.prefix === "core/pods" && e.type === "MODIFIED") {
      const phase = e.obj.status?.phase;
      if (phase === "Succeeded" || phase === "Failed" || e.obj.metadata?.deletionTimestamp) this.mark(ns);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private mark(ns: string): void {
    this.dirty.add(ns);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const todo = [...this.dirty];
      this.dirty.clear();
      for (const n of todo) if (!this.stopped) this.syncNamespace(n);
    });
  }

  /** Recomputes every quota of a namespace. */
  syncNamespace(ns: string): void {
    const info = this.store.registry.lookup("", "v1", "resourcequotas")!;
    for (const item of this.store.storage.list(`/${QUOTAS}/${ns}/`).items) {
      const quota: KObject = JSON.parse(item.value);
      const status = { hard: fromResourceList(toResourceList(quota.spec?.hard)), used: this.usage(ns, quota) };
      if (JSON.stringify(status) === JSON.stringify(quota.status)) continue;
      this.store.mutate(info, ns, quota.metadata!.name!, controllerManagerContext(), (q) => {
        q.status = { hard: status.hard, used: this.usage(ns, q) };
        return JSON.stringify(q.status) !== JSON.stringify(quota.status);
      }, "status");
    }
  }

  /** CalculateUsage: the tracked resources of spec.hard, recomputed; untracked ones keep their last value. */
  private usage(ns: string, quota: KObject): Record<string, string> {
    const hardNames = Object.keys(quota.spec?.hard ?? {});
    let used: ResourceList = mask(toResourceList(quota.status?.used), hardNames);
    for (const ev of this.evaluators(hardNames)) {
      const names = ev.matchingResources(hardNames);
      let sum: ResourceList = new Map(names.map((n) => [n, { nanos: 0n, format: "DecimalSI" as const }]));
      const scopes = quotaScopes(quota);
      for (const it of this.store.storage.list(`/${ev.prefix}/${ns}/`).items) {
        const obj = JSON.parse(it.value);
        if (!scopes.every((s) => ev.matchesScope(s, obj))) continue;
        sum = addLists(sum, mask(ev.usage(obj), names));
      }
      used = new Map([...used, ...sum]);
    }
    return fromResourceList(used);
  }

  /** The evaluators that track some of these names: pods, services, claims and object counts. */
  private evaluators(names: string[]): Evaluator[] {
    const out: Evaluator[] = [];
    for (const info of this.store.registry.storageResources()) {
      if (!info.namespaced) continue;
      const ev = evaluatorFor(info.group, info.resource, info.storagePrefix);
      if (ev.matchingResources(names).length) out.push(ev);
    }
    return out;
  }
}

/** Whether status.hard already mirrors spec.hard and every hard resource has a usage figure. */
function synced(q: KObject): boolean {
  const hard = fromResourceList(toResourceList(q.spec?.hard));
  if (JSON.stringify(hard) !== JSON.stringify(q.status?.hard ?? {})) return false;
  const used = q.status?.used ?? {};
  return Object.keys(hard).every((k) => k in used);
}
