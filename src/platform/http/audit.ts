// Audit of every mutating REST call: who, from where, what, on which cluster,
// namespace, resource and name, the result code and the time. Routes name
// their resource in `config.audit` ({ resource }); the cluster, namespace and
// name come from the route's params, as kube's RequestInfo reads them from
// the path: {cluster}, {namespace}, and {name} (or {node}). What the path
// does not say, the call says:
// - a create names its object in the body (`name`, or a Kubernetes object's
//   metadata.name), as kube's audit takes objectRef.name from the object;
// - a call on a Cluster itself (/clusters/{name}, POST /clusters) is on that
//   cluster: its entry has the cluster and, as the object, its name;
// - a handler that knows better (a binding's generated name, the cluster a
//   binding or token belongs to) says so with auditTarget(req, {...}).
// Logins are audited by the login route itself (the caller is not
// authenticated yet).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PlatformContext } from "./context.ts";

/** What a call acted on, where its params do not say. */
export type AuditTarget = { cluster?: string; namespace?: string; name?: string; resource?: string };

declare module "fastify" {
  interface FastifyContextConfig {
    audit?: { resource: string; verb?: string };
  }
  interface FastifyRequest {
    auditTarget?: AuditTarget;
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Names the object (and its cluster and namespace) of a call, over what its params say. */
export function auditTarget(req: FastifyRequest, target: AuditTarget): void {
  req.auditTarget = { ...req.auditTarget, ...target };
}

export function registerAudit(app: FastifyInstance, ctx: PlatformContext): void {
  app.decorateRequest("auditTarget", undefined);
  app.addHook("onResponse", async (req, reply) => {
    if (!MUTATING.has(req.method) || req.routeOptions.config?.public) return;
    const cfg = req.routeOptions.config?.audit;
    const resource = req.auditTarget?.resource ?? cfg?.resource ?? resourceOf(req);
    const verb = cfg?.verb ?? verbOf(req);
    ctx.audit.record({
      time: new Date().toISOString(),
      user: req.principal?.name ?? "",
      sourceIP: req.ip,
      verb,
      ...targetOf(req, resource, verb),
      resource,
      code: reply.statusCode,
      path: req.url.split("?")[0],
      via: "rest",
      ...((req.query as { dryRun?: unknown } | undefined)?.dryRun === "All" ? { dryRun: true as const } : {}),
    });
  });
}

/** The entry's cluster, namespace and name: the handler's word, else the params, else a create's body. */
export function targetOf(req: FastifyRequest, resource: string, verb: string): AuditTarget {
  const params = (req.params ?? {}) as Record<string, string>;
  const body = req.body as { name?: unknown; metadata?: { name?: unknown } } | undefined;
  const named = body?.name ?? body?.metadata?.name;
  const created = verb === "create" && typeof named === "string" ? named : undefined;
  const name = params.name ?? params.node ?? created;
  const onCluster = resource === "clusters" ? name : undefined;
  const t: AuditTarget = { cluster: params.cluster ?? onCluster, namespace: params.namespace, name, ...req.auditTarget };
  for (const k of ["cluster", "namespace", "name"] as const) if (!t[k]) delete t[k];
  return t;
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
