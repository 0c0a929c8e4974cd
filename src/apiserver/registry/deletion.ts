// Delete semantics (genericregistry.Store.Delete): preconditions, graceful
// deletion, finalizers, and the propagation policy finalizers that the
// garbage collector acts on.
import { ConflictError, NotFoundError } from "../storage/errors.ts";
import type { RequestContext } from "./context.ts";
import { fromStorageVersion } from "./conversion.ts";
import { badRequest, conflict, MODIFIED, notFound } from "./errors.ts";
import { objectKey } from "./keys.ts";
import type { ObjectStore } from "./store.ts";
import { now } from "./store.ts";
import type { KObject, ResourceInfo } from "./types.ts";

export type DeleteOptions = {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
};

export const FINALIZER_ORPHAN = "orphan";
export const FINALIZER_FOREGROUND = "foregroundDeletion";

/** What a delete did: gone now, or marked and waiting (202 Accepted). */
export type DeleteResult = { obj: KObject; deleted: boolean };

export function deleteObject(
  store: ObjectStore,
  reqInfo: ResourceInfo,
  namespace: string,
  name: string,
  opts: DeleteOptions,
  ctx: RequestContext,
): DeleteResult {
  const info = store.storageInfo(reqInfo);
  const key = objectKey(info, namespace, name);
  for (let attempt = 0; ; attempt++) {
    const stored = store.storage.get(key);
    if (!stored) throw notFound(reqInfo, name);
    const obj: KObject = JSON.parse(stored.value);
    const meta = obj.metadata!;
    if (opts.preconditions?.uid && opts.preconditions.uid !== meta.uid) {
      throw conflict(
        reqInfo,
        name,
        `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${meta.uid}`,
      );
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        reqInfo,
        name,
        `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
      );
    }
    const next: KObject = JSON.parse(stored.value);
    const pending = markForDeletion(info, next, opts);
    store.admit({ op: "DELETE", info, requestInfo: reqInfo, namespace, name, obj: next, old: obj, ctx });
    try {
      if (!pending) {
        if (ctx.dryRun) return { obj: fromStorageVersion(obj, reqInfo), deleted: true };
        const gone = store.storage.delete(key, stored.modRevision);
        return { obj: fromStorageVersion(JSON.parse(gone.value), reqInfo), deleted: true };
      }
      const res = store.commitUpdate(reqInfo, key, stored, obj, next, ctx);
      return { obj: fromStorageVersion(res, reqInfo), deleted: false };
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      if (e instanceof ConflictError) throw conflict(reqInfo, name, MODIFIED);
      if (e instanceof NotFoundError) throw notFound(reqInfo, name);
      throw e;
    }
  }
}

/**
 * Sets deletionTimestamp and the propagation finalizers. Returns true when the
 * object must wait (finalizers, graceful pod, namespace finalizers), false when
 * it can be removed at once.
 */
function markForDeletion(info: ResourceInfo, obj: KObject, opts: DeleteOptions): boolean {
  const meta = obj.metadata!;
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? "Orphan" : undefined);
  if (policy && !["Orphan", "Background", "Foreground"].includes(policy)) {
    throw badRequest(`DeleteOptions.PropagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) {
    throw badRequest("DeleteOptions.GracePeriodSeconds: Invalid value: must be >= 0");
  }
  const finalizers = new Set(meta.finalizers ?? []);
  // A policy given on delete replaces the other propagation finalizer.
  if (policy === "Orphan") {
    finalizers.add(FINALIZER_ORPHAN);
    finalizers.delete(FINALIZER_FOREGROUND);
  } else if (policy === "Foreground") {
    finalizers.add(FINALIZER_FOREGROUND);
    finalizers.delete(FINALIZER_ORPHAN);
  } else if (policy === "Background") {
    finalizers.delete(FINALIZER_ORPHAN);
    finalizers.delete(FINALIZER_FOREGROUND);
  }
  if (finalizers.size) meta.finalizers = [...finalizers];
  else delete meta.finalizers;

  const grace = gracePeriod(info, obj, opts);
  const isNamespace = info.group === "" && info.resource === "namespaces";
  const waitsForNamespace = isNamespace && (obj.spec?.finalizers?.length ?? 0) > 0;
  if (!finalizers.size && grace === 0 && !waitsForNamespace) return false;

  if (!meta.deletionTimestamp) {
    meta.deletionTimestamp = grace > 0 ? new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : now();
    meta.deletionGracePeriodSeconds = grace;
  } else if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
    // A second delete may only shorten the grace period.
    meta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    meta.deletionGracePeriodSeconds = grace;
  }
  if (isNamespace) obj.status = { ...obj.status, phase: "Terminating" };
  return true;
}

/**
 * Only pods delete gracefully here: a pod bound to a node waits for its
 * kubelet, with the grace period of the request or of the pod spec
 * (pkg/registry/core/pod/strategy.go CheckGracefulDelete). An unscheduled or
 * finished pod goes at once.
 */
function gracePeriod(info: ResourceInfo, obj: KObject, opts: DeleteOptions): number {
  if (!(info.group === "" && info.resource === "pods")) return 0;
  const phase = obj.status?.phase;
  if (!obj.spec?.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
  return opts.gracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
}
