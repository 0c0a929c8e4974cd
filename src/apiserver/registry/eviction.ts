// The pods/eviction subresource (pkg/registry/core/pod/storage/eviction.go):
// a delete that honours the PodDisruptionBudget covering the pod. An
// eviction that would leave the budget short answers 429 TooManyRequests
// (kubectl drain retries it); an allowed one takes one disruption from the
// budget's status and records the pod in status.disruptedPods until the
// disruption controller sees it go.
import type { RequestContext } from "./context.ts";
import { type DeleteOptions, deleteObject } from "./deletion.ts";
import { ApiError, forbidden } from "./errors.ts";
import { labelSelectorMatches } from "./selectors.ts";
import type { ObjectStore } from "./store.ts";
import type { KObject, ResourceInfo } from "./types.ts";
import { cloneJson } from "./clone.ts";

/** policy/v1 MaxDisruptedPodSize. */
const MAX_DISRUPTED_PODS = 2000;

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string): ApiError {
  return new ApiError(429, "TooManyRequests", VIOLATION, { causes: [{ reason: "DisruptionBudget", message: cause }] });
}

function isReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c.status === "True");
}

/** Pods that already are, or cannot become, a disruption skip the budget check (canIgnorePDB). */
function canIgnoreBudget(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.metadata?.deletionTimestamp) || phase === "Succeeded" || phase === "Failed" || phase === "Pending";
}

export function evictPod(
  store: ObjectStore,
  podInfo: ResourceInfo,
  namespace: string,
  name: string,
  opts: DeleteOptions,
  ctx: RequestContext,
): void {
  const pdbInfo = store.registry.lookup("policy", "v1", "poddisruptionbudgets");
  const pod = store.get(podInfo, namespace, name).obj();
  if (pdbInfo && !canIgnoreBudget(pod)) {
    for (let attempt = 0; ; attempt++) {
      const budgets = store
        .list(pdbInfo, namespace, {})
        .items.map((i) => i.obj())
        .filter((b) => labelSelectorMatches(b.spec?.selector, pod.metadata?.labels));
      if (budgets.length > 1) {
        throw new ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
      }
      const pdb = budgets[0];
      if (!pdb || unhealthyMayGo(pdb, pod)) break;
      try {
        takeDisruption(store, pdbInfo, podInfo, pdb, name, ctx);
        break;
      } catch (e) {
        if (attempt < 5 && e instanceof ApiError && e.reason === "Conflict") continue;
        throw e;
      }
    }
  }
  deleteObject(store, podInfo, namespace, name, opts, ctx);
}

/** An unready pod may go without spending a disruption (unhealthyPodEvictionPolicy). */
function unhealthyMayGo(pdb: KObject, pod: KObject): boolean {
  if (isReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow") return true;
  const s = pdb.status ?? {};
  return (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0;
}

/** checkAndDecrement: spend one of the budget's allowed disruptions, or refuse. */
function takeDisruption(store: ObjectStore, pdbInfo: ResourceInfo, podInfo: ResourceInfo, pdb: KObject, podName: string, ctx: RequestContext): void {
  const s = pdb.status ?? {};
  const name = pdb.metadata?.name ?? "";
  if ((s.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
  }
  const allowed = s.disruptionsAllowed ?? 0;
  if (allowed < 0) throw forbidden(podInfo, podName, "pdb disruptions allowed is negative");
  if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw forbidden(podInfo, podName, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`);
  }
  if (ctx.dryRun) return;
  const next = cloneJson(pdb);
  next.status ??= {};
  const status = next.status;
  status.disruptionsAllowed = allowed - 1;
  status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") };
  if (status.disruptionsAllowed === 0) {
    const conds: any[] = (status.conditions ?? []).filter((c: any) => c?.type !== "DisruptionAllowed");
    const old = (status.conditions ?? []).find((c: any) => c?.type === "DisruptionAllowed");
    conds.push({
      type: "DisruptionAllowed",
      status: "False",
      reason: "InsufficientPods",
      message: "",
      observedGeneration: status.observedGeneration,
      lastTransitionTime: old?.status === "False" ? old.lastTransitionTime : status.disruptedPods[podName],
    });
    status.conditions = conds;
  }
  store.update(pdbInfo, pdb.metadata?.namespace ?? "", name, next, ctx, "status");
}
