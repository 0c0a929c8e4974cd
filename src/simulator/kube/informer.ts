// A list-watch cache, as client-go's reflector + indexer: list, then watch
// from the list's resourceVersion; resume after a server-side close; relist
// after 410 Gone; retry with backoff while the API is unreachable. Handlers
// run in event order and must return quickly (hand slow work to a queue).
import { type KObject, type KubeClient, KubeError, type Resource, type WatchEventType } from "../../apiserver/client.ts";

export type Handlers = {
  add?(obj: KObject): void;
  update?(old: KObject, obj: KObject): void;
  delete?(obj: KObject): void;
};

export type InformerOptions = { namespace?: string; labelSelector?: string; fieldSelector?: string };

/**
 * The object as the cache keeps it: without metadata.managedFields, as
 * kube-controller-manager's informers keep theirs (TransformStripManagedFields).
 * They are about half of a Pod and no controller reads them. Objects from the
 * in-process client are shared with other watchers, so this copies the two
 * levels it changes instead of deleting in place.
 */
function strip(o: KObject): KObject {
  const meta = o.metadata;
  if (!meta?.managedFields) return o;
  const { managedFields: _, ...rest } = meta;
  return { ...o, metadata: rest };
}

export const keyOf = (o: KObject) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata?.name}`);

export class Informer {
  readonly resource: Resource;
  private readonly client: KubeClient;
  private readonly opts: InformerOptions;
  private readonly items = new Map<string, KObject>();
  private readonly handlers: Handlers[] = [];
  private readonly indexers = new Map<string, (o: KObject) => string[]>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private rv = "";
  private watch?: { stop(): void };
  private stopped = false;
  private backoffMs = 0;
  private synced = false;

  constructor(client: KubeClient, resource: Resource, opts: InformerOptions = {}) {
    this.client = client;
    this.resource = resource;
    this.opts = opts;
  }

  on(h: Handlers): this {
    this.handlers.push(h);
    return this;
  }

  /** Adds a named index: fn maps an object to its index values (e.g. its nodeName). */
  addIndex(name: string, fn: (o: KObject) => string[]): this {
    this.indexers.set(name, fn);
    this.indexes.set(name, new Map());
    for (const [k, o] of this.items) this.indexAdd(name, k, o);
    return this;
  }

  get(namespace: string, name: string): KObject | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): KObject[] {
    return [...this.items.values()];
  }

  byIndex(name: string, value: string): KObject[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: KObject[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Lists, then watches. Resolves once the first list is in the cache. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
  }

  private async relist(): Promise<void> {
    while (!this.stopped) {
      try {
        const res = await this.client.list(this.resource, this.opts.namespace, {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
        });
        this.replace(res.items.map(strip));
        this.rv = res.resourceVersion;
        this.synced = true;
        this.backoffMs = 0;
        this.startWatch();
        return;
      } catch {
        await this.backoff();
      }
    }
  }

  private async backoff(): Promise<void> {
    this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : 100, 5000);
    await new Promise((r) => setTimeout(r, this.backoffMs).unref());
  }

  private startWatch(): void {
    if (this.stopped) return;
    this.watch = this.client.watch(
      this.resource,
      this.opts.namespace,
      { resourceVersion: this.rv, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, allowWatchBookmarks: true },
      (type, obj) => this.onEvent(type, obj),
      (err) => this.onClose(err),
    );
  }

  private onClose(err?: KubeError): void {
    if (this.stopped) return;
    if (err && err.code === 410) {
      void this.relist();
      return;
    }
    if (err) {
      void this.backoff().then(() => this.relist());
      return;
    }
    this.startWatch();
  }

  private onEvent(type: WatchEventType, event: KObject): void {
    const obj = strip(event);
    if (obj.metadata?.resourceVersion) this.rv = obj.metadata.resourceVersion;
    if (type === "BOOKMARK") return;
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (type === "DELETED") {
      if (!old) return;
      this.remove(key, old);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.put(key, obj, old);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  /** Replaces the cache with a fresh list, telling handlers what changed. */
  private replace(items: KObject[]): void {
    const fresh = new Map(items.map((o) => [keyOf(o), o] as const));
    for (const [k, old] of [...this.items]) {
      if (!fresh.has(k)) {
        this.remove(k, old);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    for (const [k, o] of fresh) {
      const old = this.items.get(k);
      if (old?.metadata?.resourceVersion === o.metadata?.resourceVersion) continue;
      this.put(k, o, old);
      for (const h of this.handlers) {
        if (old) h.update?.(old, o);
        else h.add?.(o);
      }
    }
  }

  private put(key: string, obj: KObject, old: KObject | undefined): void {
    if (old) for (const name of this.indexers.keys()) this.indexRemove(name, key, old);
    this.items.set(key, obj);
    for (const name of this.indexers.keys()) this.indexAdd(name, key, obj);
  }

  private remove(key: string, old: KObject): void {
    this.items.delete(key);
    for (const name of this.indexers.keys()) this.indexRemove(name, key, old);
  }

  private indexAdd(name: string, key: string, o: KObject): void {
    const idx = this.indexes.get(name)!;
    for (const v of this.indexers.get(name)!(o)) {
      const set = idx.get(v) ?? new Set<string>();
      idx.set(v, set);
      set.add(key);
    }
  }

  private indexRemove(name: string, key: string, o: KObject): void {
    const idx = this.indexes.get(name)!;
    for (const v of this.indexers.get(name)!(o)) idx.get(v)?.delete(key);
  }
}

export { KubeError };
