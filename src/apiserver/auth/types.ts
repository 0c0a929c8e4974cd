// What authorization decides on: kube's authorizer.Attributes, built from a
// request (requestAttributes.ts), an access review, or an impersonation check.
import type { UserInfo } from "../registry/context.ts";

export type AuthzAttributes = {
  user: UserInfo;
  verb: string;
  /** False for non-resource paths (/api, /version, /openapi/v3...). */
  resourceRequest: boolean;
  /** The request path, for non-resource requests. */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
};

export type Decision = { allowed: boolean; reason: string };

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export type PolicyRule = {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

export type Subject = { kind: string; name: string; namespace?: string; apiGroup?: string };

export type RoleRef = { apiGroup?: string; kind: string; name: string };

/** The superuser group: every request from a member is allowed (kube's system:masters). */
export const MASTERS = "system:masters";
export const AUTHENTICATED = "system:authenticated";
export const UNAUTHENTICATED = "system:unauthenticated";
export const ANONYMOUS = "system:anonymous";
export const SA_PREFIX = "system:serviceaccount:";

/** "system:serviceaccount:ns:name" → [ns, name]. */
export function splitServiceAccountUser(name: string): [string, string] | undefined {
  if (!name.startsWith(SA_PREFIX)) return undefined;
  const parts = name.slice(SA_PREFIX.length).split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

export function serviceAccountGroups(namespace: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];
}

/** The user with system:authenticated added (every authenticated user has it). */
export function withAuthenticated(u: UserInfo): UserInfo {
  const groups = u.groups.includes(AUTHENTICATED) ? [...u.groups] : [...u.groups, AUTHENTICATED];
  return { ...u, groups };
}
