// Protobuf field tables for authentication/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const AUTHENTICATION_V1: PackageTable = {
  id: "authentication/v1",
  apiVersion: "authentication.k8s.io/v1",
  kinds: ["TokenRequest", "TokenReview", "SelfSubjectReview"],
  messages: {
    BoundObjectReference: ["1:kind:s:o 2:apiVersion:s:o 3:name:s:o 4:uid:s:o"],
    SelfSubjectReview: ["1:metadata:meta/v1.ObjectMeta:o 2:status:SelfSubjectReviewStatus:o"],
    SelfSubjectReviewStatus: ["1:userInfo:UserInfo:o"],
    TokenRequest: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:TokenRequestSpec 3:status:TokenRequestStatus:o"],
    TokenRequestSpec: ["1:audiences:s:r 4:expirationSeconds:i64:p 3:boundObjectRef:BoundObjectReference:p"],
    TokenRequestStatus: ["1:token:s 2:expirationTimestamp:@Time"],
    TokenReview: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:TokenReviewSpec 3:status:TokenReviewStatus:o"],
    TokenReviewSpec: ["1:token:s:o 2:audiences:s:or"],
    TokenReviewStatus: ["1:authenticated:b:o 2:user:UserInfo:o 4:audiences:s:or 3:error:s:o"],
    UserInfo: ["1:username:s:o 2:uid:s:o 3:groups:s:or 4:extra:@StringList:om"],
  },
};
