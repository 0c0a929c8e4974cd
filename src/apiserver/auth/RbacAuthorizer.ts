// The RBAC authorizer: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings
// from storage, evaluated as plugin/pkg/auth/authorizer/rbac does, behind the
// superuser group system:masters (kube's privileged-group authorizer).
//
// Evaluation state is an index of bindings by subject key ("u:<user>" or
// "g:<group>"; a ServiceAccount subject is its user name), with roles by name.
// A watch on the four RBAC prefixes marks it stale, and the next decision
// rebuilds it from storage. Storage delivers watch events synchronously with
// the write, so a binding is in force for the very next request.
import type { UserInfo } from "../registry/context.ts";
import type { Storage, Watcher } from "../storage/interface.ts";
import { ruleAllows } from "./rbacRules.ts";
import { type AuthzAttributes, type Decision, MASTERS, type PolicyRule, type RoleRef, type Subject } from "./types.ts";

export const RBAC_PREFIXES = [
  "/rbac.authorization.k8s.io/roles/",
  "/rbac.authorization.k8s.io/rolebindings/",
  "/rbac.authorization.k8s.io/clusterroles/",
  "/rbac.authorization.k8s.io/clusterrolebindings/",
];

type Binding = {
  kind: "RoleBinding" | "ClusterRoleBinding";
  name: string;
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
};

/** A binding as it applies to one subject key, with the subject for messages. */
type Grant = { binding: Binding; subject: Subject };

type Index = {
  clusterRoles: Map<string, PolicyRule[]>;
  /** "ns/name" → rules. */
  roles: Map<string, PolicyRule[]>;
  clusterGrants: Map<string, Grant[]>;
  /** namespace → subject key → grants. */
  roleGrants: Map<string, Map<string, Grant[]>>;
};

/** Where a user's rules came from, and why some could not be resolved. */
export type RulesResult = { rules: PolicyRule[]; errors: string[] };

function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case "User":
      return `u:${s.name}`;
    case "Group":
      return `g:${s.name}`;
    case "ServiceAccount":
      return `u:system:serviceaccount:${s.namespace || bindingNamespace}:${s.name}`;
    default:
      return undefined;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describeGrant(g: Grant): string {
  const b = g.binding;
  const name = b.kind === "RoleBinding" ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} ${JSON.stringify(name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(g.subject, b.namespace)}`;
}

export function userKeys(u: UserInfo): string[] {
  const keys = [`u:${u.name}`];
  for (const g of u.groups) keys.push(`g:${g}`);
  return keys;
}

export class RbacAuthorizer {
  private readonly storage: Storage;
  private index: Index | undefined;
  private watchers: Watcher[] = [];
  private stopped = false;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  start(): void {
    this.stopped = false;
    const rev = this.storage.currentRevision();
    this.index = undefined;
    this.watchers = RBAC_PREFIXES.map((p) =>
      this.storage.watch(
        p,
        rev,
        () => {
          this.index = undefined;
        },
        () => this.restart(),
      ),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers) w.stop();
    this.watchers = [];
  }

  private restart(): void {
    this.index = undefined;
    if (this.stopped) return;
    for (const w of this.watchers) w.stop();
    this.watchers = [];
    setTimeout(() => {
      if (!this.stopped && this.watchers.length === 0) this.start();
    }, 100).unref();
  }

  authorize(a: AuthzAttributes): Decision {
    if (a.user.groups.includes(MASTERS)) return { allowed: true, reason: "" };
    const idx = this.current();
    const errors: string[] = [];
    for (const key of userKeys(a.user)) {
      for (const g of idx.clusterGrants.get(key) ?? []) {
        const reason = this.check(idx, g, "", a, errors);
        if (reason) return { allowed: true, reason };
      }
    }
    if (a.namespace) {
      const byKey = idx.roleGrants.get(a.namespace);
      if (byKey) {
        for (const key of userKeys(a.user)) {
          for (const g of byKey.get(key) ?? []) {
            const reason = this.check(idx, g, a.namespace, a, errors);
            if (reason) return { allowed: true, reason };
          }
        }
      }
    }
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : "" };
  }

  private check(idx: Index, g: Grant, namespace: string, a: AuthzAttributes, errors: string[]): string {
    const rules = this.roleRules(idx, g.binding.roleRef, namespace, errors);
    for (const r of rules ?? []) if (ruleAllows(a, r)) return `RBAC: allowed by ${describeGrant(g)}`;
    return "";
  }

  private roleRules(idx: Index, ref: RoleRef, namespace: string, errors: string[]): PolicyRule[] | undefined {
    if (ref.kind === "ClusterRole") {
      const r = idx.clusterRoles.get(ref.name);
      if (!r) errors.push(`clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
      return r;
    }
    if (ref.kind === "Role" && namespace) {
      const r = idx.roles.get(`${namespace}/${ref.name}`);
      if (!r) errors.push(`role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
      return r;
    }
    return undefined;
  }

  /** The rules a RoleRef grants in a namespace (GetRoleReferenceRules); throws a message when the role is missing. */
  referencedRules(ref: RoleRef, namespace: string): PolicyRule[] {
    const errors: string[] = [];
    const r = this.roleRules(this.current(), ref, namespace, errors);
    if (!r) throw new Error(errors[0] ?? `unsupported role reference kind: ${JSON.stringify(ref.kind)}`);
    return r;
  }

  /** Every rule the user holds in the namespace ("" for cluster-wide only), as RulesFor. */
  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const idx = this.current();
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    const seen = new Set<Binding>();
    const add = (grants: Grant[] | undefined, ns: string) => {
      for (const g of grants ?? []) {
        if (seen.has(g.binding)) continue;
        seen.add(g.binding);
        rules.push(...(this.roleRules(idx, g.binding.roleRef, ns, errors) ?? []));
      }
    };
    for (const key of userKeys(user)) add(idx.clusterGrants.get(key), "");
    if (namespace) {
      const byKey = idx.roleGrants.get(namespace);
      for (const key of userKeys(user)) add(byKey?.get(key), namespace);
    }
    return { rules, errors };
  }

  private current(): Index {
    this.index ??= this.build();
    return this.index;
  }

  private build(): Index {
    const idx: Index = { clusterRoles: new Map(), roles: new Map(), clusterGrants: new Map(), roleGrants: new Map() };
    const read = (prefix: string) => this.storage.list(prefix).items.map((s) => JSON.parse(s.value));
    for (const r of read(RBAC_PREFIXES[2])) idx.clusterRoles.set(r.metadata.name, rulesOf(r));
    for (const r of read(RBAC_PREFIXES[0])) idx.roles.set(`${r.metadata.namespace}/${r.metadata.name}`, rulesOf(r));
    for (const b of read(RBAC_PREFIXES[3])) {
      addGrants(idx.clusterGrants, toBinding(b, "ClusterRoleBinding"));
    }
    for (const b of read(RBAC_PREFIXES[1])) {
      const binding = toBinding(b, "RoleBinding");
      let byKey = idx.roleGrants.get(binding.namespace);
      if (!byKey) {
        byKey = new Map();
        idx.roleGrants.set(binding.namespace, byKey);
      }
      addGrants(byKey, binding);
    }
    return idx;
  }
}

function rulesOf(o: any): PolicyRule[] {
  return Array.isArray(o.rules) ? o.rules.filter((r: unknown) => r && typeof r === "object") : [];
}

function toBinding(o: any, kind: Binding["kind"]): Binding {
  return {
    kind,
    name: o.metadata?.name ?? "",
    namespace: o.metadata?.namespace ?? "",
    roleRef: o.roleRef ?? { kind: "", name: "" },
    subjects: Array.isArray(o.subjects) ? o.subjects : [],
  };
}

function addGrants(into: Map<string, Grant[]>, binding: Binding): void {
  for (const subject of binding.subjects) {
    const key = subjectKey(subject, binding.namespace);
    if (!key) continue;
    const list = into.get(key);
    if (list) list.push({ binding, subject });
    else into.set(key, [{ binding, subject }]);
  }
}

/** utilerrors.NewAggregate's text: one error, or "[a, b]". */
function aggregate(errors: string[]): string {
  const uniq = [...new Set(errors)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(", ")}]`;
}
