// The workload and object routes of a member's namespace (issue 13): objects
// (objects.ts), actions, revisions and related workloads
// (workloadActions.ts). They run in a plugin of their own, so the body
// parsers they add (YAML objects, and the three patch types as JSON) serve
// only them.
import type { FastifyInstance } from "fastify";
import { parse } from "yaml";
import { PATCH_TYPES } from "../../apps/objects.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { objectRoutes } from "./objects.ts";
import { workloadActionRoutes } from "./workloadActions.ts";

export async function workloadRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  await app.register(async (scope) => {
    addObjectParsers(scope);
    objectRoutes(scope, ctx);
    workloadActionRoutes(scope, ctx);
  });
}

/** The body parsers of object routes (for their plugin only): one YAML document as an object, and the three patch types as JSON. */
export function addObjectParsers(scope: FastifyInstance): void {
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
}
