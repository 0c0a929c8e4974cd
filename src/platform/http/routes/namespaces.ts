// Namespaces of a member cluster. The list shows only what the caller may
// see: every namespace to an Owner or ClusterAdmin, and to the namespace
// roles their own namespaces, so a namespace-scoped user gets a working
// list rather than a 403. Creating, deleting and relabelling need
// ClusterAdmin: a namespace's labels are policy over it (Pod Security levels,
// and the namespaceSelectors of NetworkPolicies and cluster policies), which
// is why Kubernetes' `admin` role, kpanda-ns-admin's model, may not update
// its namespace either.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireAction, requireClusterAdmin, requireClusterVisible } from "../../access/roles.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { createNamespace, deleteNamespace, listNamespaces, readNamespace, replaceNamespaceLabels } from "../../clusters/namespaces.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

const str = { type: "string" } as const;
const stringMap = { type: "object", additionalProperties: str } as const;
const namespaceSchema = {
  type: "object",
  properties: { name: str, status: { type: "string", description: "Active or Terminating" }, labels: stringMap, creationTimestamp: str },
} as const;

const clusterParams = { type: "object", required: ["cluster"], properties: { cluster: str } } as const;
const nsParams = { type: "object", required: ["cluster", "name"], properties: { cluster: str, name: str } } as const;
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema } as const;

type ClusterP = { cluster: string };
type NsP = { cluster: string; name: string };

const who = (req: FastifyRequest) => req.principal?.name ?? "";

export function namespaceRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const { authz } = ctx;
  const tags = ["namespaces"];

  app.get<{ Params: ClusterP; Querystring: PageQuery & { fuzzySearch?: string } }>(
    "/clusters/:cluster/namespaces",
    {
      preHandler: requireClusterVisible(authz),
      schema: {
        tags,
        summary: "List the namespaces of a cluster that the caller may see, sorted by name",
        params: clusterParams,
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, fuzzySearch: { type: "string", description: "a substring of the name" } } },
        response: { 200: paged(namespaceSchema), ...errors },
      },
    },
    async (req) => {
      const all = await listNamespaces(await memberOf(ctx, req.params.cluster));
      const mine = authz.namespacesOf(who(req), req.params.cluster);
      const q = req.query.fuzzySearch?.toLowerCase();
      const seen = all.filter((n) => (mine === "all" || mine.has(n.name)) && (!q || n.name.toLowerCase().includes(q)));
      return page(seen, req.query);
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
        summary: "Replace a namespace's labels (ClusterAdmin)",
        params: nsParams,
        body: { type: "object", required: ["labels"], properties: { labels: stringMap } },
        response: { 200: namespaceSchema, ...errors },
      },
    },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      return replaceNamespaceLabels(m, await readNamespace(m, req.params.name), req.body.labels);
    },
  );
}
