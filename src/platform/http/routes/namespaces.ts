// Namespaces of a member cluster. The list (from the search cache, with the
// list contract's sort, filters and watch) shows only what the caller may
// see: every namespace to an Owner or ClusterAdmin, and to the namespace
// roles their own namespaces, so a namespace-scoped user gets a working
// list rather than a 403. Creating and deleting need ClusterAdmin. Labels
// are replaced by a ClusterAdmin or, as in Kpanda, the namespace's NSAdmin
// (roles.ts: namespace.edit), except the Pod Security Admission labels
// (pod-security.kubernetes.io/*), which set how far every pod in the
// namespace may go and so need ClusterAdmin (namespace.podSecurity). The
// REST call uses kpanda's credential: through the proxy, an NSAdmin still
// may not update its namespace, as Kubernetes' `admin` role may not.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireAction, requireClusterAdmin, requireClusterVisible } from "../../access/roles.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { createNamespace, deleteNamespace, namespaceView, readNamespace, replaceNamespaceLabels } from "../../clusters/namespaces.ts";
import { kindSpec } from "../../search/kinds.ts";
import { scopeOf } from "../../search/scope.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, forbidden, notFound } from "../errors.ts";
import { type ListQs, listErrors, listQuerySchema, listResponse, queryOf, serveList } from "../cacheList.ts";
import { endStreamsOnClose } from "../listWatch.ts";

const str = { type: "string" } as const;
const stringMap = { type: "object", additionalProperties: str } as const;
const namespaceSchema = {
  type: "object",
  properties: { name: str, status: { type: "string", description: "Active or Terminating" }, labels: stringMap, creationTimestamp: str },
} as const;

const clusterParams = { type: "object", required: ["cluster"], properties: { cluster: str } } as const;
const nsParams = { type: "object", required: ["cluster", "name"], properties: { cluster: str, name: str } } as const;
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema } as const;

/** Labels of Pod Security Admission (pod-security.kubernetes.io/enforce, audit, warn and their -version). */
const POD_SECURITY = "pod-security.kubernetes.io/";

/** True when `want` adds, changes or removes a Pod Security label of `old`. */
export function podSecurityChanged(old: Record<string, string>, want: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(old), ...Object.keys(want)].filter((k) => k.startsWith(POD_SECURITY)));
  return [...keys].some((k) => old[k] !== want[k]);
}

type ClusterP = { cluster: string };
type NsP = { cluster: string; name: string };

const who = (req: FastifyRequest) => req.principal?.name ?? "";

const NAMESPACES = kindSpec({ group: "", resource: "namespaces" });

export function namespaceRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const { authz } = ctx;
  const tags = ["namespaces"];
  endStreamsOnClose(app, ctx);

  app.get<{ Params: ClusterP; Querystring: ListQs }>(
    "/clusters/:cluster/namespaces",
    {
      preHandler: requireClusterVisible(authz),
      schema: {
        tags,
        summary: "List the namespaces of a cluster that the caller may see, from the cache, sorted by name unless asked",
        description:
          "The list contract of the cached lists (revision, freshness, watch=true): sortBy name, status or creationTimestamp; filter status (Active, Terminating).",
        params: clusterParams,
        querystring: listQuerySchema(NAMESPACES),
        response: { 200: listResponse(namespaceSchema), ...errors, ...listErrors },
      },
    },
    async (req, reply) => {
      const { cluster } = req.params;
      if (!ctx.members.cluster(cluster)) throw notFound("cluster", cluster);
      const query = queryOf(NAMESPACES, req.query, scopeOf(authz, who(req), NAMESPACES));
      query.clusters = [cluster];
      return serveList(ctx, req, reply, { query, clusters: [cluster], render: (items) => items.map((i) => namespaceView(i.object)) });
    },
  );

  app.post<{ Params: ClusterP; Body: { name: string; labels?: Record<string, string> } }>(
    "/clusters/:cluster/namespaces",
    {
      preHandler: requireClusterAdmin(authz),
      config: { audit: { resource: "namespaces" } },
      schema: {
        tags,
        summary: "Create a namespace (ClusterAdmin)",
        params: clusterParams,
        body: { type: "object", required: ["name"], properties: { name: { type: "string", minLength: 1 }, labels: stringMap } },
        response: { 201: namespaceSchema, ...errors },
      },
    },
    async (req, reply) => {
      const created = await createNamespace(await memberOf(ctx, req.params.cluster), req.body.name, req.body.labels);
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: NsP }>(
    "/clusters/:cluster/namespaces/:name",
    {
      preHandler: requireClusterAdmin(authz),
      config: { audit: { resource: "namespaces" } },
      schema: {
        tags,
        summary: "Delete a namespace and everything in it (ClusterAdmin); it is Terminating until its contents are gone",
        params: nsParams,
        response: { 200: namespaceSchema, ...errors },
      },
    },
    async (req) => deleteNamespace(await memberOf(ctx, req.params.cluster), req.params.name),
  );

  app.put<{ Params: NsP; Body: { labels: Record<string, string> } }>(
    "/clusters/:cluster/namespaces/:name/labels",
    {
      preHandler: requireAction(authz, "namespace.edit", (req) => {
        const p = req.params as NsP;
        return { cluster: p.cluster, namespace: p.name };
      }),
      config: { audit: { resource: "namespaces/labels", verb: "update" } },
      schema: {
        tags,
        summary: "Replace a namespace's labels (ClusterAdmin, or NSAdmin of it; pod-security.kubernetes.io/* labels need ClusterAdmin)",
        params: nsParams,
        body: { type: "object", required: ["labels"], properties: { labels: stringMap } },
        response: { 200: namespaceSchema, ...errors },
      },
    },
    async (req) => {
      const { cluster, name } = req.params;
      const m = await memberOf(ctx, cluster);
      const ns = await readNamespace(m, name);
      if (podSecurityChanged(ns.metadata?.labels ?? {}, req.body.labels) && !authz.can(who(req), "namespace.podSecurity", cluster, name)) {
        throw forbidden(
          `user "${who(req)}" may not change the ${POD_SECURITY}* labels of namespace "${name}": that is namespace.podSecurity, which needs ClusterAdmin`,
          cluster,
        );
      }
      return replaceNamespaceLabels(m, ns, req.body.labels);
    },
  );
}
