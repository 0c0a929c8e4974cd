// The pure matching rules the scheduler and the node lifecycle controller
// share: tolerations against taints (k8s.io/api/core/v1 toleration.go),
// node selector terms of node affinity (component-helpers nodeaffinity) and
// label selectors (apimachinery labels.Selector).
import type { KObject } from "../../apiserver/client.ts";

export type Taint = { key: string; value?: string; effect: string; timeAdded?: string };
export type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

/** Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== "Exists") return false;
  if (t.operator === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export const toleratesTaint = (tolerations: Toleration[] | undefined, taint: Taint) =>
  (tolerations ?? []).some((t) => tolerates(t, taint));

/** The first taint of the given effects that no toleration tolerates. */
export function firstUntolerated(taints: Taint[], tolerations: Toleration[] | undefined, effects: readonly string[]): Taint | undefined {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!toleratesTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

export type Requirement = { key: string; operator: string; values?: string[] };

/** One requirement of a node selector term against a value (labels or fields). */
function requirementMatches(r: Requirement, has: boolean, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return has && values.includes(value!);
    case "NotIn":
      return !has || !values.includes(value!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(value!, 10);
      const b = Number.parseInt(values[0], 10);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

export type NodeSelectorTerm = { matchExpressions?: Requirement[]; matchFields?: Requirement[] };

/** A term matches when all its requirements do; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm, name: string, labels: Record<string, string>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const r of exprs) if (!requirementMatches(r, r.key in labels, labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== "metadata.name") return false;
    if (!requirementMatches(r, true, name)) return false;
  }
  return true;
}

/** spec.nodeSelector and the required node affinity (terms are ORed). */
export function nodeAffinityMatches(pod: KObject, name: string, labels: Record<string, string>): boolean {
  const sel: Record<string, string> | undefined = pod.spec?.nodeSelector;
  if (sel) for (const k in sel) if (labels[k] !== sel[k]) return false;
  const terms: NodeSelectorTerm[] | undefined = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => termMatches(t, name, labels));
}

export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] };
