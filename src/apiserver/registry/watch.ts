// Watch semantics over storage events (api-concepts "Efficient detection of
// changes"): initial state for resourceVersion unset or "0", replay from a
// given resourceVersion, selector transitions turned into ADDED/DELETED the
// way the watch cache does it, bookmarks, and 410 for compacted history.
import { CompactedError, FutureRevisionError } from "../storage/errors.ts";
import type { StorageEvent } from "../storage/interface.ts";
import { apiVersionOf } from "./conversion.ts";
import { ApiError, badRequest, gone } from "./errors.ts";
import { eventObject, eventPrevObject } from "./eventObjects.ts";
import { listPrefix } from "./keys.ts";
import { type Item, type ListOptions, type ObjectStore, parseRevision } from "./store.ts";
import { matchesFields } from "./selectors.ts";
import { selectableField } from "./strategy.ts";
import type { KObject, ResourceInfo } from "./types.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export type WatchSink = {
  /** One event; revision is the write it shows, when known (to send it once that write is durable). */
  event(type: WatchEventType, item: Item, revision?: number): void;
  /** An ERROR event carrying a Status, after which the watch ends. */
  error(err: ApiError): void;
  close(): void;
};

export type WatchOptions = ListOptions & {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  bookmarkIntervalMs?: number;
};

export type WatchHandle = { stop(): void };

export function startWatch(
  store: ObjectStore,
  info: ResourceInfo,
  namespace: string | undefined,
  opts: WatchOptions,
  sink: WatchSink,
): WatchHandle {
  const storeInfo = store.storageInfo(info);
  const prefix = listPrefix(storeInfo, namespace);
  const matches = (o: KObject) =>
    (!opts.labelSelector || opts.labelSelector.matches(o.metadata?.labels)) &&
    (!opts.fieldSelector || matchesFields(opts.fieldSelector, (f) => selectableField(storeInfo, o, f)));
  const filtered = Boolean(opts.labelSelector || opts.fieldSelector);

  const rv = opts.resourceVersion;
  const initial = opts.sendInitialEvents ?? (rv === undefined || rv === "" || rv === "0");
  if (opts.sendInitialEvents && !opts.allowWatchBookmarks) {
    throw badRequest("sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and allowWatchBookmarks is set");
  }
  let from: number;
  if (initial) {
    const list = store.list(info, namespace, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
    from = Number(list.resourceVersion);
    for (const it of list.items) sink.event("ADDED", it, from);
    if (opts.sendInitialEvents) {
      sink.event("BOOKMARK", bookmark(info, from, true), from);
    }
  } else {
    from = parseRevision(rv!);
  }

  let lastRev = from;
  const onEvent = (e: StorageEvent) => {
    lastRev = e.revision;
    const item = translate(e);
    if (item) sink.event(item[0], item[1], e.revision);
  };
  const sameVersion = apiVersionOf(storeInfo) === apiVersionOf(info);
  const itemOf = (e: StorageEvent): Item =>
    sameVersion ? { raw: e.value, obj: () => eventObject(e) } : store.item(info, e.value);
  const translate = (e: StorageEvent): [WatchEventType, Item] | undefined => {
    if (!filtered) return [e.type, itemOf(e)];
    const cur = matches(eventObject(e));
    const prevObj = eventPrevObject(e);
    const prev = prevObj !== undefined && matches(prevObj);
    if (e.type === "DELETED") return cur ? ["DELETED", itemOf(e)] : undefined;
    if (cur && prev) return ["MODIFIED", itemOf(e)];
    if (cur) return ["ADDED", itemOf(e)];
    // Moved out of the selector: the watcher sees it go, with its new state.
    if (prev) return ["DELETED", itemOf(e)];
    return undefined;
  };

  let timer: NodeJS.Timeout | undefined;
  let watcher: { stop(): void } | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    watcher?.stop();
  };
  try {
    watcher = store.storage.watch(prefix, from, onEvent, () => {
      stop();
      sink.close();
    });
  } catch (e) {
    if (e instanceof CompactedError) {
      sink.error(gone(`too old resource version: ${from} (${e.compactRevision})`));
      return { stop };
    }
    if (e instanceof FutureRevisionError) {
      sink.error(new ApiError(504, "Timeout", `Too large resource version: ${from}, current: ${store.storage.currentRevision()}`));
      return { stop };
    }
    throw e;
  }
  if (opts.allowWatchBookmarks) {
    timer = setInterval(() => {
      const rev = Math.max(lastRev, store.storage.currentRevision());
      sink.event("BOOKMARK", bookmark(info, rev, false), rev);
    }, opts.bookmarkIntervalMs ?? 60_000);
    timer.unref();
  }
  return { stop };
}

function bookmark(info: ResourceInfo, rev: number, initialEnd: boolean): Item {
  const obj: KObject = {
    kind: info.kind,
    apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
    metadata: initialEnd
      ? { resourceVersion: String(rev), annotations: { "k8s.io/initial-events-end": "true" } }
      : { resourceVersion: String(rev) },
  };
  return { raw: JSON.stringify(obj), obj: () => obj };
}
