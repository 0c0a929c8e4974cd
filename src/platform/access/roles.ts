// kpanda's roles, as Kpanda defines them: Owner over the whole platform,
// ClusterAdmin over one cluster, NSAdmin, NSEditor and NSViewer over one
// namespace of one cluster. A user's rights are the union of its bindings
// (kpanda.io RoleBinding objects in the host, read from a live cache). The
// REST API asks this module; in member clusters the same bindings become
// Kubernetes RBAC (memberRbac.ts), so the proxy is decided by the member.
import type { FastifyRequest } from "fastify";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { forbidden } from "../http/errors.ts";

export const ROLES = ["Owner", "ClusterAdmin", "NSAdmin", "NSEditor", "NSViewer"] as const;
export type Role = (typeof ROLES)[number];
export const NS_ROLES: readonly Role[] = ["NSAdmin", "NSEditor", "NSViewer"];

/** What a call needs on a namespace or cluster: read, change, or administer (RBAC, quotas, the namespace itself). */
export type Level = "view" | "edit" | "admin";

export type Binding = { name: string; user: string; role: Role; cluster?: string; namespace?: string };

/** Each role's rank: a binding grants what its rank reaches, over its scope (all, one cluster, one namespace). */
export const RANK: Record<Role, number> = { NSViewer: 1, NSEditor: 2, NSAdmin: 3, ClusterAdmin: 4, Owner: 5 };
const NEED: Record<Level, Role> = { view: "NSViewer", edit: "NSEditor", admin: "NSAdmin" };

/**
 * The actions of GET /me, so a console hides what a user cannot do; the REST
 * routes check the same table (requireAction). Each needs a role's rank over
 * a scope:
 * - platform: the whole platform (only an Owner reaches it);
 * - cluster: one cluster (ClusterAdmin or Owner; any binding in the cluster
 *   reaches the NSViewer rank there, enough to see it);
 * - namespace: one namespace (its NS role, or ClusterAdmin/Owner of the cluster).
 */
export const ACTIONS = {
  "users.manage": { scope: "platform", need: "Owner" },
  "clusters.create": { scope: "platform", need: "Owner" },
  "audit.view": { scope: "platform", need: "Owner" },
  "cluster.view": { scope: "cluster", need: "NSViewer" },
  "cluster.kubeconfig": { scope: "cluster", need: "NSViewer" },
  "cluster.edit": { scope: "cluster", need: "ClusterAdmin" },
  "cluster.delete": { scope: "cluster", need: "Owner" },
  "cluster.audit": { scope: "cluster", need: "ClusterAdmin" },
  "nodes.view": { scope: "cluster", need: "ClusterAdmin" },
  "nodes.edit": { scope: "cluster", need: "ClusterAdmin" },
  "namespaces.create": { scope: "cluster", need: "ClusterAdmin" },
  "namespace.view": { scope: "namespace", need: "NSViewer" },
  "workloads.view": { scope: "namespace", need: "NSViewer" },
  "workloads.edit": { scope: "namespace", need: "NSEditor" },
  "secrets.view": { scope: "namespace", need: "NSEditor" },
  exec: { scope: "namespace", need: "NSEditor" },
  "rbac.edit": { scope: "namespace", need: "NSAdmin" },
  // A namespace's labels: its NSAdmin may edit them (as in Kpanda), except the
  // Pod Security Admission ones (pod-security.kubernetes.io/*), which set the
  // security level of every pod in it: those need ClusterAdmin.
  "namespace.edit": { scope: "namespace", need: "NSAdmin" },
  "namespace.podSecurity": { scope: "namespace", need: "ClusterAdmin" },
  "namespace.delete": { scope: "namespace", need: "ClusterAdmin" },
} as const satisfies Record<string, { scope: "platform" | "cluster" | "namespace"; need: Role }>;
export type Action = keyof typeof ACTIONS;
export type Scope = (typeof ACTIONS)[Action]["scope"];

const WITHIN: Record<Scope, Scope[]> = {
  platform: ["platform", "cluster", "namespace"],
  cluster: ["cluster", "namespace"],
  namespace: ["namespace"],
};

/**
 * The actions that `role` grants over a `scope`, in table order: with
 * `narrower`, also those of the scopes inside it (a ClusterAdmin may do every
 * namespace action in its cluster); without, only the scope's own (what a
 * namespace role grants on its cluster as a whole).
 */
export function actionsOf(role: Role, scope: Scope, narrower = true): Action[] {
  const scopes = narrower ? WITHIN[scope] : [scope];
  return (Object.keys(ACTIONS) as Action[]).filter(
    (a) => scopes.includes(ACTIONS[a].scope) && RANK[role] >= RANK[ACTIONS[a].need],
  );
}

export function bindingOf(o: KObj): Binding {
  return { name: o.metadata!.name!, user: o.spec?.user, role: o.spec?.role, cluster: o.spec?.cluster, namespace: o.spec?.namespace };
}

export class Authorizer {
  private readonly bindings: KindCache;

  constructor(bindings: KindCache) {
    this.bindings = bindings;
  }

  /** Every binding, from the cache. */
  all(): Binding[] {
    return this.bindings.list().map(bindingOf);
  }

  bindingsOf(user: string): Binding[] {
    return this.all().filter((b) => b.user === user);
  }

  /**
   * The highest role a user holds over a scope: the platform (no cluster),
   * a cluster (any binding in it counts), or a namespace of a cluster.
   * Undefined when it holds none there.
   */
  roleIn(user: string, cluster?: string, namespace?: string): Role | undefined {
    let best: Role | undefined;
    for (const b of this.bindingsOf(user)) {
      const reaches =
        b.role === "Owner" ||
        (cluster !== undefined && b.cluster === cluster && (b.role === "ClusterAdmin" || namespace === undefined || b.namespace === namespace));
      if (reaches && RANK[b.role] !== undefined && (!best || RANK[b.role] > RANK[best])) best = b.role;
    }
    return best;
  }

  /** True when the user may do `action` on the platform, a cluster or a namespace (as the action's scope needs). */
  can(user: string, action: Action, cluster?: string, namespace?: string): boolean {
    const { scope, need } = ACTIONS[action];
    if (scope !== "platform" && !cluster) return false;
    if (scope === "namespace" && !namespace) return false;
    const role = this.roleIn(user, scope === "platform" ? undefined : cluster, scope === "namespace" ? namespace : undefined);
    return !!role && RANK[role] >= RANK[need];
  }

  isOwner(user: string): boolean {
    return this.bindingsOf(user).some((b) => b.role === "Owner");
  }

  /** Owner, or ClusterAdmin of this cluster: everything in it. */
  isClusterAdmin(user: string, cluster: string): boolean {
    const role = this.roleIn(user, cluster);
    return !!role && RANK[role] >= RANK.ClusterAdmin;
  }

  canNamespace(user: string, cluster: string, namespace: string, level: Level): boolean {
    const role = this.roleIn(user, cluster, namespace);
    return !!role && RANK[role] >= RANK[NEED[level]];
  }

  /** The clusters a user sees at all: "all" for an Owner, else those it has any binding in. */
  clustersOf(user: string): "all" | Set<string> {
    const bs = this.bindingsOf(user);
    if (bs.some((b) => b.role === "Owner")) return "all";
    return new Set(bs.map((b) => b.cluster).filter((c): c is string => !!c));
  }

  /** The namespaces of a cluster a user sees: "all" for Owner and ClusterAdmin, else its NS bindings'. */
  namespacesOf(user: string, cluster: string): "all" | Set<string> {
    if (this.isClusterAdmin(user, cluster)) return "all";
    return new Set(
      this.bindingsOf(user)
        .filter((b) => b.cluster === cluster && b.namespace)
        .map((b) => b.namespace!),
    );
  }
}

// Fastify preHandlers. Each throws 403 with a message that says what is missing.

type Params = { cluster?: string; namespace?: string; name?: string };

function who(req: FastifyRequest): string {
  return req.principal?.name ?? "";
}

export function requireOwner(authz: Authorizer) {
  return async (req: FastifyRequest) => {
    if (!authz.isOwner(who(req))) throw forbidden(`user "${who(req)}" is not an Owner of the platform`);
  };
}

/** The route's {cluster} param, administered (ClusterAdmin or Owner). */
export function requireClusterAdmin(authz: Authorizer) {
  return async (req: FastifyRequest) => {
    const { cluster } = req.params as Params;
    if (!cluster || !authz.isClusterAdmin(who(req), cluster)) {
      throw forbidden(`user "${who(req)}" is not a ClusterAdmin of cluster "${cluster}"`, cluster);
    }
  };
}

/** The route's {cluster} and {namespace} (or, for namespace routes, {name}) at `level`. */
export function requireNamespace(authz: Authorizer, level: Level) {
  return async (req: FastifyRequest) => {
    const p = req.params as Params;
    const ns = p.namespace ?? p.name ?? "";
    if (!p.cluster || !authz.canNamespace(who(req), p.cluster, ns, level)) {
      throw forbidden(`user "${who(req)}" may not ${level} namespace "${ns}" of cluster "${p.cluster}"`, p.cluster);
    }
  };
}

/** The route's {cluster} visible to the caller at all (any binding in it). */
export function requireClusterVisible(authz: Authorizer) {
  return async (req: FastifyRequest) => {
    const { cluster } = req.params as Params;
    const seen = authz.clustersOf(who(req));
    if (!cluster || (seen !== "all" && !seen.has(cluster))) {
      throw forbidden(`user "${who(req)}" has no role in cluster "${cluster}"`, cluster);
    }
  };
}

/**
 * The route's action on its {cluster} and {namespace} params (or, with
 * `where`, on what it returns): 403 saying which action and where.
 */
export function requireAction(
  authz: Authorizer,
  action: Action,
  where: (req: FastifyRequest) => { cluster?: string; namespace?: string } = (req) => req.params as Params,
) {
  return async (req: FastifyRequest) => {
    const { cluster, namespace } = where(req);
    if (authz.can(who(req), action, cluster, namespace)) return;
    const scope = ACTIONS[action].scope;
    const place =
      scope === "platform" ? "on the platform" : scope === "cluster" ? `in cluster "${cluster}"` : `in namespace "${namespace}" of cluster "${cluster}"`;
    throw forbidden(`user "${who(req)}" may not do ${action} ${place} (it needs ${ACTIONS[action].need} or higher there)`, cluster);
  };
}
