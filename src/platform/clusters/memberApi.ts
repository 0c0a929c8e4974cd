// The REST routes' way to a member: find it (404 when the cluster is not
// integrated), run each call within the member's concurrency limit and
// timeout, and turn any failure into a PlatformError naming the cluster.
// Reads are plain JSON GETs over the member's kept-alive connections
// (memberHttp.ts); writes are typed client-node calls with kpanda's credential.
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { PlatformContext } from "../http/context.ts";
import { fromMember, notFound } from "../http/errors.ts";
import { memberGet } from "./memberHttp.ts";
import type { Member } from "./members.ts";

/** The member of an integrated cluster; 404 when there is none, 503 when its credential cannot be read. */
export async function memberOf(ctx: PlatformContext, cluster: string): Promise<Member> {
  let m: Member | undefined;
  try {
    m = await ctx.members.get(cluster);
  } catch (e) {
    throw fromMember(cluster, e);
  }
  if (!m) throw notFound("cluster", cluster);
  return m;
}

/** fn within the member's limit and timeout; any failure as a PlatformError with the cluster. */
export async function onMember<T>(m: Member, fn: (signal: AbortSignal) => Promise<T>, timeoutMs?: number): Promise<T> {
  try {
    return await m.run(fn, timeoutMs);
  } catch (e) {
    throw fromMember(m.name, e);
  }
}

/** A GET of the member's JSON at `path`, within its limit. */
export function getJson<T = any>(m: Member, path: string): Promise<T> {
  return onMember(m, (signal) => memberGet<T>(m, path, signal));
}

const cores = new WeakMap<KubeConfig, CoreV1Api>();

/** The member's core/v1 client (kpanda's credential). */
export function coreOf(m: Member): CoreV1Api {
  let api = cores.get(m.kc);
  if (!api) {
    api = m.kc.makeApiClient(CoreV1Api);
    cores.set(m.kc, api);
  }
  return api;
}

/** A list's items from a JSON list answer. */
export const itemsOf = <T = any>(list: { items?: T[] } | undefined): T[] => list?.items ?? [];

/** A query string from defined values. */
export function qs(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * A JSON merge patch that turns the map `old` (labels, annotations) into
 * `want`: each wanted key set, each other key removed (null).
 */
export function replaceMapPatch(old: Record<string, string> | undefined, want: Record<string, string>): Record<string, string | null> {
  const patch: Record<string, string | null> = { ...want };
  for (const k of Object.keys(old ?? {})) if (!(k in want)) patch[k] = null;
  return patch;
}
