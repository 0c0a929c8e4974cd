// Protobuf field tables for meta/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const META_V1: PackageTable = {
  id: "meta/v1",
  apiVersion: "meta.k8s.io/v1",
  kinds: ["DeleteOptions"],
  messages: {
    Condition: [
      "1:type:s 2:status:s 3:observedGeneration:i64:o 4:lastTransitionTime:@Time 5:reason:s 6:message:s",
    ],
    DeleteOptions: [
      "1:gracePeriodSeconds:i64:op 2:preconditions:Preconditions:op 3:orphanDependents:b:op",
      "4:propagationPolicy:s:op 5:dryRun:s:or 6:ignoreStoreReadErrorWithClusterBreakingPotential:b:op",
    ],
    FieldSelectorRequirement: ["1:key:s 2:operator:s 3:values:s:or"],
    LabelSelector: ["1:matchLabels:s:om 2:matchExpressions:LabelSelectorRequirement:or"],
    LabelSelectorRequirement: ["1:key:s 2:operator:s 3:values:s:or"],
    ManagedFieldsEntry: [
      "1:manager:s:o 2:operation:s:o 3:apiVersion:s:o 4:time:@Time:op 6:fieldsType:s:o",
      "7:fieldsV1:@FieldsV1:op 8:subresource:s:o",
    ],
    ObjectMeta: [
      "1:name:s:o 2:generateName:s:o 3:namespace:s:o 4:selfLink:s:o 5:uid:s:o 6:resourceVersion:s:o",
      "7:generation:i64:o 8:creationTimestamp:@Time:o 9:deletionTimestamp:@Time:op",
      "10:deletionGracePeriodSeconds:i64:op 11:labels:s:om 12:annotations:s:om",
      "13:ownerReferences:OwnerReference:or 14:finalizers:s:or 17:managedFields:ManagedFieldsEntry:or",
    ],
    OwnerReference: ["5:apiVersion:s 1:kind:s 3:name:s 4:uid:s 6:controller:b:op 7:blockOwnerDeletion:b:op"],
    Preconditions: ["1:uid:s:op 2:resourceVersion:s:op"],
  },
};
