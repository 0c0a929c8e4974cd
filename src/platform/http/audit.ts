// Audit of every mutating REST call: who, from where, what, on which cluster,
// namespace, resource and name, the result code and the time. Routes name
// their resource in `config.audit` ({ resource }); the cluster, namespace and
// name come from the route's params. Logins are audited by the login route
// itself (the caller is not authenticated yet).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PlatformContext } from "./context.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    audit?: { resource: string; verb?: string };
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function registerAudit(app: FastifyInstance, ctx: PlatformContext): void {
  app.addHook("onResponse", async (req, reply) => {
    if (!MUTATING.has(req.method) || req.routeOptions.config?.public) return;
    const cfg = req.routeOptions.config?.audit;
    const params = (req.params ?? {}) as Record<string, string>;
    const resource = cfg?.resource ?? resourceOf(req);
    ctx.audit.record({
      time: new Date().toISOString(),
      user: req.principal?.name ?? "",
      sourceIP: req.ip,
      verb: cfg?.verb ?? verbOf(req),
      cluster: params.cluster ?? (resource === "clusters" ? clusterNamed(req, params) : undefined),
      namespace: params.namespace,
      resource,
      name: params.name ?? params.node,
      code: reply.statusCode,
      path: req.url.split("?")[0],
      via: "rest",
    });
  });
}

/** A call on a Cluster itself is a call on that cluster: its {name} param, or the name it is created with. */
function clusterNamed(req: FastifyRequest, params: Record<string, string>): string | undefined {
  const body = req.body as { name?: unknown } | undefined;
  return params.name ?? (typeof body?.name === "string" ? body.name : undefined);
}

function verbOf(req: FastifyRequest): string {
  const action = /:([a-zA-Z]+)$/.exec(req.url.split("?")[0])?.[1];
  if (action) return action;
  return { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" }[req.method] ?? req.method.toLowerCase();
}

function resourceOf(req: FastifyRequest): string {
  const route = req.routeOptions.url ?? "";
  const words = route.split("/").filter((w) => w && !w.startsWith("{") && !w.startsWith(":"));
  return (words.at(-1) ?? "").replace(/:.*$/, "");
}
