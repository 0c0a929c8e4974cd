// pods/ephemeralcontainers: what kube's ValidatePodEphemeralContainersUpdate
// and validateEphemeralContainers (pkg/apis/core/validation) check. Ephemeral
// containers may only be added; each needs a name unique across all the pod's
// containers and an image, and may not set what a debugging container should
// not rely on (ports, probes, resources, lifecycle, restartPolicy, subPaths).
import { isDNS1123Label } from "./names.ts";
import {
  deepEqual,
  duplicate,
  type Errs,
  forbidden,
  invalid,
  isObj,
  notFound,
  required,
  typeError,
} from "./fieldErrors.ts";
import type { KObject } from "../registry/types.ts";

const PATH = "spec.ephemeralContainers";

/** EphemeralContainerCommon fields not in allowedEphemeralContainerFields, in the struct's order. */
const DISALLOWED = ["ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"];

const MIRROR_POD = "kubernetes.io/config.mirror";

/** Go's IsZero of the decoded field: absent, null, or a struct with nothing set (resources: {}). */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return isObj(v) && Object.values(v).every(isZero);
}

function names(list: unknown): string[] {
  return (Array.isArray(list) ? list : []).flatMap((c) => (isObj(c) && typeof c.name === "string" ? [c.name] : []));
}

/** validateEphemeralContainers, as ValidatePodSpec runs it. */
export function validateEphemeralContainers(spec: KObject, errs: Errs): void {
  const list = spec.ephemeralContainers;
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    errs.push(typeError(PATH, list, "array"));
    return;
  }
  const others = new Set([...names(spec.containers), ...names(spec.initContainers)]);
  const all = new Set(others);
  const volumes = new Set(names(spec.volumes));
  list.forEach((ec, i) => {
    const p = `${PATH}[${i}]`;
    if (!isObj(ec)) {
      errs.push(typeError(p, ec, "object"));
      return;
    }
    const name = ec.name;
    if (!name) errs.push(required(`${p}.name`));
    else if (typeof name !== "string") errs.push(typeError(`${p}.name`, name, "string"));
    else for (const m of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, m));
    if (!ec.image) errs.push(required(`${p}.image`));
    else if (typeof ec.image === "string" && ec.image !== ec.image.trim()) {
      errs.push(invalid(`${p}.image`, ec.image, "must not have leading or trailing whitespace"));
    }
    mounts(ec.volumeMounts, p, volumes, errs);
    if (typeof name === "string" && name) {
      if (all.has(name)) errs.push(duplicate(`${p}.name`, name));
      else all.add(name);
    }
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) {
      errs.push(notFound(`${p}.targetContainerName`, ec.targetContainerName));
    }
    for (const field of DISALLOWED) {
      if (!isZero(ec[field])) errs.push(forbidden(`${p}.${field}`, "cannot be set for an Ephemeral Container"));
    }
    (Array.isArray(ec.volumeMounts) ? ec.volumeMounts : []).forEach((vm: unknown, j: number) => {
      if (!isObj(vm)) return;
      for (const f of ["subPath", "subPathExpr"]) {
        if (vm[f]) errs.push(forbidden(`${p}.volumeMounts[${j}].${f}`, "cannot be set for an Ephemeral Container"));
      }
    });
  });
}

function mounts(list: unknown, path: string, volumes: Set<string>, errs: Errs): void {
  (Array.isArray(list) ? list : []).forEach((m, j) => {
    const p = `${path}.volumeMounts[${j}]`;
    if (!isObj(m)) return;
    if (!m.name) errs.push(required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
  });
}

/**
 * The part of ValidatePodEphemeralContainersUpdate beyond the pod spec:
 * static pods have none, and existing ephemeral containers may be neither
 * removed nor changed. kube appends cmp.Diff's text to "may not be changed",
 * which cmp keeps deliberately unstable; the changed fields are named here.
 */
export function validateEphemeralContainersUpdate(pod: KObject, old: KObject, errs: Errs): void {
  if (old.metadata?.annotations?.[MIRROR_POD] !== undefined) {
    errs.splice(0, errs.length, forbidden("", "static pods do not support ephemeral containers"));
    return;
  }
  validateEphemeralContainers(pod.spec ?? {}, errs);
  const now = new Map<string, KObject>();
  for (const c of Array.isArray(pod.spec?.ephemeralContainers) ? pod.spec.ephemeralContainers : []) {
    if (isObj(c) && typeof c.name === "string") now.set(c.name, c);
  }
  for (const before of old.spec?.ephemeralContainers ?? []) {
    const after = now.get(before.name);
    if (!after) {
      errs.push(forbidden(PATH, `existing ephemeral containers ${JSON.stringify(before.name)} may not be removed\n`));
    } else if (!deepEqual(before, after)) {
      errs.push(forbidden(PATH, `existing ephemeral containers ${JSON.stringify(before.name)} may not be changed\n${diff(before, after)}`));
    }
  }
}

function diff(before: KObject, after: KObject): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((k) => !deepEqual(before[k], after[k]))
    .map((k) => `- ${k}: ${JSON.stringify(before[k])}\n+ ${k}: ${JSON.stringify(after[k])}`)
    .join("\n");
}
