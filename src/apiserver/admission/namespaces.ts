// The namespace a request lands in, as admission plugins read it. kube's
// plugins read namespaces from an informer's cache; here the stored text is
// the key of a one-entry-per-namespace cache, so a namespace is parsed once
// per change rather than once per create in it (it was a tenth of the cost
// of creating an Event). The object is shared: read-only by contract.
import type { ObjectStore } from "../registry/store.ts";
import type { KObject } from "../registry/types.ts";

const parsed = new WeakMap<ObjectStore, Map<string, { raw: string; obj: KObject }>>();

/** The stored namespace, or undefined when there is none. */
export function namespaceObject(store: ObjectStore, name: string): KObject | undefined {
  const stored = store.storage.get(`/core/namespaces/${name}`);
  let cache = parsed.get(store);
  if (!stored) {
    cache?.delete(name);
    return undefined;
  }
  if (!cache) {
    cache = new Map();
    parsed.set(store, cache);
  }
  const hit = cache.get(name);
  if (hit && hit.raw === stored.value) return hit.obj;
  const obj = JSON.parse(stored.value) as KObject;
  cache.set(name, { raw: stored.value, obj });
  return obj;
}
