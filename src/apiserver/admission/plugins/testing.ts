// A store with the full admission chain over memory storage, for plugin tests.
import { admissionChain } from "../../chain.ts";
import { type RequestContext, systemContext } from "../../registry/context.ts";
import { ResourceRegistry } from "../../registry/resources.ts";
import { ObjectStore } from "../../registry/store.ts";
import type { KObject, ResourceInfo } from "../../registry/types.ts";
import { MemoryStorage } from "../../storage/memory.ts";

export type TestStore = {
  store: ObjectStore;
  info(resource: string, group?: string): ResourceInfo;
  create(resource: string, ns: string, obj: KObject, ctx?: RequestContext): KObject;
  get(resource: string, ns: string, name: string): KObject;
};

/** A store holding namespace `ns` (labelled as given) and its default ServiceAccount. */
export function testStore(ns = "t", labels: Record<string, string> = {}): TestStore {
  const registry = new ResourceRegistry();
  let store: ObjectStore;
  store = new ObjectStore(new MemoryStorage(), registry, admissionChain(() => store));
  const info = (resource: string, group = "") => {
    const found = registry.storageResources().find((r) => r.resource === resource && r.group === group);
    if (!found) throw new Error(`no resource ${group}/${resource}`);
    return found;
  };
  const create = (resource: string, namespace: string, obj: KObject, ctx = systemContext()) =>
    store.create(info(resource, resource === "storageclasses" ? "storage.k8s.io" : ""), namespace, obj, ctx);
  create("namespaces", "", { metadata: { name: ns, labels } });
  create("serviceaccounts", ns, { metadata: { name: "default" } });
  return {
    store,
    info,
    create,
    get: (resource, namespace, name) => store.get(info(resource), namespace, name).obj(),
  };
}

export function pod(name: string, container: Record<string, any> = {}, spec: Record<string, any> = {}): KObject {
  return { metadata: { name }, spec: { containers: [{ name: "c", image: "nginx", ...container }], ...spec } };
}
