// PodSpec checks users hit most, after pkg/apis/core/validation/validation.go (1.32).
import {
  arrayAt,
  duplicate,
  type Errs,
  forbidden,
  invalid,
  isObj,
  notFound,
  notSupported,
  objectAt,
  required,
  typeError,
} from "./fieldErrors.ts";
import { isDNS1123Label, isLabelValue, isQualifiedName, isValidPortName } from "./names.ts";
import { parseQuantity, QUANTITY_MSG } from "./quantity.ts";
import { validateLabels, validateAnnotations } from "./validateMeta.ts";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const RESTART = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
/** Resources whose request may be below the limit (IsOvercommitAllowed): not hugepages. */
const overcommit = (name: string) => !name.startsWith("hugepages-");

function validatePort(p: unknown, path: string, names: Set<string>, errs: Errs): void {
  if (!isObj(p)) {
    errs.push(typeError(path, p, "object"));
    return;
  }
  if (typeof p.name === "string" && p.name) {
    const msgs = isValidPortName(p.name);
    for (const m of msgs) errs.push(invalid(`${path}.name`, p.name, m));
    if (msgs.length === 0) {
      if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
  }
  if (!p.containerPort) errs.push(required(`${path}.containerPort`));
  else checkPortNum(p.containerPort, `${path}.containerPort`, errs);
  if (p.hostPort) checkPortNum(p.hostPort, `${path}.hostPort`, errs);
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(p.protocol))
    errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
}

export function checkPortNum(v: unknown, field: string, errs: Errs): void {
  if (typeof v !== "number" || !Number.isInteger(v)) errs.push(typeError(field, v, "integer"));
  else if (v < 1 || v > 65535) errs.push(invalid(field, v, "must be between 1 and 65535, inclusive"));
}

function quantities(v: unknown, field: string, errs: Errs): Map<string, { raw: unknown; n: number }> {
  const out = new Map<string, { raw: unknown; n: number }>();
  const m = objectAt(v, field, errs);
  for (const [k, raw] of Object.entries(m ?? {})) {
    const n = parseQuantity(raw);
    if (n === undefined) errs.push(invalid(`${field}[${k}]`, raw, QUANTITY_MSG));
    else if (n < 0) errs.push(invalid(`${field}[${k}]`, raw, "must be greater than or equal to 0"));
    else out.set(k, { raw, n });
  }
  return out;
}

/** ValidateContainerResourceRequirements: the error sits on `requests`, not the key. */
export function validateResources(r: unknown, path: string, errs: Errs): void {
  const res = objectAt(r, path, errs);
  if (!res) return;
  const limits = quantities(res.limits, `${path}.limits`, errs);
  const requests = quantities(res.requests, `${path}.requests`, errs);
  for (const [name, q] of requests) {
    const l = limits.get(name);
    if (!l) continue;
    if (q.n !== l.n && !overcommit(name)) {
      errs.push(invalid(`${path}.requests`, q.raw, `must be equal to ${name} limit of ${l.raw}`));
    } else if (q.n > l.n) {
      errs.push(
        invalid(`${path}.requests`, q.raw, `must be less than or equal to ${name} limit of ${l.raw}`),
      );
    }
  }
}

function validateContainer(c: unknown, path: string, volumes: Set<string>, errs: Errs): void {
  if (!isObj(c)) {
    errs.push(typeError(path, c, "object"));
    return;
  }
  if (!c.image || typeof c.image !== "string") errs.push(required(`${path}.image`));
  if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) {
    errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  }
  const names = new Set<string>();
  for (const [i, p] of arrayAt(c.ports, `${path}.ports`, errs).entries())
    validatePort(p, `${path}.ports[${i}]`, names, errs);
  arrayAt(c.env, `${path}.env`, errs).forEach((e, i) => {
    if (isObj(e) && !e.name) errs.push(required(`${path}.env[${i}].name`));
  });
  arrayAt(c.volumeMounts, `${path}.volumeMounts`, errs).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (!isObj(m)) return;
    if (!m.name) errs.push(required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
  });
  validateResources(c.resources, `${path}.resources`, errs);
}

function validateContainers(
  list: unknown,
  path: string,
  seen: Set<string>,
  volumes: Set<string>,
  errs: Errs,
): void {
  arrayAt(list, path, errs).forEach((c, i) => {
    const p = `${path}[${i}]`;
    validateContainer(c, p, volumes, errs);
    if (!isObj(c)) return;
    if (!c.name) errs.push(required(`${p}.name`));
    else if (typeof c.name !== "string") errs.push(typeError(`${p}.name`, c.name, "string"));
    else {
      for (const m of isDNS1123Label(c.name)) errs.push(invalid(`${p}.name`, c.name, m));
      if (seen.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      seen.add(c.name);
    }
  });
}

function validateVolumes(list: unknown, path: string, errs: Errs): Set<string> {
  const names = new Set<string>();
  arrayAt(list, path, errs).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(v)) {
      errs.push(typeError(p, v, "object"));
      return;
    }
    if (!v.name) errs.push(required(`${p}.name`));
    else if (typeof v.name === "string") {
      for (const m of isDNS1123Label(v.name)) errs.push(invalid(`${p}.name`, v.name, m));
      if (names.has(v.name)) errs.push(duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
    const sources = Object.keys(v).filter((k) => k !== "name" && v[k] != null);
    if (sources.length === 0) errs.push(required(p, "must specify a volume type"));
    for (const extra of sources.slice(1))
      errs.push(forbidden(`${p}.${extra}`, "may not specify more than 1 volume type"));
  });
  return names;
}

/** ValidateTolerations. Also run by ValidatePodSpec on create. */
export function validateTolerations(tolerations: unknown, path: string, errs: Errs): void {
  (Array.isArray(tolerations) ? tolerations : []).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = `${path}[${i}]`;
    const key = typeof t.key === "string" ? t.key : "";
    const op = typeof t.operator === "string" ? t.operator : "";
    const value = typeof t.value === "string" ? t.value : "";
    const effect = typeof t.effect === "string" ? t.effect : "";
    if (key) for (const m of isQualifiedName(key)) errs.push(invalid(`${p}.key`, key, m));
    if (!key && op !== "Exists")
      errs.push(
        invalid(`${p}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      );
    if (t.tolerationSeconds != null && effect !== "NoExecute")
      errs.push(invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === "Equal" || op === "") {
      const msgs = isLabelValue(value);
      if (msgs.length) errs.push(invalid(`${p}.operator`, value, msgs.join(";")));
    } else if (op === "Exists") {
      // 1.20 reported the whole toleration here; newer releases its value.
      if (value) errs.push(invalid(`${p}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${p}.operator`, op, ["Equal", "Exists"]));
    }
    const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
    if (effect && !effects.includes(effect)) errs.push(notSupported(`${p}.effect`, effect, effects));
  });
}

/** ValidatePodSpec, for the rules users hit most. `path` is "spec" or "spec.template.spec". */
export function validatePodSpec(spec: unknown, path: string, errs: Errs): void {
  if (spec === undefined || spec === null) {
    errs.push(required(`${path}.containers`));
    return;
  }
  if (!isObj(spec)) {
    errs.push(typeError(path, spec, "object"));
    return;
  }
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errs);
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    if (spec.containers != null && !Array.isArray(spec.containers))
      errs.push(typeError(`${path}.containers`, spec.containers, "array"));
    else errs.push(required(`${path}.containers`));
  }
  const seen = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, seen, volumes, errs);
  validateContainers(spec.initContainers, `${path}.initContainers`, seen, volumes, errs);
  const rp = spec.restartPolicy;
  if (!rp) errs.push(required(`${path}.restartPolicy`));
  else if (!RESTART.includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, RESTART));
  if (spec.dnsPolicy && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  }
  // A negative terminationGracePeriodSeconds is valid (kubelet treats it as
  // 1; kube 1.32 only warns, pkg/api/pod/warnings.go); an update may then set it to 1.
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === "number" && ads <= 0)
    errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, "must be between 1 and 2147483647, inclusive"));
  validateLabels(spec.nodeSelector, `${path}.nodeSelector`, errs);
  validateTolerations(spec.tolerations, `${path}.tolerations`, errs);
}

/** ValidatePodTemplateSpec: template labels, annotations and spec. `path` ends in "template". */
export function validatePodTemplate(tmpl: unknown, path: string, errs: Errs): void {
  if (tmpl === undefined || tmpl === null) {
    errs.push(required(path));
    return;
  }
  if (!isObj(tmpl)) {
    errs.push(typeError(path, tmpl, "object"));
    return;
  }
  const meta = objectAt(tmpl.metadata, `${path}.metadata`, errs);
  if (meta) {
    validateLabels(meta.labels, `${path}.metadata.labels`, errs);
    validateAnnotations(meta.annotations, `${path}.metadata.annotations`, errs);
  }
  validatePodSpec(tmpl.spec, `${path}.spec`, errs);
}
