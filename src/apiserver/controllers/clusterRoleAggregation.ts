// The clusterrole-aggregation controller (pkg/controller/clusterroleaggregation):
// a ClusterRole with an aggregationRule gets, as its rules, the union of the
// rules of every other ClusterRole its clusterRoleSelectors match, in name
// order without duplicates. Any ClusterRole change re-evaluates every
// aggregated role; a chain (view → edit → admin) converges as each write
// comes back as an event.
import { selectorMatches } from "../admission/labelSelector.ts";
import { controllerManagerContext } from "../registry/context.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

const PREFIX = "rbac.authorization.k8s.io/clusterroles";

export function aggregatedRules(role: KObject, all: KObject[]): unknown[] {
  const selectors: unknown[] = role.aggregationRule?.clusterRoleSelectors ?? [];
  const out: unknown[] = [];
  const seen = new Set<string>();
  const sorted = [...all].sort((a, b) => (String(a.metadata?.name) < String(b.metadata?.name) ? -1 : 1));
  for (const other of sorted) {
    if (other.metadata?.name === role.metadata?.name) continue;
    if (!selectors.some((s) => selectorMatches(s, other.metadata?.labels ?? {}))) continue;
    for (const rule of other.rules ?? []) {
      const key = JSON.stringify(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(rule);
    }
  }
  return out;
}

export class ClusterRoleAggregationController implements Controller {
  readonly name = "clusterrole-aggregation";
  readonly prefixes = [PREFIX];
  private readonly store: ObjectStore;

  constructor(store: ObjectStore) {
    this.store = store;
  }

  sync(): void {
    // Fixed point at start, so the defaults are complete before the server serves.
    for (let i = 0; i < 10 && this.reconcileAll(); i++);
  }

  handle(_e: ObjectEvent): void {
    this.reconcileAll();
  }

  /** Updates every aggregated role whose rules are stale; true when something changed. */
  private reconcileAll(): boolean {
    const info = this.store.registry.lookup("rbac.authorization.k8s.io", "v1", "clusterroles")!;
    const all = this.store.storage.list(`/${PREFIX}/`).items.map((s) => JSON.parse(s.value) as KObject);
    let changed = false;
    for (const role of all) {
      if (!role.aggregationRule) continue;
      const rules = aggregatedRules(role, all);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      this.store.mutate(info, "", role.metadata!.name!, controllerManagerContext(), (o) => {
        o.rules = rules;
        return true;
      });
      changed = true;
    }
    return changed;
  }
}
