// Label and field selectors in their string forms, parsed once per request.
// Grammar: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
// (equality: = == !=; set: in, notin, exists, !exists). Field selectors take
// only = == != (fields/selector.go).
import type { KObject } from "./types.ts";

export class SelectorError extends Error {}

type Req = { key: string; op: "=" | "!=" | "in" | "notin" | "exists" | "!exists"; values: string[] };

export type LabelSelector = { requirements: Req[]; matches(labels: Record<string, string> | undefined): boolean };

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): void {
  if (!LABEL_KEY.test(key) || key.length > 316) throw new SelectorError(`invalid label key "${key}"`);
}
function checkValue(v: string): void {
  if (v.length > 63 || !LABEL_VALUE.test(v)) throw new SelectorError(`invalid label value: "${v}"`);
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  if (depth !== 0) throw new SelectorError(`unbalanced parentheses in selector "${s}"`);
  return out;
}

function parseRequirement(raw: string): Req {
  const term = raw.trim();
  if (term === "") throw new SelectorError("found '', expected: identifier");
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    checkKey(set[1]);
    const values = set[3].split(",").map((v) => v.trim());
    values.forEach(checkValue);
    return { key: set[1], op: set[2] as "in" | "notin", values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (eq) {
    checkKey(eq[1]);
    checkValue(eq[3]);
    return { key: eq[1], op: eq[2] === "!=" ? "!=" : "=", values: [eq[3]] };
  }
  if (term.startsWith("!")) {
    checkKey(term.slice(1).trim());
    return { key: term.slice(1).trim(), op: "!exists", values: [] };
  }
  const words = term.split(/\s+/);
  if (words.length > 1) throw new SelectorError(`found '${words[1]}', expected: in, notin, =, ==, !=, gt, lt`);
  checkKey(term);
  return { key: term, op: "exists", values: [] };
}

export function parseLabelSelector(s: string | undefined): LabelSelector | undefined {
  if (!s || s.trim() === "") return undefined;
  const requirements = splitTop(s).map(parseRequirement);
  return {
    requirements,
    matches(labels) {
      const l = labels ?? {};
      for (const r of requirements) {
        const has = Object.hasOwn(l, r.key);
        const v = l[r.key];
        switch (r.op) {
          case "=":
            if (!has || v !== r.values[0]) return false;
            break;
          case "!=":
            if (has && v === r.values[0]) return false;
            break;
          case "in":
            if (!has || !r.values.includes(v)) return false;
            break;
          case "notin":
            if (has && r.values.includes(v)) return false;
            break;
          case "exists":
            if (!has) return false;
            break;
          case "!exists":
            if (has) return false;
            break;
        }
      }
      return true;
    },
  };
}

/**
 * A structured metav1.LabelSelector against labels, as LabelSelectorAsSelector
 * builds it: a missing selector selects nothing, an empty one everything, and
 * one with an unknown operator nothing.
 */
export function labelSelectorMatches(sel: any, labels: Record<string, string> | undefined): boolean {
  if (!sel || typeof sel !== "object") return false;
  const l = labels ?? {};
  const ml = sel.matchLabels ?? {};
  for (const k in ml) if (l[k] !== ml[k]) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const vals: string[] = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !vals.includes(l[e.key])) return false;
        break;
      case "NotIn":
        if (has && vals.includes(l[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

type SelectorRequirement = { key: string; text: string };

function requirement(expr: any): SelectorRequirement | undefined {
  const key = String(expr?.key ?? "");
  const values: string[] = Array.isArray(expr?.values) ? expr.values.map(String) : [];
  const sorted = [...values].sort();
  switch (expr?.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) return undefined;
      return { key, text: `${key} ${expr.operator === "In" ? "in" : "notin"} (${sorted.join(",")})` };
    case "Exists":
      return values.length === 0 ? { key, text: key } : undefined;
    case "DoesNotExist":
      return values.length === 0 ? { key, text: `!${key}` } : undefined;
    default:
      return undefined;
  }
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key.
 * Returns "" for a nil or empty selector and undefined when it is invalid.
 */
export function selectorString(sel: any): string | undefined {
  if (!sel || typeof sel !== "object") return "";
  const reqs: SelectorRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const expr of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const r = requirement(expr);
    if (!r) return undefined;
    reqs.push(r);
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(",");
}

export type FieldSelector = { terms: { field: string; neg: boolean; value: string }[] };

export function parseFieldSelector(s: string | undefined, supported: (field: string) => boolean): FieldSelector | undefined {
  if (!s || s.trim() === "") return undefined;
  const terms = s.split(",").map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${raw}'`);
    if (!supported(m[1])) throw new SelectorError(`field label not supported: ${m[1]}`);
    return { field: m[1], neg: m[2] === "!=", value: m[3] };
  });
  return { terms };
}

export function matchesFields(sel: FieldSelector, fields: (field: string) => string): boolean {
  for (const t of sel.terms) {
    const v = fields(t.field);
    if (t.neg ? v === t.value : v !== t.value) return false;
  }
  return true;
}

/** The value of a selectable field, as kube-apiserver's per-kind GetAttrs exposes it. */
export function fieldValue(obj: KObject, field: string): string {
  if (field === "metadata.name") return obj.metadata?.name ?? "";
  if (field === "metadata.namespace") return obj.metadata?.namespace ?? "";
  let cur: any = obj;
  for (const part of field.split(".")) cur = cur?.[part];
  if (cur === undefined || cur === null) return "";
  return String(cur);
}
