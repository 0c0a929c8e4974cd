// The create wizard editing an existing workload. `formOf` reads the form's
// fields out of the object as the member has it (its first container is the
// form's container); `mergeForm` writes back only what the user changed
// between the form as it was read (`before`) and as it is (`after`), into a
// copy of the object. Everything the form does not know (other containers,
// volumes, probe timings, env from fieldRef, a rollingUpdate's surge, any
// label or annotation not touched) stays as it was: the object is patched,
// never rebuilt, so a PUT of it changes nothing else.
import type { KObject } from "../api/apps.ts";
import type { AppForm, EnvRow, Probe } from "./formModel.ts";
import { emptyForm, portsOf, words } from "./formModel.ts";

/** A command line as the form shows it: words joined, a word with a space quoted. */
const line = (xs: unknown) =>
  Array.isArray(xs) ? xs.map((w) => (/\s/.test(String(w)) ? `'${w}'` : String(w))).join(" ") : "";

function probeOf(p: any): Probe {
  if (p?.httpGet) return { type: "http", path: p.httpGet.path ?? "/", port: String(p.httpGet.port ?? "") };
  if (p?.tcpSocket) return { type: "tcp", path: "/", port: String(p.tcpSocket.port ?? "") };
  return { type: "none", path: "/", port: "" };
}

/** An env entry as a form row; undefined for what the form cannot show (fieldRef, resourceFieldRef). */
function rowOf(e: any): EnvRow | undefined {
  const blank = { name: e.name, value: "", ref: "", key: "" };
  if (e.valueFrom?.configMapKeyRef)
    return { ...blank, source: "configMap", ref: e.valueFrom.configMapKeyRef.name ?? "", key: e.valueFrom.configMapKeyRef.key };
  if (e.valueFrom?.secretKeyRef)
    return { ...blank, source: "secret", ref: e.valueFrom.secretKeyRef.name ?? "", key: e.valueFrom.secretKeyRef.key };
  if (e.valueFrom) return undefined;
  return { ...blank, source: "value", value: e.value ?? "" };
}

const str = (o: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]));

export function formOf(o: KObject): AppForm {
  const c = o.spec?.template?.spec?.containers?.[0] ?? {};
  const res = c.resources ?? {};
  return {
    ...emptyForm(o.metadata.namespace ?? ""),
    kind: o.kind as AppForm["kind"],
    name: o.metadata.name,
    replicas: String(o.spec?.replicas ?? 1),
    labels: { ...o.metadata.labels },
    image: c.image ?? "",
    command: line(c.command),
    args: line(c.args),
    ports: (c.ports ?? []).map((p: any) => p.containerPort).join(", "),
    env: (c.env ?? []).map(rowOf).filter((r: EnvRow | undefined): r is EnvRow => !!r),
    requests: { cpu: str(res.requests).cpu ?? "", memory: str(res.requests).memory ?? "" },
    limits: { cpu: str(res.limits).cpu ?? "", memory: str(res.limits).memory ?? "" },
    readiness: probeOf(c.readinessProbe),
    liveness: probeOf(c.livenessProbe),
    strategy: (o.kind === "Deployment" ? o.spec?.strategy?.type : o.spec?.updateStrategy?.type) ?? "",
    annotations: { ...o.metadata.annotations },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The keys of `target` changed as `before` became `after`; undefined when it ends empty. */
function mergeMap(target: Record<string, string> | undefined, before: Record<string, string>, after: Record<string, string>) {
  const out = { ...target };
  for (const k of Object.keys(before)) if (!(k in after) || !after[k].trim()) delete out[k];
  for (const [k, v] of Object.entries(after)) if (v.trim() && before[k] !== v) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

function setOrDrop(o: any, key: string, v: unknown) {
  if (v === undefined) delete o[key];
  else o[key] = v;
}

function envEntry(r: EnvRow) {
  if (r.source === "configMap") return { name: r.name, valueFrom: { configMapKeyRef: { name: r.ref, key: r.key } } };
  if (r.source === "secret") return { name: r.name, valueFrom: { secretKeyRef: { name: r.ref, key: r.key } } };
  return { name: r.name, value: r.value };
}

/** The env list in its order: unchanged rows and rows the form cannot show kept as they were. */
function mergeEnv(env: any[] | undefined, before: EnvRow[], after: EnvRow[]) {
  const rows = after.filter((r) => r.name.trim());
  const byName = new Map(rows.map((r) => [r.name, r]));
  const out: any[] = [];
  for (const e of env ?? []) {
    const was = rowOf(e);
    if (!was) out.push(e);
    else if (byName.has(e.name)) out.push(same(was, byName.get(e.name)) ? e : envEntry(byName.get(e.name)!));
    else if (!before.some((r) => r.name === e.name)) out.push(e);
  }
  const known = new Set((env ?? []).map((e: any) => e.name));
  for (const r of rows) if (!known.has(r.name)) out.push(envEntry(r));
  return out.length ? out : undefined;
}

/** A probe whose kind of check changed: the new handler, with the old timings kept. */
function mergeProbe(old: any, p: Probe) {
  if (p.type === "none") return undefined;
  const { httpGet: _h, tcpSocket: _t, exec: _e, grpc: _g, ...timings } = old ?? {};
  const port = Number(p.port);
  if (p.type === "http") return { ...timings, httpGet: { ...old?.httpGet, path: p.path || "/", port } };
  return { ...timings, tcpSocket: { port } };
}

function mergeContainer(c: any, before: AppForm, after: AppForm) {
  const out = { ...c };
  if (before.image !== after.image) out.image = after.image;
  if (before.command !== after.command) setOrDrop(out, "command", after.command.trim() ? words(after.command) : undefined);
  if (before.args !== after.args) setOrDrop(out, "args", after.args.trim() ? words(after.args) : undefined);
  if (before.ports !== after.ports) {
    const ports = portsOf(after).map((n) => (c.ports ?? []).find((p: any) => p.containerPort === n) ?? { containerPort: n });
    setOrDrop(out, "ports", ports.length ? ports : undefined);
  }
  if (!same(before.env, after.env)) setOrDrop(out, "env", mergeEnv(c.env, before.env, after.env));
  if (!same([before.requests, before.limits], [after.requests, after.limits])) {
    const resources = { ...c.resources };
    setOrDrop(resources, "requests", mergeMap(c.resources?.requests, before.requests, after.requests));
    setOrDrop(resources, "limits", mergeMap(c.resources?.limits, before.limits, after.limits));
    out.resources = resources;
  }
  if (!same(before.readiness, after.readiness)) setOrDrop(out, "readinessProbe", mergeProbe(c.readinessProbe, after.readiness));
  if (!same(before.liveness, after.liveness)) setOrDrop(out, "livenessProbe", mergeProbe(c.livenessProbe, after.liveness));
  return out;
}

function mergeStrategy(o: KObject, spec: any, after: AppForm) {
  if (o.kind === "Deployment") {
    // A Recreate strategy may not carry rollingUpdate (apps validation: "may not be specified when strategy `type` is 'Recreate'").
    spec.strategy = after.strategy === "RollingUpdate" ? { ...spec.strategy, type: after.strategy } : after.strategy ? { type: after.strategy } : undefined;
    if (!spec.strategy) delete spec.strategy;
  } else {
    spec.updateStrategy = after.strategy === "RollingUpdate" ? { ...spec.updateStrategy, type: after.strategy } : after.strategy ? { type: after.strategy } : undefined;
    if (!spec.updateStrategy) delete spec.updateStrategy;
  }
}

/** `o` with the changes from `before` to `after` applied, and nothing else changed. */
export function mergeForm(o: KObject, before: AppForm, after: AppForm): KObject {
  const metadata = { ...o.metadata };
  if (!same(before.labels, after.labels)) setOrDrop(metadata, "labels", mergeMap(o.metadata.labels, before.labels, after.labels));
  if (!same(before.annotations, after.annotations))
    setOrDrop(metadata, "annotations", mergeMap(o.metadata.annotations, before.annotations, after.annotations));
  const spec = { ...o.spec };
  if (before.replicas !== after.replicas && after.kind !== "DaemonSet") spec.replicas = Number(after.replicas);
  if (before.strategy !== after.strategy) mergeStrategy(o, spec, after);
  const containers = [...(o.spec?.template?.spec?.containers ?? [])];
  if (containers.length) {
    containers[0] = mergeContainer(containers[0], before, after);
    spec.template = { ...spec.template, spec: { ...spec.template.spec, containers } };
  }
  return { ...o, metadata, spec };
}
