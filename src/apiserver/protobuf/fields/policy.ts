// Protobuf field tables for policy/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const POLICY_V1: PackageTable = {
  id: "policy/v1",
  apiVersion: "policy/v1",
  kinds: ["PodDisruptionBudget", "Eviction"],
  messages: {
    Eviction: ["1:metadata:meta/v1.ObjectMeta:o 2:deleteOptions:meta/v1.DeleteOptions:op"],
    PodDisruptionBudget: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:PodDisruptionBudgetSpec:o",
      "3:status:PodDisruptionBudgetStatus:o",
    ],
    PodDisruptionBudgetSpec: [
      "1:minAvailable:@IntOrString:op 2:selector:meta/v1.LabelSelector:op",
      "3:maxUnavailable:@IntOrString:op 4:unhealthyPodEvictionPolicy:s:op",
    ],
    PodDisruptionBudgetStatus: [
      "1:observedGeneration:i64:o 2:disruptedPods:@Time:om 3:disruptionsAllowed:i32",
      "4:currentHealthy:i32 5:desiredHealthy:i32 6:expectedPods:i32 7:conditions:meta/v1.Condition:or",
    ],
  },
};
