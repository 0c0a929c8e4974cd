// Custom resources of a member cluster (issue 13), as Kpanda's Apiextensions
// paths name them, under /clusters/{cluster}:
//   customresourcedefinitions        POST (JSON or YAML); the list is the cache's (routes/lists.ts)
//   customresourcedefinitions/{name} GET (without managedFields), /json (as stored), PUT, DELETE
//   crd-groups                       the cached CRDs grouped by API group
//   gvr/{group}/{version}[/namespaces/{namespace}]/{resource}
//                                    GET (a page of objects, from the member, with printer columns), POST
//   …/{resource}/{name}              GET, /json, PUT, /status PUT, PATCH (by Content-Type), DELETE
// Every call but crd-groups goes to the member as the caller
// (apps/callAs.ts), so the member's RBAC decides; writes take dryRun=All, and
// an object the CRD's schema refuses is the member's 422 with its field
// causes. crd-groups is read from the cache and, like the CRD list, needs
// ClusterAdmin (CRDs are cluster-scoped). See apps/customResources.ts for how
// a member's limit/continue list becomes a page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireClusterAdmin, requireClusterVisible } from "../../access/roles.ts";
import type { Answer } from "../../apps/callAs.ts";
import {
  type CrTarget,
  crdGroups,
  crdPath,
  createCustomResource,
  deleteCustomResource,
  listCustomResources,
  patchCustomResource,
  readCustomResource,
  replaceCustomResource,
  view,
} from "../../apps/customResources.ts";
import { DELETE_POLICIES, type KObject, PATCH_TYPES, type PropagationPolicy } from "../../apps/objects.ts";
import { callAs } from "../../apps/callAs.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { auditTarget } from "../audit.ts";
import { freshnessOf } from "../cacheList.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema } from "../errors.ts";
import { MAX_PAGE_SIZE } from "../pagination.ts";
import { dryRunQuery, errors, objectSchema } from "./objectCommon.ts";
import { addObjectParsers } from "./workloads.ts";
import { BODY_TYPES } from "./objects.ts";

const str = { type: "string" } as const;
const CRD_TAGS = ["customresourcedefinitions"];
const CR_TAGS = ["customresources"];

type P = { cluster: string; group: string; version: string; resource: string; namespace?: string; name?: string };
type Dry = { dryRun?: string };
type DeleteQ = Dry & { propagationPolicy?: PropagationPolicy };
type ListQ = { page?: number; pageSize?: number; fuzzySearch?: string; labelSelector?: string; fieldSelector?: string };

const paramsOf = (...names: string[]) => ({ type: "object", required: names, properties: Object.fromEntries(names.map((n) => [n, str])) });
const allErrors = { ...errors, 413: errorSchema, 415: errorSchema };
const written = { 200: objectSchema, 201: objectSchema, ...allErrors };
const deleteQuery = {
  type: "object",
  properties: { ...dryRunQuery.properties, propagationPolicy: { type: "string", enum: [...DELETE_POLICIES], description: "default Background, as kubectl" } },
} as const;
const patchBody = { anyOf: [{ type: "object", additionalProperties: true }, { type: "array", items: {} }] };

const listQuery = {
  type: "object",
  properties: {
    page: { type: "integer", minimum: 1, default: 1 },
    pageSize: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: 10 },
    fuzzySearch: { type: "string", description: "case-insensitive substring of the name" },
    labelSelector: { type: "string", description: "passed to the member" },
    fieldSelector: { type: "string", description: "passed to the member" },
  },
} as const;

const crListResponse = {
  type: "object",
  properties: {
    items: {
      type: "array",
      items: { ...objectSchema, properties: { cluster: str, columns: { type: "object", additionalProperties: true, description: "printer column name → value" } } },
    },
    pagination: { type: "object", properties: { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } } },
    resourceVersion: { type: "string", description: "the member's list resourceVersion" },
  },
} as const;

const crdGroupsResponse = {
  type: "object",
  properties: {
    items: {
      type: "array",
      items: {
        type: "object",
        properties: {
          group: str,
          crds: {
            type: "array",
            items: {
              type: "object",
              properties: { name: str, kind: str, plural: str, scope: str, versions: { type: "array", items: str }, storageVersion: str },
            },
          },
        },
      },
    },
    pagination: { type: "object", properties: { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } } },
    revision: str,
    freshness: { type: "array", items: { type: "object", properties: { cluster: str, state: str, since: str } } },
  },
} as const;

const contentType = (req: FastifyRequest) => String(req.headers["content-type"] ?? "").split(";")[0].trim();
const send = (reply: FastifyReply, a: Answer<unknown>) => reply.code(a.status).send(a.body);
const caller = (req: FastifyRequest) => ({ user: req.principal?.name ?? "", ip: req.ip });

export async function customResourceRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  await app.register(async (scope) => {
    addObjectParsers(scope);
    crdRoutes(scope, ctx);
    crRoutes(scope, ctx, "/clusters/:cluster/gvr/:group/:version/:resource", ["cluster", "group", "version", "resource"], "cluster-scoped");
    crRoutes(scope, ctx, "/clusters/:cluster/gvr/:group/:version/namespaces/:namespace/:resource", ["cluster", "group", "version", "namespace", "resource"], "namespaced");
  });
}

function crdRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const visible = requireClusterVisible(ctx.authz);
  const base = "/clusters/:cluster/customresourcedefinitions";
  const audit = { audit: { resource: "customresourcedefinitions" } };
  const one = paramsOf("cluster", "name");
  const call = async (req: FastifyRequest, r: Parameters<typeof callAs>[2]) => callAs<KObject>(await memberOf(ctx, (req.params as P).cluster), caller(req), r);
  const dry = (q: Dry) => (q.dryRun ? `?dryRun=${q.dryRun}` : "");

  app.post<{ Params: P; Querystring: Dry; Body: KObject }>(
    base,
    {
      preHandler: visible,
      config: audit,
      schema: { tags: CRD_TAGS, summary: "Create a CRD (JSON or YAML), as the caller", consumes: BODY_TYPES, params: paramsOf("cluster"), querystring: dryRunQuery, body: objectSchema, response: written },
    },
    async (req, reply) => send(reply, await call(req, { method: "POST", path: crdPath() + dry(req.query), body: withApiVersion(req.body) })),
  );
  app.put<{ Params: P; Querystring: Dry; Body: KObject }>(
    `${base}/:name`,
    {
      preHandler: visible,
      config: audit,
      schema: { tags: CRD_TAGS, summary: "Replace a CRD (JSON or YAML), as the caller", consumes: BODY_TYPES, params: one, querystring: dryRunQuery, body: objectSchema, response: written },
    },
    async (req, reply) => send(reply, await call(req, { method: "PUT", path: crdPath(req.params.name) + dry(req.query), body: withApiVersion(req.body, req.params.name) })),
  );
  app.get<{ Params: P }>(
    `${base}/:name/json`,
    { preHandler: visible, schema: { tags: CRD_TAGS, summary: "A CRD as the member has it", params: one, response: { 200: objectSchema, ...allErrors } } },
    async (req) => (await call(req, { path: crdPath(req.params.name) })).body,
  );
  app.get<{ Params: P }>(
    `${base}/:name`,
    { preHandler: visible, schema: { tags: CRD_TAGS, summary: 'A CRD, without managedFields, with a "cluster" field', params: one, response: { 200: objectSchema, ...allErrors } } },
    async (req) => view(req.params.cluster, (await call(req, { path: crdPath(req.params.name) })).body),
  );
  app.delete<{ Params: P; Querystring: DeleteQ }>(
    `${base}/:name`,
    {
      preHandler: visible,
      config: audit,
      schema: { tags: CRD_TAGS, summary: "Delete a CRD (and with it every object of it), as the caller", params: one, querystring: deleteQuery, response: { 200: objectSchema, 202: objectSchema, ...allErrors } },
    },
    async (req, reply) => {
      const body = { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: req.query.propagationPolicy ?? "Background" };
      return send(reply, await call(req, { method: "DELETE", path: crdPath(req.params.name) + dry(req.query), body }));
    },
  );
  app.get<{ Params: P; Querystring: { page?: number; pageSize?: number } }>(
    "/clusters/:cluster/crd-groups",
    {
      preHandler: requireClusterAdmin(ctx.authz),
      schema: {
        tags: CRD_TAGS,
        summary: "The cluster's CRDs grouped by API group, from the cache (groups and CRDs by name)",
        params: paramsOf("cluster"),
        querystring: { type: "object", properties: { page: listQuery.properties.page, pageSize: listQuery.properties.pageSize } },
        response: { 200: crdGroupsResponse, ...allErrors },
      },
    },
    async (req) => {
      await memberOf(ctx, req.params.cluster);
      const [{ groups, revision }, freshness] = await Promise.all([
        crdGroups(ctx, req.params.cluster),
        freshnessOf(ctx, { group: "apiextensions.k8s.io", resource: "customresourcedefinitions" }, [req.params.cluster]),
      ]);
      const p = req.query.page ?? 1;
      const size = req.query.pageSize ?? 10;
      return { items: groups.slice((p - 1) * size, p * size), pagination: { total: groups.length, page: p, pageSize: size }, revision: String(revision), freshness };
    },
  );
}

/** A CRD body with its apiVersion and kind filled in when missing (and its name, on replace). */
function withApiVersion(obj: KObject, name?: string): KObject {
  const metadata = { ...(obj.metadata ?? {}) };
  if (name !== undefined && metadata.name === undefined) metadata.name = name;
  return { ...obj, apiVersion: obj.apiVersion ?? "apiextensions.k8s.io/v1", kind: obj.kind ?? "CustomResourceDefinition", metadata };
}

function crRoutes(app: FastifyInstance, ctx: PlatformContext, base: string, names: string[], scope: string): void {
  const visible = requireClusterVisible(ctx.authz);
  const coll = paramsOf(...names);
  const one = paramsOf(...names, "name");
  const what = `a ${scope} custom resource`;
  const target = async (req: FastifyRequest): Promise<CrTarget> => {
    const p = req.params as P;
    // The audit entry names the resource as kube's does for a custom resource: <plural>.<group>.
    auditTarget(req, { resource: `${p.resource}.${p.group}` });
    return { ctx, m: await memberOf(ctx, p.cluster), who: caller(req), gvr: { group: p.group, version: p.version, resource: p.resource, namespace: p.namespace } };
  };
  const common = { preHandler: visible, config: { audit: { resource: "customresources" } } };

  app.get<{ Params: P; Querystring: ListQ }>(
    base,
    {
      preHandler: visible,
      schema: {
        tags: CR_TAGS,
        summary: `List the objects of ${what}, from the member as the caller, each with its printer columns ("columns")`,
        params: coll,
        querystring: listQuery,
        response: { 200: crListResponse, ...allErrors },
      },
    },
    async (req) => listCustomResources(await target(req), req.query),
  );
  app.post<{ Params: P; Querystring: Dry; Body: KObject }>(
    base,
    { ...common, schema: { tags: CR_TAGS, summary: `Create ${what} (JSON or YAML)`, consumes: BODY_TYPES, params: coll, querystring: dryRunQuery, body: objectSchema, response: written } },
    async (req, reply) => send(reply, await createCustomResource(await target(req), req.body, req.query.dryRun)),
  );
  app.get<{ Params: P }>(
    `${base}/:name/json`,
    { preHandler: visible, schema: { tags: CR_TAGS, summary: `${what} as the member has it`, params: one, response: { 200: objectSchema, ...allErrors } } },
    async (req) => readCustomResource(await target(req), req.params.name ?? ""),
  );
  app.get<{ Params: P }>(
    `${base}/:name`,
    { preHandler: visible, schema: { tags: CR_TAGS, summary: `${what}, without managedFields, with a "cluster" field`, params: one, response: { 200: objectSchema, ...allErrors } } },
    async (req) => view(req.params.cluster, await readCustomResource(await target(req), req.params.name ?? "")),
  );
  for (const status of [false, true]) {
    app.put<{ Params: P; Querystring: Dry; Body: KObject }>(
      `${base}/:name${status ? "/status" : ""}`,
      {
        ...common,
        schema: {
          tags: CR_TAGS,
          summary: status ? `Replace the status of ${what} (its CRD must have the status subresource)` : `Replace ${what} (JSON or YAML)`,
          consumes: BODY_TYPES,
          params: one,
          querystring: dryRunQuery,
          body: objectSchema,
          response: written,
        },
      },
      async (req, reply) => send(reply, await replaceCustomResource(await target(req), req.params.name ?? "", req.body, req.query.dryRun, status)),
    );
  }
  app.patch<{ Params: P; Querystring: Dry; Body: unknown }>(
    `${base}/:name`,
    {
      ...common,
      schema: { tags: CR_TAGS, summary: `Patch ${what}: a JSON merge patch or JSON patch, as its Content-Type says`, consumes: [...PATCH_TYPES], params: one, querystring: dryRunQuery, body: patchBody, response: { 200: objectSchema, ...allErrors } },
    },
    async (req, reply) => send(reply, await patchCustomResource(await target(req), req.params.name ?? "", req.body, contentType(req), req.query.dryRun)),
  );
  app.delete<{ Params: P; Querystring: DeleteQ }>(
    `${base}/:name`,
    { ...common, schema: { tags: CR_TAGS, summary: `Delete ${what}`, params: one, querystring: deleteQuery, response: { 200: objectSchema, 202: objectSchema, ...allErrors } } },
    async (req, reply) => send(reply, await deleteCustomResource(await target(req), req.params.name ?? "", req.query.propagationPolicy, req.query.dryRun)),
  );
}
