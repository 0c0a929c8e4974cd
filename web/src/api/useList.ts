// Lists with server-side paging, sorting and filters, followed live.
//
// The server does all the work: the hook sends page, pageSize, sortBy,
// sortDir, fuzzySearch, labelSelector and per-kind filters, and shows the
// page it answers. Live: when a list answers a `revision` (the multi-cluster
// cache of issue 11), the hook opens the same query with watch=true and
// revision=N as server-sent events and refetches the page on each change
// (at most once a second), so a page stays right however the changes fall.
// Freshness has no events of its own (the contract's stream carries objects),
// so a watched list is also read again every FRESHNESS_MS to learn of a
// cluster turning stale. A list without a revision, or whose watch is
// refused, is polled instead. Callers see the same interface either way.
import { keepPreviousData, type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
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
/** How often a watched list is read again for its clusters' freshness alone. */
export const FRESHNESS_MS = 15_000;
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

/** Starts reading a list's page before its view renders (main.tsx, for the page opened); the view's useList finds it under the same key. */
export function prefetchList(client: QueryClient, path: string, params: ListParams, extra: Query = {}): Promise<void> {
  const q = listQuery(params, extra);
  return client.prefetchQuery({ queryKey: ["list", path, q], queryFn: ({ signal }) => fetchList(path, q, signal) });
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
    refetchInterval: (query) => {
      if (!live) return false;
      return watchFailed || query.state.data?.revision === undefined ? (opts.pollMs ?? POLL_MS) : FRESHNESS_MS;
    },
  });
  const revision = result.data?.revision;
  const mode: LiveMode = !live ? "off" : revision !== undefined && !watchFailed ? "watch" : "poll";
  const events = useWatch(mode === "watch" ? path : undefined, q, revision, queryKey, () => setWatchFailed(true));
  return { ...result, mode, events };
}

/**
 * Follows a list's changes from `revision`; each change refetches the page
 * (throttled). Returns how many events have arrived, updated with each
 * refetch (what the browser tests read to tell a watched list from a polled one).
 */
function useWatch(path: string | undefined, q: Query, revision: string | undefined, queryKey: unknown[], onRefused: () => void): number {
  const [events, setEvents] = useState(0);
  const client = useQueryClient();
  const rev = useRef(revision);
  rev.current = revision;
  const key = JSON.stringify(queryKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the watch restarts only when the query itself changes (key), not on each refetch's new revision
  useEffect(() => {
    if (!path || rev.current === undefined) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seen = 0;
    const refetch = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setEvents(seen);
        void client.invalidateQueries({ queryKey: JSON.parse(key), exact: true });
      }, REFETCH_THROTTLE_MS);
    };
    // Resume from the newest revision read: a refetch may have moved past the one rendered.
    const since = () => client.getQueryData<ListResult<unknown>>(JSON.parse(key))?.revision ?? rev.current;
    void (async () => {
      for (let attempt = 0; !ctl.signal.aborted; attempt++) {
        try {
          const res = await apiFetch("GET", path, { query: { ...q, watch: true, revision: since() }, signal: ctl.signal, headers: { accept: "text/event-stream" } });
          if (!res.body || !res.headers.get("content-type")?.includes("text/event-stream")) return onRefused();
          attempt = 0;
          for await (const ev of readEvents(res.body)) {
            if (ev.event === "BOOKMARK") continue;
            seen++;
            refetch();
          }
        } catch (e) {
          if (ctl.signal.aborted) return;
          const code = (e as ApiError).code;
          if (code === 400 || code === 404 || code === 405) return onRefused();
          // Expired: list again now, then watch from the new list's revision. A dropped
          // stream: changes may have been missed, so the page is read again too.
          if (code === 410) await client.refetchQueries({ queryKey: JSON.parse(key), exact: true }).catch(() => {});
          else refetch();
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    })();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [path, key, client]);
  return events;
}
