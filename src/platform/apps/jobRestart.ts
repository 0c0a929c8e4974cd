// A Job's restart: a Job's pod template cannot change and a finished Job
// never runs again, so restarting one deletes it and creates it anew, under
// the SAME name (the console's links and the Job's name in scripts stay
// valid), from the old one's spec and template. What the member generated
// for the old Job is left out, as `kubectl create job --from` builds a Job
// from a template: the selector and the controller-uid/job-name labels
// (which the member sets again for the new uid; both their legacy and
// batch.kubernetes.io/ forms), unless the Job chose its selector itself
// (spec.manualSelector), and the status, uid, resourceVersion and such.
// Owner references stay, so a CronJob's Job stays its CronJob's.
//
// The old Job is deleted with propagationPolicy Background (its pods go
// after it) and a uid precondition (a Job made again meanwhile by someone
// else is not deleted); the new one is created once the name is free.
import { PlatformError } from "../http/errors.ts";
import { type Answer, callAs } from "./callAs.ts";
import { createObject, type KObject, readObject, type Target } from "./objects.ts";
import { pathOf } from "./kinds.ts";

/** Labels the Job controller and the apiserver set from a Job's uid and name. */
const GENERATED_LABELS = ["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"];
/** Set by the apiserver on 1.23–1.26 Jobs tracked with finalizers. */
const GENERATED_ANNOTATIONS = ["batch.kubernetes.io/job-tracking"];

function without(map: unknown, keys: string[]): Record<string, string> | undefined {
  if (!map || typeof map !== "object") return undefined;
  const out = { ...(map as Record<string, string>) };
  for (const k of keys) delete out[k];
  return Object.keys(out).length ? out : undefined;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The new Job made from `old`. */
export function jobFrom(old: KObject): KObject {
  const m = old.metadata ?? {};
  const spec = structuredClone((old.spec ?? {}) as Record<string, any>);
  if (!spec.manualSelector) {
    delete spec.selector;
    const tm = spec.template?.metadata;
    if (tm) tm.labels = without(tm.labels, GENERATED_LABELS);
  }
  return {
    apiVersion: old.apiVersion,
    kind: old.kind,
    metadata: defined({
      name: m.name,
      namespace: m.namespace,
      labels: without(m.labels, GENERATED_LABELS),
      annotations: without(m.annotations, GENERATED_ANNOTATIONS),
      ownerReferences: m.ownerReferences,
    }),
    spec,
  };
}

/** Deletes Job `name` and creates it again from its template; answers the new Job (201). */
export async function restartJob(t: Target, name: string, waitMs = 30_000): Promise<Answer<KObject>> {
  const old = await readObject(t, name);
  const fresh = jobFrom(old);
  const uid = old.metadata?.uid as string;
  await callAs(t.m, t.who, {
    method: "DELETE",
    path: await pathOf(t.m, t.kind, t.namespace, name),
    body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", preconditions: { uid } },
  });
  await gone(t, name, uid, waitMs);
  try {
    return await createObject(t, fresh);
  } catch (e) {
    const why = e instanceof PlatformError ? e.message : String(e);
    throw new PlatformError(e instanceof PlatformError ? e.code : 500, "RestartFailed", `job "${name}" was deleted but could not be created again: ${why}`, {
      cluster: t.m.name,
      cause: e,
      details: e instanceof PlatformError ? e.details : undefined,
    });
  }
}

/** Waits until the Job with `uid` is gone (a finalizer can hold it a while). */
async function gone(t: Target, name: string, uid: string, waitMs: number): Promise<void> {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      const now = await readObject(t, name);
      if (now.metadata?.uid !== uid) return;
    } catch (e) {
      if (e instanceof PlatformError && e.code === 404) return;
      throw e;
    }
    if (Date.now() > end) throw new PlatformError(504, "Timeout", `job "${name}" is still being deleted; try again later`, { cluster: t.m.name });
    await new Promise((r) => setTimeout(r, 100));
  }
}
