// ValidateNode's create and update checks of spec.taints
// (pkg/apis/core/validation/validation.go validateNodeTaints): each key a
// qualified name, each value a label value, each effect one of the three,
// and no two taints with the same key and effect.
import { type Errs, invalid, notSupported, required } from "./fieldErrors.ts";
import { isLabelValue, isQualifiedName } from "./names.ts";

type Obj = Record<string, any>;

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

export function validateNode(obj: Obj, errs: Errs): void {
  const taints = obj.spec?.taints;
  if (!Array.isArray(taints)) return;
  const seen = new Set<string>();
  taints.forEach((t: Obj, i: number) => {
    const at = `spec.taints[${i}]`;
    const key = String(t?.key ?? "");
    for (const msg of isQualifiedName(key)) errs.push(invalid(`${at}.key`, key, msg));
    const value = String(t?.value ?? "");
    const bad = isLabelValue(value);
    if (bad.length) errs.push(invalid(`${at}.value`, value, bad.join(";")));
    // validateTaintEffect(effect, allowEmpty=false)
    if (!t?.effect) errs.push(required(`${at}.effect`));
    else if (!(EFFECTS as readonly string[]).includes(t.effect)) errs.push(notSupported(`${at}.effect`, t.effect, EFFECTS));
    const pair = `${t?.effect}\u0000${key}`;
    if (seen.has(pair)) {
      // field.Duplicate with its Detail replaced; kube prints the taint as a Go struct.
      errs.push({ reason: "FieldValueDuplicate", field: at, message: `Duplicate value: map[string]interface {}{"effect":"${t.effect}", "key":"${key}"}: taints must be unique by key and effect pair` });
      return;
    }
    seen.add(pair);
  });
}
