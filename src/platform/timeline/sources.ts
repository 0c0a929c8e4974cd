// Where a timeline's entries come from: the workload and its revisions read
// from the member as the caller (so the member's RBAC decides who may see
// the timeline at all), its Events from kpanda's search cache, and the
// audit log.
import { selectorString } from "../apps/revisions.ts";
import { type Caller, callerJson } from "../apps/callAs.ts";
import type { Member } from "../clusters/members.ts";
import type { PlatformContext } from "../http/context.ts";
import type { KObject } from "../search/index.ts";
import { auditFor, buildTimeline, type RevisionInfo, type TimelineEntry, type WorkloadRef } from "./timeline.ts";

/** Up to this many of the namespace's Events whose names hold the workload's are read (20 pages). */
const MAX_EVENTS = 10_000;

const controlledBy = (o: KObject, uid: unknown) =>
  ((o.metadata?.ownerReferences as { uid?: string; controller?: boolean }[] | undefined) ?? []).some((r) => r.controller && r.uid === uid);

const imagesOf = (template: any): string[] => ((template?.spec?.containers ?? []) as { image?: string }[]).map((c) => c.image ?? "");

/** A revision's pod template without what its controller added (the pod-template-hash label, a ControllerRevision's $patch). */
function bareTemplate(t: unknown): Record<string, any> {
  const out = structuredClone((t ?? {}) as Record<string, any>);
  delete out.$patch;
  if (out.metadata?.labels) {
    delete out.metadata.labels["pod-template-hash"];
    if (Object.keys(out.metadata.labels).length === 0) delete out.metadata.labels;
  }
  return out;
}

/**
 * A workload's revisions: its ReplicaSets (Deployments; from the cache, as
 * the caller has just read the Deployment itself from the member) or
 * ControllerRevisions (StatefulSets, DaemonSets; not cached, so read from
 * the member as the caller); none for Jobs and CronJobs.
 */
export async function revisionsOf(ctx: PlatformContext, m: Member, who: Caller, w: WorkloadRef, obj: KObject): Promise<RevisionInfo[]> {
  const holder = w.plural === "deployments" ? "replicasets" : w.plural === "statefulsets" || w.plural === "daemonsets" ? "controllerrevisions" : undefined;
  if (!holder) return [];
  const selector = selectorString(obj.spec?.selector);
  let items: KObject[];
  if (holder === "replicasets") {
    items = [];
    const q = { group: "apps", resource: "replicasets", clusters: [m.name], namespaces: [w.namespace], ...(selector ? { labelSelector: selector } : {}), pageSize: 500 };
    for (let page = 1; ; page++) {
      const r = await ctx.search.index.query({ ...q, page });
      for (const i of r.items) items.push(i.object);
      if (r.items.length < 500 || page * 500 >= r.total) break;
    }
  } else {
    const q = selector ? `?labelSelector=${encodeURIComponent(selector)}` : "";
    items = (await callerJson<{ items?: KObject[] }>(m, who, { path: `/apis/apps/v1/namespaces/${encodeURIComponent(w.namespace)}/${holder}${q}` })).items ?? [];
  }
  const out: RevisionInfo[] = [];
  for (const o of items) {
    if (!controlledBy(o, obj.metadata?.uid)) continue;
    const raw = holder === "replicasets" ? o.metadata?.annotations?.["deployment.kubernetes.io/revision"] : o.revision;
    const n = Number(raw);
    if (raw === undefined || raw === "" || !Number.isInteger(n)) continue;
    const template = holder === "replicasets" ? o.spec?.template : o.data?.spec?.template;
    out.push({
      revision: n,
      name: o.metadata?.name ?? "",
      time: o.metadata?.creationTimestamp,
      images: imagesOf(template),
      changeCause: o.metadata?.annotations?.["kubernetes.io/change-cause"],
      template: bareTemplate(template),
    });
  }
  return out;
}

/** The cached Events of the namespace whose names contain `name` (an Event is named <object>.<suffix>). */
export async function eventsNear(ctx: PlatformContext, cluster: string, namespace: string, name: string): Promise<KObject[]> {
  // Page after page until a short one, in the index's name order (the timeline sorts them itself: asking the
  // index for time order costs a sort per page), without the count.
  const byName = new Map<string, KObject>();
  for (let page = 1; page <= MAX_EVENTS / 500; page++) {
    const r = await ctx.search.index.query({ group: "", resource: "events", clusters: [cluster], namespaces: [namespace], fuzzySearch: name, page, pageSize: 500, skipTotal: true });
    // Pages read at different revisions may repeat an Event that moved between them: once each.
    for (const i of r.items) byName.set(i.name, i.object);
    if (r.items.length < 500) break;
  }
  return [...byName.values()];
}

/** The cached HorizontalPodAutoscalers of the namespace that scale the workload. */
export async function hpasOf(ctx: PlatformContext, cluster: string, w: WorkloadRef): Promise<string[]> {
  const r = await ctx.search.index.query({ group: "autoscaling", resource: "horizontalpodautoscalers", clusters: [cluster], namespaces: [w.namespace], pageSize: 500 });
  return r.items.filter((i) => i.object.spec?.scaleTargetRef?.kind === w.kind && i.object.spec?.scaleTargetRef?.name === w.name).map((i) => i.name);
}

/** The whole timeline of a workload, oldest first, and its revisions (for their diffs). */
export async function timelineOf(ctx: PlatformContext, m: Member, who: Caller, w: WorkloadRef, workloadPath: string): Promise<{ entries: TimelineEntry[]; revisions: RevisionInfo[] }> {
  const obj = await callerJson<KObject>(m, who, { path: workloadPath });
  const [revisions, events, hpas] = await Promise.all([revisionsOf(ctx, m, who, w, obj), eventsNear(ctx, m.name, w.namespace, w.name), hpasOf(ctx, m.name, w)]);
  // An HPA named otherwise has its rescale events under its own name.
  for (const h of hpas.filter((h) => !h.includes(w.name))) events.push(...(await eventsNear(ctx, m.name, w.namespace, h)));
  const audit = auditFor(w, ctx.audit.query({ cluster: m.name, namespace: w.namespace, name: w.name }));
  return { entries: buildTimeline({ workload: w, object: obj, revisions, events, audit, hpas }), revisions };
}
