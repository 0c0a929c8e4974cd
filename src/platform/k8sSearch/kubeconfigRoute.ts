// GET /search/kubeconfig: a kubeconfig for the caller whose one context,
// kpanda-search, points at /k8s/search, the read-only Kubernetes API over
// every cluster the caller may see. Built as the per-cluster download is
// (clusters/kubeconfigDownload.ts): a kpanda-signed token of the caller's own
// (use "kubeconfig"), and kpanda's CA when kpanda made its certificate.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { kubeconfigSeconds, MAX_KUBECONFIG_SECONDS, userKubeconfig } from "../clusters/kubeconfigDownload.ts";
import type { PlatformContext } from "../http/context.ts";
import { errorSchema, forbidden } from "../http/errors.ts";
import { SEARCH_PREFIX } from "./k8sSearch.ts";

/** The kubeconfig's cluster entry: not a member's name (member names are DNS labels, this is not one). */
export const SEARCH_CLUSTER = "kpanda.search";

const who = (req: FastifyRequest) => req.principal?.name ?? "";

export function searchKubeconfigRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.get<{ Querystring: { expirationSeconds?: number } }>(
    "/search/kubeconfig",
    {
      schema: {
        summary: "A kubeconfig for kubectl across clusters: /k8s/search, read-only, over every cluster the caller may see",
        description:
          "get, list and watch (label and field selectors, -o wide, --chunk-size, -w) of every cached kind from the search index; each object carries the annotation kpanda.io/cluster, and tables a Cluster column. Writes answer 405. The token is the caller's own.",
        querystring: {
          type: "object",
          properties: { expirationSeconds: { type: "integer", description: `default 86400; at most ${MAX_KUBECONFIG_SECONDS}` } },
        },
        response: { 200: { type: "string" }, 400: errorSchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (req, reply) => {
      // As the per-cluster download needs a role in its cluster: a user with none would see nothing.
      const seen = ctx.authz.clustersOf(who(req));
      if (seen !== "all" && seen.size === 0) throw forbidden(`user "${who(req)}" has no role in any cluster`);
      const ttl = kubeconfigSeconds(req.query.expirationSeconds);
      const { token, expiresAt } = ctx.signer.sign(who(req), "kubeconfig", ttl);
      const baseURL = ctx.externalURL ?? `${req.protocol}://${req.host}`;
      return reply
        .header("content-type", "application/yaml; charset=utf-8")
        .header("content-disposition", 'attachment; filename="kpanda-search.kubeconfig"')
        .header("x-kpanda-expires-at", expiresAt)
        .send(userKubeconfig({ baseURL, cluster: SEARCH_CLUSTER, user: who(req), token, ca: ctx.kubeconfigCA, path: SEARCH_PREFIX }));
    },
  );
}
