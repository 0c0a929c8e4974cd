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

/** Reads either shape: events.k8s.io/v1 has regarding/note/deprecated* where core has the plain names. */
export function asCoreEvent(ev: KObject): CoreEvent {
  const eventsShape =
    ev.involvedObject === undefined && (ev.regarding !== undefined || ev.note !== undefined);
  if (eventsShape || ev.apiVersion === "events.k8s.io/v1") {
    return {
      involvedObject: ev.regarding ?? {},
      type: str(ev.type),
      reason: str(ev.reason),
      message: str(ev.note),
      firstTimestamp: ev.deprecatedFirstTimestamp,
      lastTimestamp: ev.deprecatedLastTimestamp,
      eventTime: ev.eventTime,
      count: typeof ev.deprecatedCount === "number" ? ev.deprecatedCount : 0,
      series: ev.series,
      source: ev.deprecatedSource ?? {},
      reportingComponent: str(ev.reportingController),
      reportingInstance: str(ev.reportingInstance),
    };
  }
  return {
    involvedObject: ev.involvedObject ?? {},
    type: str(ev.type),
    reason: str(ev.reason),
    message: str(ev.message),
    firstTimestamp: ev.firstTimestamp,
    lastTimestamp: ev.lastTimestamp,
    eventTime: ev.eventTime,
    count: typeof ev.count === "number" ? ev.count : 0,
    series: ev.series,
    source: ev.source ?? {},
    reportingComponent: str(ev.reportingComponent),
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
