// What of the index a caller may see, from its kpanda roles (access/roles.ts),
// as the index's Scope (index.ts): an Owner everything (undefined), a
// ClusterAdmin all of its clusters, the namespace roles their namespaces.
// Clusters the caller has no role in are absent, so a query never counts
// them. Secrets need NSEditor (Kubernetes' view role reads no Secrets:
// bootstrappolicy's view ClusterRole leaves them out); every other kind
// NSViewer. Cluster-scoped kinds other than Namespaces are admitted by
// "all" only: the index admits nothing of them through a namespace list.
import type { Authorizer, Level } from "../access/roles.ts";
import type { KindRef, Scope } from "./index.ts";

/** The role a kind needs in a namespace to be listed there. */
export function levelOf(kind: KindRef): Level {
  return kind.group === "" && kind.resource === "secrets" ? "edit" : "view";
}

/** The caller's scope for a kind: undefined (an Owner) is everything. */
export function scopeOf(authz: Authorizer, user: string, kind: KindRef): Scope | undefined {
  if (authz.isOwner(user)) return undefined;
  const level = levelOf(kind);
  const scope: Scope = new Map();
  const clusters = authz.clustersOf(user);
  for (const c of clusters === "all" ? [] : clusters) {
    if (authz.isClusterAdmin(user, c)) {
      scope.set(c, "all");
      continue;
    }
    const ns = new Set<string>();
    for (const b of authz.bindingsOf(user)) {
      if (b.cluster === c && b.namespace && authz.canNamespace(user, c, b.namespace, level)) ns.add(b.namespace);
    }
    scope.set(c, [...ns].sort());
  }
  return scope;
}

/**
 * Whether a scope admits anything of `kind` in `cluster`: a cluster the
 * caller sees whole, or (for namespaced kinds and Namespaces) one where it
 * holds namespaces.
 */
export function admits(scope: Scope | undefined, cluster: string, kind: KindRef & { namespaced: boolean }): boolean {
  if (!scope) return true;
  const s = scope.get(cluster);
  if (s === undefined) return false;
  if (s === "all") return true;
  const byNamespace = kind.namespaced || (kind.group === "" && kind.resource === "namespaces");
  return byNamespace && s.length > 0;
}
