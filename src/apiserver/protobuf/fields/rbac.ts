// Protobuf field tables for rbac/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const RBAC_V1: PackageTable = {
  id: "rbac/v1",
  apiVersion: "rbac.authorization.k8s.io/v1",
  kinds: ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
  messages: {
    AggregationRule: ["1:clusterRoleSelectors:meta/v1.LabelSelector:or"],
    ClusterRole: [
      "1:metadata:meta/v1.ObjectMeta:o 2:rules:PolicyRule:r 3:aggregationRule:AggregationRule:op",
    ],
    ClusterRoleBinding: ["1:metadata:meta/v1.ObjectMeta:o 2:subjects:Subject:or 3:roleRef:RoleRef"],
    PolicyRule: ["1:verbs:s:r 2:apiGroups:s:or 3:resources:s:or 4:resourceNames:s:or 5:nonResourceURLs:s:or"],
    Role: ["1:metadata:meta/v1.ObjectMeta:o 2:rules:PolicyRule:r"],
    RoleBinding: ["1:metadata:meta/v1.ObjectMeta:o 2:subjects:Subject:or 3:roleRef:RoleRef"],
    RoleRef: ["1:apiGroup:s 2:kind:s 3:name:s"],
    Subject: ["1:kind:s 2:apiGroup:s:o 3:name:s 4:namespace:s:o"],
  },
};
