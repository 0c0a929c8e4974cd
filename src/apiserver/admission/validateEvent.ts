// Event checks (pkg/apis/core/validation/events.go, 1.32). Both event APIs
// store core/v1 Events, so paths use core's field names. Writes through
// core/v1 get only the legacy checks; events.k8s.io/v1 writes also the
// strict ones, and on update most fields are immutable.
import { deepEqual, type Errs, invalid, isObj, required } from "./fieldErrors.ts";
import { isDNS1123Subdomain, isQualifiedName } from "./names.ts";

type Obj = Record<string, any>;

const str = (v: unknown) => (typeof v === "string" ? v : "");
const involvedNamespace = (e: Obj) => (isObj(e.involvedObject) ? str(e.involvedObject.namespace) : "");

function tooLong(e: Obj, field: string, max: number, errs: Errs): void {
  if (str(e[field]).length > max) errs.push(invalid(field, "", `can have at most ${max} characters`));
}

/** legacyValidateEvent: the involved object's namespace agrees with the event's; new-style events name their reporter. */
export function validateEventLegacy(e: Obj, errs: Errs): void {
  const ns = str(e.metadata?.namespace);
  const involved = involvedNamespace(e);
  const mismatch = () => errs.push(invalid("involvedObject.namespace", involved, "does not match event.namespace"));
  if (!e.eventTime) {
    if (!involved) {
      if (ns !== "" && ns !== "default") mismatch();
    } else if (ns !== involved) mismatch();
  } else {
    if (!involved && ns !== "default" && ns !== "kube-system") mismatch();
    const rc = str(e.reportingComponent);
    if (!rc) errs.push(required("reportingController"));
    for (const m of isQualifiedName(rc)) errs.push(invalid("reportingController", rc, m));
    if (!str(e.reportingInstance)) errs.push(required("reportingInstance"));
    tooLong(e, "reportingInstance", 128, errs);
    if (!str(e.action)) errs.push(required("action"));
    tooLong(e, "action", 128, errs);
    if (!str(e.reason)) errs.push(required("reason"));
    tooLong(e, "reason", 128, errs);
    tooLong(e, "message", 1024, errs);
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid("namespace", ns, m));
}

function validateSeries(e: Obj, errs: Errs): void {
  if (!isObj(e.series)) return;
  if (!(typeof e.series.count === "number" && e.series.count >= 2))
    errs.push(invalid("series.count", "", "should be at least 2"));
  if (!e.series.lastObservedTime) errs.push(required("series.lastObservedTime"));
}

/** ValidateEventCreate for events.k8s.io/v1: a new-style event with no legacy fields. */
export function validateEventStrict(e: Obj, errs: Errs): void {
  validateSeries(e, errs);
  if (!e.eventTime) errs.push(required("eventTime"));
  if (e.type !== "Normal" && e.type !== "Warning") errs.push(invalid("type", "", `has invalid value: ${str(e.type)}`));
  if (e.firstTimestamp) errs.push(invalid("firstTimestamp", "", "needs to be unset"));
  if (e.lastTimestamp) errs.push(invalid("lastTimestamp", "", "needs to be unset"));
  if (e.count) errs.push(invalid("count", "", "needs to be unset"));
  if (isObj(e.source) && (e.source.component || e.source.host)) errs.push(invalid("source", "", "needs to be unset"));
}

/** %#v of a core.ObjectReference. */
function showReference(r: unknown): string {
  const o: Obj = isObj(r) ? r : {};
  const f = (k: string) => JSON.stringify(str(o[k]));
  return `core.ObjectReference{Kind:${f("kind")}, Namespace:${f("namespace")}, Name:${f("name")}, UID:${f("uid")}, APIVersion:${f("apiVersion")}, ResourceVersion:${f("resourceVersion")}, FieldPath:${f("fieldPath")}}`;
}

/** The fields ValidateEventUpdate holds immutable, in its order (reason is checked twice upstream). */
const IMMUTABLE = [
  "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "reason", "type", "eventTime", "action",
  "related", "reportingComponent", "reportingInstance",
];

/** ValidateEventUpdate for events.k8s.io/v1 (core/v1 updates get the legacy checks only). */
export function validateEventUpdateStrict(e: Obj, old: Obj, errs: Errs): void {
  if (!deepEqual(e.series, old.series)) validateSeries(e, errs);
  if (!deepEqual(e.involvedObject ?? {}, old.involvedObject ?? {})) {
    errs.push({
      reason: "FieldValueInvalid",
      field: "involvedObject",
      message: `Invalid value: ${showReference(e.involvedObject)}: field is immutable`,
    });
  }
  for (const f of IMMUTABLE) {
    if (deepEqual(e[f] ?? null, old[f] ?? null)) continue;
    const field = f === "reportingComponent" ? "reportingController" : f;
    const v = e[f];
    errs.push(invalid(field, typeof v === "object" && v !== null ? JSON.stringify(v) : (v ?? null), "field is immutable"));
  }
}
