// A workload's life in one chronological list, oldest first: its revisions
// (ReplicaSets of a Deployment, ControllerRevisions of a StatefulSet or
// DaemonSet), with the images each changed; the Kubernetes Events of the
// workload, of its ReplicaSets or Jobs and of their pods, from kpanda's
// cache, which keeps Events 7 days after the member dropped them
// (search/kinds.ts keepDeleted, `--event-retention`); the scaling done on
// schedule (the CronHPA controller's CronScaled events on the workload);
// and kpanda's audit entries for it (who created, scaled, updated,
// restarted or rolled it back, through the REST API or the proxy).
//
// Order: by time at one-second steps (Kubernetes' timestamps have whole
// seconds), then a user's action before what it caused (audit, then
// revisions, then events), then the exact time.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { stringify } from "yaml";
import type { AuditEntry } from "../http/context.ts";
import type { KObject } from "../search/index.ts";
import { eventTime } from "../search/kinds.ts";

export type TimelineEntry = {
  time: string;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  user?: string;
  /** Where the entry comes from. */
  source: "audit" | "revision" | "event" | "object";
  /** The object it is about, as Kind/name, when not the workload itself. */
  object?: string;
  revision?: number;
  /** A revision's change: the unified diff of the pod template (YAML) from the revision before it. */
  diff?: string;
  /** How many times an Event occurred (its count). */
  count?: number;
};

export type WorkloadRef = { plural: string; kind: string; group: string; namespace: string; name: string };
export type RevisionInfo = { revision: number; name: string; time?: string; images: string[]; changeCause?: string; template?: Record<string, unknown> };

const RANK: Record<TimelineEntry["source"], number> = { audit: 0, object: 1, revision: 2, event: 3 };

/**
 * Whether an Event's involved object belongs to the workload: the workload
 * itself, one of its ReplicaSets (named <deployment>-<pod-template-hash>) or
 * Jobs (<cronjob>-<scheduled minute>), a pod of theirs, by the names their
 * controllers give them, or an HPA that scales it (its rescales).
 */
export function relatedObject(w: WorkloadRef, revisionNames: ReadonlySet<string>, hpas: ReadonlySet<string> = new Set()): (kind: string, name: string) => boolean {
  const n = w.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pod: Record<string, RegExp> = {
    deployments: new RegExp(`^${n}-[a-z0-9]{1,10}-[a-z0-9]{5}$`),
    statefulsets: new RegExp(`^${n}-\\d+$`),
    daemonsets: new RegExp(`^${n}-[a-z0-9]{5}$`),
    jobs: new RegExp(`^${n}-[a-z0-9]{5}$`),
    cronjobs: new RegExp(`^${n}-\\d+-[a-z0-9]{5}$`),
  };
  const replicaSet = new RegExp(`^${n}-[a-z0-9]{1,10}$`);
  const job = new RegExp(`^${n}-\\d+$`);
  return (kind, name) => {
    if (kind === w.kind) return name === w.name;
    if (kind === "Pod") return !!pod[w.plural]?.test(name);
    if (kind === "ReplicaSet") return w.plural === "deployments" && (revisionNames.has(name) || replicaSet.test(name));
    if (kind === "Job") return w.plural === "cronjobs" && job.test(name);
    if (kind === "HorizontalPodAutoscaler") return hpas.has(name);
    return false;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function revisionEntries(w: WorkloadRef, revisions: readonly RevisionInfo[]): TimelineEntry[] {
  const holder = w.plural === "deployments" ? "ReplicaSet" : "ControllerRevision";
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  return sorted.flatMap((r, i) => {
    if (!r.time) return [];
    const before = sorted[i - 1]?.images;
    const change = before && before.join(",") !== r.images.join(",") ? `images ${before.join(", ")} → ${r.images.join(", ")}` : `images ${r.images.join(", ")}`;
    const cause = r.changeCause ? ` (${r.changeCause})` : "";
    return [{ time: iso(Date.parse(r.time)), type: "Normal" as const, reason: "Revision", message: `revision ${r.revision}: ${change}${cause}`, source: "revision" as const, object: `${holder}/${r.name}`, revision: r.revision }];
  });
}

function eventEntries(w: WorkloadRef, events: readonly KObject[]): TimelineEntry[] {
  return events.map((e) => {
    const io = e.involvedObject ?? {};
    const own = io.kind === w.kind && io.name === w.name;
    const count = typeof e.count === "number" ? e.count : (e.series?.count ?? 1);
    return {
      time: iso(eventTime(e)),
      type: e.type === "Warning" ? "Warning" : "Normal",
      reason: e.reason ?? "",
      message: e.message ?? e.note ?? "",
      source: "event" as const,
      ...(own ? {} : { object: `${io.kind}/${io.name}` }),
      ...(count > 1 ? { count } : {}),
    };
  });
}

/** kpanda's audit entries about the workload (REST: resource "deployments" or "deployments/scale"; proxy: "deployments.apps[/scale]"). */
export function auditFor(w: WorkloadRef, entries: readonly AuditEntry[]): AuditEntry[] {
  const names = new Set([w.plural, `${w.plural}.${w.group}`]);
  return entries.filter((e) => {
    // A dry run changed nothing: it is in the audit log, not in the workload's history.
    if (e.dryRun || e.namespace !== w.namespace || e.name !== w.name || !e.resource) return false;
    const [resource] = e.resource.split("/");
    return names.has(resource);
  });
}

function auditEntries(entries: readonly AuditEntry[]): TimelineEntry[] {
  return entries.map((e) => {
    const failed = e.code >= 400;
    return {
      time: e.time,
      type: failed ? "Warning" : "Normal",
      reason: e.verb,
      message: `${e.user} ${e.verb} ${e.resource} ${e.name}${failed ? ` refused (${e.code})` : ""} via ${e.via}`,
      user: e.user,
      source: "audit" as const,
    };
  });
}

export type TimelineInput = {
  workload: WorkloadRef;
  /** The workload as the member serves it (its creation, when no audit entry tells who made it). */
  object?: KObject;
  revisions: readonly RevisionInfo[];
  /** Events already narrowed to the workload's namespace; filtered here by involved object. */
  events: readonly KObject[];
  /** Audit entries already narrowed to the workload (auditFor). */
  audit: readonly AuditEntry[];
  /** The HorizontalPodAutoscalers that target the workload. */
  hpas?: readonly string[];
};

export function buildTimeline(input: TimelineInput): TimelineEntry[] {
  const { workload: w } = input;
  const related = relatedObject(w, new Set(input.revisions.map((r) => r.name)), new Set(input.hpas ?? []));
  const events = input.events.filter((e) => related(e.involvedObject?.kind ?? "", e.involvedObject?.name ?? ""));
  const entries = [...auditEntries(input.audit), ...revisionEntries(w, input.revisions), ...eventEntries(w, events)];
  const created = input.object?.metadata?.creationTimestamp;
  if (created && !input.audit.some((a) => a.verb === "create" && a.code < 400)) {
    entries.push({ time: iso(Date.parse(created)), type: "Normal", reason: "Created", message: `${w.kind} ${w.name} created`, source: "object" });
  }
  // Each entry's time parsed once (a sort compares each entry many times).
  const keyed = entries.map((e) => ({ e, ms: Date.parse(e.time) }));
  keyed.sort((a, b) => Math.floor(a.ms / 1000) - Math.floor(b.ms / 1000) || RANK[a.e.source] - RANK[b.e.source] || a.ms - b.ms);
  return keyed.map((k) => k.e);
}

/**
 * The revision entries among `entries` (a page) with their diff from the
 * revision before: the pod templates as YAML with sorted keys, as GET
 * …/revisions/{a}/diff/{b} answers it. The first revision has none.
 */
export function withDiffs(entries: TimelineEntry[], revisions: readonly RevisionInfo[]): TimelineEntry[] {
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const yamlOf = (r: RevisionInfo) => stringify(r.template ?? {}, { sortMapEntries: true });
  return entries.map((e) => {
    if (e.source !== "revision" || e.revision === undefined) return e;
    const i = sorted.findIndex((r) => r.revision === e.revision);
    if (i < 1) return e;
    const [a, b] = [sorted[i - 1], sorted[i]];
    return { ...e, diff: createTwoFilesPatch(`revision-${a.revision}`, `revision-${b.revision}`, yamlOf(a), yamlOf(b), undefined, undefined, { headerOptions: FILE_HEADERS_ONLY }) };
  });
}
