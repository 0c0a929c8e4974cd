// Clusters: validate a kubeconfig, integrate, list, get, edit labels, alias
// and deletion protection, remove; summaries; a kubeconfig for the caller.
// Owners integrate and remove clusters and turn deletion protection on or
// off; a ClusterAdmin edits labels, alias and provider of its cluster; any
// role in a cluster lets a user see it.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { clusterSchema, clusterView } from "../../clusters/clusterObjects.ts";
import type { CreateClusterInput } from "../../clusters/lifecycle.ts";
import { validateKubeconfig } from "../../clusters/validate.ts";
import type { KObj } from "../../host/kindCache.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, forbidden, notFound } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";
import { clusterExtraRoutes } from "./clusterSummaries.ts";

const nameParam = { type: "object", required: ["name"], properties: { name: { type: "string" } } } as const;
const labelsSchema = { type: "object", additionalProperties: { type: "string" } } as const;
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema } as const;

const reportSchema = {
  type: "object",
  properties: {
    reachable: { type: "boolean" },
    error: { type: "string" },
    authenticated: { type: "boolean" },
    serverVersion: { type: "string" },
    permissions: {
      type: "object",
      properties: {
        clusterAdmin: { type: "boolean" },
        sufficient: { type: "boolean" },
        missing: { type: "array", items: { type: "string" } },
      },
    },
    credential: {
      type: "object",
      properties: { type: { type: "string" }, expiresAt: { type: "string" }, subject: { type: "string" } },
    },
    warnings: { type: "array", items: { type: "string" } },
  },
} as const;

const who = (req: FastifyRequest) => req.principal?.name ?? "";

export function clusterRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const authz = ctx.authz;
  const owner = async (req: FastifyRequest) => {
    if (!authz.isOwner(who(req))) throw forbidden(`user "${who(req)}" is not an Owner of the platform`);
  };
  /** The cluster exists and the caller has a role in it (404 before 403 would tell names; 403 names only what it was given). */
  const visible = (req: FastifyRequest, name: string): KObj => {
    const seen = authz.clustersOf(who(req));
    if (seen !== "all" && !seen.has(name)) throw forbidden(`user "${who(req)}" has no role in cluster "${name}"`, name);
    const o = ctx.members.cluster(name);
    if (!o) throw notFound("cluster", name);
    return o;
  };
  const clusterAdmin = (req: FastifyRequest, name: string) => {
    if (!authz.isClusterAdmin(who(req), name)) throw forbidden(`user "${who(req)}" is not a ClusterAdmin of cluster "${name}"`, name);
  };

  app.post<{ Body: { kubeconfig: string } }>(
    "/clusters/validate",
    {
      config: { audit: { resource: "clusters", verb: "validate" } },
      preHandler: owner,
      schema: {
        summary: "Check a kubeconfig: reachability, server version, rights and credential expiry",
        body: { type: "object", required: ["kubeconfig"], properties: { kubeconfig: { type: "string", maxLength: 1048576 } } },
        response: { 200: reportSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => (await validateKubeconfig(req.body.kubeconfig, ctx.clusters.validateTimeoutMs)).report,
  );

  app.post<{ Body: CreateClusterInput }>(
    "/clusters",
    {
      config: { audit: { resource: "clusters" } },
      preHandler: owner,
      schema: {
        summary: "Integrate a cluster",
        body: {
          type: "object",
          required: ["name", "kubeconfig"],
          properties: {
            name: { type: "string", maxLength: 253 },
            kubeconfig: { type: "string", maxLength: 1048576 },
            alias: { type: "string", maxLength: 253 },
            labels: labelsSchema,
            provider: { type: "string", maxLength: 63 },
          },
        },
        response: { 201: clusterSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(clusterView(await ctx.clusters.create(req.body))),
  );

  app.get<{ Querystring: PageQuery }>(
    "/clusters",
    { schema: { summary: "List the clusters the caller has a role in", querystring: pageQuery, response: { 200: paged(clusterSchema) } } },
    async (req) => page(visibleClusters(ctx, who(req)).map(clusterView), req.query),
  );

  app.get<{ Params: { name: string } }>(
    "/clusters/:name",
    { schema: { summary: "Get a cluster", params: nameParam, response: { 200: clusterSchema, ...errors } } },
    async (req) => clusterView(visible(req, req.params.name)),
  );

  app.put<{ Params: { name: string }; Body: { labels: Record<string, string> } }>(
    "/clusters/:name/labels",
    {
      config: { audit: { resource: "clusters" } },
      schema: {
        summary: "Replace a cluster's labels",
        params: nameParam,
        body: { type: "object", required: ["labels"], properties: { labels: labelsSchema } },
        response: { 200: clusterSchema, ...errors },
      },
    },
    async (req) => {
      visible(req, req.params.name);
      clusterAdmin(req, req.params.name);
      return clusterView(await ctx.clusters.setLabels(req.params.name, req.body.labels));
    },
  );

  app.put<{ Params: { name: string }; Body: { name?: string; alias?: string; provider?: string; deletionProtection?: boolean } }>(
    "/clusters/:name",
    {
      config: { audit: { resource: "clusters" } },
      schema: {
        summary: "Edit a cluster's alias, provider and deletion protection (the name is immutable)",
        params: nameParam,
        body: {
          type: "object",
          properties: {
            name: { type: "string" },
            alias: { type: "string", maxLength: 253 },
            provider: { type: "string", maxLength: 63 },
            deletionProtection: { type: "boolean" },
          },
        },
        response: { 200: clusterSchema, ...errors },
      },
    },
    async (req) => {
      const { name } = req.params;
      visible(req, name);
      clusterAdmin(req, name);
      if (req.body.deletionProtection !== undefined && !authz.isOwner(who(req))) {
        throw forbidden(`user "${who(req)}" is not an Owner of the platform, who alone turns deletion protection on or off`, name);
      }
      return clusterView(await ctx.clusters.update(name, req.body));
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/clusters/:name",
    {
      config: { audit: { resource: "clusters" } },
      preHandler: owner,
      schema: {
        summary: "Remove a cluster and what kpanda installed in it (409 while deletion protection is on)",
        params: nameParam,
        response: {
          200: {
            type: "object",
            properties: {
              cluster: clusterSchema,
              cleanup: { type: "object", properties: { complete: { type: "boolean" }, errors: { type: "array", items: { type: "string" } } } },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { cluster, cleanup } = await ctx.clusters.remove(req.params.name);
      return { cluster: clusterView(cluster), cleanup };
    },
  );

  clusterExtraRoutes(app, ctx, visible);
}

/** The Cluster objects a user has a role in, by name. */
export function visibleClusters(ctx: PlatformContext, user: string): KObj[] {
  const seen = ctx.authz.clustersOf(user);
  return ctx.members
    .clusterObjects()
    .filter((o) => seen === "all" || seen.has(o.metadata!.name!))
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}
