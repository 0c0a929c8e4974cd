// The Event printer. kube-apiserver prints both core/v1 and events.k8s.io/v1
// Events through the internal (core) type, so the events.k8s.io shape is first
// mapped onto core field names.
import type { KObject } from "../registry/types.ts";
import { NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { parseTime, since } from "./duration.ts";
import { str } from "./format.ts";
import { col, type PrintContext, type Printer } from "./types.ts";

/** The fields the printer reads, in core/v1 terms. */
type CoreEvent = {
  involvedObject: any;
  type: string;
  reason: string;
  message: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: any;
  source: any;
  reportingComponent: string;
  reportingInstance: string;
};

/** The core/v1 fields that events.k8s.io/v1 renamed, and their events.k8s.io/v1 names. */
const EVENTS_NAMES = {
  involvedObject: "regarding",
  message: "note",
  firstTimestamp: "deprecatedFirstTimestamp",
  lastTimestamp: "deprecatedLastTimestamp",
  count: "deprecatedCount",
  source: "deprecatedSource",
  reportingComponent: "reportingController",
} as const;

/** Reads either shape: events.k8s.io/v1 has regarding/note/deprecated* where core has the plain names. */
export function asCoreEvent(ev: KObject): CoreEvent {
  const eventsShape =
    ev.involvedObject === undefined && (ev.regarding !== undefined || ev.note !== undefined);
  const renamed = eventsShape || ev.apiVersion === "events.k8s.io/v1";
  /** A renamed field, read under the name this object's shape gives it. */
  const field = (core: keyof typeof EVENTS_NAMES): any => ev[renamed ? EVENTS_NAMES[core] : core];
  const count = field("count");
  return {
    involvedObject: field("involvedObject") ?? {},
    type: str(ev.type),
    reason: str(ev.reason),
    message: str(field("message")),
    firstTimestamp: field("firstTimestamp"),
    lastTimestamp: field("lastTimestamp"),
    eventTime: ev.eventTime,
    count: typeof count === "number" ? count : 0,
    series: ev.series,
    source: field("source") ?? {},
    reportingComponent: str(field("reportingComponent")),
    reportingInstance: str(ev.reportingInstance),
  };
}

function eventSource(e: CoreEvent): string {
  const component = str(e.source?.component) || e.reportingComponent;
  const instance = str(e.source?.host) || e.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(obj: KObject, ctx: PrintContext): unknown[] {
  const e = asCoreEvent(obj);
  const first =
    parseTime(e.firstTimestamp) === undefined
      ? since(e.eventTime, ctx.now)
      : since(e.firstTimestamp, ctx.now);
  let last = parseTime(e.lastTimestamp) === undefined ? first : since(e.lastTimestamp, ctx.now);
  let count = e.count;
  if (e.series) {
    last = since(e.series.lastObservedTime, ctx.now);
    count = typeof e.series.count === "number" ? e.series.count : 0;
  } else if (count === 0) {
    count = 1; // singleton events carry no count in the new API
  }
  const kind = str(e.involvedObject?.kind).toLowerCase();
  const name = str(e.involvedObject?.name);
  const target = name ? `${kind}/${name}` : kind;
  return [
    last,
    e.type,
    e.reason,
    target,
    str(e.involvedObject?.fieldPath),
    eventSource(e),
    e.message.trim(),
    first,
    count,
    nameOf(obj),
  ];
}

export const eventPrinter: Printer = {
  columns: [
    col("Last Seen", "string", desc["Event.lastTimestamp"]),
    col("Type", "string", desc["Event.type"]),
    col("Reason", "string", desc["Event.reason"]),
    col("Object", "string", desc["Event.involvedObject"]),
    col("Subobject", "string", desc["ObjectReference.fieldPath"], 1),
    col("Source", "string", desc["Event.source"], 1),
    col("Message", "string", desc["Event.message"]),
    col("First Seen", "string", desc["Event.firstTimestamp"], 1),
    col("Count", "string", desc["Event.count"], 1),
    { ...NAME, priority: 1 },
  ],
  cells: eventCells,
};
