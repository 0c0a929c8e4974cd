// What a Kubernetes API request addresses, read from its method, path and
// query as kube-apiserver's RequestInfoFactory does
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), without knowing
// which resources exist: enough for the proxy's audit entries. The platform
// keeps its own small copy rather than importing the apiserver's internals.

export type RequestInfo = {
  /** False for non-resource URLs (/version, /healthz, /openapi/v2, discovery roots). */
  resourceRequest: boolean;
  /** Kubernetes' verb: get, list, watch, create, update, patch, delete, deletecollection; the lower-cased method otherwise. */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
};

const VERB_OF_METHOD: Record<string, string> = {
  POST: "create",
  GET: "get",
  HEAD: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/** Subresources of a Namespace itself: /api/v1/namespaces/{name}/status and /finalize. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The RequestInfo of `method` on `pathAndQuery` (as sent to the member, e.g. /api/v1/namespaces/a/pods?watch=1). */
export function requestInfo(method: string, pathAndQuery: string): RequestInfo {
  const [path, query = ""] = pathAndQuery.split("?", 2);
  const info: RequestInfo = {
    resourceRequest: false,
    verb: method.toLowerCase(),
    apiGroup: "",
    apiVersion: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
  };
  let parts = path.split("/").filter((p) => p !== "").map(decode);
  // /api/{version}/... (the legacy core group) or /apis/{group}/{version}/...; anything shorter is discovery.
  if (parts[0] === "api" && parts.length >= 3) {
    info.apiVersion = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    info.apiGroup = parts[1];
    info.apiVersion = parts[2];
    parts = parts.slice(3);
  } else {
    return info;
  }
  info.resourceRequest = true;
  // The deprecated /watch/ and /proxy/ prefixes name the verb themselves (requestinfo.go's specialVerbs).
  if ((parts[0] === "watch" || parts[0] === "proxy") && parts.length > 1) {
    info.verb = parts[0];
    parts = parts.slice(1);
  } else {
    info.verb = VERB_OF_METHOD[method.toUpperCase()] ?? method.toLowerCase();
  }
  if (parts[0] === "namespaces" && parts.length > 1) {
    info.namespace = parts[1];
    // /namespaces/{name} and /namespaces/{name}/{status|finalize} address the Namespace itself.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  // resource/name/subresource/anything/else: only the first three count (a /proxy/ path has no subresource).
  info.resource = parts[0] ?? "";
  info.name = parts[1] ?? "";
  info.subresource = info.verb === "proxy" ? "" : (parts[2] ?? "");
  if (!info.name && info.verb === "get") info.verb = isWatch(query) ? "watch" : "list";
  if (!info.name && info.verb === "delete") info.verb = "deletecollection";
  return info;
}

/** A `watch` query parameter: any value but false or 0 makes a list a watch (requestinfo.go). */
function isWatch(query: string): boolean {
  const v = new URLSearchParams(query).get("watch");
  return v !== null && !["false", "0"].includes(v.toLowerCase());
}

/** Verbs that change something: audited when they pass through the proxy. */
export const MUTATING_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);
