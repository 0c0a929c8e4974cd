// apiregistration.k8s.io/v1 APIService: how the kind is defaulted, validated
// and printed (kube-aggregator's pkg/apis/apiregistration/v1/defaults.go,
// validation/validation.go and registry/apiservice/etcd ConvertToTable), and
// how its Available condition is read and set (apiregistration v1 helper).
import { type Errs, invalid, isObj, required } from "../admission/fieldErrors.ts";
import { isDNS1035Label, isDNS1123Subdomain } from "../admission/names.ts";
import { AGE, ageOf, NAME, nameOf } from "../printers/common.ts";
import { col, type Printer } from "../printers/types.ts";
import type { KObject } from "../registry/types.ts";

export const APISERVICES_PREFIX = "apiregistration.k8s.io/apiservices";

export type ServiceReference = { namespace: string; name: string; port: number };

export type APIServiceCondition = {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
};

/** SetDefaults_ServiceReference: the service port is 443 unless given. */
export function defaultAPIService(obj: KObject): void {
  const svc = obj.spec?.service;
  if (isObj(svc) && svc.port === undefined) svc.port = 443;
}

/** ValidateAPIService, after ObjectMeta (whose name rule is a path segment name). */
export function validateAPIService(obj: KObject, errs: Errs): void {
  const spec: Record<string, any> = isObj(obj.spec) ? obj.spec : {};
  const group = typeof spec.group === "string" ? spec.group : "";
  const version = typeof spec.version === "string" ? spec.version : "";
  const requiredName = `${version}.${group}`;
  const name = obj.metadata?.name;
  if (typeof name === "string" && name !== "" && name !== requiredName) {
    errs.push(invalid("metadata.name", name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`));
  }
  if (group === "" && version !== "v1") {
    errs.push(required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
  }
  if (group !== "") for (const m of isDNS1123Subdomain(group)) errs.push(invalid("spec.group", group, m));
  for (const m of isDNS1035Label(version)) errs.push(invalid("spec.version", version, m));
  const gpm = Number(spec.groupPriorityMinimum ?? 0);
  if (!(gpm > 0 && gpm <= 20000)) errs.push(invalid("spec.groupPriorityMinimum", gpm, "must be positive and less than 20000"));
  const vp = Number(spec.versionPriority ?? 0);
  if (!(vp > 0 && vp <= 1000)) errs.push(invalid("spec.versionPriority", vp, "must be positive and less than 1000"));
  const caBytes = typeof spec.caBundle === "string" ? Buffer.from(spec.caBundle, "base64").length : 0;
  const insecure = spec.insecureSkipTLSVerify === true;
  if (!isObj(spec.service)) {
    if (caBytes > 0) errs.push(invalid("spec.caBundle", `${caBytes} bytes`, "local APIServices may not have a caBundle"));
    if (insecure) errs.push(invalid("spec.insecureSkipTLSVerify", true, "local APIServices may not have insecureSkipTLSVerify"));
    return;
  }
  if (!spec.service.namespace) errs.push(required("spec.service.namespace"));
  if (!spec.service.name) errs.push(required("spec.service.name"));
  if (insecure && caBytes > 0) errs.push(invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
}

export function conditionOf(obj: KObject, type = "Available"): APIServiceCondition | undefined {
  const conds: unknown = obj.status?.conditions;
  return Array.isArray(conds) ? conds.find((c) => isObj(c) && c.type === type) : undefined;
}

export function isAvailable(obj: KObject): boolean {
  return conditionOf(obj)?.status === "True";
}

/**
 * SetAPIServiceCondition: replaces the condition of the same type, keeping
 * its lastTransitionTime when the status did not change. Answers whether
 * anything changed (kube writes status only then).
 */
export function setCondition(obj: KObject, cond: APIServiceCondition, now: string): boolean {
  obj.status = isObj(obj.status) ? obj.status : {};
  const conds: APIServiceCondition[] = Array.isArray(obj.status.conditions) ? obj.status.conditions : [];
  const old = conds.find((c) => c.type === cond.type);
  // Go's field order: type, status, lastTransitionTime, reason, message.
  const next: APIServiceCondition = {
    type: cond.type,
    status: cond.status,
    lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime : now,
    reason: cond.reason,
    message: cond.message,
  };
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return false;
  obj.status.conditions = [...conds.filter((c) => c.type !== cond.type), next];
  return true;
}

/** The service an APIService routes to, or undefined for a local one. */
export function serviceOf(obj: KObject): ServiceReference | undefined {
  const s = obj.spec?.service;
  if (!isObj(s)) return undefined;
  return { namespace: String(s.namespace ?? ""), name: String(s.name ?? ""), port: Number(s.port ?? 443) };
}

/** kube-aggregator's APIService table: NAME, SERVICE, AVAILABLE, AGE. */
export const apiServicePrinter: Printer = {
  columns: [
    NAME,
    col("Service", "string", "The reference to the service that hosts this API endpoint."),
    col("Available", "string", "Whether this service is available."),
    AGE,
  ],
  cells(obj, ctx) {
    const svc = serviceOf(obj);
    const cond = conditionOf(obj);
    let available = "Unknown";
    if (cond) available = cond.status === "True" || !cond.reason ? cond.status : `${cond.status} (${cond.reason})`;
    return [nameOf(obj), svc ? `${svc.namespace}/${svc.name}` : "Local", available, ageOf(obj, ctx)];
  },
};
