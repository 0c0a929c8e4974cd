// How current the index is for one (cluster, kind): `synced` while its watch
// runs, or `stale` since the time its watch failed, its cluster turned
// Unknown, or (before the first list) its sync started. Lists carry it per
// cluster concerned, so a console can say what may be out of date.
export type Freshness = { state: "synced" } | { state: "stale"; since: string };

export const SYNCED: Freshness = { state: "synced" };

export function staleSince(t: Date = new Date()): Freshness {
  return { state: "stale", since: t.toISOString() };
}
