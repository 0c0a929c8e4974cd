// GET /me drives what the console offers: an action the user may not do is
// hidden or disabled, never offered and then refused. `can(action, where)`
// reads the action table of /me, whose scopes are roles.ts's: platform
// actions in `actions`, cluster ones per cluster (a cluster-wide role's
// include every namespace action there), namespace ones per namespace.
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ApiError } from "./ApiError.ts";
import { get } from "./client.ts";
import { paths } from "./paths.ts";
import type { Action, Me } from "./types.ts";

const PLATFORM: ReadonlySet<Action> = new Set(["users.manage", "clusters.create", "audit.view"]);
const NAMESPACED: ReadonlySet<Action> = new Set([
  "namespace.view",
  "workloads.view",
  "workloads.edit",
  "secrets.view",
  "exec",
  "rbac.edit",
  "namespace.edit",
  "namespace.podSecurity",
  "namespace.delete",
]);

export type Where = { cluster?: string; namespace?: string };

export const meKey = ["me"] as const;

export function useMe() {
  return useQuery<Me, ApiError>({ queryKey: meKey, queryFn: ({ signal }) => get<Me>(paths.me, undefined, signal), staleTime: 30_000 });
}

/** Whether `me` may do `action` where asked; without a cluster, whether it may anywhere. */
export function allowed(me: Me | undefined, action: Action, where: Where = {}): boolean {
  if (!me) return false;
  if (me.owner) return true;
  if (PLATFORM.has(action)) return me.actions.includes(action);
  const clusters = where.cluster ? me.clusters.filter((c) => c.name === where.cluster) : me.clusters;
  if (clusters.some((c) => c.actions.includes(action))) return true;
  if (!NAMESPACED.has(action)) return false;
  return me.namespaces.some(
    (n) => (!where.cluster || n.cluster === where.cluster) && (!where.namespace || n.namespace === where.namespace) && n.actions.includes(action),
  );
}

/** `can(action, where)` for the signed-in user; false until /me has answered. */
export function useCan(): (action: Action, where?: Where) => boolean {
  const { data } = useMe();
  return useCallback((action: Action, where?: Where) => allowed(data, action, where), [data]);
}
