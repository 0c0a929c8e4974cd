// The one-word state of a Kubernetes object as kubectl prints it, for the
// lists that show cached objects (global search). The cache sorts and
// filters on the same words (src/platform/search/kinds.ts).
type Obj = { metadata?: { deletionTimestamp?: string; [k: string]: unknown }; spec?: any; status?: any };

const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** kubectl's pod STATUS column (printPod in pkg/printers/internalversion/printers.go), in its main cases. */
export function podStatus(o: Obj): string {
  if (o.metadata?.deletionTimestamp) return "Terminating";
  let reason: string = o.status?.reason || o.status?.phase || "Unknown";
  for (const c of o.status?.initContainerStatuses ?? []) {
    const s = c.state ?? {};
    if (s.terminated && s.terminated.exitCode === 0) continue;
    if (s.terminated) return `Init:${s.terminated.reason || "Error"}`;
    if (s.waiting?.reason && s.waiting.reason !== "PodInitializing") return `Init:${s.waiting.reason}`;
  }
  for (const c of [...(o.status?.containerStatuses ?? [])].reverse()) {
    const s = c.state ?? {};
    if (s.waiting?.reason) reason = s.waiting.reason;
    else if (s.terminated?.reason) reason = s.terminated.reason;
  }
  return reason;
}

/** kubectl's RESTARTS: the restarts of the pod's containers. */
export function restarts(o: Obj): number {
  return (o.status?.containerStatuses ?? []).reduce((sum: number, c: any) => sum + n(c.restartCount), 0);
}

/** Desired and ready replicas of a Deployment, StatefulSet, ReplicaSet or DaemonSet. */
function replicas(resource: string, o: Obj): { desired: number; ready: number; updated: number } {
  if (resource === "daemonsets") {
    const desired = n(o.status?.desiredNumberScheduled);
    return { desired, ready: n(o.status?.numberReady), updated: o.status?.updatedNumberScheduled ?? desired };
  }
  const desired = o.spec?.replicas ?? 1;
  return { desired, ready: n(o.status?.readyReplicas), updated: o.status?.updatedReplicas ?? desired };
}

/** kubectl's READY column of a workload: ready/desired. */
export function workloadReady(resource: string, o: Obj): string {
  const r = replicas(resource, o);
  return `${r.ready}/${r.desired}`;
}

/** Stopped at zero replicas, Running when every replica is ready and updated, else Waiting (the cache's status column). */
export function workloadStatus(resource: string, o: Obj): string {
  const r = replicas(resource, o);
  if (r.desired === 0) return "Stopped";
  return r.ready >= r.desired && r.updated >= r.desired ? "Running" : "Waiting";
}

/** A Job's state from its Complete and Failed conditions. */
export function jobStatus(o: Obj): string {
  const is = (t: string) => (o.status?.conditions ?? []).some((c: any) => c.type === t && c.status === "True");
  return is("Complete") ? "Completed" : is("Failed") ? "Failed" : o.spec?.suspend ? "Suspended" : "Running";
}

/** A node's Ready condition as kubectl's STATUS (Ready, NotReady, Unknown). */
export function nodeStatus(o: Obj): string {
  const ready = (o.status?.conditions ?? []).find((c: any) => c.type === "Ready")?.status;
  return ready === "True" ? "Ready" : ready === "False" ? "NotReady" : "Unknown";
}
