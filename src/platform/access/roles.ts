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

/** What a call needs on a namespace or cluster: read, change, or administer (RBAC, quotas, the namespace itself). */
export type Level = "view" | "edit" | "admin";

export type Binding = { name: string; user: string; role: Role; cluster?: string; namespace?: string };

const NS_LEVEL: Record<string, number> = { NSViewer: 1, NSEditor: 2, NSAdmin: 3 };
const NEED: Record<Level, number> = { view: 1, edit: 2, admin: 3 };

export function bindingOf(o: KObj): Binding {
  return { name: o.metadata!.name!, user: o.spec?.user, role: o.spec?.role, cluster: o.spec?.cluster, namespace: o.spec?.namespace };
}

export class Authorizer {
  private readonly bindings: KindCache;

  constructor(bindings: KindCache) {
    this.bindings = bindings;
  }

  bindingsOf(user: string): Binding[] {
    return this.bindings
      .list()
      .map(bindingOf)
      .filter((b) => b.user === user);
  }

  isOwner(user: string): boolean {
    return this.bindingsOf(user).some((b) => b.role === "Owner");
  }

  /** Owner, or ClusterAdmin of this cluster: everything in it. */
  isClusterAdmin(user: string, cluster: string): boolean {
    return this.bindingsOf(user).some((b) => b.role === "Owner" || (b.role === "ClusterAdmin" && b.cluster === cluster));
  }

  canNamespace(user: string, cluster: string, namespace: string, level: Level): boolean {
    return this.bindingsOf(user).some(
      (b) =>
        b.role === "Owner" ||
        (b.role === "ClusterAdmin" && b.cluster === cluster) ||
        (b.cluster === cluster && b.namespace === namespace && (NS_LEVEL[b.role] ?? 0) >= NEED[level]),
    );
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
