// Authentication of every REST and proxy call but login: a bearer token,
// resolved by the context's authenticators (kpanda-signed session and
// kubeconfig tokens, API tokens). A route opts out with `config: { public: true }`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SessionSigner } from "../access/sessionTokens.ts";
import type { UserStore } from "../access/users.ts";
import type { PlatformContext, Principal, TokenAuthenticator } from "./context.ts";
import { unauthorized } from "./errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^bearer /i.test(h)) return undefined;
  return h.slice(7).trim() || undefined;
}

/** The authenticator for kpanda-signed tokens: valid signature, unexpired, user still active. */
export function sessionAuthenticator(signer: SessionSigner, users: UserStore): TokenAuthenticator {
  return (token) => {
    const claims = signer.verify(token);
    if (!claims || !users.active(claims.sub)) return undefined;
    return { name: claims.sub, groups: [], via: claims.use };
  };
}

export async function authenticate(ctx: PlatformContext, token: string | undefined): Promise<Principal | undefined> {
  if (!token) return undefined;
  for (const a of ctx.authenticators) {
    const p = await a(token);
    if (p) return p;
  }
  return undefined;
}

export function registerAuth(app: FastifyInstance, ctx: PlatformContext): void {
  app.decorateRequest("principal", undefined);
  app.addHook("onRequest", async (req) => {
    if (req.routeOptions.config?.public) return;
    const p = await authenticate(ctx, bearerToken(req));
    if (!p) throw unauthorized(bearerToken(req) ? "invalid or expired token" : "authentication required");
    req.principal = p;
  });
}
