// kpanda role bindings: POST /rolebindings {"user","role","cluster"?,"namespace"?},
// GET /rolebindings (paged; filters user, cluster, namespace, role) and
// DELETE /rolebindings/{name}. Who may manage which binding is
// BindingStore.refusal (bindings.ts): Owners all of them, a ClusterAdmin the
// NS bindings of its cluster, an NSAdmin those of its namespace. A list
// shows the caller's own bindings and those it may manage.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { BindingInput } from "../../access/bindings.ts";
import { type Binding, ROLES } from "../../access/roles.ts";
import { auditTarget } from "../audit.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, forbidden, notFound } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

export const bindingSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    user: { type: "string" },
    role: { type: "string", enum: [...ROLES] },
    cluster: { type: "string" },
    namespace: { type: "string" },
  },
} as const;

type ListQuery = PageQuery & { user?: string; cluster?: string; namespace?: string; role?: string };

export function roleBindingRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const caller = (req: FastifyRequest) => req.principal!.name;

  /** preHandler of POST: the caller may manage the binding it asks for. */
  const mayGrant = async (req: FastifyRequest) => {
    const { cluster, namespace } = req.body as BindingInput;
    auditTarget(req, { cluster, namespace });
    const why = ctx.bindings.refusal(caller(req), req.body as BindingInput);
    if (why) throw forbidden(why, (req.body as BindingInput).cluster);
  };
  /** preHandler of DELETE: the binding exists and the caller may manage it. */
  const mayRevoke = async (req: FastifyRequest) => {
    const { name } = req.params as { name: string };
    const b = ctx.bindings.get(name);
    if (!b) throw notFound("role binding", name);
    auditTarget(req, { cluster: b.cluster, namespace: b.namespace });
    const why = ctx.bindings.refusal(caller(req), b);
    if (why) throw forbidden(why, b.cluster);
  };

  app.post<{ Body: BindingInput }>(
    "/rolebindings",
    {
      config: { audit: { resource: "rolebindings" } },
      preHandler: mayGrant,
      schema: {
        summary: "Grant a role to a user: Owner (platform), ClusterAdmin (a cluster), NSAdmin, NSEditor or NSViewer (a namespace)",
        body: {
          type: "object",
          required: ["user", "role"],
          properties: {
            user: { type: "string", maxLength: 253 },
            role: { type: "string", enum: [...ROLES] },
            cluster: { type: "string", maxLength: 63 },
            namespace: { type: "string", maxLength: 63 },
          },
        },
        response: { 201: bindingSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const created = await ctx.bindings.create(req.body);
      // The binding's name is made by the server: the audit names it.
      auditTarget(req, { name: created.name });
      return reply.code(201).send(created);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    "/rolebindings",
    {
      schema: {
        summary: "List role bindings: the caller's own and those it may manage",
        querystring: {
          type: "object",
          properties: {
            ...pageQuery.properties,
            user: { type: "string" },
            cluster: { type: "string" },
            namespace: { type: "string" },
            role: { type: "string", enum: [...ROLES] },
          },
        },
        response: { 200: paged(bindingSchema) },
      },
    },
    async (req) => {
      const q = req.query;
      const me = caller(req);
      const all = ctx.authz
        .all()
        .filter((b) => b.user === me || !ctx.bindings.refusal(me, b))
        .filter((b) => (!q.user || b.user === q.user) && (!q.cluster || b.cluster === q.cluster))
        .filter((b) => (!q.namespace || b.namespace === q.namespace) && (!q.role || b.role === q.role))
        .sort(byGrant);
      return page(all, q);
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/rolebindings/:name",
    {
      config: { audit: { resource: "rolebindings" } },
      preHandler: mayRevoke,
      schema: { summary: "Revoke a role binding", response: { 204: { type: "null" }, 403: errorSchema, 404: errorSchema, 409: errorSchema } },
    },
    async (req, reply) => {
      await ctx.bindings.delete(req.params.name);
      return reply.code(204).send();
    },
  );
}

function byGrant(a: Binding, b: Binding): number {
  const k = (x: Binding) => [x.user, x.cluster ?? "", x.namespace ?? "", x.role].join("\u0000");
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
}
