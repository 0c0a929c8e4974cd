// The REST API as a Fastify app: schema routes under /apis/kpanda.io/v1alpha1,
// the generated OpenAPI document at /openapi.json with an interactive page at
// /docs, health endpoints, one error shape, authentication and audit. The
// entry (startPlatform) owns the listener, logger and shutdown; tests build
// the app with buildApp() and drive it over a real port.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from "fastify";
import { registerK8sSearch } from "../k8sSearch/k8sSearch.ts";
import { searchKubeconfigRoutes } from "../k8sSearch/kubeconfigRoute.ts";
import { registerK8sProxy } from "../proxy/k8sProxy.ts";
import { registerAudit } from "./audit.ts";
import { registerAuth } from "./auth.ts";
import { registerConsole } from "./console.ts";
import { registerOps } from "./ops.ts";
import { auditRoutes } from "./routes/audit.ts";
import type { PlatformContext } from "./context.ts";
import { PlatformError } from "./errors.ts";
import { clusterRoutes } from "./routes/clusters.ts";
import { customResourceRoutes } from "./routes/customResources.ts";
import { listRoutes } from "./routes/lists.ts";
import { loginRoutes } from "./routes/login.ts";
import { meRoutes } from "./routes/me.ts";
import { namespaceRoutes } from "./routes/namespaces.ts";
import { namespacePolicyRoutes } from "./routes/namespacePolicies.ts";
import { nodeRoutes } from "./routes/nodes.ts";
import { policyRoutes } from "./routes/policies.ts";
import { podRoutes } from "./routes/pods.ts";
import { roleBindingRoutes } from "./routes/rolebindings.ts";
import { scalingRoutes } from "./routes/scaling.ts";
import { schemaRoutes } from "./routes/schemas.ts";
import { timelineRoutes } from "./routes/timeline.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { userRoutes } from "./routes/users.ts";
import { workloadRoutes } from "./routes/workloads.ts";

export const API_PREFIX = "/apis/kpanda.io/v1alpha1";

/** A module of routes under the API prefix. */
export type RouteModule = (app: FastifyInstance, ctx: PlatformContext) => void | Promise<void>;

export const ROUTE_MODULES: RouteModule[] = [loginRoutes, userRoutes, clusterRoutes, tokenRoutes, roleBindingRoutes, meRoutes, auditRoutes, nodeRoutes, namespaceRoutes, listRoutes, workloadRoutes, searchKubeconfigRoutes, podRoutes, scalingRoutes, namespacePolicyRoutes, policyRoutes, timelineRoutes, customResourceRoutes, schemaRoutes];

/** How the app listens: with `https`, over TLS with this certificate and key (PEM); else plain HTTP. */
export type AppOptions = { https?: { cert: string; key: string } };

export async function buildApp(ctx: PlatformContext, modules: RouteModule[] = ROUTE_MODULES, opts: AppOptions = {}): Promise<FastifyInstance> {
  // Fastify types an HTTPS app apart from an HTTP one; every route and hook here is the same for both.
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Never log a request's headers or body: they carry tokens and passwords.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true } },
  });
  app.setErrorHandler((err: FastifyError | PlatformError, req, reply) => {
    const e = toPlatformError(err);
    if (e.code >= 500) req.log.error({ err: e.cause ?? e, route: req.routeOptions.url }, "request failed");
    for (const [k, v] of Object.entries(e.headers ?? {})) reply.header(k, v);
    void reply.code(e.code).send(e.body());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ code: 404, reason: "NotFound", message: `no route for ${req.method} ${req.url.split("?")[0]}` });
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "kpanda", version: "v1alpha1", description: "One API for many Kubernetes clusters" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  // The interactive page and its assets are public (a browser sends no bearer token); the page asks for one.
  app.addHook("onRoute", (r) => {
    if (r.url === "/docs" || r.url.startsWith("/docs/")) r.config = { ...r.config, public: true };
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  app.get("/healthz", { config: { public: true }, schema: { hide: true } }, () => "ok");
  registerAuth(app, ctx);
  registerAudit(app, ctx);
  // /readyz, /metrics and the request-latency histogram.
  registerOps(app, ctx);
  await app.register(
    async (api) => {
      for (const m of modules) await m(api, ctx);
    },
    { prefix: API_PREFIX },
  );
  // The Kubernetes proxy, outside the REST prefix: /k8s/clusters/{cluster}/…
  registerK8sProxy(app, ctx);
  // kubectl across clusters, read-only from the search index: /k8s/search/…
  registerK8sSearch(app, ctx);
  // The web console at / (web/dist), with index.html for its own routes.
  await registerConsole(app, undefined, ctx);
  return app;
}

function toPlatformError(err: FastifyError | PlatformError): PlatformError {
  if (err instanceof PlatformError) return err;
  const f = err as FastifyError;
  if (f.validation) return new PlatformError(400, "BadRequest", f.message);
  if (f.statusCode && f.statusCode >= 400 && f.statusCode < 500) {
    const reason = f.statusCode === 413 ? "RequestEntityTooLarge" : f.statusCode === 415 ? "UnsupportedMediaType" : "BadRequest";
    return new PlatformError(f.statusCode, reason, f.message);
  }
  return new PlatformError(500, "InternalError", "internal error", { cause: err });
}
