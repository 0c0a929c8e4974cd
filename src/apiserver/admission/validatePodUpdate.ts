// What an update may change in a pod's spec: ValidatePodUpdate and its
// helpers in pkg/apis/core/validation/validation.go (1.32). Images of
// containers and init containers, activeDeadlineSeconds (set, or lowered),
// tolerations (additions, and tolerationSeconds), schedulingGates (removals),
// terminationGracePeriodSeconds (to 1 from a negative value) and, while the
// pod is still gated, additions to nodeSelector and required node affinity.
// Any other change answers "pod updates may not change fields other than …".
import { cloneJson } from "../registry/clone.ts";
import { type Errs, forbidden, invalid, invalidRendered, isObj, required } from "./fieldErrors.ts";
import { validateTolerations } from "./validatePod.ts";

type Obj = Record<string, any>;

const MAX_INT32 = 2147483647;

/** updatablePodSpecFields, joined with "," as kube does. */
export const POD_UPDATE_MESSAGE = `pod updates may not change fields other than ${[
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
].join(",")}`;

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Go's zero values and nil or empty collections compare equal to an absent field (apiequality.Semantic). */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.values(v).every(isZero);
  return false;
}

function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/**
 * The changed leaves of two specs, one "-" and one "+" line each. kube
 * appends go-cmp's rendering of its internal PodSpec instead; this keeps the
 * idea (what differs, old then new) in JSON paths.
 */
function specDiff(old: unknown, cur: unknown, path = "spec", out: string[] = []): string[] {
  if (semanticEqual(old, cur)) return out;
  const shapes = new Set([shape(old), shape(cur)]);
  if (shapes.size === 1 && shapes.has("array")) {
    const n = Math.max(list(old).length, list(cur).length);
    for (let i = 0; i < n; i++) specDiff(list(old)[i], list(cur)[i], `${path}[${i}]`, out);
  } else if (shapes.size === 1 && shapes.has("object")) {
    const o: Obj = old as Obj;
    const c: Obj = cur as Obj;
    for (const k of [...new Set([...Object.keys(o), ...Object.keys(c)])].sort())
      specDiff(o[k], c[k], `${path}.${k}`, out);
  } else {
    if (old !== undefined) out.push(`- ${path}: ${JSON.stringify(old)}`);
    if (cur !== undefined) out.push(`+ ${path}: ${JSON.stringify(cur)}`);
  }
  return out;
}

function shape(v: unknown): "array" | "object" | "leaf" {
  return Array.isArray(v) ? "array" : isObj(v) ? "object" : "leaf";
}

/** ValidateContainerUpdates: same count; each image set and unpadded. False means stop. */
function containerUpdates(cur: unknown, old: unknown, path: string, errs: Errs): boolean {
  const c = list(cur);
  if (c.length !== list(old).length) {
    errs.push(forbidden(path, "pod updates may not add or remove containers"));
    return false;
  }
  c.forEach((ctr, i) => {
    const image = isObj(ctr) && typeof ctr.image === "string" ? ctr.image : "";
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim() !== image)
      errs.push(invalid(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
  });
  return true;
}

/** validateOnlyAddedTolerations: each old toleration is still there, tolerationSeconds aside. */
function onlyAddedTolerations(cur: unknown, old: unknown, errs: Errs): void {
  const strip = (t: unknown) => (isObj(t) ? { ...t, tolerationSeconds: undefined } : t);
  for (const o of list(old)) {
    if (!list(cur).some((n) => semanticEqual(strip(o), strip(n)))) {
      errs.push(
        forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"),
      );
      return;
    }
  }
  validateTolerations(cur, "spec.tolerations", errs);
}

/** validateOnlyDeletedSchedulingGates. */
function onlyDeletedGates(cur: unknown, old: unknown, errs: Errs): void {
  const had = new Set(list(old).map((g) => g?.name));
  list(cur).forEach((g, i) => {
    if (!had.has(g?.name))
      errs.push(
        forbidden(
          `spec.schedulingGates[${i}].name`,
          `only deletion is allowed, but found new scheduling gate '${g?.name}'`,
        ),
      );
  });
}

/** validateNodeSelectorMutation: a gated pod may add to its nodeSelector, not change or drop entries. */
function nodeSelectorAdditions(cur: unknown, old: unknown, errs: Errs): void {
  const c = isObj(cur) ? cur : {};
  for (const [k, v] of Object.entries(isObj(old) ? old : {})) {
    if (c[k] !== v) {
      errs.push(
        invalid(
          "spec.nodeSelector",
          c,
          "only additions to spec.nodeSelector are allowed (no mutations or deletions)",
        ),
      );
      return;
    }
  }
}

/** validateNodeAffinityMutation: a gated pod may add requirements to its existing required terms. */
function nodeAffinityAdditions(cur: Obj | undefined, old: Obj | undefined, errs: Errs): void {
  const oldTerms = old?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(oldTerms)) return;
  const newTerms = list(cur?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  const path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
  if (oldTerms.length > 0 && oldTerms.length !== newTerms.length) {
    errs.push(
      invalid(path, newTerms, "no additions/deletions to non-empty NodeSelectorTerms list are allowed"),
    );
    return;
  }
  oldTerms.forEach((o, i) => {
    const n = newTerms[i] ?? {};
    const prefixOf = (k: string) =>
      list(o?.[k]).every((r, j) => semanticEqual(r, list(n[k])[j])) &&
      list(o?.[k]).length <= list(n[k]).length;
    if (!prefixOf("matchExpressions") || !prefixOf("matchFields"))
      errs.push(invalid(`${path}[${i}]`, n, "only additions are allowed (no mutations or deletions)"));
  });
}

/** The gated-pod relaxations; mutates `munged` back to the old values it allows. */
function gatedPodChanges(munged: Obj, old: Obj, errs: Errs): void {
  if (!semanticEqual(munged.nodeSelector, old.nodeSelector)) {
    nodeSelectorAdditions(munged.nodeSelector, old.nodeSelector, errs);
    munged.nodeSelector = old.nodeSelector;
  }
  const oldNA = old.affinity?.nodeAffinity;
  const curNA = munged.affinity?.nodeAffinity;
  if (semanticEqual(oldNA, curNA)) return;
  nodeAffinityAdditions(curNA, oldNA, errs);
  if (munged.affinity == null) munged.affinity = { nodeAffinity: oldNA };
  else if (
    old.affinity == null &&
    munged.affinity.podAffinity == null &&
    munged.affinity.podAntiAffinity == null
  )
    munged.affinity = undefined;
  else munged.affinity = { ...munged.affinity, nodeAffinity: oldNA };
}

/** ValidatePodUpdate's spec rules: `obj` the new pod, `old` the stored one. */
export function validatePodUpdate(obj: Obj, old: Obj, errs: Errs): void {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const was: Obj = isObj(old.spec) ? old.spec : {};
  if (!containerUpdates(spec.containers, was.containers, "spec.containers", errs)) return;
  if (!containerUpdates(spec.initContainers, was.initContainers, "spec.initContainers", errs)) return;
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === "number") {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid("spec.activeDeadlineSeconds", ads, `must be between 0 and ${MAX_INT32}, inclusive`));
      return;
    }
    if (typeof was.activeDeadlineSeconds === "number" && was.activeDeadlineSeconds < ads) {
      errs.push(invalid("spec.activeDeadlineSeconds", ads, "must be less than or equal to previous value"));
      return;
    }
  } else if (was.activeDeadlineSeconds != null) {
    // A nil *int64 renders as the string "null" (field.Error.ErrorBody).
    errs.push(
      invalidRendered(
        "spec.activeDeadlineSeconds",
        '"null"',
        "must not update from a positive integer to nil value",
      ),
    );
  }
  onlyAddedTolerations(spec.tolerations, was.tolerations, errs);
  onlyDeletedGates(spec.schedulingGates, was.schedulingGates, errs);
  if (semanticEqual(spec, was)) return;

  const munged = cloneJson(spec);
  const images = (cur: unknown, prev: unknown) =>
    list(cur).map((c, i) => (isObj(c) ? { ...c, image: list(prev)[i]?.image } : c));
  if (Array.isArray(munged.containers)) munged.containers = images(munged.containers, was.containers);
  if (Array.isArray(munged.initContainers))
    munged.initContainers = images(munged.initContainers, was.initContainers);
  munged.activeDeadlineSeconds = was.activeDeadlineSeconds;
  munged.schedulingGates = was.schedulingGates;
  munged.tolerations = was.tolerations;
  const tgps = was.terminationGracePeriodSeconds;
  if (typeof tgps === "number" && tgps < 0 && munged.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = tgps;
  if (list(was.schedulingGates).length > 0) gatedPodChanges(munged, was, errs);
  if (!semanticEqual(munged, was)) {
    errs.push(forbidden("spec", `${POD_UPDATE_MESSAGE}\n${specDiff(was, munged).join("\n")}`));
  }
}
