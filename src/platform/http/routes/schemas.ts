// GET /clusters/{cluster}/schemas?group=&version=&kind=: the schema of one
// kind as the member's OpenAPI has it, its $refs resolved (apps/kindSchema.ts),
// for the console's YAML completion. Any role in the cluster may read it: it
// is the member's published API, the same for every caller, read as kpanda.
import type { FastifyInstance } from "fastify";
import { requireClusterVisible } from "../../access/roles.ts";
import { type Gvk, kindSchema } from "../../apps/kindSchema.ts";
import { getJson, memberOf } from "../../clusters/memberApi.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest, errorSchema } from "../errors.ts";

const str = { type: "string" } as const;

const response = {
  type: "object",
  properties: {
    group: str,
    version: str,
    kind: str,
    source: { type: "string", enum: ["openapi/v3", "openapi/v2"], description: "the member document it was read from" },
    kubernetesVersion: str,
    schema: { type: "object", additionalProperties: true, description: "an OpenAPI schema without $refs: type, description, enum, required, properties, items, additionalProperties" },
  },
} as const;

/** The resourceVersion of the CRD (in the cache) that defines `g` in `cluster`, if one does. */
async function crdResourceVersion(ctx: PlatformContext, cluster: string, g: Gvk): Promise<string | undefined> {
  if (!g.group.includes(".")) return undefined;
  // A CRD is named <plural>.<group>. The schema is still served when the cache cannot say.
  let r: Awaited<ReturnType<PlatformContext["search"]["index"]["query"]>>;
  try {
    r = await ctx.search.index.query({ group: "apiextensions.k8s.io", resource: "customresourcedefinitions", clusters: [cluster], fuzzySearch: `.${g.group}`, pageSize: 100 });
  } catch {
    return undefined;
  }
  type Crd = { metadata?: { resourceVersion?: string }; spec?: { group?: string; names?: { kind?: string } } };
  const crd = r.items.map((i) => i.object as Crd).find((c) => c.spec?.group === g.group && c.spec?.names?.kind === g.kind);
  return crd?.metadata?.resourceVersion;
}

export async function schemaRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  app.get<{ Params: { cluster: string }; Querystring: Gvk }>(
    "/clusters/:cluster/schemas",
    {
      preHandler: requireClusterVisible(ctx.authz),
      schema: {
        tags: ["schemas"],
        summary: "The OpenAPI schema of one kind in a member, self-contained (for YAML completion)",
        params: { type: "object", required: ["cluster"], properties: { cluster: str } },
        querystring: {
          // version and kind are checked in the handler, after the caller's role: a stranger learns nothing from a 400.
          type: "object",
          properties: { group: { type: "string", default: "", description: "empty for the core group" }, version: str, kind: str },
        },
        response: { 200: response, 400: errorSchema, 403: errorSchema, 404: errorSchema, 500: errorSchema, 503: errorSchema },
      },
    },
    async (req, reply) => {
      const m = await memberOf(ctx, req.params.cluster);
      // The health loop records the member's version; until it has, ask.
      const recorded = ctx.members.cluster(m.name)?.status?.kubernetesVersion as string | undefined;
      const version = recorded ?? (await getJson<{ gitVersion?: string }>(m, "/version")).gitVersion ?? "";
      const { group = "", version: v, kind } = req.query;
      if (!v || !kind) throw badRequest("version and kind are required", m.name);
      const gvk = { group, version: v, kind };
      const answer = await kindSchema(m, { kubernetesVersion: version, crdResourceVersion: await crdResourceVersion(ctx, m.name, gvk) }, gvk);
      // The same for every caller; the browser may keep it for a while.
      reply.header("cache-control", "private, max-age=300");
      return answer;
    },
  );
}
