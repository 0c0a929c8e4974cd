// Protobuf field tables for authorization/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const AUTHORIZATION_V1: PackageTable = {
  id: "authorization/v1",
  apiVersion: "authorization.k8s.io/v1",
  kinds: [
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "SubjectAccessReview",
    "LocalSubjectAccessReview",
  ],
  messages: {
    FieldSelectorAttributes: ["1:rawSelector:s:o 2:requirements:meta/v1.FieldSelectorRequirement:or"],
    LabelSelectorAttributes: ["1:rawSelector:s:o 2:requirements:meta/v1.LabelSelectorRequirement:or"],
    LocalSubjectAccessReview: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:SubjectAccessReviewSpec",
      "3:status:SubjectAccessReviewStatus:o",
    ],
    NonResourceAttributes: ["1:path:s:o 2:verb:s:o"],
    NonResourceRule: ["1:verbs:s:r 2:nonResourceURLs:s:or"],
    ResourceAttributes: [
      "1:namespace:s:o 2:verb:s:o 3:group:s:o 4:version:s:o 5:resource:s:o 6:subresource:s:o 7:name:s:o",
      "8:fieldSelector:FieldSelectorAttributes:op 9:labelSelector:LabelSelectorAttributes:op",
    ],
    ResourceRule: ["1:verbs:s:r 2:apiGroups:s:or 3:resources:s:or 4:resourceNames:s:or"],
    SelfSubjectAccessReview: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:SelfSubjectAccessReviewSpec",
      "3:status:SubjectAccessReviewStatus:o",
    ],
    SelfSubjectAccessReviewSpec: [
      "1:resourceAttributes:ResourceAttributes:op 2:nonResourceAttributes:NonResourceAttributes:op",
    ],
    SelfSubjectRulesReview: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:SelfSubjectRulesReviewSpec",
      "3:status:SubjectRulesReviewStatus:o",
    ],
    SelfSubjectRulesReviewSpec: ["1:namespace:s:o"],
    SubjectAccessReview: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:SubjectAccessReviewSpec",
      "3:status:SubjectAccessReviewStatus:o",
    ],
    SubjectAccessReviewSpec: [
      "1:resourceAttributes:ResourceAttributes:op 2:nonResourceAttributes:NonResourceAttributes:op",
      "3:user:s:o 4:groups:s:or 5:extra:@StringList:om 6:uid:s:o",
    ],
    SubjectAccessReviewStatus: ["1:allowed:b 4:denied:b:o 2:reason:s:o 3:evaluationError:s:o"],
    SubjectRulesReviewStatus: [
      "1:resourceRules:ResourceRule:r 2:nonResourceRules:NonResourceRule:r 3:incomplete:b",
      "4:evaluationError:s:o",
    ],
  },
};
