// The in-process transport: the KubeClient contract served straight from the
// object store, with the same semantics as over HTTP (admission, validation,
// resourceVersions, selectors, watch, 410 Gone) but without TLS and JSON
// framing. The simulator drives its clusters through it; nothing here
// touches storage directly.
import { type DeleteOptions, type KObject, KubeError, type KubeClient, type ListOptions, type PatchType, type Resource, type WatchEventType, type WatchOptions } from "./client.ts";
import { managerFromUserAgent } from "./apply/managedFields.ts";
import { applyPatch } from "./http/patch.ts";
import { SCALE_INFO, writeScale } from "./http/subresources.ts";
import { bindPod } from "./registry/binding.ts";
import { type RequestContext, systemContext, type UserInfo } from "./registry/context.ts";
import { apiVersionOf } from "./registry/conversion.ts";
import { deleteObject } from "./registry/deletion.ts";
import { evictPod } from "./registry/eviction.ts";
import { ApiError } from "./registry/errors.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./registry/selectors.ts";
import type { ObjectStore } from "./registry/store.ts";
import { supportsField } from "./registry/strategy.ts";
import type { ResourceInfo } from "./registry/types.ts";
import { startWatch } from "./registry/watch.ts";
import { cloneJson } from "./registry/clone.ts";

function toKubeError(e: unknown): never {
  if (e instanceof ApiError) throw new KubeError(e.code, e.reason, e.message);
  if (e instanceof SelectorError) throw new KubeError(400, "BadRequest", e.message);
  throw e;
}

const PATCH_KIND = { merge: "merge-patch", strategic: "strategic-merge-patch", json: "json-patch" } as const;

/**
 * Who a client is. `userAgent` is what an HTTP client would send: a write
 * records its first segment as the field manager, as kube-apiserver does for a
 * request without `fieldManager` (managerOrUserAgent), so that a controller's
 * client that says "kube-controller-manager/v1.32.0 (linux/amd64) ..." shows
 * in managedFields as kube-controller-manager. Without one, writes record the
 * server's own name.
 */
export type LocalClientOptions = {
  userAgent?: string;
  /** Aggregated group-versions (APIServices), read over HTTP through the server's aggregator. */
  aggregator?: AggregatedReads;
};

/** What the in-process client needs of the aggregator: which group-versions it routes, and a GET through it. */
export type AggregatedReads = {
  serves(group: string, version: string): boolean;
  get(path: string, user: UserInfo): Promise<KObject>;
};

/** The API path of a resource (a collection without a name). */
function resourcePath(r: Resource, namespace: string | undefined, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}

export class LocalClient implements KubeClient {
  private readonly store: ObjectStore;
  private readonly ctx: () => RequestContext;
  private readonly aggregator?: AggregatedReads;

  constructor(store: ObjectStore, opts: LocalClientOptions = {}) {
    this.store = store;
    this.aggregator = opts.aggregator;
    const manager = managerFromUserAgent(opts.userAgent);
    this.ctx = manager
      ? () => {
          const c = systemContext();
          c.fieldManager = manager;
          return c;
        }
      : systemContext;
  }

  private info(r: Resource): ResourceInfo {
    const info = this.store.registry.lookup(r.group, r.version, r.resource);
    if (!info) throw new KubeError(404, "NotFound", "the server could not find the requested resource");
    return info;
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      try {
        toKubeError(e);
      } catch (k) {
        return Promise.reject(k);
      }
    }
  }

  /** A GET through the aggregator, when an APIService serves r's group-version. */
  private aggregated(r: Resource, path: string): Promise<KObject> | undefined {
    if (!this.aggregator?.serves(r.group, r.version)) return undefined;
    return this.aggregator.get(path, this.ctx().user).catch(toKubeError);
  }

  get(r: Resource, namespace: string, name: string): Promise<KObject> {
    const remote = this.aggregated(r, resourcePath(r, namespace, name));
    if (remote) return remote;
    return this.run(() => this.store.get(this.info(r), namespace, name).obj());
  }

  list(r: Resource, namespace: string | undefined, opts: ListOptions = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== "") q.set(k, String(v));
    const remote = this.aggregated(r, `${resourcePath(r, namespace)}${q.size ? `?${q}` : ""}`);
    if (remote) {
      return remote.then((l) => ({ items: (l.items ?? []) as KObject[], resourceVersion: String(l.metadata?.resourceVersion ?? ""), continue: l.metadata?.continue }));
    }
    return this.run(() => {
      const info = this.info(r);
      const res = this.store.list(info, namespace, {
        labelSelector: parseLabelSelector(opts.labelSelector),
        fieldSelector: parseFieldSelector(opts.fieldSelector, (f) => supportsField(info, f)),
        limit: opts.limit,
        continue: opts.continue,
      });
      return { items: res.items.map((i) => i.obj()), resourceVersion: res.resourceVersion, continue: res.continue };
    });
  }

  create(r: Resource, namespace: string, obj: KObject, sub?: { name: string; subresource: string }): Promise<KObject> {
    return this.run(() => {
      const info = this.info(r);
      if (sub?.subresource === "binding") {
        bindPod(this.store, info, namespace, sub.name, obj.target?.name ?? "", this.ctx());
        return obj;
      }
      if (sub?.subresource === "eviction") {
        evictPod(this.store, info, namespace, sub.name, obj.deleteOptions ?? {}, this.ctx());
        return obj;
      }
      if (sub) throw new ApiError(404, "NotFound", `subresource ${sub.subresource} is not served in-process`);
      return this.store.create(info, namespace, { ...obj, apiVersion: apiVersionOf(info), kind: info.kind }, this.ctx());
    });
  }

  update(r: Resource, namespace: string, obj: KObject, subresource?: string): Promise<KObject> {
    return this.run(() => {
      const info = this.info(r);
      if (subresource === "scale") return this.scale(info, namespace, obj.metadata?.name ?? "", () => obj);
      // The store writes into what it is given; callers keep their object. A
      // status write takes only status from it, so only that part is copied.
      const input =
        subresource === "status" ? { ...obj, metadata: { ...obj.metadata }, status: cloneJson(obj.status) } : cloneJson(obj);
      return this.store.update(info, namespace, obj.metadata?.name ?? "", input, this.ctx(), subresource).obj;
    });
  }

  patch(r: Resource, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject> {
    return this.run(() => {
      const info = this.info(r);
      if (subresource === "scale") return this.scale(info, namespace, name, (cur) => applyPatch(PATCH_KIND[type], cur, patch, SCALE_INFO));
      for (let attempt = 0; ; attempt++) {
        const current = this.store.get(info, namespace, name).obj();
        const next = applyPatch(PATCH_KIND[type], current, patch, info);
        next.metadata = { ...next.metadata, resourceVersion: current.metadata?.resourceVersion };
        try {
          return this.store.update(info, namespace, name, next, this.ctx(), subresource).obj;
        } catch (e) {
          if (attempt < 5 && e instanceof ApiError && e.reason === "Conflict") continue;
          throw e;
        }
      }
    });
  }

  /** The scale subresource: reads and writes an autoscaling/v1 Scale. */
  private scale(info: ResourceInfo, namespace: string, name: string, next: (current: KObject) => KObject): KObject {
    if (!info.subresources.includes("scale")) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return writeScale(this.store, info, namespace, name, this.ctx(), next);
  }

  delete(r: Resource, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    return this.run(() => {
      deleteObject(this.store, this.info(r), namespace, name, opts, this.ctx());
    });
  }

  watch(
    r: Resource,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (type: WatchEventType, obj: KObject) => void,
    onClose: (err?: KubeError) => void,
  ): { stop(): void } {
    let closed = false;
    let stopped = false;
    // Storage delivers events inside the write that caused them; hand them
    // over on a later microtask, in order, so a handler may write in turn.
    let queue: [WatchEventType, KObject][] = [];
    const deliver = () => {
      const batch = queue;
      queue = [];
      for (const [t, o] of batch) if (!stopped) onEvent(t, o);
    };
    const close = (err?: KubeError) => {
      if (closed) return;
      closed = true;
      handle?.stop();
      // Like a network stream, the end arrives after the events before it.
      queueMicrotask(() => {
        deliver();
        if (!stopped) onClose(err);
      });
    };
    let handle: { stop(): void } | undefined;
    try {
      const info = this.info(r);
      handle = startWatch(
        this.store,
        info,
        namespace,
        {
          resourceVersion: opts.resourceVersion,
          labelSelector: parseLabelSelector(opts.labelSelector),
          fieldSelector: parseFieldSelector(opts.fieldSelector, (f) => supportsField(info, f)),
          allowWatchBookmarks: opts.allowWatchBookmarks,
        },
        {
          event: (type, item) => {
            if (closed || type === "ERROR") return;
            if (queue.length === 0) queueMicrotask(deliver);
            queue.push([type, item.obj()]);
          },
          error: (err) => close(new KubeError(err.code, err.reason, err.message)),
          close: () => close(),
        },
      );
      if (closed) handle.stop();
    } catch (e) {
      const k = e instanceof ApiError ? new KubeError(e.code, e.reason, e.message) : e instanceof SelectorError ? new KubeError(400, "BadRequest", e.message) : undefined;
      if (!k) throw e;
      close(k);
    }
    return {
      stop: () => {
        stopped = closed = true;
        handle?.stop();
      },
    };
  }
}
