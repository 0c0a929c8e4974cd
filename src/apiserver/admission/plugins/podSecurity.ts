// PodSecurity admission (k8s.io/pod-security-admission/admission, v0.32):
// the namespace labels pod-security.kubernetes.io/{enforce,audit,warn}[-version]
// choose a level per mode. Pods are rejected by the enforce level and warned
// by the warn level; pod controllers (workload templates) get warnings only.
// Labelling a namespace with a stricter enforce level warns about existing pods.
// There are no exemptions and the default policy is privileged:latest.
import type { Attributes } from "../../registry/context.ts";
import { forbidden, invalid as invalidObject } from "../../registry/errors.ts";
import type { ObjectStore } from "../../registry/store.ts";
import { namespaceObject } from "../namespaces.ts";
import type { FieldError, KObject } from "../../registry/types.ts";
import { invalid } from "../fieldErrors.ts";
import { type Level, evaluatePod, forbiddenDetail, forbiddenReason } from "./podSecurityChecks.ts";

type Obj = Record<string, any>;
type LevelVersion = { level: Level; version: string };
type Policy = { enforce: LevelVersion; audit: LevelVersion; warn: LevelVersion };

const PREFIX = "pod-security.kubernetes.io/";
const LEVELS: Level[] = ["privileged", "baseline", "restricted"];
const show = (lv: LevelVersion) => `${lv.level}:${lv.version}`;

/** api.PolicyToEvaluate: unparsable enforce levels mean restricted; unparsable audit and warn levels fail open. */
export function policyFromLabels(labels: Record<string, string> | undefined): { policy: Policy; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const lv = (): LevelVersion => ({ level: "privileged", version: "latest" });
  const policy: Policy = { enforce: lv(), audit: lv(), warn: lv() };
  if (!labels) return { policy, errs };
  const field = (k: string) => `metadata.labels[${PREFIX}${k}]`;
  const parseLevel = (mode: keyof Policy, failOpen: boolean): boolean => {
    const v = labels[`${PREFIX}${mode}`];
    if (v === undefined) return false;
    if ((LEVELS as string[]).includes(v)) {
      policy[mode].level = v as Level;
      return true;
    }
    errs.push(invalid(field(mode), v, `must be one of ${LEVELS.join(", ")}`));
    policy[mode].level = failOpen ? "privileged" : "restricted";
    return false;
  };
  const parseVersion = (mode: keyof Policy): boolean => {
    const v = labels[`${PREFIX}${mode}-version`];
    if (v === undefined) return false;
    if (v === "latest" || /^v1\.(0|[1-9]\d{0,8})$/.test(v)) policy[mode].version = v;
    else errs.push(invalid(field(`${mode}-version`), v, `must be "latest" or "v1.x"`));
    return true;
  };
  const hasEnforce = parseLevel("enforce", false);
  parseVersion("enforce");
  parseLevel("audit", true);
  parseVersion("audit");
  const hasWarnLevel = `${PREFIX}warn` in labels;
  parseLevel("warn", true);
  const hasWarnVersion = parseVersion("warn");
  // Warn defaults to the enforce level when that is explicitly stricter.
  if (!hasWarnLevel && hasEnforce && LEVELS.indexOf(policy.enforce.level) > LEVELS.indexOf(policy.warn.level)) {
    policy.warn.level = policy.enforce.level;
    if (!hasWarnVersion) policy.warn.version = policy.enforce.version;
  }
  return { policy, errs };
}

/** ExtractPodSpec: the pod template of a workload, by "group/Kind". */
function podTemplate(kind: string, o: Obj): { meta: unknown; spec: unknown } | undefined {
  const t =
    kind === "batch/CronJob"
      ? o.spec?.jobTemplate?.spec?.template
      : kind === "/PodTemplate"
        ? o.template
        : o.spec?.template;
  return t && typeof t === "object" ? { meta: t.metadata, spec: t.spec } : undefined;
}

const CONTROLLERS = new Set([
  "/PodTemplate",
  "/ReplicationController",
  "apps/ReplicaSet",
  "apps/Deployment",
  "apps/StatefulSet",
  "apps/DaemonSet",
  "batch/Job",
  "batch/CronJob",
]);
/** Pod subresources that cannot change the pod spec. */
const IGNORED_POD_SUBRESOURCES = new Set(["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"]);

function namespaceLabels(store: ObjectStore, ns: string): Record<string, string> | undefined {
  return namespaceObject(store, ns)?.metadata?.labels;
}

/** isSignificantPodUpdate: only image changes (and container count) are re-evaluated. */
function significantPodUpdate(pod: Obj, old: Obj): boolean {
  for (const k of ["containers", "initContainers"]) {
    const a: Obj[] = pod.spec?.[k] ?? [];
    const b: Obj[] = old.spec?.[k] ?? [];
    if (a.length !== b.length || a.some((c, i) => c?.image !== b[i]?.image)) return true;
  }
  return false;
}

export function podSecurity(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (a.op === "DELETE") return;
    const kind = `${a.info.group}/${a.info.kind}`;
    if (kind === "/Namespace") {
      if (!a.subresource) validateNamespace(store(), a);
      return;
    }
    if (kind === "/Pod") {
      if (IGNORED_POD_SUBRESOURCES.has(a.subresource ?? "")) return;
      if (a.op === "UPDATE" && a.old && !significantPodUpdate(a.obj, a.old)) return;
      evaluate(store(), a, a.obj.metadata, a.obj.spec, true);
      return;
    }
    if (CONTROLLERS.has(kind) && !a.subresource) {
      const t = podTemplate(kind, a.obj);
      if (t) evaluate(store(), a, t.meta, t.spec, false);
    }
  };
}

function evaluate(store: ObjectStore, a: Attributes, meta: unknown, spec: unknown, enforce: boolean): void {
  const labels = namespaceLabels(store, a.namespace);
  if (!labels) return;
  const { policy } = policyFromLabels(labels);
  if (policy.enforce.level === "privileged" && policy.warn.level === "privileged") return;
  if (enforce && policy.enforce.level !== "privileged") {
    const failed = evaluatePod(policy.enforce.level, meta, spec);
    if (failed.length) {
      throw forbidden(a.requestInfo, a.name, `violates PodSecurity "${show(policy.enforce)}": ${forbiddenDetail(failed)}`);
    }
  }
  const warn = evaluatePod(policy.warn.level, meta, spec);
  if (warn.length) a.ctx.warnings.push(`would violate PodSecurity "${show(policy.warn)}": ${forbiddenDetail(warn)}`);
}

/** ValidateNamespace: labels must parse; a new, stricter enforce level warns about existing pods. */
function validateNamespace(store: ObjectStore, a: Attributes): void {
  const labels = a.obj.metadata?.labels;
  const oldLabels = a.old?.metadata?.labels;
  if (a.op === "UPDATE" && JSON.stringify(labels ?? {}) === JSON.stringify(oldLabels ?? {})) return;
  const { policy, errs } = policyFromLabels(labels);
  if (errs.length) throw invalidObject(a.requestInfo, a.name, errs);
  if (a.op !== "UPDATE") return;
  const before = policyFromLabels(oldLabels).policy.enforce;
  const after = policy.enforce;
  if (after.level === "privileged" || (before.level === after.level && before.version === after.version)) return;
  // A relaxed level at the same version cannot make a pod violate it.
  if (before.version === after.version && LEVELS.indexOf(after.level) <= LEVELS.indexOf(before.level)) return;
  a.ctx.warnings.push(...existingPodWarnings(store, a.name, after));
}

/** EvaluatePodsInNamespace: one warning per distinct set of reasons, naming the first pod. */
function existingPodWarnings(store: ObjectStore, ns: string, enforce: LevelVersion): string[] {
  const byReason = new Map<string, { name: string; count: number }>();
  for (const item of store.storage.list(`/core/pods/${ns}/`).items) {
    const pod: KObject = JSON.parse(item.value);
    const failed = evaluatePod(enforce.level, pod.metadata, pod.spec);
    if (!failed.length) continue;
    const reason = forbiddenReason(failed);
    const name = pod.metadata?.name ?? "";
    const seen = byReason.get(reason);
    if (!seen) byReason.set(reason, { name, count: 1 });
    else {
      seen.count++;
      if (name < seen.name) seen.name = name;
    }
  }
  if (!byReason.size) return [];
  const lines = [...byReason].map(([reason, { name, count }]) => {
    const others = count === 1 ? "" : count === 2 ? " (and 1 other pod)" : ` (and ${count - 1} other pods)`;
    return `${name}${others}: ${reason}`;
  });
  return [
    `existing pods in namespace "${ns}" violate the new PodSecurity enforce level "${show(enforce)}"`,
    ...lines.sort(),
  ];
}
