// Protobuf field tables for events/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const EVENTS_V1: PackageTable = {
  id: "events/v1",
  apiVersion: "events.k8s.io/v1",
  kinds: ["Event"],
  messages: {
    Event: [
      "1:metadata:meta/v1.ObjectMeta 2:eventTime:@MicroTime 3:series:EventSeries:op",
      "4:reportingController:s:o 5:reportingInstance:s:o 6:action:s:o 7:reason:s:o",
      "8:regarding:core/v1.ObjectReference:o 9:related:core/v1.ObjectReference:op 10:note:s:o",
      "11:type:s:o 12:deprecatedSource:core/v1.EventSource:o 13:deprecatedFirstTimestamp:@Time:o",
      "14:deprecatedLastTimestamp:@Time:o 15:deprecatedCount:i32:o",
    ],
    EventSeries: ["1:count:i32 2:lastObservedTime:@MicroTime"],
  },
};
