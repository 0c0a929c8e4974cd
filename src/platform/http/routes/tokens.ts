// API tokens: POST /tokens {"name","expirationSeconds"} answers the token
// once; GET /tokens and DELETE /tokens/{name}. Every user manages its own
// tokens; an Owner may name another user with ?user= (to list or revoke).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from "../../access/apiTokens.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, forbidden } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

const tokenSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    user: { type: "string" },
    expiresAt: { type: "string" },
    createdAt: { type: "string" },
    expired: { type: "boolean" },
  },
} as const;

const userQuery = {
  type: "object",
  properties: { user: { type: "string", description: "Another user's tokens (Owners only)" } },
} as const;

type UserQuery = { user?: string };

export function tokenRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  /** The user whose tokens a call is about: the caller, or (for an Owner) ?user=. */
  const subject = (req: FastifyRequest<{ Querystring: UserQuery }>) => req.query.user ?? req.principal!.name;
  /** preHandler: another user's tokens are an Owner's business only. */
  const selfOrOwner = async (req: FastifyRequest) => {
    const caller = req.principal!.name;
    const user = subject(req as FastifyRequest<{ Querystring: UserQuery }>);
    if (user !== caller && !ctx.authz.isOwner(caller)) {
      throw forbidden(`user "${caller}" may not manage the tokens of user "${user}": only an Owner may`);
    }
  };

  app.post<{ Body: { name: string; expirationSeconds?: number } }>(
    "/tokens",
    {
      config: { audit: { resource: "tokens" } },
      schema: {
        summary: "Create an API token for the caller; the token is in this answer only",
        body: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", maxLength: 63 },
            expirationSeconds: { type: "integer", minimum: MIN_TTL_SECONDS, maximum: MAX_TTL_SECONDS, default: DEFAULT_TTL_SECONDS },
          },
        },
        response: {
          201: { type: "object", properties: { ...tokenSchema.properties, token: { type: "string" } } },
          400: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const t = await ctx.tokens.create(req.principal!.name, req.body.name, req.body.expirationSeconds);
      return reply.code(201).send(t);
    },
  );

  app.get<{ Querystring: PageQuery & UserQuery }>(
    "/tokens",
    {
      preHandler: selfOrOwner,
      schema: {
        summary: "List the caller's API tokens (never the tokens themselves)",
        querystring: { type: "object", properties: { ...pageQuery.properties, ...userQuery.properties } },
        response: { 200: paged(tokenSchema), 403: errorSchema },
      },
    },
    async (req) => page(ctx.tokens.list(subject(req)), req.query),
  );

  app.delete<{ Params: { name: string }; Querystring: UserQuery }>(
    "/tokens/:name",
    {
      config: { audit: { resource: "tokens" } },
      preHandler: selfOrOwner,
      schema: {
        summary: "Revoke one of the caller's API tokens",
        querystring: userQuery,
        response: { 204: { type: "null" }, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      await ctx.tokens.delete(subject(req), req.params.name);
      return reply.code(204).send();
    },
  );
}
