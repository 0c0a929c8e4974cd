// The workload and object routes of a member's namespace (issue 13): objects
// (objects.ts), actions, revisions and related workloads
// (workloadActions.ts). They run in a plugin of their own, so the body
// parsers they add (YAML objects, and the three patch types as JSON) serve
// only them, and share one set of kept-alive connections per member for
// their calls as the caller.
import type { FastifyInstance } from "fastify";
import { parse } from "yaml";
import { MemberCalls } from "../../apps/callAs.ts";
import { PATCH_TYPES } from "../../apps/objects.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { objectRoutes } from "./objects.ts";
import { workloadActionRoutes } from "./workloadActions.ts";

export async function workloadRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  await app.register(async (scope) => {
    const calls = new MemberCalls();
    scope.addHook("onClose", async () => calls.close());
    scope.addContentTypeParser(["application/yaml", "text/yaml"], { parseAs: "string" }, (_req, body, done) => {
      try {
        // One document: several (---) is an error here, as one object is expected.
        done(null, parse(body as string));
      } catch (e) {
        done(badRequest(`the body is not one YAML document: ${(e as Error).message}`));
      }
    });
    scope.addContentTypeParser([...PATCH_TYPES], { parseAs: "string" }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(badRequest(`the patch is not JSON: ${(e as Error).message}`));
      }
    });
    objectRoutes(scope, ctx, calls);
    workloadActionRoutes(scope, ctx, calls);
  });
}
