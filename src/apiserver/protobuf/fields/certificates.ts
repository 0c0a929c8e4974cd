// Protobuf field tables for certificates/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const CERTIFICATES_V1: PackageTable = {
  id: "certificates/v1",
  apiVersion: "certificates.k8s.io/v1",
  kinds: ["CertificateSigningRequest"],
  messages: {
    CertificateSigningRequest: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:CertificateSigningRequestSpec",
      "3:status:CertificateSigningRequestStatus:o",
    ],
    CertificateSigningRequestCondition: [
      "1:type:s 6:status:s 2:reason:s:o 3:message:s:o 4:lastUpdateTime:@Time:o",
      "5:lastTransitionTime:@Time:o",
    ],
    CertificateSigningRequestSpec: [
      "1:request:y 7:signerName:s 8:expirationSeconds:i32:op 5:usages:s:or 2:username:s:o 3:uid:s:o",
      "4:groups:s:or 6:extra:@StringList:om",
    ],
    CertificateSigningRequestStatus: ["1:conditions:CertificateSigningRequestCondition:or 2:certificate:y:o"],
  },
};
