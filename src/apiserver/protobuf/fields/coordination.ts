// Protobuf field tables for coordination/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const COORDINATION_V1: PackageTable = {
  id: "coordination/v1",
  apiVersion: "coordination.k8s.io/v1",
  kinds: ["Lease"],
  messages: {
    Lease: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:LeaseSpec:o"],
    LeaseSpec: [
      "1:holderIdentity:s:op 2:leaseDurationSeconds:i32:op 3:acquireTime:@MicroTime:op",
      "4:renewTime:@MicroTime:op 5:leaseTransitions:i32:op 6:strategy:s:op 7:preferredHolder:s:op",
    ],
  },
};
