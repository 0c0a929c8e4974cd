// metav1.LabelSelector: validation (meta/v1/validation ValidateLabelSelector),
// matching, and Go %#v rendering for error values.
import { type Errs, invalid, isObj, required, forbidden, typeError } from "./fieldErrors.ts";
import { validateLabels } from "./validateMeta.ts";
import { isQualifiedName } from "./names.ts";

export function validateLabelSelector(sel: unknown, field: string, errs: Errs): void {
  if (sel === undefined || sel === null) return;
  if (!isObj(sel)) {
    errs.push(typeError(field, sel, "object"));
    return;
  }
  validateLabels(sel.matchLabels, `${field}.matchLabels`, errs);
  const exprs = sel.matchExpressions;
  if (exprs === undefined || exprs === null) return;
  if (!Array.isArray(exprs)) {
    errs.push(typeError(`${field}.matchExpressions`, exprs, "array"));
    return;
  }
  exprs.forEach((e, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    if (!isObj(e)) {
      errs.push(typeError(p, e, "object"));
      return;
    }
    const values = Array.isArray(e.values) ? e.values : [];
    if (e.operator === "In" || e.operator === "NotIn") {
      if (values.length === 0)
        errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === "Exists" || e.operator === "DoesNotExist") {
      if (values.length > 0)
        errs.push(
          forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      errs.push(invalid(`${p}.operator`, e.operator ?? "", "not a valid selector operator"));
    }
    if (typeof e.key !== "string") errs.push(typeError(`${p}.key`, e.key, "string"));
    else for (const m of isQualifiedName(e.key)) errs.push(invalid(`${p}.key`, e.key, m));
  });
}

/** True when the selector has no requirements (matches everything). */
export function selectorIsEmpty(sel: unknown): boolean {
  if (!isObj(sel)) return true;
  const ml = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const me = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return ml + me === 0;
}

/** Whether the selector is well-formed enough to evaluate. */
export function selectorIsValid(sel: unknown): boolean {
  const errs: Errs = [];
  validateLabelSelector(sel, "", errs);
  return errs.length === 0;
}

export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return true;
  const l: Record<string, unknown> = isObj(labels) ? labels : {};
  if (isObj(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (l[k] !== v) return false;
  }
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isObj(e)) return false;
    const has = Object.hasOwn(l, e.key);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    if (e.operator === "In" && !(has && values.includes(l[e.key]))) return false;
    if (e.operator === "NotIn" && has && values.includes(l[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function goStringMap(m: unknown): string {
  if (!isObj(m)) return "map[string]string(nil)";
  const entries = Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(String(v))}`).join(", ")}}`;
}

/** %#v of a v1.LabelSelector, as kube-apiserver prints it in an Invalid value. */
export function showSelector(sel: unknown): string {
  const s = isObj(sel) ? sel : {};
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .map((e: any) => {
          const vals =
            isObj(e) && Array.isArray(e.values)
              ? `[]string{${e.values.map((v: unknown) => JSON.stringify(String(v))).join(", ")}}`
              : "[]string(nil)";
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(e?.key ?? ""))}, Operator:${JSON.stringify(String(e?.operator ?? ""))}, Values:${vals}}`;
        })
        .join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** Labels rendered as %#v: `map[string]string{"app":"web"}` or `map[string]string(nil)`. */
export function showLabels(labels: unknown): string {
  return goStringMap(labels);
}
