// Scaling, as the caller (the member's RBAC decides): a workload's replicas
// by hand (its scale subresource), HorizontalPodAutoscalers (autoscaling/v2
// where the member serves it, else v2beta2 for a 1.20 member), and
// CronHorizontalPodAutoscalers (scaling/cronHpaCrd.ts; the CRD is installed
// in the member on the first create; kpanda's leader runs them,
// scaling/CronHpaController.ts). Lists of HPAs come from the cache
// (routes/lists.ts); CronHPAs are not cached and are listed from the member.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parseSchedule } from "../../../cron/cron.ts";
import { requireClusterVisible } from "../../access/roles.ts";
import { type Caller, callerJson, type CallerRequest } from "../../apps/callAs.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { MemberHttpError } from "../../clusters/memberHttp.ts";
import type { Member } from "../../clusters/members.ts";
import { CRONHPA_GROUP, CRONHPA_KIND, CRONHPA_VERSION, cronHpaPath, cronHpaServed, ensureCronHpaCrd } from "../../scaling/cronHpaCrd.ts";
import { hpaPath, hpaVersion, SCALABLE, SCALABLE_PLURALS, scalePath } from "../../scaling/scale.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, fromMember, PlatformError } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

const str = { type: "string" } as const;
const anyObject = { type: "object", additionalProperties: true } as const;
const nsParams = { type: "object", required: ["cluster", "namespace"], properties: { cluster: str, namespace: str } } as const;
const nameParams = { type: "object", required: ["cluster", "namespace", "name"], properties: { cluster: str, namespace: str, name: str } } as const;
const dryRunQuery = { type: "object", properties: { dryRun: { type: "string", enum: ["All"], description: "validate in the member without saving" } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema } as const;
const scaleSchema = {
  type: "object",
  properties: { replicas: { type: "integer", description: "desired (spec)" }, currentReplicas: { type: "integer", description: "observed (status)" }, selector: str },
} as const;

type NsP = { cluster: string; namespace: string };
type NameP = NsP & { name: string };
type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; managedFields?: unknown; [k: string]: unknown }; spec?: any; [k: string]: unknown };

const caller = (req: FastifyRequest): Caller => ({ user: req.principal?.name ?? "", ip: req.ip });
const dry = (q: { dryRun?: string }) => (q.dryRun ? `?dryRun=${q.dryRun}` : "");

async function call<T = any>(ctx: PlatformContext, cluster: string, req: FastifyRequest, r: CallerRequest | ((m: Member) => Promise<CallerRequest>)): Promise<T> {
  const m = await memberOf(ctx, cluster);
  try {
    return await callerJson<T>(m, caller(req), typeof r === "function" ? await r(m) : r);
  } catch (e) {
    throw fromMember(cluster, e);
  }
}

function clean<T extends Obj>(o: T): T {
  if (!o?.metadata?.managedFields) return o;
  const { managedFields: _, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** The body as one object of `kind` in the path's namespace (and with the path's name on a replace). */
function objectOf(body: unknown, kind: string, apiVersion: string, namespace: string, name?: string): Obj {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new PlatformError(400, "BadRequest", `the body must be one ${kind} object`);
  const o = body as Obj;
  if (o.kind !== undefined && o.kind !== kind) throw new PlatformError(400, "BadRequest", `the body is a ${o.kind}, not a ${kind}`);
  const metadata = { ...(o.metadata ?? {}), namespace };
  if (name !== undefined) {
    if (metadata.name !== undefined && metadata.name !== name) throw new PlatformError(400, "BadRequest", `metadata.name "${metadata.name}" does not match the path's "${name}"`);
    metadata.name = name;
  }
  return { ...o, apiVersion, kind, metadata };
}

/** kube-apiserver's wording for an invalid object: `Kind.group "name" is invalid: field: Invalid value: …`. */
function invalid(name: string, problems: string[]): PlatformError {
  return new PlatformError(422, "Invalid", `${CRONHPA_KIND}.${CRONHPA_GROUP} "${name}" is invalid: ${problems.join(", ")}`);
}

/** What the CRD's schema cannot say: each schedule and time zone parses, job names are distinct, the target can scale. */
export function validateCronHpa(o: Obj): void {
  const problems: string[] = [];
  const ref = o.spec?.scaleTargetRef;
  if (ref?.kind !== undefined && !SCALABLE[ref.kind]) {
    problems.push(`spec.scaleTargetRef.kind: Unsupported value: ${JSON.stringify(ref.kind)}: supported values: "Deployment", "ReplicaSet", "StatefulSet"`);
  }
  const names = new Set<string>();
  for (const [i, job] of (Array.isArray(o.spec?.jobs) ? o.spec.jobs : []).entries()) {
    if (typeof job?.name === "string") {
      if (names.has(job.name)) problems.push(`spec.jobs[${i}].name: Duplicate value: ${JSON.stringify(job.name)}`);
      names.add(job.name);
    }
    if (typeof job?.schedule !== "string") continue;
    try {
      parseSchedule(job.schedule, typeof job.timeZone === "string" ? job.timeZone : undefined);
    } catch (e) {
      const field = /location|time zone/.test((e as Error).message) ? "timeZone" : "schedule";
      problems.push(`spec.jobs[${i}].${field}: Invalid value: ${JSON.stringify(field === "timeZone" ? job.timeZone : job.schedule)}: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw invalid(String(o.metadata?.name ?? ""), problems);
}

export function scalingRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const visible = requireClusterVisible(ctx.authz);
  scaleRoutes(app, ctx, visible);
  hpaRoutes(app, ctx, visible);
  cronHpaRoutes(app, ctx, visible);
}

type Pre = ReturnType<typeof requireClusterVisible>;

function scaleRoutes(app: FastifyInstance, ctx: PlatformContext, visible: Pre): void {
  const view = (s: any) => ({ replicas: s?.spec?.replicas ?? 0, currentReplicas: s?.status?.replicas ?? 0, ...(s?.status?.selector ? { selector: s.status.selector } : {}) });
  for (const plural of SCALABLE_PLURALS) {
    const path = `/clusters/:cluster/namespaces/:namespace/${plural}/:name/scale`;
    const tags = ["scaling"];
    app.get<{ Params: NameP }>(
      path,
      { preHandler: visible, schema: { tags, summary: `The replicas of one of the ${plural}: desired and current`, params: nameParams, response: { 200: scaleSchema, ...errors } } },
      async (req) => view(await call(ctx, req.params.cluster, req, { path: scalePath(req.params.namespace, plural, req.params.name) })),
    );
    app.put<{ Params: NameP; Body: { replicas: number }; Querystring: { dryRun?: string } }>(
      path,
      {
        preHandler: visible,
        config: { audit: { resource: `${plural}/scale`, verb: "scale" } },
        schema: {
          tags,
          summary: `Set the replicas of one of the ${plural} by hand (its scale subresource, as kubectl scale)`,
          description: "An HPA that targets the workload will move it again within its bounds.",
          params: nameParams,
          querystring: dryRunQuery,
          body: { type: "object", required: ["replicas"], properties: { replicas: { type: "integer", minimum: 0 } } },
          response: { 200: scaleSchema, ...errors },
        },
      },
      async (req) => {
        const { namespace, name } = req.params;
        const r = { method: "PATCH", path: scalePath(namespace, plural, name) + dry(req.query), body: { spec: { replicas: req.body.replicas } }, contentType: "application/merge-patch+json" };
        return view(await call(ctx, req.params.cluster, req, r));
      },
    );
  }
}

function hpaRoutes(app: FastifyInstance, ctx: PlatformContext, visible: Pre): void {
  const tags = ["scaling"];
  const base = "/clusters/:cluster/namespaces/:namespace/horizontalpodautoscalers";
  const resource = { audit: { resource: "horizontalpodautoscalers" } };
  app.post<{ Params: NsP; Body: unknown; Querystring: { dryRun?: string } }>(
    base,
    {
      preHandler: visible,
      config: resource,
      schema: {
        tags,
        summary: "Create a HorizontalPodAutoscaler (given in the autoscaling/v2 shape; sent as v2beta2 to a member without v2)",
        params: nsParams,
        querystring: dryRunQuery,
        body: anyObject,
        response: { 201: anyObject, ...errors },
      },
    },
    async (req, reply) => {
      const hpa = await call(ctx, req.params.cluster, req, async (m) => {
        const v = await hpaVersion(m);
        return { method: "POST", path: hpaPath(v, req.params.namespace) + dry(req.query), body: objectOf(req.body, "HorizontalPodAutoscaler", `autoscaling/${v}`, req.params.namespace) };
      });
      return reply.code(201).send(clean(hpa));
    },
  );
  const get = async (req: FastifyRequest<{ Params: NameP }>) =>
    clean(await call(ctx, req.params.cluster, req, async (m) => ({ path: hpaPath(await hpaVersion(m), req.params.namespace, req.params.name) })));
  const getSchema = { tags, summary: "A HorizontalPodAutoscaler, at the version the member serves (v2, else v2beta2)", params: nameParams, response: { 200: anyObject, ...errors } };
  app.get<{ Params: NameP }>(`${base}/:name`, { preHandler: visible, schema: getSchema }, get);
  app.get<{ Params: NameP }>(`${base}/:name/json`, { preHandler: visible, schema: getSchema }, get);
  app.put<{ Params: NameP; Body: unknown; Querystring: { dryRun?: string } }>(
    `${base}/:name`,
    {
      preHandler: visible,
      config: resource,
      schema: { tags, summary: "Replace a HorizontalPodAutoscaler (metadata.resourceVersion, when given, must be current; without, the body replaces the current one)", params: nameParams, querystring: dryRunQuery, body: anyObject, response: { 200: anyObject, ...errors } },
    },
    async (req) => {
      const { namespace, name } = req.params;
      const m = await memberOf(ctx, req.params.cluster);
      try {
        const v = await hpaVersion(m);
        const body = objectOf(req.body, "HorizontalPodAutoscaler", `autoscaling/${v}`, namespace, name);
        return clean(await replaceCurrent(m, caller(req), hpaPath(v, namespace, name), dry(req.query), body));
      } catch (e) {
        throw fromMember(m.name, e);
      }
    },
  );
  app.delete<{ Params: NameP }>(
    `${base}/:name`,
    { preHandler: visible, config: resource, schema: { tags, summary: "Delete a HorizontalPodAutoscaler", params: nameParams, response: { 200: anyObject, ...errors } } },
    async (req) => call(ctx, req.params.cluster, req, async (m) => ({ method: "DELETE", path: hpaPath(await hpaVersion(m), req.params.namespace, req.params.name) })),
  );
}

/**
 * Replaces the object at `path` (with `query`). With metadata.resourceVersion
 * the member checks it (409 when stale); without, the body replaces whatever
 * is current: it takes the current resourceVersion (the member wants one on
 * an update of these kinds), again after a 409 from a controller's status
 * write in between (the HPA controller's, kpanda's CronHPA controller's).
 */
async function replaceCurrent(m: Member, who: Caller, path: string, query: string, body: Obj): Promise<Obj> {
  if (body.metadata?.resourceVersion) return callerJson<Obj>(m, who, { method: "PUT", path: path + query, body });
  for (let attempt = 0; ; attempt++) {
    const current = await callerJson<Obj>(m, who, { path });
    try {
      return await callerJson<Obj>(m, who, { method: "PUT", path: path + query, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } });
    } catch (e) {
      if (!(e instanceof MemberHttpError && e.code === 409) || attempt >= 4) throw e;
    }
  }
}

function cronHpaRoutes(app: FastifyInstance, ctx: PlatformContext, visible: Pre): void {
  const tags = ["scaling"];
  const base = "/clusters/:cluster/namespaces/:namespace/cronhorizontalpodautoscalers";
  const resource = { audit: { resource: "cronhorizontalpodautoscalers" } };
  const apiVersion = `${CRONHPA_GROUP}/${CRONHPA_VERSION}`;
  app.get<{ Params: NsP; Querystring: PageQuery }>(
    base,
    {
      preHandler: visible,
      schema: { tags, summary: "The CronHorizontalPodAutoscalers of a namespace, from the member, sorted by name", params: nsParams, querystring: pageQuery, response: { 200: paged(anyObject), ...errors } },
    },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      // A member where no one made one yet has no CRD: an empty list.
      if (!(await m.run((s) => cronHpaServed(m, s)).catch((e) => Promise.reject(fromMember(m.name, e))))) return page([], req.query);
      const list = await call(ctx, req.params.cluster, req, { path: cronHpaPath(req.params.namespace) });
      const items = ((list?.items ?? []) as Obj[]).map(clean).sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
      return page(items, req.query);
    },
  );
  app.post<{ Params: NsP; Body: unknown; Querystring: { dryRun?: string } }>(
    base,
    {
      preHandler: visible,
      config: resource,
      schema: {
        tags,
        summary: "Create a CronHorizontalPodAutoscaler (the member gets its CRD first if it lacks it)",
        description:
          "spec.scaleTargetRef {apiVersion, kind: Deployment|StatefulSet|ReplicaSet, name}; spec.jobs[] {name, schedule (five-field cron), timeZone?, targetSize, runOnce?}; spec.startingDeadlineSeconds (default 600): a run more than this late (kpanda was down) is Missed, not made. When an HPA targets the workload, a job moves the HPA's minReplicas (and maxReplicas if needed) instead of the replicas. status.conditions[] per job: state (Submitted, Succeed, Failed, Missed), message, lastScheduleTime, lastRunTime, nextRunTime.",
        params: nsParams,
        querystring: dryRunQuery,
        body: anyObject,
        response: { 201: anyObject, ...errors },
      },
    },
    async (req, reply) => {
      const body = objectOf(req.body, CRONHPA_KIND, apiVersion, req.params.namespace);
      validateCronHpa(body);
      const m = await memberOf(ctx, req.params.cluster);
      try {
        await ensureCronHpaCrd(m);
      } catch (e) {
        throw fromMember(m.name, e);
      }
      const created = await call(ctx, req.params.cluster, req, { method: "POST", path: cronHpaPath(req.params.namespace) + dry(req.query), body });
      return reply.code(201).send(clean(created));
    },
  );
  const get = async (req: FastifyRequest<{ Params: NameP }>) => clean(await call(ctx, req.params.cluster, req, { path: cronHpaPath(req.params.namespace, req.params.name) }));
  const getSchema = { tags, summary: "A CronHorizontalPodAutoscaler with its jobs' status", params: nameParams, response: { 200: anyObject, ...errors } };
  app.get<{ Params: NameP }>(`${base}/:name`, { preHandler: visible, schema: getSchema }, get);
  app.get<{ Params: NameP }>(`${base}/:name/json`, { preHandler: visible, schema: getSchema }, get);
  app.put<{ Params: NameP; Body: unknown; Querystring: { dryRun?: string } }>(
    `${base}/:name`,
    {
      preHandler: visible,
      config: resource,
      schema: { tags, summary: "Replace a CronHorizontalPodAutoscaler's spec (its status is kpanda's)", params: nameParams, querystring: dryRunQuery, body: anyObject, response: { 200: anyObject, ...errors } },
    },
    async (req) => {
      const { namespace, name } = req.params;
      const body = objectOf(req.body, CRONHPA_KIND, apiVersion, namespace, name);
      validateCronHpa(body);
      const m = await memberOf(ctx, req.params.cluster);
      try {
        return clean(await replaceCurrent(m, caller(req), cronHpaPath(namespace, name), dry(req.query), body));
      } catch (e) {
        throw fromMember(m.name, e);
      }
    },
  );
  app.delete<{ Params: NameP }>(
    `${base}/:name`,
    { preHandler: visible, config: resource, schema: { tags, summary: "Delete a CronHorizontalPodAutoscaler", params: nameParams, response: { 200: anyObject, ...errors } } },
    async (req) => call(ctx, req.params.cluster, req, { method: "DELETE", path: cronHpaPath(req.params.namespace, req.params.name) }),
  );
}
