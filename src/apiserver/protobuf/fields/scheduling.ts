// Protobuf field tables for scheduling/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const SCHEDULING_V1: PackageTable = {
  id: "scheduling/v1",
  apiVersion: "scheduling.k8s.io/v1",
  kinds: ["PriorityClass"],
  messages: {
    PriorityClass: [
      "1:metadata:meta/v1.ObjectMeta:o 2:value:i32 3:globalDefault:b:o 4:description:s:o",
      "5:preemptionPolicy:s:op",
    ],
  },
};
