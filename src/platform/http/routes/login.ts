// POST /login {"username","password"} → {"token","expiresAt"}. A bad pair is
// 401; repeated failures per user or per address are 429 with Retry-After.
// Every attempt is audited, the password never. A login also sets the
// console's session cookie, which only its pages read (serverRender.ts);
// POST /logout clears it.
import type { FastifyInstance } from "fastify";
import type { PlatformContext } from "../context.ts";
import { errorSchema, PlatformError } from "../errors.ts";
import { clearedSessionCookie, sessionCookie } from "../serverRender.ts";

export function loginRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.post<{ Body: { username: string; password: string } }>(
    "/login",
    {
      config: { public: true },
      schema: {
        summary: "Log in with a password; answers a bearer token",
        security: [],
        body: {
          type: "object",
          required: ["username", "password"],
          properties: { username: { type: "string", maxLength: 253 }, password: { type: "string", maxLength: 1024 } },
        },
        response: {
          200: { type: "object", properties: { token: { type: "string" }, expiresAt: { type: "string" } } },
          401: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const audit = (code: number) =>
        ctx.audit.record({
          time: new Date().toISOString(),
          user: username,
          sourceIP: req.ip,
          verb: "login",
          resource: "sessions",
          code,
          path: req.url,
          via: "login",
        });
      const wait = ctx.limiter.retryAfter(username, req.ip);
      if (wait > 0) {
        audit(429);
        throw new PlatformError(429, "TooManyRequests", `too many failed logins; try again in ${wait} s`, {
          headers: { "retry-after": String(wait) },
        });
      }
      if (!(await ctx.users.checkPassword(username, password))) {
        ctx.limiter.fail(username, req.ip);
        audit(401);
        throw new PlatformError(401, "Unauthorized", "invalid username or password");
      }
      ctx.limiter.succeed(username, req.ip);
      audit(200);
      const session = ctx.signer.sign(username, "session", ctx.sessionTTLSeconds);
      reply.header("set-cookie", sessionCookie(session.token));
      return session;
    },
  );
  // Public: it only clears this browser's cookie (the token itself ends at its expiry).
  app.post(
    "/logout",
    {
      config: { public: true },
      schema: { summary: "Log the console out: clears its session cookie", security: [], response: { 204: { type: "null" } } },
    },
    async (_req, reply) => reply.header("set-cookie", clearedSessionCookie()).code(204).send(),
  );
}
