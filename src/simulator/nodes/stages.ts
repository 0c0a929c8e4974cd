// Pod lifecycles as data, after kwok's Stage: a stage has a selector over
// the pod's fields, a delay, and a change (a status to merge, a delete, and
// events). The kubelet runs the first stage whose selector matches a pod,
// after the delay; the write makes a new pod, which selects the next stage.
//
// Selector keys are paths into the pod: `.status.phase`,
// `.metadata.annotations["sim.kpanda.io/run-seconds"]`,
// `.status.conditions[type=Ready].status`. A path through a list yields
// every element's value (`.spec.containers.image` is every image). Absent,
// null and "" are "no value".
import type { KObject } from "../../apiserver/client.ts";

export type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Matches" | "NotMatches" | "NotAllIn";
/**
 * `values`, or with `valuesFrom` the values at another path of the same pod.
 * NotAllIn holds when some value at key is not among them (an ephemeral
 * container without a status).
 */
export type Expression = { key: string; operator: Operator; values?: string[]; valuesFrom?: string };
export type StageSelector = { matchExpressions: Expression[] };

/** Timing knobs that stages read; see DEFAULT_KNOBS. */
export type KubeletKnobs = {
  /** Image pull + container start, from ContainerCreating to Running. */
  startMs: number;
  /** Random extra start time, 0..startJitterMs. */
  startJitterMs: number;
  /** Time to fail an image pull. */
  pullMs: number;
  /** How long a Job's pod runs before it succeeds (sim.kpanda.io/run-seconds overrides). */
  jobRunMs: number;
  /** How long a crashloop container runs before it exits. */
  crashAfterMs: number;
  /** The longest simulated container shutdown; a shorter grace period wins. */
  shutdownMs: number;
  /** Between ImagePullBackOff and the next pull attempt. */
  pullBackoffMs: number;
  /** Between a running container's log lines (sim.kpanda.io/log-lines-per-second overrides; 0: none). */
  logLineMs: number;
};

export const DEFAULT_KNOBS: KubeletKnobs = {
  startMs: 1000,
  startJitterMs: 0,
  pullMs: 1000,
  jobRunMs: 5000,
  crashAfterMs: 3000,
  shutdownMs: 1000,
  pullBackoffMs: 30_000,
  logLineMs: 5000,
};

export type StageDelay = {
  /** A fixed delay, or the name of a knob. */
  ms?: number | keyof KubeletKnobs;
  jitterMs?: number | keyof KubeletKnobs;
  /** A delay read from the pod (an annotation, a probe); undefined falls back to ms. */
  from?: (pod: KObject, knobs: KubeletKnobs) => number | undefined;
};

/** What applying a stage needs from its kubelet: the time, the node, an IP. */
export type StageEnv = {
  now: number;
  nodeName: string;
  hostIP: string;
  /** Allocates (once per pod) an IP from the node's pod CIDR. */
  podIP(): string;
};

export type StageEvent = { type: "Normal" | "Warning"; reason: string; message: string; fieldPath?: string };

export type StageChange = {
  /** Merged into status (top-level keys replaced). */
  status?: KObject;
  /** Remove the pod (gracePeriodSeconds 0). */
  delete?: boolean;
  events?: StageEvent[];
};

export type Stage = {
  name: string;
  selector: StageSelector;
  delay?: StageDelay;
  next(pod: KObject, env: StageEnv): StageChange;
};

type Segment = { field: string } | { filter: [string, string] };

const pathCache = new Map<string, Segment[]>();

/** Parses `.a.b["c.d"][type=Ready].e`. */
export function parsePath(path: string): Segment[] {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const out: Segment[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\["([^"]+)"\]|\[([A-Za-z0-9_]+)=([^\]]*)\]/gy;
  let at = 0;
  re.lastIndex = 0;
  while (at < path.length) {
    const m = re.exec(path);
    if (!m) break;
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ field: m[1] });
    else if (m[2] !== undefined) out.push({ field: m[2] });
    else out.push({ filter: [m[3], m[4]] });
  }
  if (at !== path.length) throw new Error(`stage selector path "${path}" is malformed at ${at}`);
  pathCache.set(path, out);
  return out;
}

/** Every value at path, flattened through lists, as strings. */
export function valuesAt(obj: unknown, path: string): string[] {
  const out: string[] = [];
  // Recursive rather than a list per segment: this runs for every stage on every pod event.
  collect(obj, parsePath(path), 0, out);
  return out;
}

function collect(v: unknown, segs: Segment[], i: number, out: string[]): void {
  if (i === segs.length) {
    if (Array.isArray(v)) for (const x of v) emit(x, out);
    else emit(v, out);
    return;
  }
  if (Array.isArray(v)) {
    for (const it of v) step(it, segs, i, out);
  } else step(v, segs, i, out);
}

function step(it: unknown, segs: Segment[], i: number, out: string[]): void {
  if (it === null || typeof it !== "object") return;
  const seg = segs[i];
  const o = it as Record<string, unknown>;
  if ("field" in seg) collect(o[seg.field], segs, i + 1, out);
  else if (String(o[seg.filter[0]]) === seg.filter[1]) collect(it, segs, i + 1, out);
}

function emit(v: unknown, out: string[]): void {
  if (v === undefined || v === null || v === "") return;
  out.push(typeof v === "object" ? "{}" : String(v));
}

const regexCache = new Map<string, RegExp>();
const regex = (s: string) => {
  let r = regexCache.get(s);
  if (!r) {
    r = new RegExp(s);
    regexCache.set(s, r);
  }
  return r;
};

export function expressionMatches(e: Expression, pod: KObject): boolean {
  const vals = valuesAt(pod, e.key);
  const want = e.valuesFrom ? valuesAt(pod, e.valuesFrom) : (e.values ?? []);
  switch (e.operator) {
    case "Exists":
      return vals.length > 0;
    case "DoesNotExist":
      return vals.length === 0;
    case "In":
      return vals.some((v) => want.includes(v));
    case "NotIn":
      return !vals.some((v) => want.includes(v));
    case "Matches":
      return vals.some((v) => want.some((w) => regex(w).test(v)));
    case "NotMatches":
      return !vals.some((v) => want.some((w) => regex(w).test(v)));
    case "NotAllIn":
      return vals.some((v) => !want.includes(v));
  }
}

export const selectorMatches = (s: StageSelector, pod: KObject) => s.matchExpressions.every((e) => expressionMatches(e, pod));

/** The first stage whose selector matches. */
export function selectStage(stages: readonly Stage[], pod: KObject): Stage | undefined {
  return stages.find((s) => selectorMatches(s.selector, pod));
}

/** The stage's delay for pod, in ms. */
export function stageDelay(stage: Stage, pod: KObject, knobs: KubeletKnobs, random = Math.random): number {
  const d = stage.delay;
  if (!d) return 0;
  const num = (v: number | keyof KubeletKnobs | undefined) => (typeof v === "string" ? knobs[v] : (v ?? 0));
  const base = d.from?.(pod, knobs) ?? num(d.ms);
  const jitter = num(d.jitterMs);
  return Math.max(0, base + (jitter > 0 ? Math.floor(random() * jitter) : 0));
}

/** The pod after a change, as the kubelet writes it. */
export function applyChange(pod: KObject, change: StageChange): KObject {
  if (!change.status) return pod;
  return { ...pod, status: { ...pod.status, ...change.status } };
}
