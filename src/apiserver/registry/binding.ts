// pods/binding: assigns a pod to a node in one write, setting spec.nodeName
// and the PodScheduled condition together, as the pod registry's
// BindingREST does (pkg/registry/core/pod/storage: assignPod).
import type { RequestContext } from "./context.ts";
import { ApiError, conflict } from "./errors.ts";
import { objectKey } from "./keys.ts";
import { now, type ObjectStore } from "./store.ts";
import type { ResourceInfo } from "./types.ts";

export function bindPod(store: ObjectStore, info: ResourceInfo, namespace: string, name: string, node: string, ctx: RequestContext): void {
  if (!node) throw new ApiError(422, "Invalid", `Binding "${name}" is invalid: target.name: Required value`);
  for (let attempt = 0; ; attempt++) {
    const { obj, stored } = store.getStored(info, namespace, name);
    if (obj.metadata?.deletionTimestamp) throw conflict(info, name, "pod is being deleted, cannot be assigned to a host");
    if (obj.spec?.nodeName) throw conflict(info, name, `pod ${name} is already assigned to node "${obj.spec.nodeName}"`);
    const next = JSON.parse(stored.value);
    next.spec.nodeName = node;
    const conditions = (next.status?.conditions ?? []).filter((c: any) => c?.type !== "PodScheduled");
    conditions.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now() });
    next.status = { ...next.status, conditions };
    try {
      store.commitUpdate(info, objectKey(info, namespace, name), stored, obj, next, ctx);
      return;
    } catch (e) {
      if (attempt < 5 && e instanceof ApiError && e.reason === "Conflict") continue;
      throw e;
    }
  }
}
