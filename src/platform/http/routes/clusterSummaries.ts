// Per-cluster reads that are not the Cluster itself: the summaries, served
// from memory (never a fan-out per request), and a kubeconfig for the caller.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { kubeconfigSeconds, MAX_KUBECONFIG_SECONDS, userKubeconfig } from "../../clusters/kubeconfigDownload.ts";
import { summarySchema } from "../../clusters/summary.ts";
import type { KObj } from "../../host/kindCache.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema } from "../errors.ts";
import { querySummaries, type SummaryQuery, summaryQuerySchema, totalsSchema } from "../../clusters/summaryQuery.ts";
import { paged } from "../pagination.ts";
import { visibleClusters } from "./clusters.ts";

type Visible = (req: FastifyRequest, name: string) => KObj;

const summaryRowSchema = {
  ...summarySchema,
  properties: { ...summarySchema.properties, labels: { type: "object", additionalProperties: { type: "string" } } },
};
const listSchema = paged(summaryRowSchema) as { properties: Record<string, unknown> };
const summaryListSchema = { ...listSchema, properties: { ...listSchema.properties, totals: totalsSchema } };

const who = (req: FastifyRequest) => req.principal?.name ?? "";

export function clusterExtraRoutes(app: FastifyInstance, ctx: PlatformContext, visible: Visible): void {
  app.get<{ Querystring: SummaryQuery }>(
    "/clustersummary",
    {
      schema: {
        summary: "Summaries of the clusters the caller has a role in (from memory; stale for an Unknown cluster)",
        description: "Filtered, sorted and paged on the server, with totals over every cluster the caller sees.",
        querystring: summaryQuerySchema,
        response: { 200: summaryListSchema, 400: errorSchema },
      },
    },
    async (req) =>
      querySummaries(
        visibleClusters(ctx, who(req)).map((o) => ({ ...ctx.health.summaryOf(o), labels: { ...(o.metadata?.labels ?? {}) } })),
        req.query,
      ),
  );

  app.get<{ Params: { name: string } }>(
    "/clusters/:name/summary",
    {
      schema: {
        summary: "A cluster's summary",
        params: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
        response: { 200: summarySchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => ctx.health.summaryOf(visible(req, req.params.name)),
  );

  app.get<{ Params: { cluster: string }; Querystring: { expirationSeconds?: number } }>(
    "/clusters/:cluster/kubeconfig",
    {
      schema: {
        summary: "A kubeconfig for the caller, through kpanda's Kubernetes proxy, with a token of the caller's own",
        params: { type: "object", required: ["cluster"], properties: { cluster: { type: "string" } } },
        querystring: {
          type: "object",
          properties: { expirationSeconds: { type: "integer", description: `default 86400; at most ${MAX_KUBECONFIG_SECONDS}` } },
        },
        response: { 200: { type: "string" }, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { cluster } = req.params;
      visible(req, cluster);
      const ttl = kubeconfigSeconds(req.query.expirationSeconds);
      const { token, expiresAt } = ctx.signer.sign(who(req), "kubeconfig", ttl);
      const baseURL = ctx.externalURL ?? `${req.protocol}://${req.host}`;
      return reply
        .header("content-type", "application/yaml; charset=utf-8")
        .header("content-disposition", `attachment; filename="${cluster}.kubeconfig"`)
        .header("x-kpanda-expires-at", expiresAt)
        .send(userKubeconfig({ baseURL, cluster, user: who(req), token, ca: ctx.kubeconfigCA }));
    },
  );
}
