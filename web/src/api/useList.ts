// Lists with server-side paging, sorting and filters, followed live.
//
// The server does all the work: the hook sends page, pageSize, sortBy,
// sortDir, fuzzySearch, labelSelector and per-kind filters, and shows the
// page it answers. Live: when a list answers a `revision` (the multi-cluster
// cache of issue 11), the hook opens the same query with watch=true and
// revision=N as server-sent events and refetches the page on each change
// (at most once a second), so a page stays right however the changes fall.
// A list without a revision, or whose watch is refused, is polled instead.
// Callers see the same interface either way.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { ApiError } from "./ApiError.ts";
import { apiFetch, get, type Query } from "./client.ts";
import { readEvents } from "./sse.ts";

export type SortDir = "asc" | "desc";

export type ListParams = {
  page: number;
  pageSize: number;
  sortBy?: string;
  sortDir?: SortDir;
  fuzzySearch?: string;
  labelSelector?: string;
  /** Per-kind filters (status, phase, user, verb, ...): query parameters as they are. */
  filters?: Record<string, string | readonly string[] | undefined>;
};

/** How current a cluster's part of a list is: synced, or stale since a time. */
export type Freshness = { cluster: string; state: "synced" | "stale"; since?: string };

export type ListResult<T> = {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** The cache's revision the list was read at (issue 11); the watch starts there. */
  revision?: string;
  /** Clusters whose data may be out of date. */
  stale: Freshness[];
  /** The whole answer, for what a list carries besides its items (totals). */
  raw: Record<string, unknown>;
};

export type LiveMode = "watch" | "poll" | "off";

export type ListOptions = { enabled?: boolean; live?: boolean; pollMs?: number; extraQuery?: Query };

export const POLL_MS = 5_000;
const REFETCH_THROTTLE_MS = 1_000;

export function listQuery(p: ListParams, extra: Query = {}): Query {
  return {
    ...extra,
    ...p.filters,
    page: p.page,
    pageSize: p.pageSize,
    sortBy: p.sortBy,
    sortDir: p.sortBy ? p.sortDir : undefined,
    fuzzySearch: p.fuzzySearch?.trim() || undefined,
    labelSelector: p.labelSelector?.trim() || undefined,
  };
}

/** The per-cluster freshness a list may carry, in either shape the cache answers: a map or an array. */
export function staleOf(body: Record<string, unknown>): Freshness[] {
  const raw = body.freshness ?? body.clusters;
  const rows: Freshness[] = [];
  if (Array.isArray(raw)) for (const r of raw) rows.push(r as Freshness);
  else if (raw && typeof raw === "object") {
    for (const [cluster, f] of Object.entries(raw as Record<string, { state: "synced" | "stale"; since?: string }>)) rows.push({ cluster, ...f });
  }
  return rows.filter((r) => r.state === "stale");
}

async function fetchList<T>(path: string, q: Query, signal: AbortSignal): Promise<ListResult<T>> {
  const body = await get<Record<string, any>>(path, q, signal);
  const pg = body.pagination ?? {};
  return {
    items: (body.items ?? []) as T[],
    total: pg.total ?? body.items?.length ?? 0,
    page: pg.page ?? 1,
    pageSize: pg.pageSize ?? (body.items?.length || 1),
    revision: body.revision === undefined ? undefined : String(body.revision),
    stale: staleOf(body),
    raw: body,
  };
}

export function useList<T>(path: string | undefined, params: ListParams, opts: ListOptions = {}) {
  const q = listQuery(params, opts.extraQuery);
  const queryKey = ["list", path, q];
  const live = opts.live !== false;
  const [watchFailed, setWatchFailed] = useState(false);
  const result = useQuery<ListResult<T>, ApiError>({
    queryKey,
    queryFn: ({ signal }) => fetchList<T>(path!, q, signal),
    enabled: !!path && opts.enabled !== false,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (live && (watchFailed || query.state.data?.revision === undefined) ? (opts.pollMs ?? POLL_MS) : false),
  });
  const revision = result.data?.revision;
  const mode: LiveMode = !live ? "off" : revision !== undefined && !watchFailed ? "watch" : "poll";
  useWatch(mode === "watch" ? path : undefined, q, revision, queryKey, () => setWatchFailed(true));
  return { ...result, mode };
}

/** Follows a list's changes from `revision`; each change refetches the page (throttled). */
function useWatch(path: string | undefined, q: Query, revision: string | undefined, queryKey: unknown[], onRefused: () => void) {
  const client = useQueryClient();
  const rev = useRef(revision);
  rev.current = revision;
  const key = JSON.stringify(queryKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the watch restarts only when the query itself changes (key), not on each refetch's new revision
  useEffect(() => {
    if (!path || rev.current === undefined) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refetch = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void client.invalidateQueries({ queryKey: JSON.parse(key), exact: true });
      }, REFETCH_THROTTLE_MS);
    };
    void (async () => {
      for (let attempt = 0; !ctl.signal.aborted; attempt++) {
        try {
          const res = await apiFetch("GET", path, { query: { ...q, watch: true, revision: rev.current }, signal: ctl.signal, headers: { accept: "text/event-stream" } });
          if (!res.body || !res.headers.get("content-type")?.includes("text/event-stream")) return onRefused();
          attempt = 0;
          for await (const ev of readEvents(res.body)) if (ev.event !== "BOOKMARK" && !ev.data.includes('"BOOKMARK"')) refetch();
        } catch (e) {
          if (ctl.signal.aborted) return;
          const code = (e as ApiError).code;
          if (code === 400 || code === 404 || code === 405) return onRefused();
          // 410 Gone and dropped streams: list again, then resume from the new revision.
          refetch();
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    })();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [path, key, client]);
}
