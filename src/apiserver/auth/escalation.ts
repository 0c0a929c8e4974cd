// RBAC escalation prevention (pkg/registry/rbac/{role,clusterrole,rolebinding,
// clusterrolebinding}/policybased): a Role or ClusterRole may only be written
// by a user who already holds every rule it grants, or holds `escalate` on it;
// a binding only by a user who holds the referenced role's rules, or holds
// `bind` on it. system:masters is exempt. Updates that leave rules, roleRef and
// subjects alone (metadata only) are not checked. Runs first in admission.
import type { Admission, Attributes, MutatingStep } from "../registry/context.ts";
import { compactRules, compactString, covers, goQuoted } from "./rbacRules.ts";
import type { RbacAuthorizer } from "./RbacAuthorizer.ts";
import { forbiddenStatus } from "./requestAttributes.ts";
import { type AuthzAttributes, MASTERS, type PolicyRule } from "./types.ts";

const GROUP = "rbac.authorization.k8s.io";
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

function unchanged(a: Attributes, fields: string[]): boolean {
  if (a.op !== "UPDATE" || !a.old) return false;
  return fields.every((f) => JSON.stringify(a.obj[f] ?? null) === JSON.stringify(a.old![f] ?? null));
}

export function escalationCheck(rbac: RbacAuthorizer): MutatingStep {
  return (a: Attributes) => {
    if (a.info.group !== GROUP || (a.op !== "CREATE" && a.op !== "UPDATE")) return;
    const user = a.ctx.user;
    if (user.groups.includes(MASTERS)) return;
    const resource = a.info.resource;
    const attrs = (verb: string, res: string, name: string): AuthzAttributes => ({
      user,
      verb,
      resourceRequest: true,
      path: "",
      namespace: a.namespace,
      apiGroup: GROUP,
      apiVersion: "v1",
      resource: res,
      subresource: "",
      name,
    });
    const noEscalation = (rules: PolicyRule[], message?: string) => {
      const held = rbac.rulesFor(user, a.namespace);
      const { ok, missing } = covers(held.rules, rules);
      if (ok) return;
      if (message) throw forbiddenStatus(GROUP, resource, a.name, message);
      const lines = [...new Set(compactRules(missing).map(compactString))].sort();
      let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
      if (held.errors.length) msg += `; resolution errors: [${held.errors.join(" ")}]`;
      throw forbiddenStatus(GROUP, resource, a.name, msg);
    };
    if (resource === "roles" || resource === "clusterroles") {
      if (unchanged(a, ["rules", "aggregationRule"])) return;
      if (rbac.authorize(attrs("escalate", resource, a.name)).allowed) return;
      noEscalation(Array.isArray(a.obj.rules) ? a.obj.rules : []);
      if (resource === "clusterroles" && a.obj.aggregationRule) {
        noEscalation(FULL_AUTHORITY, "must have cluster-admin privileges to use the aggregationRule");
      }
      return;
    }
    if (resource === "rolebindings" || resource === "clusterrolebindings") {
      if (unchanged(a, ["roleRef", "subjects"])) return;
      const ref = a.obj.roleRef ?? {};
      const refResource = ref.kind === "Role" ? "roles" : "clusterroles";
      if (rbac.authorize(attrs("bind", refResource, String(ref.name ?? ""))).allowed) return;
      let rules: PolicyRule[];
      try {
        rules = rbac.referencedRules({ kind: String(ref.kind ?? ""), name: String(ref.name ?? "") }, a.namespace);
      } catch (e) {
        throw forbiddenStatus(GROUP, resource, a.name, (e as Error).message);
      }
      noEscalation(rules);
    }
  };
}

/** The admission chain with the escalation check in front. */
export function withEscalationCheck(admission: Admission, rbac: RbacAuthorizer): Admission {
  return { mutating: [escalationCheck(rbac), ...admission.mutating], validating: admission.validating };
}
