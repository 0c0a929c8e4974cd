// The Kpanda list paths of the cached kinds, answered from the search cache
// (cacheList.ts: the list contract; listWatch.ts: watch=true), generated
// from the kinds table (search/kinds.ts):
//   per cluster   GET /clusters/{c}/{resource}, and for namespaced kinds
//                 GET /clusters/{c}/namespaces/{ns}/{resource};
//                 GET /clusters/{c}/nodes/{node}/pods
//   across        GET /asl/{resource}?cluster=a,b
// (the node and namespace lists of a cluster are the core's, nodes.ts and
// namespaces.ts). Items are the cached objects plus "cluster"; Secrets are
// metadata and type only.
//
// Authorization is the caller's roles as the query's scope (search/scope.ts):
// a per-cluster path answers 403 for a cluster it has no role in, for a
// namespace it may not read, and for cluster-scoped kinds short of
// ClusterAdmin (as for nodes); a cluster-wide path of a namespace role lists
// its namespaces only; the /asl lists leave out what it may not see.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireClusterVisible } from "../../access/roles.ts";
import type { IndexedItem } from "../../search/index.ts";
import { KINDS, type KindSpec } from "../../search/kinds.ts";
import { levelOf, scopeOf } from "../../search/scope.ts";
import {
  asObjects,
  clusterFilter,
  clustersConcerned,
  type ListQs,
  listErrors,
  listQuerySchema,
  listResponse,
  objectItem,
  queryOf,
  type Render,
  serveList,
} from "../cacheList.ts";
import type { PlatformContext } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { endStreamsOnClose } from "../listWatch.ts";

const str = { type: "string" } as const;
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** A Secret as a list shows it: never its data (the cache holds none; this keeps it so). */
const secretItem = {
  type: "object",
  additionalProperties: false,
  properties: {
    cluster: str,
    apiVersion: str,
    kind: str,
    metadata: { type: "object", additionalProperties: true },
    type: str,
    immutable: { type: "boolean" },
  },
} as const;

const asSecrets: Render = (items: IndexedItem[]) =>
  items.map(({ cluster, object: o }) => {
    const { [LAST_APPLIED]: _, ...annotations } = o.metadata?.annotations ?? {};
    const metadata = o.metadata?.annotations ? { ...o.metadata, annotations } : o.metadata;
    return { cluster, apiVersion: o.apiVersion, kind: o.kind, metadata, type: o.type, immutable: o.immutable };
  });

const isSecrets = (k: KindSpec) => k.group === "" && k.resource === "secrets";
/** The core's per-cluster lists (nodes.ts, namespaces.ts). */
const isCore = (k: KindSpec) => k.group === "" && (k.resource === "nodes" || k.resource === "namespaces");

type Params = { cluster: string; namespace?: string; node?: string };

const who = (req: FastifyRequest) => req.principal?.name ?? "";

const params = (...names: string[]) => ({ type: "object", required: names, properties: Object.fromEntries(names.map((n) => [n, str])) });

export function listRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const { authz } = ctx;
  endStreamsOnClose(app, ctx);
  const visible = requireClusterVisible(authz);

  /** The per-cluster checks: the kind and namespace readable, the cluster integrated. */
  const check = (spec: KindSpec, req: FastifyRequest<{ Params: Params }>) => {
    const { cluster, namespace } = req.params;
    const user = who(req);
    if (!spec.namespaced && !authz.isClusterAdmin(user, cluster)) {
      throw forbidden(`user "${user}" is not a ClusterAdmin of cluster "${cluster}"`, cluster);
    }
    const level = levelOf(spec);
    if (namespace !== undefined && !authz.canNamespace(user, cluster, namespace, level)) {
      throw forbidden(`user "${user}" may not ${level === "view" ? "read" : "read secrets of"} namespace "${namespace}" of cluster "${cluster}"`, cluster);
    }
    if (!ctx.members.cluster(cluster)) throw notFound("cluster", cluster);
  };

  for (const spec of KINDS) {
    const { resource } = spec;
    const item = isSecrets(spec) ? secretItem : objectItem;
    const render = isSecrets(spec) ? asSecrets : asObjects;
    const tags = ["lists"];
    const response = { 200: listResponse(item), ...listErrors };
    const perCluster = (path: string, summary: string, names: string[]) =>
      app.get<{ Params: Params; Querystring: ListQs }>(
        path,
        { preHandler: visible, schema: { tags, summary, params: params(...names), querystring: listQuerySchema(spec), response } },
        async (req, reply) => {
          check(spec, req);
          const { cluster, namespace, node } = req.params;
          const query = queryOf(spec, req.query, scopeOf(authz, who(req), spec));
          query.clusters = [cluster];
          if (namespace !== undefined) query.namespaces = [namespace];
          if (node !== undefined) query.filters = { ...query.filters, node: [node] };
          return serveList(ctx, req, reply, { query, clusters: [cluster], render });
        },
      );

    if (!isCore(spec)) {
      perCluster(`/clusters/:cluster/${resource}`, `List the ${resource} of a cluster, from the cache`, ["cluster"]);
      if (spec.namespaced) {
        perCluster(`/clusters/:cluster/namespaces/:namespace/${resource}`, `List the ${resource} of a namespace, from the cache`, [
          "cluster",
          "namespace",
        ]);
      }
      if (resource === "pods" && spec.group === "") {
        perCluster("/clusters/:cluster/nodes/:node/pods", "List the pods bound to a node, from the cache", ["cluster", "node"]);
      }
    }

    app.get<{ Querystring: ListQs }>(
      `/asl/${resource}`,
      {
        schema: {
          tags,
          summary: `List the ${resource} of every cluster the caller may see, from the cache`,
          querystring: listQuerySchema(spec, { clusters: true }),
          response,
        },
      },
      async (req, reply) => {
        const scope = scopeOf(authz, who(req), spec);
        const filter = clusterFilter(req.query.cluster);
        const query = queryOf(spec, req.query, scope);
        query.clusters = filter;
        return serveList(ctx, req, reply, { query, clusters: clustersConcerned(ctx, spec, scope, filter), render });
      },
    );
  }
}
