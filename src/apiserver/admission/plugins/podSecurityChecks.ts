// The Pod Security Standards checks (k8s.io/pod-security-admission/policy,
// v0.32), with upstream's reasons and details. Checks run in upstream's
// order: baseline checks by ID, then restricted ones by ID; a restricted
// check may replace a baseline one (capabilities, seccomp).
type Obj = Record<string, any>;

export type Level = "privileged" | "baseline" | "restricted";
export type CheckResult = { reason: string; detail: string };
type Check = { id: string; level: Level; overrides?: string; run: (meta: Obj, spec: Obj) => CheckResult | undefined };

const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const joinQuote = (items: string[]) => (items.length ? `"${items.join('", "')}"` : "");
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const sorted = (s: Set<string>) => [...s].sort();
const containersPhrase = (names: string[]) => `${plural("container", "containers", names.length)} ${joinQuote(names)}`;

/** visitContainers: init containers, containers, then ephemeral containers. */
function containers(spec: Obj): Obj[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].map(obj);
}
const sc = (c: Obj) => (c.securityContext == null ? undefined : obj(c.securityContext));

const BASELINE_CAPS = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
  "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const ALLOWED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const RESTRICTED_VOLUME_TYPES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd",
  "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
  "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
];

/** "pod and containers "a", "b" must ..." style setter lists. */
function setters(pod: boolean, names: string[]): string[] {
  const s = pod ? ["pod"] : [];
  if (names.length) s.push(containersPhrase(names));
  return s;
}

function appArmor(meta: Obj, spec: Obj): CheckResult | undefined {
  const allowed = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const badValues = new Set<string>();
  const pa = obj(spec.securityContext).appArmorProfile;
  const podBad = pa != null && !allowed(obj(pa).type);
  if (podBad) badValues.add(String(obj(pa).type ?? ""));
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const p = sc(c)?.appArmorProfile;
    if (p != null && !allowed(obj(p).type)) {
      bad.push(c.name);
      badValues.add(String(obj(p).type ?? ""));
    }
  }
  const s = setters(podBad, bad);
  const values = sorted(badValues);
  const annotations = Object.entries(obj(meta.annotations))
    .filter(
      ([k, v]) =>
        k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
        !(v === "" || v === "runtime/default" || String(v).startsWith("localhost/")),
    )
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  if (annotations.length) {
    values.push(...annotations);
    s.push(plural("annotation", "annotations", annotations.length));
  }
  if (!s.length) return undefined;
  return {
    reason: plural("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length),
    detail: `${s.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
}

function capabilitiesBaseline(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    let ok = true;
    for (const cap of arr(obj(sc(c)?.capabilities).add)) {
      if (!BASELINE_CAPS.has(cap)) {
        ok = false;
        caps.add(String(cap));
      }
    }
    if (!ok) bad.push(c.name);
  }
  if (!bad.length) return undefined;
  return {
    reason: "non-default capabilities",
    detail: `${containersPhrase(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`,
  };
}

function hostNamespaces(_m: Obj, spec: Obj): CheckResult | undefined {
  const set = ["hostIPC", "hostNetwork", "hostPID"].filter((k) => spec[k] === true);
  return set.length ? { reason: "host namespaces", detail: set.map((k) => `${k}=true`).join(", ") } : undefined;
}

function hostPathVolumes(_m: Obj, spec: Obj): CheckResult | undefined {
  const vols = arr(spec.volumes).map(obj).filter((v) => v.hostPath != null).map((v) => v.name);
  if (!vols.length) return undefined;
  return { reason: "hostPath volumes", detail: `${plural("volume", "volumes", vols.length)} ${joinQuote(vols)}` };
}

function hostPorts(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of containers(spec)) {
    const hp = arr(c.ports).map(obj).filter((p) => p.hostPort != null && p.hostPort !== 0);
    for (const p of hp) ports.add(String(p.hostPort));
    if (hp.length) bad.push(c.name);
  }
  if (!bad.length) return undefined;
  return {
    reason: "hostPort",
    detail: `${containersPhrase(bad)} ${plural("uses", "use", bad.length)} ${plural("hostPort", "hostPorts", ports.size)} ${sorted(ports).join(", ")}`,
  };
}

function privileged(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad = containers(spec).filter((c) => sc(c)?.privileged === true).map((c) => c.name);
  if (!bad.length) return undefined;
  return { reason: "privileged", detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
}

function procMount(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of containers(spec)) {
    const pm = sc(c)?.procMount;
    if (pm != null && pm !== "Default") {
      bad.push(c.name);
      types.add(String(pm));
    }
  }
  if (!bad.length) return undefined;
  return { reason: "procMount", detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` };
}

function seLinuxOptions(_m: Obj, spec: Obj): CheckResult | undefined {
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  const valid = (o: Obj) => {
    let ok = true;
    const t = typeof o.type === "string" ? o.type : "";
    if (!SELINUX_TYPES.has(t)) {
      ok = false;
      badTypes.add(t);
    }
    if (o.user) {
      setUser = true;
      ok = false;
    }
    if (o.role) {
      setRole = true;
      ok = false;
    }
    return ok;
  };
  const pso = obj(spec.securityContext).seLinuxOptions;
  const podBad = pso != null && !valid(obj(pso));
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const o = sc(c)?.seLinuxOptions;
    if (o != null && !valid(obj(o))) bad.push(c.name);
  }
  const s = setters(podBad, bad);
  if (!s.length) return undefined;
  // Upstream lists user and role only alongside a bad type.
  const data: string[] = [];
  if (badTypes.size) {
    data.push(`${plural("type", "types", badTypes.size)} ${joinQuote(sorted(badTypes))}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
  }
  return { reason: "seLinuxOptions", detail: `${s.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}` };
}

const validSeccomp = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";

function seccompBaseline(_m: Obj, spec: Obj): CheckResult | undefined {
  const badValues = new Set<string>();
  const psp = obj(spec.securityContext).seccompProfile;
  const podBad = psp != null && !validSeccomp(obj(psp).type);
  if (podBad) badValues.add(String(obj(psp).type ?? ""));
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const p = sc(c)?.seccompProfile;
    if (p != null && !validSeccomp(obj(p).type)) {
      bad.push(c.name);
      badValues.add(String(obj(p).type ?? ""));
    }
  }
  const s = setters(podBad, bad);
  if (!s.length) return undefined;
  return {
    reason: "seccompProfile",
    detail: `${s.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(badValues))}`,
  };
}

function sysctls(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad = arr(obj(spec.securityContext).sysctls)
    .map((s) => obj(s).name)
    .filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length ? { reason: "forbidden sysctls", detail: bad.join(", ") } : undefined;
}

function windowsHostProcess(_m: Obj, spec: Obj): CheckResult | undefined {
  const podBad = obj(obj(spec.securityContext).windowsOptions).hostProcess === true;
  const bad = containers(spec).filter((c) => obj(sc(c)?.windowsOptions).hostProcess === true).map((c) => c.name);
  const s = setters(podBad, bad);
  if (!s.length) return undefined;
  return { reason: "hostProcess", detail: `${s.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` };
}

function allowPrivilegeEscalation(_m: Obj, spec: Obj): CheckResult | undefined {
  if (obj(spec.os).name === "windows") return undefined;
  const bad = containers(spec).filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (!bad.length) return undefined;
  return {
    reason: "allowPrivilegeEscalation != false",
    detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
}

function capabilitiesRestricted(_m: Obj, spec: Obj): CheckResult | undefined {
  if (obj(spec.os).name === "windows") return undefined;
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const cc = sc(c)?.capabilities;
    if (cc == null) {
      missingDrop.push(c.name);
      continue;
    }
    if (!arr(obj(cc).drop).includes("ALL")) missingDrop.push(c.name);
    const extra = arr(obj(cc).add).filter((x) => x !== "NET_BIND_SERVICE");
    for (const x of extra) caps.add(String(x));
    if (extra.length) adding.push(c.name);
  }
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) {
    details.push(`${containersPhrase(adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`);
  }
  return details.length ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
}

function restrictedVolumes(_m: Obj, spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const v of arr(spec.volumes).map(obj)) {
    if (Object.keys(v).some((k) => ALLOWED_VOLUMES.has(k) && v[k] != null)) continue;
    bad.push(v.name);
    types.add(RESTRICTED_VOLUME_TYPES.find((t) => v[t] != null) ?? "unknown");
  }
  if (!bad.length) return undefined;
  return {
    reason: "restricted volume types",
    detail: `${plural("volume", "volumes", bad.length)} ${joinQuote(bad)} ${plural("uses", "use", bad.length)} ${plural("restricted volume type", "restricted volume types", types.size)} ${joinQuote(sorted(types))}`,
  };
}

function runAsNonRoot(_m: Obj, spec: Obj): CheckResult | undefined {
  const p = obj(spec.securityContext).runAsNonRoot;
  const podBad = p === false;
  const podOk = p === true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const v = sc(c)?.runAsNonRoot;
    if (v != null) {
      if (v === false) explicit.push(c.name);
    } else if (!podOk) implicit.push(c.name);
  }
  const s = setters(podBad, explicit);
  if (s.length) {
    return { reason: "runAsNonRoot != true", detail: `${s.join(" and ")} must not set securityContext.runAsNonRoot=false` };
  }
  if (implicit.length) {
    return { reason: "runAsNonRoot != true", detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
  }
  return undefined;
}

function runAsUser(_m: Obj, spec: Obj): CheckResult | undefined {
  const podBad = obj(spec.securityContext).runAsUser === 0;
  const bad = containers(spec).filter((c) => sc(c)?.runAsUser === 0).map((c) => c.name);
  const s = setters(podBad, bad);
  return s.length ? { reason: "runAsUser=0", detail: `${s.join(" and ")} must not set runAsUser=0` } : undefined;
}

function seccompRestricted(_m: Obj, spec: Obj): CheckResult | undefined {
  if (obj(spec.os).name === "windows") return undefined;
  const badValues = new Set<string>();
  const psp = obj(spec.securityContext).seccompProfile;
  const podBad = psp != null && !validSeccomp(obj(psp).type);
  const podSet = psp != null && !podBad;
  if (podBad) badValues.add(String(obj(psp).type ?? ""));
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const p = sc(c)?.seccompProfile;
    if (p != null) {
      if (!validSeccomp(obj(p).type)) {
        explicit.push(c.name);
        badValues.add(String(obj(p).type ?? ""));
      }
    } else if (!podSet) implicit.push(c.name);
  }
  const s = setters(podBad, explicit);
  if (s.length) {
    return {
      reason: "seccompProfile",
      detail: `${s.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(badValues))}`,
    };
  }
  if (implicit.length) {
    return {
      reason: "seccompProfile",
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return undefined;
}

const CHECKS: Check[] = [
  { id: "appArmorProfile", level: "baseline", run: appArmor },
  { id: "capabilities_baseline", level: "baseline", run: capabilitiesBaseline },
  { id: "hostNamespaces", level: "baseline", run: hostNamespaces },
  { id: "hostPathVolumes", level: "baseline", run: hostPathVolumes },
  { id: "hostPorts", level: "baseline", run: hostPorts },
  { id: "privileged", level: "baseline", run: privileged },
  { id: "procMount", level: "baseline", run: procMount },
  { id: "seLinuxOptions", level: "baseline", run: seLinuxOptions },
  { id: "seccompProfile_baseline", level: "baseline", run: seccompBaseline },
  { id: "sysctls", level: "baseline", run: sysctls },
  { id: "windowsHostProcess", level: "baseline", run: windowsHostProcess },
  { id: "allowPrivilegeEscalation", level: "restricted", run: allowPrivilegeEscalation },
  { id: "capabilities_restricted", level: "restricted", overrides: "capabilities_baseline", run: capabilitiesRestricted },
  { id: "restrictedVolumes", level: "restricted", run: restrictedVolumes },
  { id: "runAsNonRoot", level: "restricted", run: runAsNonRoot },
  { id: "runAsUser", level: "restricted", run: runAsUser },
  { id: "seccompProfile_restricted", level: "restricted", overrides: "seccompProfile_baseline", run: seccompRestricted },
];

/** The failed checks of a pod (its metadata and spec) at a level. */
export function evaluatePod(level: Level, meta: unknown, spec: unknown): CheckResult[] {
  if (level === "privileged") return [];
  const active = CHECKS.filter((c) => level === "restricted" || c.level === "baseline");
  const overridden = new Set(active.map((c) => c.overrides).filter(Boolean));
  const out: CheckResult[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const r = c.run(obj(meta), obj(spec));
    if (r) out.push(r);
  }
  return out;
}

/** AggregateCheckResult.ForbiddenDetail: "reason (detail), reason (detail)". */
export const forbiddenDetail = (rs: CheckResult[]) =>
  rs.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(", ");

/** AggregateCheckResult.ForbiddenReason: the reasons alone. */
export const forbiddenReason = (rs: CheckResult[]) => rs.map((r) => r.reason).join(", ");
