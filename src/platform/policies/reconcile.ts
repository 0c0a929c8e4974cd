// One policy in one namespace of one member: compare what the search index
// holds with what the policy wants, write the difference to the member (as
// kpanda), and record the outcome in the compliance book. What the index
// holds may lag a write by a moment: a create that finds the object there
// (409) reads it from the member and carries on from that.
import type { Member } from "../clusters/members.ts";
import { codeOf } from "../host/host.ts";
import { fromMember } from "../http/errors.ts";
import type { KObject } from "../search/index.ts";
import { CLUSTER_KEY, type ComplianceBook, type Entry } from "./compliance.ts";
import {
  applies,
  conflictOf,
  desiredObject,
  isOurs,
  namespaceRole,
  objectMatches,
  podSecurityLabels,
  podSecurityMatches,
  podSecurityPatch,
  podSecurityRemoval,
  psaLabelsOf,
} from "./desired.ts";
import { namespacePath, OBJECT_KINDS, type PolicyObjectKind } from "./kinds.ts";
import { memberCall } from "./memberCall.ts";
import { GENERATION_ANNOTATION, objectName, POLICY_LABEL, type PolicySpec } from "./types.ts";

export type PolicyRef = { name: string; generation: number; spec: PolicySpec };
type Outcome = Omit<Entry, "time"> | undefined;

const MERGE = "application/merge-patch+json";

/** Reconciles one namespace and records its state; answers false when it failed (to be retried). */
export async function reconcileNamespace(
  p: PolicyRef,
  m: Member,
  book: ComplianceBook,
  ns: string,
  nsObj: KObject | undefined,
  objects: readonly KObject[],
): Promise<boolean> {
  try {
    book.set(p.name, m.name, ns, await decide(p, m, book, ns, nsObj, objects));
    return true;
  } catch (e) {
    book.set(p.name, m.name, ns, { state: "Failed", reason: fromMember(m.name, e).message, generation: p.generation });
    return false;
  }
}

async function decide(p: PolicyRef, m: Member, book: ComplianceBook, ns: string, nsObj: KObject | undefined, objects: readonly KObject[]): Promise<Outcome> {
  // A namespace gone or going takes its objects with it.
  if (!nsObj || nsObj.status?.phase === "Terminating" || nsObj.metadata?.deletionTimestamp) return undefined;
  const role = namespaceRole(p.spec, nsObj);
  const wanted = role === "Target" && applies(p.spec);
  const prev = book.get(p.name, m.name, ns);
  if (p.spec.kind === "PodSecurity") return podSecurity(p, m, ns, nsObj, wanted, role, prev);
  return object(p, m, OBJECT_KINDS[p.spec.kind], ns, objects, wanted, role, prev);
}

/** The state of a namespace where the policy applies nothing (after removing what it had made). */
function idle(p: PolicyRef, role: "Excluded" | "Target" | undefined, conflict?: string): Outcome {
  if (role === "Excluded") return { state: "Excluded", reason: "excluded by the policy" };
  if (!role) return undefined;
  if (conflict) return { state: "Conflict", reason: conflict, generation: p.generation };
  return { state: "Pending", reason: `mode ${p.spec.mode}: nothing is applied`, generation: p.generation };
}

/** Repaired when the policy had it in place at this generation (so the member changed it), else Applied. */
function placed(p: PolicyRef, prev: Entry | undefined, repairedWhat: string, wasOurs: boolean): Outcome {
  const had = prev && (prev.state === "Applied" || prev.state === "Repaired") && prev.generation === p.generation;
  if (had || wasOurs) return { state: "Repaired", reason: repairedWhat, generation: p.generation };
  return { state: "Applied", generation: p.generation };
}

/** Keeps an Applied or Repaired state as it is (with its time); anything else becomes Applied. */
function inPlace(p: PolicyRef, prev: Entry | undefined): Outcome {
  if (prev && (prev.state === "Applied" || prev.state === "Repaired") && prev.generation === p.generation) return prev;
  return { state: "Applied", generation: p.generation };
}

async function object(
  p: PolicyRef,
  m: Member,
  k: PolicyObjectKind,
  ns: string,
  objects: readonly KObject[],
  wanted: boolean,
  role: "Excluded" | "Target" | undefined,
  prev: Entry | undefined,
): Promise<Outcome> {
  const name = objectName(p.name);
  let ours = objects.find((o) => isOurs(o, p.name) && o.metadata?.name === name);
  const foreign = conflictOf(k, objects, p.name);
  const conflict = foreign && `${k.kind} "${foreign.metadata?.name}" in the namespace was not made by this policy`;
  if (!wanted) {
    if (ours) await removeObject(m, k, ns, name);
    return idle(p, role, conflict);
  }
  const want = desiredObject(p.name, p.generation, p.spec, k, ns);
  if (!ours) {
    if (foreign) return { state: "Conflict", reason: conflict, generation: p.generation };
    try {
      await memberCall(m, { method: "POST", path: k.path(ns), body: want });
      return placed(p, prev, `${k.kind} ${name} was deleted in the member; kpanda recreated it`, false);
    } catch (e) {
      if (codeOf(e) !== 409) throw e;
      // Made meanwhile (by this policy a moment ago, or by someone else): judge what is there.
      ours = (await memberCall(m, { path: `${k.path(ns)}/${encodeURIComponent(name)}` })).body as KObject;
      if (!isOurs(ours, p.name)) return { state: "Conflict", reason: `${k.kind} "${name}" in the namespace was not made by this policy`, generation: p.generation };
    }
  }
  if (objectMatches(want, ours)) return inPlace(p, prev);
  const body = {
    ...want,
    metadata: {
      ...want.metadata,
      labels: { ...ours.metadata?.labels, ...want.metadata!.labels },
      annotations: { ...ours.metadata?.annotations, ...want.metadata!.annotations },
      resourceVersion: ours.metadata?.resourceVersion,
    },
  };
  await memberCall(m, { method: "PUT", path: `${k.path(ns)}/${encodeURIComponent(name)}`, body });
  const edited = ours.metadata?.annotations?.[GENERATION_ANNOTATION] === String(p.generation);
  return placed(p, prev, `${k.kind} ${name} was changed in the member; kpanda restored it`, edited);
}

export async function removeObject(m: Member, k: PolicyObjectKind, ns: string, name: string): Promise<void> {
  await memberCall(m, { method: "DELETE", path: `${k.path(ns)}/${encodeURIComponent(name)}` }).catch((e) => {
    if (codeOf(e) !== 404) throw e;
  });
}

async function podSecurity(
  p: PolicyRef,
  m: Member,
  ns: string,
  nsObj: KObject,
  wanted: boolean,
  role: "Excluded" | "Target" | undefined,
  prev: Entry | undefined,
): Promise<Outcome> {
  const labels = nsObj.metadata?.labels;
  const ours = isOurs(nsObj, p.name);
  const other = labels?.[POLICY_LABEL];
  const own = psaLabelsOf(labels);
  const conflict = ours
    ? undefined
    : other
      ? `the namespace's Pod Security labels are kept by cluster policy "${other}"`
      : own.length
        ? `the namespace has Pod Security labels of its own (${own.map(([k, v]) => `${k}=${v}`).join(", ")})`
        : undefined;
  if (!wanted) {
    if (ours) await patchNamespace(m, ns, podSecurityRemoval(labels));
    return idle(p, role, conflict);
  }
  if (conflict) return { state: "Conflict", reason: conflict, generation: p.generation };
  const want = podSecurityLabels(p.spec);
  if (ours && podSecurityMatches(p.name, want, labels)) return inPlace(p, prev);
  await patchNamespace(m, ns, podSecurityPatch(p.name, p.generation, want, labels));
  const edited = ours && nsObj.metadata?.annotations?.[GENERATION_ANNOTATION] === String(p.generation);
  return placed(p, prev, "the namespace's Pod Security labels were changed in the member; kpanda restored them", !!edited);
}

export async function patchNamespace(m: Member, ns: string, body: unknown): Promise<void> {
  await memberCall(m, { method: "PATCH", path: namespacePath(ns), body, contentType: MERGE });
}

/** Records that a cluster could not be worked on at all (unreachable, not Running). */
export function clusterFailed(book: ComplianceBook, p: PolicyRef, cluster: string, reason: string): void {
  book.set(p.name, cluster, CLUSTER_KEY, { state: "Failed", reason, generation: p.generation });
}
