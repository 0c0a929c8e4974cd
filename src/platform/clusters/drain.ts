// Draining a node as `kubectl drain --ignore-daemonsets` does
// (k8s.io/kubectl/pkg/drain): cordon it, sort its pods with kubectl's
// filters, evict the others through the Eviction API (retrying the 429s of
// a PodDisruptionBudget every 5 s), and wait for the evicted pods to go, all
// within one global timeout. As kubectl's evictPods, the timeout is checked
// before every eviction: once it is reached nothing more is evicted, and a
// pod still refused is reported by name with kubectl's words ("error when
// evicting pods/NAME -n NS: global timeout reached") and the last refusal. Unlike kubectl, which stops before evicting anything
// when one pod may not be deleted, the drain evicts what it may and reports
// the rest: {"evicted", "failed", "skipped"}, each pod with the reason.
import { codeOf } from "../host/host.ts";
import { fromMember } from "../http/errors.ts";
import { coreOf, getJson, itemsOf, qs } from "./memberApi.ts";
import type { Member } from "./members.ts";
import { setUnschedulable } from "./nodes.ts";

export type DrainOptions = {
  /** How long evictions are retried and their pods waited for (default 60). */
  timeoutSeconds?: number;
  /** Evict pods with emptyDir volumes too (their data is lost): kubectl's --delete-emptydir-data. */
  deleteEmptyDirData?: boolean;
  /** Evict pods no controller owns (they are not recreated): kubectl's --force. */
  force?: boolean;
  /** The grace period each eviction asks for; the pod's own when absent. */
  gracePeriodSeconds?: number;
};

export type PodRef = { namespace: string; name: string };
export type PodResult = PodRef & { reason: string };
export type DrainReport = { evicted: PodRef[]; failed: PodResult[]; skipped: PodResult[] };

export const DEFAULT_DRAIN_SECONDS = 60;
/** kubectl's wait between evictions refused with 429. */
const RETRY_MS = 5_000;
const POLL_MS = 500;

type KPod = any;
type Verdict = { evict: true } | { evict: false; skip: boolean; reason: string };

const terminal = (p: KPod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
const controllerOf = (p: KPod) => (p.metadata?.ownerReferences ?? []).find((r: { controller?: boolean }) => r.controller);

/**
 * kubectl's filters, in its order, stopping at the first that keeps the pod
 * (drain/filters.go): DaemonSet pods are skipped (an orphan one fails unless
 * forced); mirror pods are skipped; pods with emptyDir fail unless
 * deleteEmptyDirData; pods without a controller fail unless forced.
 * Finished pods pass every filter but the mirror one.
 */
async function verdict(m: Member, pod: KPod, opts: DrainOptions): Promise<Verdict> {
  const owner = controllerOf(pod);
  if (owner?.kind === "DaemonSet" && !terminal(pod)) {
    try {
      await getJson(m, `/apis/apps/v1/namespaces/${pod.metadata.namespace}/daemonsets/${encodeURIComponent(owner.name)}`);
      return { evict: false, skip: true, reason: "ignoring DaemonSet-managed Pods" };
    } catch (e) {
      if (!(codeOf(e) === 404 && opts.force)) return { evict: false, skip: false, reason: (e as Error).message };
    }
  }
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) {
    return { evict: false, skip: true, reason: "mirror pod (managed by its kubelet)" };
  }
  if (!terminal(pod) && !opts.deleteEmptyDirData && (pod.spec?.volumes ?? []).some((v: { emptyDir?: unknown }) => v.emptyDir)) {
    return { evict: false, skip: false, reason: "cannot delete Pods with local storage (use deleteEmptyDirData to override)" };
  }
  if (!terminal(pod) && !owner && !opts.force) {
    return { evict: false, skip: false, reason: "cannot delete Pods that declare no controller (use force to override)" };
  }
  return { evict: true };
}

/**
 * The Eviction API version the member serves, from its core/v1 discovery as
 * kubectl's CheckEvictionSupport reads it: policy/v1 from Kubernetes 1.22,
 * policy/v1beta1 before (a 1.20 member knows no policy/v1 Eviction).
 */
export async function evictionVersion(m: Member): Promise<string> {
  const list = await getJson(m, "/api/v1");
  const sub = (list.resources ?? []).find((r: { name: string }) => r.name === "pods/eviction");
  return sub?.group && sub?.version ? `${sub.group}/${sub.version}` : "policy/v1";
}

/** A refused eviction's message, with the budget's own words when the member gives them. */
function refusal(m: Member, e: unknown): string {
  const err = fromMember(m.name, e);
  let causes: { message?: string }[] = [];
  try {
    const body = (e as { body?: unknown }).body;
    causes = (typeof body === "string" ? JSON.parse(body) : body)?.details?.causes ?? [];
  } catch {}
  const detail = causes.map((c) => c.message).filter(Boolean);
  return detail.length ? `${err.message} (${detail.join("; ")})` : err.message;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** kubectl's words for a pod whose eviction the timeout ended, with the last refusal it got. */
function timedOut(pod: KPod, opts: DrainOptions, refused: string | undefined): string {
  const { name, namespace } = pod.metadata;
  const why = `error when evicting pods/"${name}" -n "${namespace}": global timeout reached: ${opts.timeoutSeconds ?? DEFAULT_DRAIN_SECONDS}s`;
  return refused ? `${why} (last refused: ${refused})` : why;
}

/** Evicts one pod and waits for it to go; answers undefined when it went, else why not. */
async function evictOne(m: Member, pod: KPod, apiVersion: string, opts: DrainOptions, deadline: number): Promise<string | undefined> {
  const { name, namespace, uid } = pod.metadata;
  const body = {
    apiVersion,
    kind: "Eviction",
    metadata: { name, namespace },
    ...(opts.gracePeriodSeconds !== undefined ? { deleteOptions: { gracePeriodSeconds: opts.gracePeriodSeconds } } : {}),
  };
  let refused: string | undefined;
  for (;;) {
    // kubectl checks its global timeout before each attempt (evictPods' ctx.Done()): none is made after it.
    if (Date.now() >= deadline) return timedOut(pod, opts, refused);
    try {
      await m.run(() => coreOf(m).createNamespacedPodEviction({ name, namespace, body: body as never }));
      break;
    } catch (e) {
      if (codeOf(e) === 404) return undefined;
      if (codeOf(e) !== 429) return refusal(m, e);
      // A disruption budget says not now: kubectl tries again in 5 s (EvictErrorRetryDelay), for as long as its timeout allows.
      refused = refusal(m, e);
      await sleep(Math.min(RETRY_MS, deadline - Date.now()));
    }
  }
  // Gone once a GET answers 404, or finds a new pod of that name (kubectl's waitForDelete).
  for (;;) {
    try {
      const now = await getJson(m, `/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(name)}`);
      if (now.metadata?.uid !== uid) return undefined;
    } catch (e) {
      if (codeOf(e) === 404) return undefined;
    }
    if (Date.now() >= deadline) return `evicted, but still terminating when the timeout (${opts.timeoutSeconds ?? DEFAULT_DRAIN_SECONDS}s) was reached`;
    await sleep(Math.min(POLL_MS, deadline - Date.now()));
  }
}

/** Cordons the node, then evicts its pods as kubectl drain --ignore-daemonsets would; answers what became of each. */
export async function drainNode(m: Member, node: string, opts: DrainOptions = {}): Promise<DrainReport> {
  const deadline = Date.now() + (opts.timeoutSeconds ?? DEFAULT_DRAIN_SECONDS) * 1000;
  await setUnschedulable(m, node, true);
  const [pods, apiVersion] = await Promise.all([
    getJson(m, `/api/v1/pods${qs({ fieldSelector: `spec.nodeName=${node}` })}`),
    evictionVersion(m),
  ]);
  const report: DrainReport = { evicted: [], failed: [], skipped: [] };
  await Promise.all(
    itemsOf<KPod>(pods).map(async (pod) => {
      const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
      const v = await verdict(m, pod, opts);
      if (!v.evict) return (v.skip ? report.skipped : report.failed).push({ ...ref, reason: v.reason });
      const why = await evictOne(m, pod, apiVersion, opts, deadline);
      if (why) report.failed.push({ ...ref, reason: why });
      else report.evicted.push(ref);
    }),
  );
  const order = (a: PodRef, b: PodRef) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
  for (const list of [report.evicted, report.failed, report.skipped]) list.sort(order);
  return report;
}
