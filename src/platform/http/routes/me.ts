// GET /me: the caller, its role bindings, and what it may do where, so a
// console shows only what the user can use. The actions are the vocabulary
// of roles.ts (ACTIONS), which the REST routes check as well:
// - `actions`: platform-wide ones (an Owner's: users.manage, clusters.create, audit.view);
// - `clusters[]`: each cluster the caller sees, with its cluster-wide role
//   (Owner or ClusterAdmin) when it has one, and the actions it grants there
//   (a cluster-wide role's include every namespace action in the cluster);
// - `namespaces[]`: each namespace the caller holds an NS role in, with the
//   highest such role and its actions.
import type { FastifyInstance } from "fastify";
import { ACTIONS, type Action, actionsOf, NS_ROLES, RANK, type Role, ROLES } from "../../access/roles.ts";
import type { PlatformContext } from "../context.ts";
import { bindingSchema } from "./rolebindings.ts";

const actionList = { type: "array", items: { type: "string", enum: Object.keys(ACTIONS) } } as const;
const role = { type: "string", enum: [...ROLES] } as const;

const meSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    owner: { type: "boolean" },
    actions: actionList,
    bindings: { type: "array", items: bindingSchema },
    clusters: {
      type: "array",
      items: { type: "object", properties: { name: { type: "string" }, role, actions: actionList } },
    },
    namespaces: {
      type: "array",
      items: {
        type: "object",
        properties: { cluster: { type: "string" }, namespace: { type: "string" }, role, actions: actionList },
      },
    },
  },
} as const;

type ClusterEntry = { name: string; role?: Role; actions: Action[] };
type NamespaceEntry = { cluster: string; namespace: string; role: Role; actions: Action[] };

export function meRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.get(
    "/me",
    { schema: { summary: "The caller, its role bindings, and what it may do on each cluster and namespace", response: { 200: meSchema } } },
    async (req) => {
      const name = req.principal!.name;
      const bindings = ctx.authz.bindingsOf(name);
      const owner = bindings.some((b) => b.role === "Owner");
      const higher = (a: Role | undefined, b: Role) => (!a || RANK[b] > RANK[a] ? b : a);
      // Clusters: every cluster for an Owner; else those the caller has a binding in.
      const clusters = new Map<string, Role | undefined>();
      if (owner) for (const c of ctx.members.clusterObjects()) clusters.set(c.metadata!.name!, "Owner");
      const namespaces = new Map<string, NamespaceEntry>();
      for (const b of bindings) {
        if (!b.cluster) continue;
        const wide = b.role === "ClusterAdmin" ? b.role : undefined;
        clusters.set(b.cluster, clusters.has(b.cluster) ? higherOpt(clusters.get(b.cluster), wide) : wide);
        if (!NS_ROLES.includes(b.role) || !b.namespace) continue;
        const key = `${b.cluster}/${b.namespace}`;
        const r = higher(namespaces.get(key)?.role, b.role);
        namespaces.set(key, { cluster: b.cluster, namespace: b.namespace, role: r, actions: actionsOf(r, "namespace") });
      }
      const clusterEntries: ClusterEntry[] = [...clusters].map(([c, r]) => ({
        name: c,
        role: r,
        // Without a cluster-wide role, a namespace role grants only the cluster-scope actions of its rank (seeing the cluster).
        actions: r ? actionsOf(r, "cluster") : actionsOf(bestNsRole(bindings, c), "cluster", false),
      }));
      return {
        name,
        owner,
        actions: owner ? actionsOf("Owner", "platform", false) : [],
        bindings: [...bindings].sort((a, b) => a.name.localeCompare(b.name)),
        clusters: clusterEntries.sort((a, b) => a.name.localeCompare(b.name)),
        namespaces: [...namespaces.values()].sort((a, b) => `${a.cluster}/${a.namespace}`.localeCompare(`${b.cluster}/${b.namespace}`)),
      };
    },
  );
}

function higherOpt(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (!a) return b;
  if (!b) return a;
  return RANK[b] > RANK[a] ? b : a;
}

function bestNsRole(bindings: { role: Role; cluster?: string }[], cluster: string): Role {
  let best: Role = "NSViewer";
  for (const b of bindings) if (b.cluster === cluster && RANK[b.role] > RANK[best]) best = b.role;
  return best;
}
