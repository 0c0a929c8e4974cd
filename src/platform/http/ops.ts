// Operations endpoints outside the API prefix, beside /healthz:
// - /readyz (public, as kube-apiserver's): 200 "ok" when the host answers
//   and every cache is synced, else 503 with the failing checks named;
//   `?verbose` lists every check;
// - /metrics (Prometheus text): protected, for Owners only, since it names
//   every cluster. Prometheus scrapes it with an Owner's API token
//   (`POST /tokens`) as a bearer token;
// - the request-latency histogram of every route but the proxy (which
//   records its own per cluster through ctx.metrics.observeProxy).
import type { FastifyInstance } from "fastify";
import { requireOwner } from "../access/roles.ts";
import { readyzText } from "../ops/readiness.ts";
import type { PlatformContext } from "./context.ts";
import { errorSchema } from "./errors.ts";

export function registerOps(app: FastifyInstance, ctx: PlatformContext): void {
  app.addHook("onResponse", async (req, reply) => {
    // The route pattern (e.g. /apis/kpanda.io/v1alpha1/clusters/:name), never the raw URL.
    ctx.metrics.observeRequest(req.method, req.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get<{ Querystring: { verbose?: string } }>(
    "/readyz",
    {
      config: { public: true },
      schema: {
        summary: "Readiness: the host cluster answers and kpanda's caches are synced",
        security: [],
        querystring: { type: "object", properties: { verbose: { type: "string" } } },
        response: { 200: { type: "string" }, 503: { type: "string" } },
      },
    },
    async (req, reply) => {
      const checks = await ctx.ready();
      const ok = checks.every((c) => c.ok);
      if (!ok) req.log.warn({ failures: checks.filter((c) => !c.ok) }, "readiness check failed");
      return reply
        .code(ok ? 200 : 503)
        .type("text/plain; charset=utf-8")
        .send(readyzText(checks, req.query.verbose !== undefined));
    },
  );

  app.get(
    "/metrics",
    {
      preHandler: requireOwner(ctx.authz),
      schema: {
        summary: "Prometheus metrics (Owner only): request latency per route, cluster phase, proxy latency per cluster",
        response: { 200: { type: "string" }, 401: errorSchema, 403: errorSchema },
      },
    },
    async (_req, reply) => {
      const { body, contentType } = await ctx.metrics.render();
      return reply.type(contentType).send(body);
    },
  );
}
