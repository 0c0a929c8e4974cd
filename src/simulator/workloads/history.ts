// ControllerRevisions for StatefulSets and DaemonSets (pkg/controller/history):
// a revision's data is the strategic-merge patch `{"spec":{"template":{...,
// "$patch":"replace"}}}` that `kubectl rollout undo` applies back; its name is
// <owner>-<hash> with the hash an FNV-32 of that data (HashControllerRevision);
// revision numbers only grow, and rolling back re-numbers the old revision.
import { KubeError, type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { Informer } from "../kube/informer.ts";
import { IDX_CONTROLLER } from "./pods.ts";
import { fnv32, newControllerRef, type Obj, safeEncode, stableJson, templateHash } from "./util.ts";
import { cloneJson } from "../../apiserver/registry/clone.ts";

export const REVISION_HASH = "controller-revision-hash";

export function revisionData(owner: KObject): Obj {
  return { spec: { template: { ...cloneJson(owner.spec?.template ?? {}), $patch: "replace" } } };
}

/** HashControllerRevision, as the StatefulSet uses it: the collision count is always written. */
export function hashRevision(_owner: KObject, data: Obj, collisionCount: number): string {
  return safeEncode(String(fnv32(String(collisionCount), false, fnv32(stableJson(data), false))));
}

/** The DaemonSet names revisions by ComputeHash of its template instead. */
export const hashTemplate = (owner: KObject, _data: Obj, collisionCount: number) =>
  templateHash(owner.spec?.template ?? {}, collisionCount || undefined);

export type HashFn = (owner: KObject, data: Obj, collisionCount: number) => string;

/** The owner's template as stored in a revision (ApplyRevision). */
export function templateOf(rev: KObject): Obj {
  const t = cloneJson(rev.data?.spec?.template ?? {});
  delete t.$patch;
  return t;
}

export type Revisions = { current: KObject; update: KObject; all: KObject[]; collisionCount: number };

export const revisionNumber = (r: KObject) => Number(r.revision ?? 0);

export class History {
  private readonly client: KubeClient;
  private readonly inf: Informer;
  private readonly kind: string;
  private readonly hash: HashFn;

  constructor(client: KubeClient, inf: Informer, kind: string, hash: HashFn) {
    this.client = client;
    this.inf = inf;
    this.kind = kind;
    this.hash = hash;
  }

  list(owner: KObject): KObject[] {
    return this.inf
      .byIndex(IDX_CONTROLLER, owner.metadata!.uid!)
      .filter((r) => r.metadata?.namespace === owner.metadata?.namespace)
      .sort((a, b) => revisionNumber(a) - revisionNumber(b) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  }

  /**
   * getStatefulSetRevisions / constructHistory: the revision for the current
   * template (re-using an equal one, bumped to the newest number if it is not
   * the latest) and the current one named by status.currentRevision.
   */
  async sync(owner: KObject, currentName: string | undefined): Promise<Revisions> {
    let all = this.list(owner);
    let collisionCount = Number(owner.status?.collisionCount ?? 0);
    const data = revisionData(owner);
    const raw = stableJson(data);
    const max = all.reduce((m, r) => Math.max(m, revisionNumber(r)), 0);
    const equal = all.filter((r) => stableJson(r.data) === raw);
    let update: KObject;
    if (equal.length > 0 && revisionNumber(equal[equal.length - 1]) === max) {
      update = equal[equal.length - 1];
    } else if (equal.length > 0) {
      const e = equal[equal.length - 1];
      update = await this.client.update(R.controllerrevisions, e.metadata!.namespace!, { ...e, revision: max + 1 });
      all = all.map((r) => (r.metadata?.uid === update.metadata?.uid ? update : r));
    } else {
      for (;;) {
        const rev = this.newRevision(owner, data, max + 1, collisionCount);
        try {
          update = await this.client.create(R.controllerrevisions, owner.metadata!.namespace!, rev);
          break;
        } catch (e) {
          if (!(e instanceof KubeError && e.reason === "AlreadyExists")) throw e;
          const found = await this.client.get(R.controllerrevisions, owner.metadata!.namespace!, rev.metadata!.name!);
          if (stableJson(found.data) === raw) {
            update = found;
            break;
          }
          collisionCount++;
        }
      }
      all = [...all, update];
    }
    const current = all.find((r) => r.metadata?.name === currentName) ?? update;
    return { current, update, all, collisionCount };
  }

  private newRevision(owner: KObject, data: Obj, revision: number, collisionCount: number): KObject {
    const hash = this.hash(owner, data, collisionCount);
    const labels = { ...(owner.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH]: hash };
    return {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name: `${owner.metadata!.name}-${hash}`,
        namespace: owner.metadata!.namespace,
        labels,
        ownerReferences: [newControllerRef(owner, "apps/v1", this.kind)],
      },
      data,
      revision,
    };
  }

  /** truncateHistory: revisions no pod and no status refers to, beyond revisionHistoryLimit, oldest first. */
  async truncate(owner: KObject, all: KObject[], live: Set<string>): Promise<void> {
    const limit = typeof owner.spec?.revisionHistoryLimit === "number" ? owner.spec.revisionHistoryLimit : 10;
    const dead = all.filter((r) => !live.has(r.metadata!.name!));
    for (const r of dead.slice(0, Math.max(0, dead.length - limit))) {
      await this.client.delete(R.controllerrevisions, r.metadata!.namespace!, r.metadata!.name!).catch(() => undefined);
    }
  }
}
