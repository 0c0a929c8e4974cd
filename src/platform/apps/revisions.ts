// A workload's revisions, as `kubectl rollout history` reads them
// (kubectl/pkg/polymorphichelpers/history.go), and rollback to one, as
// `kubectl rollout undo --to-revision` makes it (rollback.go):
// - Deployments: their ReplicaSets (controlled by the Deployment), numbered
//   by the deployment.kubernetes.io/revision annotation; a revision's pod
//   template is its ReplicaSet's, without the pod-template-hash label.
//   Rollback is kubectl's JSON patch: spec.template := that template, and
//   metadata.annotations := the ReplicaSet's, except those kubectl keeps
//   from the Deployment (revision, desired/max replicas, last-applied);
//   a paused Deployment is refused.
// - StatefulSets and DaemonSets: their ControllerRevisions (controlled by
//   them), numbered by .revision; data is the strategic merge patch
//   {"spec":{"template":{…,"$patch":"replace"}}} that rollback applies as is.
// A rollback to the template the workload already has is skipped, as
// kubectl skips it ("current template already matches revision N").
import { isDeepStrictEqual } from "node:util";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { stringify } from "yaml";
import { conflict, PlatformError } from "../http/errors.ts";
import { qs } from "../clusters/memberApi.ts";
import { patchObject, type KObject, readObject, type Target } from "./objects.ts";
import { callAs } from "./callAs.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const CHANGE_CAUSE = "kubernetes.io/change-cause";
const POD_TEMPLATE_HASH = "pod-template-hash";
/** Annotations kubectl keeps from the Deployment, not the ReplicaSet, on rollback (rollback.go annotationsToSkip). */
const KEPT_ANNOTATIONS = [
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
];

export type Revision = {
  revision: number;
  /** The ReplicaSet or ControllerRevision holding it. */
  name: string;
  time?: string;
  images: string[];
  changeCause?: string;
  /** The workload's pod template is this revision's. */
  current: boolean;
  template: Record<string, any>;
  /** The holder itself (rollback reads it). */
  source: KObject;
};

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** A label selector in the query syntax (metav1.LabelSelectorAsSelector). */
export function selectorString(s: Selector | undefined): string {
  const parts = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s?.matchExpressions ?? []) {
    const vs = `(${(e.values ?? []).join(",")})`;
    if (e.operator === "In") parts.push(`${e.key} in ${vs}`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin ${vs}`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

const controlledBy = (o: KObject, uid: unknown) =>
  ((o.metadata?.ownerReferences as { uid?: string; controller?: boolean }[] | undefined) ?? []).some((r) => r.controller && r.uid === uid);

/** A pod template without what the controller adds to it (the pod-template-hash label). */
function bareTemplate(t: unknown): Record<string, any> {
  const out = structuredClone((t ?? {}) as Record<string, any>);
  delete out.$patch;
  if (out.metadata?.labels) {
    delete out.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(out.metadata.labels).length === 0) delete out.metadata.labels;
  }
  return out;
}

function imagesOf(template: Record<string, any>): string[] {
  return ((template.spec?.containers ?? []) as { image?: string }[]).map((c) => c.image ?? "");
}

/** The workload and its revisions, oldest first. */
export async function revisionsOf(t: Target, name: string): Promise<{ workload: KObject; revisions: Revision[] }> {
  const workload = await readObject(t, name);
  const spec = (workload.spec ?? {}) as { selector?: Selector; template?: unknown };
  const deployment = t.kind.plural === "deployments";
  const path = deployment ? "replicasets" : "controllerrevisions";
  const { body: list } = await callAs<{ items?: KObject[] }>(t.m, t.who, {
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(t.namespace)}/${path}${qs({ labelSelector: selectorString(spec.selector) || undefined })}`,
  });
  const current = bareTemplate(spec.template);
  const revisions: Revision[] = [];
  for (const o of list.items ?? []) {
    if (!controlledBy(o, workload.metadata?.uid)) continue;
    const annotations = (o.metadata?.annotations ?? {}) as Record<string, string>;
    // A ReplicaSet without a revision annotation is not in the history (kubectl skips it too).
    const raw = deployment ? annotations[REVISION] : o.revision;
    const n = raw === undefined || raw === "" ? Number.NaN : Number(raw);
    if (!Number.isInteger(n) || n < 0) continue;
    const template = bareTemplate(deployment ? (o.spec as { template?: unknown })?.template : (o.data as { spec?: { template?: unknown } })?.spec?.template);
    revisions.push({
      revision: n,
      name: o.metadata?.name ?? "",
      time: o.metadata?.creationTimestamp as string | undefined,
      images: imagesOf(template),
      changeCause: annotations[CHANGE_CAUSE],
      current: isDeepStrictEqual(template, current),
      template,
      source: o,
    });
  }
  revisions.sort((a, b) => a.revision - b.revision);
  return { workload, revisions };
}

const notFoundRevision = (t: Target, n: number) =>
  new PlatformError(404, "NotFound", `unable to find specified revision ${n} in history`, { cluster: t.m.name });

function find(t: Target, revisions: Revision[], n: number): Revision {
  const r = revisions.find((x) => x.revision === n);
  if (!r) throw notFoundRevision(t, n);
  return r;
}

/** The unified diff from revision a's pod template to b's, both as YAML (keys sorted, so only content differs). */
export async function revisionDiff(t: Target, name: string, a: number, b: number): Promise<string> {
  const { revisions } = await revisionsOf(t, name);
  const [ra, rb] = [find(t, revisions, a), find(t, revisions, b)];
  const yamlOf = (r: Revision) => stringify(r.template, { sortMapEntries: true });
  return createTwoFilesPatch(`revision-${a}`, `revision-${b}`, yamlOf(ra), yamlOf(rb), undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
}

export type RollbackResult = { revision: number; rolledBack: boolean; message: string; object: KObject };

/** Rolls back to revision `n`, or with 0 to the one before the newest (kubectl rollout undo without --to-revision). */
export async function rollback(t: Target, name: string, n: number, dryRun?: string): Promise<RollbackResult> {
  const { workload, revisions } = await revisionsOf(t, name);
  if (n === 0 && revisions.length < 2) throw conflict("no last revision to roll back to", t.m.name);
  const to = n === 0 ? revisions[revisions.length - 2] : find(t, revisions, n);
  const revision = to.revision;
  const deployment = t.kind.plural === "deployments";
  if (deployment && (workload.spec as { paused?: boolean })?.paused) {
    throw conflict(`you cannot rollback a paused deployment; resume it first and try again`, t.m.name);
  }
  if (to.current) {
    const message = `skipped rollback (current template already matches revision ${revision})`;
    return { revision, rolledBack: false, message, object: workload };
  }
  const answer = deployment
    ? await patchObject(t, name, deploymentPatch(workload, to), "application/json-patch+json", { dryRun })
    : await patchObject(t, name, to.source.data, "application/strategic-merge-patch+json", { dryRun });
  return { revision, rolledBack: true, message: "rolled back", object: answer.body };
}

/**
 * kubectl's patch: replace the template and the annotations. (kubectl says
 * "replace" for the annotations; "add" does the same where they exist and
 * also where a Deployment has none yet.)
 */
function deploymentPatch(d: KObject, to: Revision): unknown[] {
  const own = (d.metadata?.annotations ?? {}) as Record<string, string>;
  const annotations: Record<string, string> = {};
  for (const k of KEPT_ANNOTATIONS) if (own[k] !== undefined) annotations[k] = own[k];
  for (const [k, v] of Object.entries((to.source.metadata?.annotations ?? {}) as Record<string, string>)) {
    if (!KEPT_ANNOTATIONS.includes(k)) annotations[k] = v;
  }
  return [
    { op: "replace", path: "/spec/template", value: to.template },
    { op: "add", path: "/metadata/annotations", value: annotations },
  ];
}
