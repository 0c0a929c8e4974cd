// One namespaced object of a member, for every kind of apps/kinds.ts, made
// from a table (never one copy per kind), under
// /clusters/{cluster}/namespaces/{namespace}/{kind}:
//   POST   /{kind}/json          create (JSON, or YAML with Content-Type application/yaml or text/yaml)
//   PUT    /{kind}/{name}/json   replace
//   GET    /{kind}/{name}/json   the object as the member has it (to edit and PUT back)
//   GET    /{kind}/{name}        the object without managedFields, with its cluster
//   PATCH  /{kind}/{name}        a merge, strategic merge or JSON patch, by Content-Type
//   DELETE /{kind}/{name}        with ?propagationPolicy=Foreground|Background|Orphan
// ReplicaSets offer only the reads and delete. Writes take ?dryRun=All. Every
// call goes to the member as the caller, so the member's RBAC decides (a
// Secret's values reach only those who may read Secrets: kube's `view`, and
// so an NS Viewer, may not, and gets the member's 403). Lists are elsewhere
// (routes/lists.ts, from the cache).
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Answer } from "../../apps/callAs.ts";
import { OBJECT_KINDS, type ObjectKind } from "../../apps/kinds.ts";
import {
  createObject,
  DELETE_POLICIES,
  deleteObject,
  type KObject,
  objectView,
  PATCH_TYPES,
  type PropagationPolicy,
  patchObject,
  readObject,
  replaceObject,
} from "../../apps/objects.ts";
import { requireClusterVisible } from "../../access/roles.ts";
import type { PlatformContext } from "../context.ts";
import { dryRunQuery, errors, NS_PREFIX, type NameParams, nameParams, nsParams, objectSchema, targetOf } from "./objectCommon.ts";

export const BODY_TYPES = ["application/json", "application/yaml", "text/yaml"];

type Write = { Params: NameParams; Querystring: { dryRun?: string }; Body: KObject };

const send = (reply: FastifyReply, a: Answer<unknown>) => reply.code(a.status).send(a.body);

export function objectRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  for (const kind of OBJECT_KINDS) kindRoutes(app, ctx, kind);
}

function kindRoutes(app: FastifyInstance, ctx: PlatformContext, kind: ObjectKind): void {
  const base = `${NS_PREFIX}/${kind.plural}`;
  const tags = [kind.plural];
  const what = kind.kind;
  const common = { preHandler: requireClusterVisible(ctx.authz), config: { audit: { resource: kind.plural } } };
  const target = (req: Parameters<typeof targetOf>[1]) => targetOf(ctx, req, kind);
  const written = { 200: objectSchema, 201: objectSchema, ...errors };

  if (!kind.readOnly) {
    app.post<Write>(
      `${base}/json`,
      {
        ...common,
        schema: {
          tags,
          summary: `Create a ${what} from JSON or YAML (Content-Type application/yaml); ?dryRun=All validates only`,
          consumes: BODY_TYPES,
          params: nsParams,
          querystring: dryRunQuery,
          body: objectSchema,
          response: written,
        },
      },
      async (req, reply) => send(reply, await createObject(await target(req), req.body, req.query)),
    );
    app.put<Write>(
      `${base}/:name/json`,
      {
        ...common,
        schema: {
          tags,
          summary: `Replace a ${what} (JSON or YAML); metadata.resourceVersion, when given, must be the stored one`,
          consumes: BODY_TYPES,
          params: nameParams,
          querystring: dryRunQuery,
          body: objectSchema,
          response: written,
        },
      },
      async (req, reply) => send(reply, await replaceObject(await target(req), req.params.name, req.body, req.query)),
    );
    app.patch<{ Params: NameParams; Querystring: { dryRun?: string }; Body: unknown }>(
      `${base}/:name`,
      {
        ...common,
        schema: {
          tags,
          summary: `Patch a ${what}: a JSON merge patch, strategic merge patch or JSON patch, as its Content-Type says`,
          consumes: [...PATCH_TYPES],
          params: nameParams,
          querystring: dryRunQuery,
          body: { anyOf: [{ type: "object", additionalProperties: true }, { type: "array", items: {} }] },
          response: { 200: objectSchema, ...errors },
        },
      },
      async (req, reply) => {
        const type = String(req.headers["content-type"] ?? "").split(";")[0].trim();
        return send(reply, await patchObject(await target(req), req.params.name, req.body, type, req.query));
      },
    );
  }

  app.get<{ Params: NameParams }>(
    `${base}/:name/json`,
    {
      preHandler: common.preHandler,
      schema: { tags, summary: `A ${what} as the member has it`, params: nameParams, response: { 200: objectSchema, ...errors } },
    },
    async (req) => readObject(await target(req), req.params.name),
  );
  app.get<{ Params: NameParams }>(
    `${base}/:name`,
    {
      preHandler: common.preHandler,
      schema: {
        tags,
        summary: `A ${what}, without managedFields, with a "cluster" field`,
        params: nameParams,
        response: { 200: objectSchema, ...errors },
      },
    },
    async (req) => objectView(req.params.cluster, await readObject(await target(req), req.params.name)),
  );
  app.delete<{ Params: NameParams; Querystring: { propagationPolicy?: PropagationPolicy; dryRun?: string } }>(
    `${base}/:name`,
    {
      ...common,
      schema: {
        tags,
        summary: `Delete a ${what}; propagationPolicy says what happens to what it owns (default Background, as kubectl)`,
        params: nameParams,
        querystring: {
          type: "object",
          properties: {
            ...dryRunQuery.properties,
            propagationPolicy: {
              type: "string",
              enum: [...DELETE_POLICIES],
              description: "Foreground: deleted after its dependents; Background: its dependents deleted after it; Orphan: they stay",
            },
          },
        },
        response: { 200: objectSchema, 202: objectSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { propagationPolicy, dryRun } = req.query;
      return send(reply, await deleteObject(await target(req), req.params.name, propagationPolicy, { dryRun }));
    },
  );
}
