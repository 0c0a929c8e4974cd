// The TokenRequest API: POST .../serviceaccounts/{name}/token answers an
// authentication.k8s.io/v1 TokenRequest with a signed token for the
// ServiceAccount (pkg/registry/core/serviceaccount/storage/token.go).
// Audiences default to the API server's; expirationSeconds to 3600, at least
// 600. A boundObjectRef is echoed but the token is not bound to it.
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import type { ServiceAccountTokens } from "./serviceAccountTokens.ts";

const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;

function invalidRequest(name: string, message: string): ApiError {
  return new ApiError(422, "Invalid", `TokenRequest.authentication.k8s.io ${JSON.stringify(name)} is invalid: ${message}`, {
    name,
    group: "authentication.k8s.io",
    kind: "TokenRequest",
    causes: [{ reason: "FieldValueInvalid", message, field: "spec.expirationSeconds" }],
  });
}

export function tokenRequest(
  store: ObjectStore,
  tokens: ServiceAccountTokens,
  saInfo: ResourceInfo,
  namespace: string,
  name: string,
  body: KObject,
): KObject {
  const spec = body.spec ?? {};
  const seconds = spec.expirationSeconds == null ? 3600 : Number(spec.expirationSeconds);
  if (!Number.isInteger(seconds) || seconds < MIN_SECONDS) {
    throw invalidRequest(name, `spec.expirationSeconds: Invalid value: ${spec.expirationSeconds}: may not specify a duration less than 10 minutes`);
  }
  if (seconds > MAX_SECONDS) {
    throw invalidRequest(name, `spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration larger than 2^32 seconds`);
  }
  const sa = store.get(saInfo, namespace, name).obj();
  const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : tokens.apiAudiences;
  const { token, claims } = tokens.issue({ namespace, name, uid: String(sa.metadata?.uid ?? "") }, audiences, seconds);
  return {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: sa.metadata?.creationTimestamp },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") },
  };
}
