// What a policy wants in one namespace, and how what is there compares:
// pure functions over the objects as the search index holds them.
import { labelSelectorMatches } from "../../apiserver/registry/selectors.ts";
import { compareQuantity, parseExact } from "../../apiserver/admission/quantity.ts";
import { MANAGED_BY } from "../access/memberRbac.ts";
import type { KObj } from "../host/kindCache.ts";
import type { KObject } from "../search/index.ts";
import type { PolicyObjectKind } from "./kinds.ts";
import { GENERATION_ANNOTATION, objectName, POLICY_LABEL, type PolicySpec } from "./types.ts";

export const PSA_PREFIX = "pod-security.kubernetes.io/";

/** Whether the policy applies anything in a namespace it targets, in its mode. */
export function applies(spec: PolicySpec): boolean {
  if (spec.mode === "Enforce") return true;
  // Warn: Pod Security has warn and audit labels; the other kinds have no warn-only form.
  return spec.mode === "Warn" && spec.kind === "PodSecurity";
}

/** Whether a Cluster object is among the policy's targets. */
export function targetsCluster(spec: PolicySpec, cluster: KObj | undefined): boolean {
  if (!cluster) return false;
  const name = cluster.metadata?.name ?? "";
  if (spec.clusters?.names) return spec.clusters.names.includes(name);
  return labelSelectorMatches(spec.clusters?.selector, cluster.metadata?.labels);
}

/** Excluded (by name), Target (selected), or undefined when the namespace selector leaves it out. */
export function namespaceRole(spec: PolicySpec, ns: KObject): "Excluded" | "Target" | undefined {
  const name = ns.metadata?.name ?? "";
  if (spec.exclude.includes(name)) return "Excluded";
  if (!spec.namespaceSelector) return "Target";
  return labelSelectorMatches(spec.namespaceSelector, ns.metadata?.labels) ? "Target" : undefined;
}

/** Made by this policy: its label or annotation names it. */
export function isOurs(o: KObject | undefined, policy: string): boolean {
  return o?.metadata?.labels?.[POLICY_LABEL] === policy || o?.metadata?.annotations?.[POLICY_LABEL] === policy;
}

/** The object the policy keeps in a namespace. */
export function desiredObject(policy: string, generation: number, spec: PolicySpec, k: PolicyObjectKind, ns: string): KObject {
  return {
    apiVersion: k.apiVersion,
    kind: k.kind,
    metadata: {
      name: objectName(policy),
      namespace: ns,
      labels: { [POLICY_LABEL]: policy, [MANAGED_BY]: "kpanda" },
      annotations: { [POLICY_LABEL]: policy, [GENERATION_ANNOTATION]: String(generation) },
    },
    spec: structuredClone(spec.template ?? {}),
  };
}

/**
 * A user's object that stands in the policy's way. A namespace has one
 * ResourceQuota or LimitRange for a purpose, so any other one conflicts.
 * NetworkPolicies add up (a pod's allowed traffic is the union of the
 * policies selecting it: "Network policies do not conflict; they are
 * additive", concepts/services-networking/network-policies), so only one
 * holding the policy's object name does.
 */
export function conflictOf(k: PolicyObjectKind, objects: readonly KObject[], policy: string): KObject | undefined {
  const others = objects.filter((o) => !isOurs(o, policy));
  if (k.kind === "NetworkPolicy") return others.find((o) => o.metadata?.name === objectName(policy));
  return others.find((o) => !o.metadata?.deletionTimestamp);
}

/**
 * Whether `got` holds everything `want` says: objects key by key, arrays
 * item by item (same length), quantities by value ("1000m" is "1"). What the
 * member adds (defaults such as a port's protocol or a NetworkPolicy's
 * policyTypes) is not a difference.
 */
export function holds(want: unknown, got: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => holds(w, got[i]));
  if (want && typeof want === "object") {
    if (!got || typeof got !== "object" || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) => holds(v, (got as Record<string, unknown>)[k]));
  }
  if (want === got) return true;
  const a = typeof want === "string" ? parseExact(want) : undefined;
  const b = typeof got === "string" || typeof got === "number" ? parseExact(got) : undefined;
  return !!a && !!b && compareQuantity(a, b) === 0;
}

/** Whether our object still is what the policy wants (its spec, and kpanda's label). */
export function objectMatches(want: KObject, got: KObject): boolean {
  return got.metadata?.labels?.[POLICY_LABEL] === want.metadata?.labels?.[POLICY_LABEL] && holds(want.spec, got.spec);
}

/** The Pod Security labels a policy sets: enforce, audit and warn in Enforce mode; audit and warn in Warn mode. */
export function podSecurityLabels(spec: PolicySpec): Record<string, string> {
  const out: Record<string, string> = {};
  const modes = spec.mode === "Enforce" ? ["enforce", "audit", "warn"] : ["audit", "warn"];
  for (const m of modes) {
    out[`${PSA_PREFIX}${m}`] = spec.level ?? "privileged";
    out[`${PSA_PREFIX}${m}-version`] = spec.version ?? "latest";
  }
  return out;
}

export const psaLabelsOf = (labels: Record<string, string> | undefined) =>
  Object.entries(labels ?? {}).filter(([k]) => k.startsWith(PSA_PREFIX));

/** Whether a namespace of ours carries exactly the wanted Pod Security labels and kpanda's label. */
export function podSecurityMatches(policy: string, want: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const have = psaLabelsOf(labels);
  return labels?.[POLICY_LABEL] === policy && have.length === Object.keys(want).length && have.every(([k, v]) => want[k] === v);
}

/** A merge patch giving a namespace the policy's Pod Security labels (dropping other Pod Security labels of ours). */
export function podSecurityPatch(policy: string, generation: number, want: Record<string, string>, labels: Record<string, string> | undefined) {
  const patch: Record<string, string | null> = { ...want, [POLICY_LABEL]: policy };
  for (const [k] of psaLabelsOf(labels)) if (!(k in want)) patch[k] = null;
  return { metadata: { labels: patch, annotations: { [POLICY_LABEL]: policy, [GENERATION_ANNOTATION]: String(generation) } } };
}

/** A merge patch removing what a policy set on a namespace. */
export function podSecurityRemoval(labels: Record<string, string> | undefined) {
  const patch: Record<string, null> = { [POLICY_LABEL]: null };
  for (const [k] of psaLabelsOf(labels)) patch[k] = null;
  return { metadata: { labels: patch, annotations: { [POLICY_LABEL]: null, [GENERATION_ANNOTATION]: null } } };
}
