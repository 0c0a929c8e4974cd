// GET /audit: the audit log of this replica, newest first, filtered by user,
// cluster, verb and a time range (since ≤ time ≤ until, RFC 3339), paged.
// An Owner reads every entry (audit.view); a ClusterAdmin reads the entries
// of the clusters it administers (cluster.audit; only entries with a
// cluster); anyone else gets 403. The actions are roles.ts's, as GET /me shows them.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuditQuery } from "../../audit/AuditLog.ts";
import type { AuditEntry, PlatformContext } from "../context.ts";
import { badRequest, errorSchema, forbidden } from "../errors.ts";
import { type PageQuery, page, paged, pageQuery } from "../pagination.ts";

type Query = PageQuery & { user?: string; cluster?: string; verb?: string; since?: string; until?: string };

const entrySchema = {
  type: "object",
  properties: {
    time: { type: "string" },
    user: { type: "string" },
    sourceIP: { type: "string" },
    verb: { type: "string" },
    cluster: { type: "string" },
    namespace: { type: "string" },
    resource: { type: "string" },
    name: { type: "string" },
    code: { type: "integer" },
    path: { type: "string" },
    via: { type: "string", enum: ["rest", "proxy", "login"] },
    dryRun: { type: "boolean", description: "a dry run (dryRun=All): it changed nothing" },
  },
} as const;

function time(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t)) throw badRequest(`${name}: "${v}" is not an RFC 3339 time (e.g. 2025-01-02T15:04:05Z)`);
  return t;
}

/** Which entries the caller may read: all (Owner), or those of the clusters it administers. */
function readable(ctx: PlatformContext, req: FastifyRequest<{ Querystring: Query }>): (e: AuditEntry) => boolean {
  const user = req.principal?.name ?? "";
  if (ctx.authz.can(user, "audit.view")) return () => true;
  const asked = req.query.cluster;
  if (asked !== undefined) {
    if (!ctx.authz.can(user, "cluster.audit", asked)) throw forbidden(`user "${user}" may not read the audit log of cluster "${asked}"`, asked);
    return () => true;
  }
  const seen = ctx.authz.clustersOf(user);
  const admin = seen === "all" ? [] : [...seen].filter((c) => ctx.authz.can(user, "cluster.audit", c));
  if (!admin.length) throw forbidden(`user "${user}" may not read the audit log (it needs Owner, or ClusterAdmin for a cluster's entries)`);
  const set = new Set(admin);
  return (e) => !!e.cluster && set.has(e.cluster);
}

export function auditRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.get<{ Querystring: Query }>(
    "/audit",
    {
      schema: {
        summary: "Audit log entries, newest first (Owner; a ClusterAdmin sees its clusters' entries)",
        description:
          "Every mutating call through the REST API or the proxy, and every login attempt. Each replica keeps and serves its own log.",
        querystring: {
          type: "object",
          properties: {
            ...pageQuery.properties,
            user: { type: "string" },
            cluster: { type: "string" },
            verb: { type: "string", description: "create, update, patch, delete, login, exec, ..." },
            since: { type: "string", description: "RFC 3339; entries at or after this time" },
            until: { type: "string", description: "RFC 3339; entries at or before this time" },
          },
        },
        response: { 200: paged(entrySchema), 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => {
      const may = readable(ctx, req);
      const { user, cluster, verb } = req.query;
      const q: AuditQuery = { user, cluster, verb, since: time("since", req.query.since), until: time("until", req.query.until) };
      if (q.since !== undefined && q.until !== undefined && q.since > q.until) throw badRequest("since is after until");
      return page(ctx.audit.query(q).filter(may), req.query);
    },
  );
}
