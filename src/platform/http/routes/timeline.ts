// GET …/clusters/{c}/namespaces/{ns}/{kind}/{name}/timeline: a workload's
// life in one paged list, oldest first (timeline/timeline.ts). The caller
// must be able to read the workload in the member (it is read as them).
import type { FastifyInstance } from "fastify";
import { requireClusterVisible } from "../../access/roles.ts";
import { kindNamed, pathOf } from "../../apps/kinds.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { timelineOf } from "../../timeline/sources.ts";
import { withDiffs } from "../../timeline/timeline.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, fromMember } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

const str = { type: "string" } as const;
const KINDS = ["deployments", "statefulsets", "daemonsets", "jobs", "cronjobs"] as const;

const entrySchema = {
  type: "object",
  properties: {
    time: { type: "string", format: "date-time" },
    type: { type: "string", enum: ["Normal", "Warning"] },
    reason: { type: "string", description: "an Event's reason, Revision, Created, or the audited verb (create, update, patch, scale, restart, rollback, …)" },
    message: str,
    user: { type: "string", description: "who did it (audit entries)" },
    source: { type: "string", enum: ["audit", "revision", "event", "object"] },
    object: { type: "string", description: "Kind/name of what the entry is about, when not the workload itself (a ReplicaSet, a pod)" },
    revision: { type: "integer" },
    diff: { type: "string", description: "a revision's change: the unified diff of the pod template (YAML) from the revision before it" },
    count: { type: "integer", description: "how many times the Event occurred" },
  },
  required: ["time", "type", "reason", "message", "source"],
} as const;

type P = { cluster: string; namespace: string; name: string };

export function timelineRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const visible = requireClusterVisible(ctx.authz);
  for (const plural of KINDS) {
    const kind = kindNamed(plural);
    app.get<{ Params: P; Querystring: PageQuery }>(
      `/clusters/:cluster/namespaces/:namespace/${plural}/:name/timeline`,
      {
        preHandler: visible,
        schema: {
          tags: ["workloads"],
          summary: `The timeline of one of the ${plural}: revisions, Events of it, its ${plural === "deployments" ? "ReplicaSets" : plural === "cronjobs" ? "Jobs" : "children"} and pods, scaling, and who did what (audit), oldest first`,
          description: "Events come from kpanda's cache, which keeps them 7 days (serve --event-retention) after the member drops them (an hour after their last change).",
          params: { type: "object", required: ["cluster", "namespace", "name"], properties: { cluster: str, namespace: str, name: str } },
          querystring: pageQuery,
          response: { 200: paged(entrySchema), 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema },
        },
      },
      async (req) => {
        const { cluster, namespace, name } = req.params;
        const m = await memberOf(ctx, cluster);
        const w = { plural, kind: kind.kind, group: kind.group, namespace, name };
        try {
          const { entries, revisions } = await timelineOf(ctx, m, { user: req.principal?.name ?? "", ip: req.ip }, w, await pathOf(m, kind, namespace, name));
          const answer = page(entries, req.query);
          // Diffs only for the revisions on this page: each costs a YAML rendering of two templates.
          return { ...answer, items: withDiffs(answer.items, revisions) };
        } catch (e) {
          throw fromMember(cluster, e);
        }
      },
    );
  }
}
