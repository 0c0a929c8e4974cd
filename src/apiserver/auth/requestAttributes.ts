// Request attributes for authorization, as k8s.io/apiserver's RequestInfoFactory
// derives them from the method and path, and kube-apiserver's 403 message.
import type { UserInfo } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { AuthzAttributes } from "./types.ts";

const METHOD_VERBS: Record<string, string> = {
  POST: "create",
  GET: "get",
  HEAD: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

const SPECIAL_VERBS = new Set(["proxy", "watch"]);
/** Paths under /namespaces/{name}/ that address the Namespace itself. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function decode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function nameFromFieldSelector(fs: string | null): string {
  if (!fs) return "";
  for (const term of fs.split(",")) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return "";
}

export function requestAttributes(user: UserInfo, method: string, path: string, query: URLSearchParams): AuthzAttributes {
  const a: AuthzAttributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    path,
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
  };
  let parts = path.split("/").filter((p) => p !== "").map(decode);
  if (parts.length < 3) return a;
  const prefix = parts[0];
  if (prefix !== "api" && prefix !== "apis") return a;
  parts = parts.slice(1);
  if (prefix === "apis") {
    if (parts.length < 3) return a;
    a.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  a.resourceRequest = true;
  a.apiVersion = parts[0];
  parts = parts.slice(1);
  if (SPECIAL_VERBS.has(parts[0]) && parts.length >= 2) {
    a.verb = parts[0];
    parts = parts.slice(1);
  } else {
    a.verb = METHOD_VERBS[method] ?? "";
  }
  if (parts[0] === "namespaces" && parts.length > 1) {
    a.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  if (parts.length >= 3) a.subresource = parts[2];
  if (parts.length >= 2) a.name = parts[1];
  if (parts.length >= 1) a.resource = parts[0];
  if (parts.length < 2 && a.verb === "get") {
    const w = query.get("watch");
    a.verb = w === "true" || w === "1" ? "watch" : "list";
  }
  if (a.verb === "list" || a.verb === "watch") {
    const n = nameFromFieldSelector(query.get("fieldSelector"));
    if (n && !a.name) a.name = n;
  }
  if (parts.length < 2 && a.verb === "delete") a.verb = "deletecollection";
  return a;
}

/** responsewriters.forbiddenMessage. */
export function forbiddenMessage(a: AuthzAttributes): string {
  const user = a.user.name;
  if (!a.resourceRequest) return `User ${JSON.stringify(user)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : "at the cluster scope";
  return `User ${JSON.stringify(user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`;
}

/** apierrors.NewForbidden for the request's group/resource and name. */
export function forbiddenStatus(group: string, resource: string, name: string, why: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  let message: string;
  if (!resource && !group) message = `forbidden: ${why}`;
  else if (!name) message = `${qualified} is forbidden: ${why}`;
  else message = `${qualified} ${JSON.stringify(name)} is forbidden: ${why}`;
  return new ApiError(403, "Forbidden", message, {
    name: name || undefined,
    group: group || undefined,
    kind: resource || undefined,
  });
}

/** responsewriters.Forbidden: the 403 for a denied request. */
export function forbiddenError(a: AuthzAttributes, reason = ""): ApiError {
  const msg = forbiddenMessage(a);
  return forbiddenStatus(a.apiGroup, a.resource, a.name, reason ? `${msg}: ${reason}` : msg);
}
