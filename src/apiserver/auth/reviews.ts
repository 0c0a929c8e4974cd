// The create-only virtual resources of authentication.k8s.io and
// authorization.k8s.io: SelfSubjectAccessReview, SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview and
// TokenReview. Each POST is answered with the object and its status filled;
// nothing is stored.
import { invalid as invalidField } from "../admission/fieldErrors.ts";
import type { UserInfo } from "../registry/context.ts";
import { badRequest, invalid } from "../registry/errors.ts";
import type { FieldError, KObject, ResourceInfo } from "../registry/types.ts";
import type { Authenticator } from "./authn.ts";
import type { RbacAuthorizer } from "./RbacAuthorizer.ts";
import type { AuthzAttributes, Decision, PolicyRule } from "./types.ts";

export const REVIEW_RESOURCES: Record<string, string[]> = {
  "authentication.k8s.io": ["selfsubjectreviews", "tokenreviews"],
  "authorization.k8s.io": ["localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"],
};

export function isReview(info: ResourceInfo): boolean {
  return REVIEW_RESOURCES[info.group]?.includes(info.resource) ?? false;
}

export type ReviewDeps = {
  authorize(a: AuthzAttributes): Decision;
  rbac: RbacAuthorizer;
  authn: Authenticator;
};

export function userInfoJson(u: UserInfo): Record<string, unknown> {
  return {
    username: u.name,
    ...(u.uid ? { uid: u.uid } : {}),
    groups: u.groups,
    ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
  };
}

function fail(info: ResourceInfo, errs: FieldError[]): never {
  throw invalid(info, "", errs);
}

function attributesFrom(user: UserInfo, spec: any): AuthzAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: String(r.verb ?? ""),
      resourceRequest: true,
      path: "",
      namespace: String(r.namespace ?? ""),
      apiGroup: String(r.group ?? ""),
      apiVersion: String(r.version ?? ""),
      resource: String(r.resource ?? ""),
      subresource: String(r.subresource ?? ""),
      name: String(r.name ?? ""),
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return {
    user,
    verb: String(n.verb ?? ""),
    resourceRequest: false,
    path: String(n.path ?? ""),
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
  };
}

function checkAttributesSpec(info: ResourceInfo, spec: any): void {
  const hasR = spec.resourceAttributes != null;
  const hasN = spec.nonResourceAttributes != null;
  if (hasR && hasN) fail(info, [invalidField("spec.resourceAttributes", spec.nonResourceAttributes, "cannot be specified in combination with resourceAttributes")]);
  if (!hasR && !hasN) fail(info, [invalidField("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
}

function accessStatus(d: Decision): Record<string, unknown> {
  return d.reason ? { allowed: d.allowed, reason: d.reason } : { allowed: d.allowed };
}

function echo(obj: KObject, info: ResourceInfo, status: Record<string, unknown>, namespace?: string): KObject {
  const metadata: Record<string, unknown> = { ...(obj.metadata ?? {}), creationTimestamp: null };
  delete metadata.managedFields;
  if (namespace) metadata.namespace = namespace;
  return {
    kind: info.kind,
    apiVersion: `${info.group}/${info.version}`,
    metadata: metadata as KObject["metadata"],
    spec: obj.spec ?? {},
    status,
  };
}

/** Answers a review: the object to return with 201. */
export function review(deps: ReviewDeps, info: ResourceInfo, user: UserInfo, namespace: string, obj: KObject): KObject {
  const spec = obj.spec ?? {};
  switch (info.resource) {
    case "selfsubjectaccessreviews": {
      checkAttributesSpec(info, spec);
      return echo(obj, info, accessStatus(deps.authorize(attributesFrom(user, spec))));
    }
    case "subjectaccessreviews": {
      checkAttributesSpec(info, spec);
      const groups: string[] = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
      if (!spec.user && groups.length === 0) fail(info, [invalidField("spec.user", String(spec.user ?? ""), "at least one of user or group must be specified")]);
      const subject: UserInfo = { name: String(spec.user ?? ""), groups, uid: spec.uid, extra: spec.extra };
      return echo(obj, info, accessStatus(deps.authorize(attributesFrom(subject, spec))));
    }
    case "localsubjectaccessreviews": {
      if (spec.nonResourceAttributes != null) fail(info, [invalidField("spec.nonResourceAttributes", spec.nonResourceAttributes, "disallowed on this kind of request")]);
      checkAttributesSpec(info, spec);
      if ((spec.resourceAttributes.namespace ?? "") !== namespace) {
        throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
      }
      const groups: string[] = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
      if (!spec.user && groups.length === 0) fail(info, [invalidField("spec.user", String(spec.user ?? ""), "at least one of user or group must be specified")]);
      const subject: UserInfo = { name: String(spec.user ?? ""), groups, uid: spec.uid, extra: spec.extra };
      return echo(obj, info, accessStatus(deps.authorize(attributesFrom(subject, spec))), namespace);
    }
    case "selfsubjectrulesreviews":
      return echo(obj, info, rulesReviewStatus(deps.rbac, user, String(spec.namespace ?? "")));
    case "selfsubjectreviews":
      return {
        kind: info.kind,
        apiVersion: `${info.group}/${info.version}`,
        metadata: { creationTimestamp: null } as unknown as KObject["metadata"],
        status: { userInfo: userInfoJson(user) },
      };
    case "tokenreviews":
      return echo(obj, info, tokenReviewStatus(deps, spec));
    default:
      throw badRequest(`unsupported review ${info.resource}`);
  }
}

/**
 * TokenReview status (pkg/registry/authentication/tokenreview/storage.go):
 * the token is checked for spec.audiences, or the API server's audiences
 * when there are none; an authenticated answer lists the audiences the
 * token and the request have in common, a failed one the error.
 */
function tokenReviewStatus(deps: ReviewDeps, spec: any): Record<string, unknown> {
  if (!spec.token) throw badRequest("token is required for TokenReview in authentication");
  const asked: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : deps.authn.apiAudiences;
  const found = deps.authn.authenticateToken(String(spec.token), asked);
  if ("error" in found) return { user: {}, error: found.error };
  return { authenticated: true, user: userInfoJson(found.user), audiences: found.audiences };
}

/** SelfSubjectRulesReview status: the RBAC rules that apply to the user in the namespace. */
function rulesReviewStatus(rbac: RbacAuthorizer, user: UserInfo, namespace: string): Record<string, unknown> {
  const { rules, errors } = rbac.rulesFor(user, namespace);
  const resourceRules: Record<string, unknown>[] = [];
  const nonResourceRules: Record<string, unknown>[] = [];
  for (const r of rules as PolicyRule[]) {
    if (r.resources?.length) {
      resourceRules.push({
        verbs: r.verbs ?? [],
        ...(r.apiGroups?.length ? { apiGroups: r.apiGroups } : {}),
        resources: r.resources,
        ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
      });
    }
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
  }
  return {
    resourceRules,
    nonResourceRules,
    incomplete: errors.length > 0,
    ...(errors.length ? { evaluationError: errors.join(", ") } : {}),
  };
}
