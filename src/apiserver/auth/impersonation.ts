// Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
// Impersonate-User, -Group, -Uid and -Extra-<key> headers, each allowed only
// when the caller may `impersonate` the matching resource named by the value:
// users (or serviceaccounts in their namespace), groups, and in
// authentication.k8s.io uids and userextras/<key>. The impersonated user gets
// system:authenticated unless it is system:anonymous or a group given is
// system:authenticated or system:unauthenticated; system:anonymous gets
// system:unauthenticated instead. An impersonated ServiceAccount with no
// groups given gets its fixed groups.
import type { UserInfo } from "../registry/context.ts";
import { internalError } from "../registry/errors.ts";
import { forbiddenError } from "./requestAttributes.ts";
import {
  ANONYMOUS,
  AUTHENTICATED,
  type AuthzAttributes,
  type Decision,
  serviceAccountGroups,
  splitServiceAccountUser,
  UNAUTHENTICATED,
} from "./types.ts";

const EXTRA_PREFIX = "impersonate-extra-";

/** Whether the request carries any Impersonate-* header. */
export function wantsImpersonation(headers: Record<string, unknown>): boolean {
  for (const k in headers) if (k.startsWith("impersonate-")) return true;
  return false;
}

/** Headers as node's headersDistinct gives them: every value of a repeated header, uncombined. */
export type DistinctHeaders = NodeJS.Dict<string[]>;

function values(h: string[] | undefined): string[] {
  return (h ?? []).filter((v) => v !== "");
}

function unescapeExtraKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

/** The user the request acts as; throws 403 naming the first check that fails. */
export function impersonate(
  requestor: UserInfo,
  headers: DistinctHeaders,
  authorize: (a: AuthzAttributes) => Decision,
): UserInfo {
  const requestedUser = headers["impersonate-user"]?.[0] ?? "";
  const groupsRequested = values(headers["impersonate-group"]);
  const uid = headers["impersonate-uid"]?.[0] ?? "";
  const extraRequested: [string, string[]][] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(EXTRA_PREFIX)) extraRequested.push([unescapeExtraKey(k.slice(EXTRA_PREFIX.length)), values(v)]);
  }
  if (!requestedUser && (groupsRequested.length || uid || extraRequested.length)) {
    throw internalError(`requested impersonation of groups, uid or extra (${[...groupsRequested, uid].filter(Boolean).join(", ")}) without impersonating a user`);
  }
  const check = (a: Partial<AuthzAttributes>) => {
    const attrs: AuthzAttributes = {
      user: requestor,
      verb: "impersonate",
      resourceRequest: true,
      path: "",
      namespace: "",
      apiGroup: "",
      apiVersion: "v1",
      resource: "",
      subresource: "",
      name: "",
      ...a,
    };
    const d = authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
  };
  let groups: string[] = [];
  const sa = splitServiceAccountUser(requestedUser);
  if (sa) {
    check({ resource: "serviceaccounts", namespace: sa[0], name: sa[1] });
    if (groupsRequested.length === 0) groups = serviceAccountGroups(sa[0]);
  } else {
    check({ resource: "users", name: requestedUser });
  }
  for (const g of groupsRequested) {
    check({ resource: "groups", name: g });
    groups.push(g);
  }
  const extra: Record<string, string[]> = {};
  for (const [key, vs] of extraRequested) {
    for (const v of vs) check({ apiGroup: "authentication.k8s.io", resource: "userextras", subresource: key, name: v });
    extra[key] = vs;
  }
  if (uid) check({ apiGroup: "authentication.k8s.io", resource: "uids", name: uid });
  if (requestedUser !== ANONYMOUS) {
    if (!groups.includes(AUTHENTICATED) && !groups.includes(UNAUTHENTICATED)) groups.push(AUTHENTICATED);
  } else if (!groups.includes(UNAUTHENTICATED)) {
    groups.push(UNAUTHENTICATED);
  }
  const user: UserInfo = { name: requestedUser, groups };
  if (uid) user.uid = uid;
  if (extraRequested.length) user.extra = extra;
  return user;
}
