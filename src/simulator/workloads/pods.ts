// Pod control shared by the ReplicaSet, StatefulSet, DaemonSet and Job
// controllers: create and delete pods with their events, claim (adopt and
// release) pods by selector, and rank pods for scale-down.
import { isNotFound, type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { OwnerReference } from "../../apiserver/registry/types.ts";
import type { Informer } from "../kube/informer.ts";
import type { EventRecorder } from "../events.ts";
import { byControllerUid, controllerRef, errMessage, isPodReady, orphansByNamespace, podCondition, type Selector } from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export const IDX_CONTROLLER = "workloads.controllerUid";
export const IDX_ORPHANS = "workloads.orphansByNamespace";
export const IDX_NAMESPACE = "workloads.namespace";

export const byNamespace = (o: KObject) => [o.metadata?.namespace ?? ""];

/** Adds the owner and orphan indexes (idempotent in effect: same names, same functions). */
export function indexOwned(inf: Informer): Informer {
  return inf.addIndex(IDX_CONTROLLER, byControllerUid).addIndex(IDX_ORPHANS, orphansByNamespace);
}

export const podKey = (p: KObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** Creates a pod; events SuccessfulCreate / FailedCreate on the owner as upstream's PodControl. */
export async function createPod(client: KubeClient, rec: EventRecorder, owner: KObject, pod: KObject): Promise<KObject> {
  try {
    const made = await client.create(R.pods, owner.metadata!.namespace!, pod);
    rec.event(owner, "Normal", "SuccessfulCreate", `Created pod: ${made.metadata?.name}`);
    return made;
  } catch (e) {
    rec.event(owner, "Warning", "FailedCreate", `Error creating: ${errMessage(e)}`);
    throw e;
  }
}

export async function deletePod(client: KubeClient, rec: EventRecorder, owner: KObject, pod: KObject): Promise<void> {
  try {
    await client.delete(R.pods, pod.metadata!.namespace!, pod.metadata!.name!);
    rec.event(owner, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name}`);
  } catch (e) {
    if (isNotFound(e)) return;
    rec.event(owner, "Warning", "FailedDelete", `Error deleting: ${errMessage(e)}`);
    throw e;
  }
}

/**
 * ClaimObjects (controller_ref_manager.go): objects the owner controls and still
 * selects, plus orphans it selects (adopted); controlled ones it no longer
 * selects are released. A deleting owner adopts nothing.
 */
export async function claim(
  client: KubeClient,
  r: typeof R.pods,
  inf: Informer,
  owner: KObject,
  ref: OwnerReference,
  selects: Selector,
): Promise<KObject[]> {
  const ns = owner.metadata!.namespace!;
  const uid = owner.metadata!.uid!;
  const out: KObject[] = [];
  const deleting = !!owner.metadata?.deletionTimestamp;
  for (const o of inf.byIndex(IDX_CONTROLLER, uid)) {
    if (o.metadata?.namespace !== ns) continue;
    if (selects(o.metadata?.labels) || deleting) {
      out.push(o);
      continue;
    }
    await patchOwners(client, r, o, (o.metadata?.ownerReferences ?? []).filter((x) => x.uid !== uid)).catch(() => undefined);
  }
  if (deleting) return out;
  for (const o of inf.byIndex(IDX_ORPHANS, ns)) {
    if (o.metadata?.deletionTimestamp || !selects(o.metadata?.labels)) continue;
    const adopted = await patchOwners(client, r, o, [...(o.metadata?.ownerReferences ?? []), ref]).catch(() => undefined);
    if (adopted) out.push(adopted);
  }
  return out;
}

/** Replaces ownerReferences with an update carrying the cached resourceVersion, so a concurrent change wins. */
function patchOwners(client: KubeClient, r: typeof R.pods, o: KObject, owners: OwnerReference[]): Promise<KObject> {
  const copy = cloneJson(o);
  copy.metadata!.ownerReferences = owners;
  return client.update(r, o.metadata!.namespace!, copy);
}

export function ownerOf(o: KObject, kind: string, lookup: (ns: string, name: string) => KObject | undefined): KObject | undefined {
  const ref = controllerRef(o);
  if (!ref || ref.kind !== kind) return undefined;
  const owner = lookup(o.metadata?.namespace ?? "", ref.name);
  return owner?.metadata?.uid === ref.uid ? owner : undefined;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * ActivePodsWithRanks order: pods earlier in the result are deleted first.
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready;
 * lower pod-deletion-cost first; more pods of the same owner on the node first;
 * ready more recently first; more restarts first; newer first.
 */
export function rankForDeletion(pods: KObject[], related: KObject[] = pods): KObject[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const cost = (p: KObject) => Number(p.metadata?.annotations?.["controller.kubernetes.io/pod-deletion-cost"] ?? 0) || 0;
  const restarts = (p: KObject) => (p.status?.containerStatuses ?? []).reduce((s: number, c: any) => s + (c.restartCount ?? 0), 0);
  const readySince = (p: KObject) => Date.parse(podCondition(p, "Ready")?.lastTransitionTime ?? "") || 0;
  const created = (p: KObject) => Date.parse(p.metadata?.creationTimestamp ?? "") || 0;
  return [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0;
    const bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = PHASE_RANK[a.status?.phase] ?? 0;
    const bp = PHASE_RANK[b.status?.phase] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0;
    const br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    if (cost(a) !== cost(b)) return cost(a) - cost(b);
    const ad = perNode.get(a.spec?.nodeName) ?? 0;
    const bd = perNode.get(b.spec?.nodeName) ?? 0;
    if (ad !== bd) return bd - ad;
    if (ar && br && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    return created(b) - created(a);
  });
}

/** slowStartBatch: 1, 2, 4, ... at a time, stopping at the first batch with an error. */
export async function slowStartBatch(count: number, fn: () => Promise<unknown>, initial = 1): Promise<{ ok: number; err?: unknown }> {
  let ok = 0;
  let batch = Math.min(count, initial);
  let left = count;
  while (batch > 0) {
    const res = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = res.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    ok += res.filter((r) => r.status === "fulfilled").length;
    if (failed) return { ok, err: failed.reason };
    left -= batch;
    batch = Math.min(left, batch * 2);
  }
  return { ok };
}
