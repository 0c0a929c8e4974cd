// Administrative endpoints of this server, outside the Kubernetes API. Each is
// a non-resource URL under /kpanda/admin/, authorized through RBAC like any
// path; no default ClusterRole names it, so only system:masters (and
// cluster-admin's `nonResourceURLs: ["*"]`) may call it.
//
//   POST /kpanda/admin/compaction   {"revision": "N"}?   → {"compactRevision": "N"}
//
// Compaction is etcd's `etcdctl compaction REV`: history at or below the
// revision is forgotten, so a watch or a list from an older resourceVersion
// answers 410 Gone. Without a revision, the current one is compacted (a
// no-op when it already is); a named revision gets etcd's errors.
import type { ServerResponse } from "node:http";
import { ApiError, badRequest, methodNotAllowed } from "../registry/errors.ts";
import { sendJson } from "./respond.ts";

export const ADMIN_PREFIX = "/kpanda/admin/";
export const COMPACTION_PATH = `${ADMIN_PREFIX}compaction`;

/** What the admin endpoints act on (the server's storage). */
export type AdminOps = {
  currentRevision(): number;
  compactRevision(): number;
  compact(revision: number): void;
};

/** Serves an admin path; the caller has authenticated and authorized it. */
export function serveAdmin(ops: AdminOps, method: string, path: string, body: Buffer | undefined, res: ServerResponse): void {
  if (path !== COMPACTION_PATH) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  if (method !== "POST") throw methodNotAllowed();
  const named = requestedRevision(body);
  const revision = named ?? ops.currentRevision();
  // etcd's mvcc errors (ErrFutureRev, ErrCompacted) for a revision it cannot compact to.
  if (revision > ops.currentRevision()) throw badRequest("mvcc: required revision is a future revision");
  if (named !== undefined && revision <= ops.compactRevision()) throw badRequest("mvcc: required revision has been compacted");
  if (revision > ops.compactRevision()) ops.compact(revision);
  sendJson(res, 200, { compactRevision: String(revision) });
}

function requestedRevision(body: Buffer | undefined): number | undefined {
  if (!body || body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("the body must be JSON: {\"revision\": \"N\"}");
  }
  const rev = (parsed as { revision?: unknown } | null)?.revision;
  if (rev === undefined) return undefined;
  const n = typeof rev === "string" && /^\d+$/.test(rev) ? Number(rev) : rev;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) throw badRequest("revision must be a positive integer");
  return n;
}
