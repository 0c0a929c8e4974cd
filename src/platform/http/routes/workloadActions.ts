// Workload actions, revisions and the workloads using a ConfigMap or
// Secret, under /clusters/{cluster}/namespaces/{namespace}:
//   POST /{kind}/{name}:restart | :pause | :resume | :stop | :start   (no body)
//   POST /{kind}/{name}:rollback                {"revision": N}
//   GET  /{kind}/{name}/revisions               paged {revision, time, images, changeCause, current}
//   GET  /{kind}/{name}/revisions/{a}/diff/{b}  a unified diff (text/plain) of the pod templates in YAML
//   GET  /configmaps/{name}/related, /secrets/{name}/related
// Which kind offers which action is ACTIONS below (Kpanda's operations).
// Everything is done as the caller (apps/callAs.ts): the member's RBAC
// decides, so an NS Viewer's action is the member's 403.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireClusterVisible } from "../../access/roles.ts";
import { restart, setPaused, start, stop } from "../../apps/actions.ts";
import { restartJob } from "../../apps/jobRestart.ts";
import { kindNamed, type ObjectKind } from "../../apps/kinds.ts";
import type { Target } from "../../apps/objects.ts";
import { relatedWorkloads, type Source } from "../../apps/related.ts";
import { revisionDiff, revisionsOf, rollback } from "../../apps/revisions.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";
import { dryRunQuery, errors, NS_PREFIX, type NameParams, nameParams, objectSchema, targetOf } from "./objectCommon.ts";

type Action = "restart" | "pause" | "resume" | "stop" | "start";

const ACTIONS: Record<string, Action[]> = {
  deployments: ["restart", "pause", "resume", "stop", "start"],
  statefulsets: ["restart", "stop", "start"],
  daemonsets: ["restart"],
  jobs: ["restart"],
  cronjobs: ["pause", "resume"],
};
const WITH_REVISIONS = ["deployments", "statefulsets", "daemonsets"];

const SUMMARY: Record<Action, string> = {
  restart: "Restart: roll every pod (the pod template's kubectl.kubernetes.io/restartedAt set to now, as kubectl rollout restart)",
  pause: "Pause: a Deployment's rollouts (spec.paused), a CronJob's schedule (spec.suspend)",
  resume: "Resume what :pause paused",
  stop: "Stop: scale to 0, keeping the replicas in the kpanda.io/stopped-replicas annotation (409 when stopped already or at 0)",
  start: "Start: restore the replicas :stop kept (409 when not stopped)",
};
const JOB_RESTART =
  "Restart a Job: delete it (its pods in the background) and create it again under the same name from its spec and template, " +
  "without the selector and labels the member generated; answers the new Job (201)";

const str = { type: "string" } as const;
const revisionSchema = {
  type: "object",
  properties: {
    revision: { type: "integer" },
    name: { type: "string", description: "the ReplicaSet or ControllerRevision holding it" },
    time: str,
    images: { type: "array", items: str },
    changeCause: { type: "string", description: "the kubernetes.io/change-cause annotation" },
    current: { type: "boolean", description: "the workload's pod template is this revision's" },
  },
} as const;
const relatedSchema = {
  type: "object",
  properties: {
    kind: str,
    name: str,
    namespace: str,
    uses: { type: "array", items: { type: "string", enum: ["env", "envFrom", "volume", "projected", "imagePullSecrets"] } },
  },
} as const;

/** A name param that stops at the ":" of an action. */
const actionPath = (kind: ObjectKind, action: string) => `${NS_PREFIX}/${kind.plural}/:name(^[^:]+)::${action}`;

export function workloadActionRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const visible = requireClusterVisible(ctx.authz);
  for (const [plural, actions] of Object.entries(ACTIONS)) {
    const kind = kindNamed(plural);
    const target = (req: FastifyRequest) => targetOf(ctx, req, kind);
    for (const action of actions) {
      const job = plural === "jobs";
      app.post<{ Params: NameParams }>(
        actionPath(kind, action),
        {
          preHandler: visible,
          config: { audit: { resource: plural } },
          schema: {
            tags: [plural],
            summary: job ? JOB_RESTART : SUMMARY[action],
            params: nameParams,
            response: { 200: objectSchema, 201: objectSchema, ...errors, 504: errors[503] },
          },
        },
        async (req, reply) => {
          const t = await target(req);
          const a = await act(t, action, req.params.name);
          return reply.code(a.status).send(a.body);
        },
      );
    }
  }
  for (const plural of WITH_REVISIONS) revisionRoutes(app, ctx, kindNamed(plural));
  for (const source of ["configmaps", "secrets"] as Source[]) {
    app.get<{ Params: NameParams; Querystring: PageQuery }>(
      `${NS_PREFIX}/${source}/:name/related`,
      {
        preHandler: visible,
        schema: {
          tags: [source],
          summary: `The workloads whose pod template uses this ${source === "configmaps" ? "ConfigMap" : "Secret"} (env, envFrom, volumes, projected volumes${source === "secrets" ? ", imagePullSecrets" : ""})`,
          params: nameParams,
          querystring: pageQuery,
          response: { 200: paged(relatedSchema), ...errors },
        },
      },
      async (req) => {
        const m = await memberOf(ctx, req.params.cluster);
        const who = { user: req.principal?.name ?? "", ip: req.ip };
        return page(await relatedWorkloads(m, who, req.params.namespace, source, req.params.name), req.query);
      },
    );
  }
}

function act(t: Target, action: Action, name: string) {
  if (t.kind.plural === "jobs") return restartJob(t, name);
  if (action === "restart") return restart(t, name);
  if (action === "pause" || action === "resume") return setPaused(t, name, action === "pause");
  return action === "stop" ? stop(t, name) : start(t, name);
}

function revisionParam(s: string): number {
  if (!/^\d+$/.test(s)) throw badRequest(`"${s}" is not a revision number`);
  return Number(s);
}

function revisionRoutes(app: FastifyInstance, ctx: PlatformContext, kind: ObjectKind): void {
  const visible = requireClusterVisible(ctx.authz);
  const tags = [kind.plural];
  const target = (req: FastifyRequest) => targetOf(ctx, req, kind);
  app.post<{ Params: NameParams; Querystring: { dryRun?: string }; Body: { revision: number } }>(
    actionPath(kind, "rollback"),
    {
      preHandler: visible,
      config: { audit: { resource: kind.plural } },
      schema: {
        tags,
        summary: "Roll back to a revision's pod template, as kubectl rollout undo --to-revision (0: the one before the newest)",
        params: nameParams,
        querystring: dryRunQuery,
        body: { type: "object", required: ["revision"], properties: { revision: { type: "integer", minimum: 0 } } },
        response: {
          200: {
            type: "object",
            properties: {
              revision: { type: "integer" },
              rolledBack: { type: "boolean", description: "false when the template already was that revision's" },
              message: str,
              object: objectSchema,
            },
          },
          ...errors,
        },
      },
    },
    async (req) => rollback(await target(req), req.params.name, req.body.revision, req.query.dryRun),
  );
  app.get<{ Params: NameParams; Querystring: PageQuery }>(
    `${NS_PREFIX}/${kind.plural}/:name/revisions`,
    {
      preHandler: visible,
      schema: {
        tags,
        summary: "The revisions of the workload, oldest first (as kubectl rollout history)",
        params: nameParams,
        querystring: pageQuery,
        response: { 200: paged(revisionSchema), ...errors },
      },
    },
    async (req) => {
      const { revisions } = await revisionsOf(await target(req), req.params.name);
      return page(
        revisions.map(({ template: _t, source: _s, ...r }) => r),
        req.query,
      );
    },
  );
  // a and b are read in the handler, so a caller without access is refused (403) before a bad number is (400).
  app.get<{ Params: NameParams & { a: string; b: string } }>(
    `${NS_PREFIX}/${kind.plural}/:name/revisions/:a/diff/:b`,
    {
      preHandler: visible,
      schema: {
        tags,
        summary: "A unified diff (text/plain) from revision a's pod template to revision b's, both in YAML",
        params: {
          type: "object",
          required: ["cluster", "namespace", "name", "a", "b"],
          properties: { ...nameParams.properties, a: { type: "string", description: "a revision number" }, b: { type: "string", description: "a revision number" } },
        },
        produces: ["text/plain"],
        response: { 200: { type: "string" }, ...errors },
      },
    },
    async (req, reply) => {
      const [a, b] = [revisionParam(req.params.a), revisionParam(req.params.b)];
      const diff = await revisionDiff(await target(req), req.params.name, a, b);
      return reply.type("text/plain; charset=utf-8").send(diff);
    },
  );
}
