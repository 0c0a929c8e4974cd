// Small helpers shared by the workload controllers: owner references, label
// selectors, pod readiness, int-or-percent, conditions and hashing. They
// mirror pkg/controller (controller_utils.go, deployment/util) where the
// rules are subtle.
import type { KObject } from "../../apiserver/client.ts";
import type { OwnerReference } from "../../apiserver/registry/types.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";
import { labelSelectorMatches } from "../../apiserver/registry/selectors.ts";

export type Obj = Record<string, any>;

export const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export function controllerRef(o: KObject): OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Informer index: objects by their controller's uid. */
export const byControllerUid = (o: KObject): string[] => {
  const r = controllerRef(o);
  return r ? [r.uid] : [];
};

/** Informer index: objects with no controller, by namespace (adoption candidates). */
export const orphansByNamespace = (o: KObject): string[] => (controllerRef(o) ? [] : [o.metadata?.namespace ?? ""]);

// ---- label selectors (metav1.LabelSelector) ----

export type Selector = (labels: Record<string, string> | undefined) => boolean;

const NOTHING: Selector = () => false;

/** A metav1.LabelSelector as a predicate. A missing selector selects nothing; an empty one everything. */
export function selectorOf(sel: Obj | undefined | null): Selector {
  if (!sel) return NOTHING;
  return (labels) => labelSelectorMatches(sel, labels);
}

export function isEmptySelector(sel: Obj | undefined | null): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

// ---- pods ----

export function podCondition(pod: KObject, type: string): Obj | undefined {
  return (pod.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

export const isPodReady = (pod: KObject) => podCondition(pod, "Ready")?.status === "True";

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KObject, minReadySeconds: number, now: number): boolean {
  const c = podCondition(pod, "Ready");
  if (c?.status !== "True") return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(c.lastTransitionTime ?? "");
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

export const isTerminated = (pod: KObject) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** controller.IsPodActive: not finished and not being deleted. */
export const isPodActive = (pod: KObject) => !isTerminated(pod) && !pod.metadata?.deletionTimestamp;

/** Ms until a ready pod becomes available, or undefined if it already is / is not ready. */
export function msUntilAvailable(pod: KObject, minReadySeconds: number, now: number): number | undefined {
  const c = podCondition(pod, "Ready");
  if (c?.status !== "True" || !minReadySeconds) return undefined;
  const left = Date.parse(c.lastTransitionTime ?? "") + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}

/** A pod from a template (controller.GetPodFromTemplate). */
export function podFromTemplate(template: Obj, owner: OwnerReference, generateName: string): KObject {
  const meta = template.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [owner],
    },
    spec: cloneJson(template.spec ?? {}),
  };
}

/** getPodsPrefix: "<name>-", shortened when the result would not be a valid generateName. */
export function podsPrefix(name: string): string {
  const p = `${name}-`;
  return p.length > 58 ? p.slice(0, 58) : p;
}

// ---- int or percent (intstr.GetScaledValueFromIntOrPercent) ----

export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

// ---- conditions ----

/** Sets a condition: unchanged when status and reason match; lastTransitionTime kept when status matches. */
export function setCondition(conds: Obj[], c: Obj): Obj[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  if (cur && cur.status === c.status) c = { ...c, lastTransitionTime: cur.lastTransitionTime };
  return [...conds.filter((x) => x.type !== c.type), c];
}

export const removeCondition = (conds: Obj[], type: string) => conds.filter((c) => c.type !== type);

export const getCondition = (conds: Obj[] | undefined, type: string) => (conds ?? []).find((c) => c.type === type);

// ---- hashing ----

/** JSON with keys sorted at every level, as Go's json.Marshal renders a map[string]interface{}. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Obj;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}

/** FNV-1 (fnv.New32) or FNV-1a (fnv.New32a) over UTF-8 bytes. */
export function fnv32(s: string, a: boolean, h = 0x811c9dc5): number {
  const bytes = Buffer.from(s, "utf8");
  for (const b of bytes) {
    if (a) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    } else {
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= b;
    }
  }
  return h >>> 0;
}

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: each character mapped into a vowel-free alphabet, so no words are spelled. */
export function safeEncode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** ComputeHash of a pod template (FNV-32a of the template, plus the collision count). */
export function templateHash(template: Obj, collisionCount?: number): string {
  let h = fnv32(stableJson(template), true);
  if (collisionCount !== undefined && collisionCount !== null) h = fnv32(String(collisionCount), true, h);
  return safeEncode(String(h));
}

/** Template equality ignoring the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: Obj | undefined, b: Obj | undefined): boolean {
  const strip = (t: Obj | undefined) => {
    const c = cloneJson(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels["pod-template-hash"];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    return stableJson(c);
  };
  return strip(a) === strip(b);
}

export const int = (v: unknown, d = 0): number => (typeof v === "number" ? v : d);

export function deepEqual(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/** Drops what Go's omitempty would drop (zeros, empty strings/lists/maps), for "nothing changed" checks. */
function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(pruneEmpty) : undefined;
  if (v && typeof v === "object") {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = pruneEmpty(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === 0 || v === "" || v === null || v === false ? undefined : v;
}

/** Status equality, blind to omitempty differences. */
export function sameStatus(a: Obj | undefined, b: Obj | undefined): boolean {
  return deepEqual(pruneEmpty(a) ?? {}, pruneEmpty(b) ?? {});
}

export const errMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
