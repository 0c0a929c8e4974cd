// Users: POST /users {"name","password"}, GET /users, DELETE /users/{name}.
// Only an Owner manages users (the access module's authorize hook decides).
import type { FastifyInstance } from "fastify";
import { requireOwner } from "../../access/roles.ts";
import type { KObj } from "../../host/kindCache.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, notFound } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

const userSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    displayName: { type: "string" },
    disabled: { type: "boolean" },
    createdAt: { type: "string" },
  },
} as const;

const view = (u: KObj) => ({
  name: u.metadata!.name!,
  displayName: u.spec?.displayName,
  disabled: !!u.spec?.disabled,
  createdAt: u.metadata?.creationTimestamp ? new Date(u.metadata.creationTimestamp).toISOString() : undefined,
});

export function userRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const owner = requireOwner(ctx.authz);
  app.post<{ Body: { name: string; password: string } }>(
    "/users",
    {
      config: { audit: { resource: "users" } },
      preHandler: owner,
      schema: {
        summary: "Create a user",
        body: {
          type: "object",
          required: ["name", "password"],
          properties: { name: { type: "string" }, password: { type: "string", maxLength: 1024 } },
        },
        response: { 201: userSchema, 400: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const u = await ctx.users.create(req.body.name, req.body.password);
      return reply.code(201).send(view(u));
    },
  );
  app.get<{ Querystring: PageQuery }>(
    "/users",
    { preHandler: owner, schema: { summary: "List users", querystring: pageQuery, response: { 200: paged(userSchema) } } },
    async (req) => {
      const all = ctx.users
        .list()
        .map(view)
        .sort((a, b) => a.name.localeCompare(b.name));
      return page(all, req.query);
    },
  );
  app.delete<{ Params: { name: string } }>(
    "/users/:name",
    {
      config: { audit: { resource: "users" } },
      preHandler: owner,
      schema: { summary: "Delete a user with its role bindings and API tokens", response: { 404: errorSchema, 409: errorSchema } },
    },
    async (req, reply) => {
      const { name } = req.params;
      if (!ctx.users.cache.get(name)) throw notFound("user", name);
      ctx.bindings.checkUserRemovable(name);
      await ctx.users.delete(name);
      // Both are owned by the User, so garbage collection would remove them too; now is sooner.
      await ctx.bindings.deleteAllOf(name);
      await ctx.tokens.deleteAllOf(name);
      return reply.code(204).send();
    },
  );
}
