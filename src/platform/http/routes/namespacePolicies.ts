// Policies of one namespace, every call made on the member AS the caller
// (the member's RBAC, kept by access/memberRbac.ts, decides: NS editors
// may write NetworkPolicies, only cluster admins ResourceQuotas,
// LimitRanges and namespace labels, as Kubernetes' edit and admin roles
// say). Under /clusters/{cluster}/namespaces/{namespace}/, per kind
// (networkpolicies, resourcequotas, limitranges):
//   POST {kind}            create (the object as JSON or YAML; ?dryRun=All)
//   GET  {kind}/{name}     read (without managedFields); …/json as the member serves it
//   PUT  {kind}/{name}     replace (?dryRun=All)
//   DELETE {kind}/{name}
// Lists come from the search cache (routes/lists.ts). And:
//   GET resourcequotas:compute   usage against the hard limits
//   GET limitranges:compute      effective defaults, min and max per type
//   POST /clusters/{c}/namespaces/{name}/podsecurity:enable {level, version?, modes?}
//   POST …/podsecurity:disable   set or remove the Pod Security Admission labels
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireAction, requireClusterVisible } from "../../access/roles.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { PSA_PREFIX, psaLabelsOf } from "../../policies/desired.ts";
import { namespacePath, OBJECT_KINDS } from "../../policies/kinds.ts";
import { memberCall, type MemberCall } from "../../policies/memberCall.ts";
import { computeLimitRanges, computeQuotas } from "../../policies/namespaceCompute.ts";
import { LEVELS, POLICY_LABEL } from "../../policies/types.ts";
import { auditTarget } from "../audit.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest, conflict, errorSchema, fromMember } from "../errors.ts";
import { addObjectParsers } from "./workloads.ts";

const str = { type: "string" } as const;
const objectSchema = { type: "object", additionalProperties: true, description: "a Kubernetes object" } as const;
const nsParams = { type: "object", required: ["cluster", "namespace"], properties: { cluster: str, namespace: str } } as const;
const nameParams = { type: "object", required: ["cluster", "namespace", "name"], properties: { cluster: str, namespace: str, name: str } } as const;
const dryRunQuery = { type: "object", properties: { dryRun: { type: "string", enum: ["All"] } } } as const;
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema } as const;
const PREFIX = "/clusters/:cluster/namespaces/:namespace";

type NsP = { cluster: string; namespace: string };
type KBody = { metadata?: Record<string, any>; [k: string]: unknown };
type NameP = NsP & { name: string };

const strMap = { type: "object", additionalProperties: str } as const;
const quotaComputeSchema = {
  type: "object",
  properties: {
    quotas: { type: "array", items: { type: "object", properties: { name: str, hard: strMap, used: strMap } } },
    resources: {
      type: "array",
      items: { type: "object", properties: { resource: str, hard: str, used: str, remaining: str, percent: { type: "number" }, quota: str } },
    },
  },
} as const;
const limitComputeSchema = {
  type: "object",
  properties: {
    limitRanges: { type: "array", items: str },
    types: {
      type: "array",
      items: { type: "object", properties: { type: str, default: strMap, defaultRequest: strMap, min: strMap, max: strMap, maxLimitRequestRatio: strMap } },
    },
  },
} as const;
const podSecuritySchema = {
  type: "object",
  properties: { namespace: str, labels: strMap, warnings: { type: "array", items: str, description: "the member's warnings (existing pods that violate the new level)" } },
} as const;

const caller = (req: FastifyRequest) => ({ user: req.principal?.name ?? "", ip: req.ip });
const withoutManagedFields = (o: any) => {
  if (o?.metadata?.managedFields) delete o.metadata.managedFields;
  return o;
};

export async function namespacePolicyRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  // In a plugin of their own, with the object routes' body parsers: an object may come as YAML.
  await app.register(async (scope) => {
    addObjectParsers(scope);
    routes(scope, ctx);
  });
}

function routes(app: FastifyInstance, ctx: PlatformContext): void {
  const visible = requireClusterVisible(ctx.authz);
  /** A call on the request's cluster as its caller; the member's refusals keep their code and message. */
  const call = async (req: FastifyRequest, c: MemberCall) => {
    const { cluster } = req.params as NsP;
    const m = await memberOf(ctx, cluster);
    try {
      return await memberCall(m, { ...c, as: caller(req) });
    } catch (e) {
      throw fromMember(cluster, e);
    }
  };
  const dry = (req: FastifyRequest) => ((req.query as { dryRun?: string }).dryRun === "All" ? "?dryRun=All" : "");

  for (const k of Object.values(OBJECT_KINDS)) {
    const tags = [k.resource];
    const base = `${PREFIX}/${k.resource}`;
    const item = (p: NameP) => `${k.path(p.namespace)}/${encodeURIComponent(p.name)}`;
    const audit = { audit: { resource: k.resource } };
    app.post<{ Params: NsP; Body: KBody }>(
      base,
      { preHandler: visible, config: audit, schema: { tags, summary: `Create a ${k.kind}`, params: nsParams, querystring: dryRunQuery, body: objectSchema, response: { 201: objectSchema, 200: objectSchema, ...errors } } },
      async (req, reply) => {
        const body = { ...req.body, apiVersion: k.apiVersion, kind: k.kind, metadata: { ...req.body?.metadata, namespace: req.params.namespace } };
        const res = await call(req, { method: "POST", path: `${k.path(req.params.namespace)}${dry(req)}`, body });
        auditTarget(req, { name: res.body?.metadata?.name });
        return reply.code(res.status).send(withoutManagedFields(res.body));
      },
    );
    for (const raw of [false, true]) {
      app.get<{ Params: NameP }>(
        `${base}/:name${raw ? "/json" : ""}`,
        {
          preHandler: visible,
          schema: { tags, summary: raw ? `A ${k.kind} as the member serves it` : `A ${k.kind}`, params: nameParams, response: { 200: objectSchema, ...errors } },
        },
        async (req) => {
          const res = await call(req, { path: item(req.params) });
          return raw ? res.body : withoutManagedFields(res.body);
        },
      );
    }
    app.put<{ Params: NameP; Body: KBody }>(
      `${base}/:name`,
      { preHandler: visible, config: audit, schema: { tags, summary: `Replace a ${k.kind}`, params: nameParams, querystring: dryRunQuery, body: objectSchema, response: { 200: objectSchema, ...errors } } },
      async (req) => {
        const p = req.params;
        if (req.body?.metadata?.name !== undefined && req.body.metadata.name !== p.name) throw badRequest("metadata.name does not match the path");
        const body = { ...req.body, apiVersion: k.apiVersion, kind: k.kind, metadata: { ...req.body?.metadata, name: p.name, namespace: p.namespace } };
        return withoutManagedFields((await call(req, { method: "PUT", path: `${item(p)}${dry(req)}`, body })).body);
      },
    );
    app.delete<{ Params: NameP }>(
      `${base}/:name`,
      { preHandler: visible, config: audit, schema: { tags, summary: `Delete a ${k.kind}`, params: nameParams, response: { 200: objectSchema, ...errors } } },
      async (req) => withoutManagedFields((await call(req, { method: "DELETE", path: item(req.params) })).body),
    );
  }

  app.get<{ Params: NsP }>(
    `${PREFIX}/resourcequotas::compute`,
    {
      preHandler: visible,
      schema: { tags: ["resourcequotas"], summary: "Usage against the hard limits of the namespace's quotas (per resource, the quota with the least room left)", params: nsParams, response: { 200: quotaComputeSchema, ...errors } },
    },
    async (req) => computeQuotas((await call(req, { path: OBJECT_KINDS.ResourceQuota.path(req.params.namespace) })).body?.items ?? []),
  );

  app.get<{ Params: NsP }>(
    `${PREFIX}/limitranges::compute`,
    {
      preHandler: visible,
      schema: { tags: ["limitranges"], summary: "The defaults, min, max and ratios new pods, containers and claims of the namespace get, per type", params: nsParams, response: { 200: limitComputeSchema, ...errors } },
    },
    async (req) => {
      const items: any[] = (await call(req, { path: OBJECT_KINDS.LimitRange.path(req.params.namespace) })).body?.items ?? [];
      return { limitRanges: items.map((i) => i.metadata?.name), types: computeLimitRanges(items) };
    },
  );

  podSecurityRoutes(app, ctx, call);
}

type Call = (req: FastifyRequest, c: MemberCall) => Promise<{ body: any; warnings: string[] }>;
type PsaP = { cluster: string; name: string };
type Enable = { level: string; version?: string; modes?: string[] };
const MODES = ["enforce", "audit", "warn"];

function podSecurityRoutes(app: FastifyInstance, ctx: PlatformContext, call: Call): void {
  const params = { type: "object", required: ["cluster", "name"], properties: { cluster: str, name: str } } as const;
  const tags = ["namespaces"];
  // As for a namespace's labels (routes/namespaces.ts): Pod Security labels need a ClusterAdmin.
  const allowed = requireAction(ctx.authz, "namespace.podSecurity", (req) => {
    const p = req.params as PsaP;
    return { cluster: p.cluster, namespace: p.name };
  });
  /** Sets the namespace's Pod Security labels to `want` (the others removed); a namespace kept by a cluster policy is refused. */
  const relabel = async (req: FastifyRequest<{ Params: PsaP }>, want: Record<string, string>) => {
    const { name } = req.params;
    auditTarget(req, { namespace: name });
    const path = namespacePath(name);
    const ns = (await call(req, { path })).body;
    const keeper = ns?.metadata?.labels?.[POLICY_LABEL];
    if (keeper) throw conflict(`the Pod Security labels of namespace "${name}" are kept by cluster policy "${keeper}"`, req.params.cluster);
    const labels: Record<string, string | null> = { ...want };
    for (const [k] of psaLabelsOf(ns?.metadata?.labels)) if (!(k in want)) labels[k] = null;
    const body = { metadata: { labels, resourceVersion: ns?.metadata?.resourceVersion } };
    const res = await call(req, { method: "PATCH", path, body, contentType: "application/merge-patch+json" });
    return { namespace: name, labels: Object.fromEntries(psaLabelsOf(res.body?.metadata?.labels)), warnings: res.warnings };
  };

  app.post<{ Params: PsaP; Body: Enable }>(
    "/clusters/:cluster/namespaces/:name/podsecurity::enable",
    {
      preHandler: allowed,
      config: { audit: { resource: "namespaces/podsecurity" } },
      schema: {
        tags,
        summary: "Set the namespace's Pod Security Admission labels: level (and version) for each mode (default enforce, audit and warn)",
        params,
        body: {
          type: "object",
          required: ["level"],
          properties: {
            level: { type: "string", enum: [...LEVELS] },
            version: { type: "string", pattern: "^(latest|v1\\.(0|[1-9][0-9]{0,8}))$", default: "latest" },
            modes: { type: "array", items: { type: "string", enum: MODES }, minItems: 1, uniqueItems: true },
          },
        },
        response: { 200: podSecuritySchema, ...errors },
      },
    },
    async (req) => {
      const want: Record<string, string> = {};
      for (const mode of req.body.modes ?? MODES) {
        want[`${PSA_PREFIX}${mode}`] = req.body.level;
        want[`${PSA_PREFIX}${mode}-version`] = req.body.version ?? "latest";
      }
      return relabel(req, want);
    },
  );

  app.post<{ Params: PsaP }>(
    "/clusters/:cluster/namespaces/:name/podsecurity::disable",
    {
      preHandler: allowed,
      config: { audit: { resource: "namespaces/podsecurity" } },
      schema: { tags, summary: "Remove the namespace's Pod Security Admission labels", params, response: { 200: podSecuritySchema, ...errors } },
    },
    async (req) => relabel(req, {}),
  );
}
