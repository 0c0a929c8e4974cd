// Keeps every ClusterPolicy in place in its target namespaces (types.ts
// says what a policy is; reconcile.ts what one namespace gets). It runs on
// the replica holding the controllers' Lease.
//
// What it reads. Members are never polled: the search index already holds
// every namespace, NetworkPolicy, ResourceQuota and LimitRange of every
// Running member, and says what changed (index.changes after a revision,
// index.subscribe on each write). So:
//   - a namespace created, relabelled or deleted in a member, or a policy
//     object edited or deleted there, reaches the index within the sync's
//     lag (well under a second) and is reconciled at once: drift is
//     repaired in about a second, not at the next resync;
//   - a newly integrated cluster's namespaces arrive as new objects;
//   - a policy created or changed, or a cluster whose labels or phase
//     changed, gets a pass over its clusters from the index;
//   - every `resyncMs` (30 s) a pass over everything catches what an event
//     could not (a write that failed, a change the index compacted away).
// What it writes. Only differences, to the members as kpanda, at most one
// pass per (policy, cluster) at a time (a change meanwhile runs it again),
// within each member's own concurrency limit. Outcomes go to the compliance
// book (compliance.ts), which writes them to the policies' status.
// Deletion. A policy holds the finalizer FINALIZER; once it is deleted, what
// it made is removed from every Running member (unless it carries
// KEEP_ANNOTATION), then the finalizer goes. Clusters that are not Running
// then keep their objects (removing the cluster removes kpanda's access).
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { Member, MemberRegistry } from "../clusters/members.ts";
import { GROUP, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { fromMember } from "../http/errors.ts";
import { Rerun } from "../rerun.ts";
import type { ChangeEvent, KindRef, KObject, Query, SearchIndex } from "../search/index.ts";
import { ChangeFollower, type Plan } from "./changeFollower.ts";
import { ComplianceBook, CLUSTER_KEY } from "./compliance.ts";
import { desiredObject, isOurs, objectMatches, podSecurityRemoval, targetsCluster } from "./desired.ts";
import { NAMESPACES, OBJECT_KINDS } from "./kinds.ts";
import { CONNECTIONS } from "./memberCall.ts";
import { clusterFailed, patchNamespace, type PolicyRef, reconcileNamespace, removeObject } from "./reconcile.ts";
import { FINALIZER, GENERATION_ANNOTATION, KEEP_ANNOTATION, objectName, POLICY_LABEL, type PolicySpec } from "./types.ts";

export type PolicyControllerOptions = {
  host: Host;
  policies: KindCache;
  clusters: KindCache;
  members: MemberRegistry;
  index: SearchIndex;
  log: Logger;
  /** A full pass over every policy, from the index (default 30 s). */
  resyncMs?: number;
  /** A failed namespace is tried again after this long (default 3 s). */
  retryMs?: number;
  /** Compliance is written to the policies' status at most this often (default 300 ms). */
  flushMs?: number;
};

type Work = { policy: string; cluster: string; all: boolean; dirty: Set<string>; rerun: Rerun };

const WATCHED: KindRef[] = [NAMESPACES, ...Object.values(OBJECT_KINDS)];
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const isRunning = (c: KObj | undefined) => c?.status?.phase === "Running" && !c.metadata?.deletionTimestamp;
const ref = (k: KindRef): KindRef => ({ group: k.group, resource: k.resource });

/** Every match of a query, page by page. */
export async function queryAll(index: SearchIndex, q: Query): Promise<KObject[]> {
  const out: KObject[] = [];
  for (let page = 1; ; page++) {
    const r = await index.query({ ...q, page, pageSize: 500 });
    for (const it of r.items) out.push({ ...it.object, cluster: it.cluster });
    if (r.items.length < 500 || out.length >= r.total) return out;
  }
}

export class PolicyController {
  private readonly opts: PolicyControllerOptions;
  private readonly log: Logger;
  readonly book: ComplianceBook;
  private readonly work = new Map<string, Work>();
  private readonly finalizing = new Map<string, Promise<void>>();
  private readonly seenPolicies = new Map<string, string>();
  private readonly seenClusters = new Map<string, string>();
  private readonly changes: ChangeFollower;
  private active = false;
  private timer?: NodeJS.Timeout;

  constructor(opts: PolicyControllerOptions) {
    this.opts = opts;
    this.log = opts.log.child({ controller: "cluster-policies" });
    this.book = new ComplianceBook(opts.host, this.log, opts.flushMs);
    this.changes = new ChangeFollower({ index: opts.index, log: this.log, plan: () => this.plan(), onCompacted: () => this.resyncAll() });
    opts.policies.onChange((type, o) => this.policyChanged(type, o));
    opts.clusters.onChange((type, c) => this.clusterChanged(type, c));
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.active) return;
    this.active = true;
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    await this.changes.start();
    this.timer = setInterval(() => this.resyncAll(), this.opts.resyncMs ?? 30_000);
    this.timer.unref();
    for (const p of this.opts.policies.list()) this.book.load(p);
    this.resyncAll();
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    clearInterval(this.timer);
    await this.changes.stop();
    await Promise.allSettled([...this.work.values()].map((w) => w.rerun.idle()));
    await Promise.allSettled(this.finalizing.values());
    await this.book.close();
    this.book.clear();
    this.seenPolicies.clear();
  }

  private policy(name: string): KObj | undefined {
    return this.opts.policies.get(name);
  }

  private policyChanged(type: string, o: KObj): void {
    const name = o.metadata!.name!;
    // Status writes (compliance) change nothing the controller acts on.
    const key = JSON.stringify([o.metadata?.generation, o.metadata?.deletionTimestamp ?? "", o.metadata?.annotations?.[KEEP_ANNOTATION] ?? ""]);
    if (type === "delete") {
      this.seenPolicies.delete(name);
      this.book.forget(name);
      return;
    }
    if (this.seenPolicies.get(name) === key) return;
    this.seenPolicies.set(name, key);
    if (this.active) this.resyncPolicy(o);
  }

  private clusterChanged(type: string, c: KObj): void {
    const name = c.metadata!.name!;
    const key = type === "delete" ? "" : JSON.stringify([isRunning(c), c.metadata?.labels ?? {}]);
    if (this.seenClusters.get(name) === key) return;
    this.seenClusters.set(name, key);
    if (this.active) for (const p of this.opts.policies.list()) this.resyncPolicy(p);
  }

  /** A pass over every policy (at start and every resyncMs). */
  private resyncAll(): void {
    if (!this.active) return;
    for (const p of this.opts.policies.list()) this.resyncPolicy(p);
  }

  /** A pass over one policy: each target cluster from the index; what it made elsewhere removed. */
  private resyncPolicy(o: KObj): void {
    if (!this.active) return;
    const name = o.metadata!.name!;
    if (o.metadata?.deletionTimestamp) {
      this.finalize(name);
      return;
    }
    const spec = o.spec as PolicySpec;
    for (const c of this.opts.clusters.list()) {
      const cluster = c.metadata!.name!;
      if (targetsCluster(spec, c)) this.enqueue(name, cluster);
      else if (this.book.clusters(name).includes(cluster)) this.enqueue(name, cluster);
    }
    // Named clusters that do not exist (yet) show as failed; removed ones are forgotten.
    for (const cluster of spec.clusters?.names ?? []) {
      if (!this.opts.clusters.get(cluster)) clusterFailed(this.book, refOf(o), cluster, `cluster "${cluster}" is not integrated`);
    }
    for (const cluster of this.book.clusters(name)) {
      if (!this.opts.clusters.get(cluster) && !spec.clusters?.names?.includes(cluster)) this.book.dropCluster(name, cluster);
    }
    void this.removeStrays(o).catch((err) => this.log.warn({ policy: name, err: String(err) }, "could not remove a policy's objects from clusters it no longer targets"));
  }

  private enqueue(policy: string, cluster: string, ns?: string): void {
    if (!this.active) return;
    const key = `${policy}\0${cluster}`;
    let w = this.work.get(key);
    if (!w) {
      const run: Work = {
        policy,
        cluster,
        all: false,
        dirty: new Set(),
        rerun: new Rerun(
          async () => {
            const which = run.all ? "all" : run.dirty;
            run.all = false;
            run.dirty = new Set();
            await this.reconcileCluster(policy, cluster, which).catch((err) => this.log.error({ policy, cluster, err }, "cluster policy reconcile failed"));
          },
          { active: () => this.active },
        ),
      };
      w = run;
      this.work.set(key, w);
    }
    if (ns === undefined) w.all = true;
    else w.dirty.add(ns);
    w.rerun.request();
  }

  /** Reconciles the namespaces `which` (or all) of one cluster for one policy. */
  private async reconcileCluster(policy: string, cluster: string, which: "all" | Set<string>): Promise<void> {
    const o = this.policy(policy);
    if (!o || o.metadata?.deletionTimestamp || !this.active) return;
    const p = refOf(o);
    const c = this.opts.clusters.get(cluster);
    if (!targetsCluster(p.spec, c)) {
      this.book.dropCluster(policy, cluster);
      return;
    }
    if (!isRunning(c)) return clusterFailed(this.book, p, cluster, `cluster "${cluster}" is ${c?.status?.phase ?? "not Running"}`);
    let m: Member | undefined;
    try {
      m = await this.opts.members.get(cluster);
    } catch (e) {
      return clusterFailed(this.book, p, cluster, fromMember(cluster, e).message);
    }
    if (!m) return;
    const names = which === "all" ? undefined : [...which];
    if (names?.length === 0) return;
    const { index } = this.opts;
    const nss = await queryAll(index, { ...NAMESPACES, clusters: [cluster], namespaces: names });
    const byName = new Map(nss.map((n) => [n.metadata!.name!, n]));
    const objects = new Map<string, KObject[]>();
    if (p.spec.kind !== "PodSecurity") {
      for (const x of await queryAll(index, { ...ref(OBJECT_KINDS[p.spec.kind]), clusters: [cluster], namespaces: names })) {
        const ns = x.metadata?.namespace ?? "";
        objects.set(ns, [...(objects.get(ns) ?? []), x]);
      }
    }
    const todo = names ?? [...new Set([...byName.keys(), ...this.book.namespaces(policy, cluster)])];
    this.book.set(policy, cluster, CLUSTER_KEY, undefined);
    const member = m;
    const limit = pLimit(CONNECTIONS);
    const results = await Promise.all(todo.map((ns) => limit(() => reconcileNamespace(p, member, this.book, ns, byName.get(ns), objects.get(ns) ?? []))));
    const failed = todo.filter((_, i) => !results[i]);
    if (failed.length) {
      const t = setTimeout(() => {
        for (const ns of failed) this.enqueue(policy, cluster, ns);
      }, this.opts.retryMs ?? 3000);
      t.unref();
    }
  }

  /** What the change follower reads next: the kinds some policy acts on, and the namespaces their changes touch. */
  private plan(): Plan {
    const policies = this.opts.policies.list().filter((p) => !p.metadata?.deletionTimestamp);
    // Only the kinds some policy acts on are read: with no policy, nothing is (a policy
    // created later starts with a full pass over the index, not from these changes).
    const kinds = new Set<KindRef>(policies.map((p) => OBJECT_KINDS[(p.spec as PolicySpec).kind as keyof typeof OBJECT_KINDS]).filter(Boolean));
    const watched = policies.length ? WATCHED.filter((k) => k === NAMESPACES || kinds.has(k)) : [];
    const onEvent = (kind: KindRef, ev: ChangeEvent) => {
      const { cluster } = ev.item;
      const ns = kind === NAMESPACES ? ev.item.name : ev.item.namespace;
      for (const p of policies) {
        const spec = p.spec as PolicySpec;
        if (kind !== NAMESPACES && OBJECT_KINDS[spec.kind as keyof typeof OBJECT_KINDS] !== kind) continue;
        if (ev.type !== "DELETED" && kind !== NAMESPACES && this.echo(p, cluster, ns, ev.item.object)) continue;
        if (targetsCluster(spec, this.opts.clusters.get(cluster))) this.enqueue(p.metadata!.name!, cluster, ns);
      }
    };
    return { kinds: watched, onEvent };
  }

  /**
   * The policy's own object coming back through the index as the policy
   * wants it at this generation: the echo of kpanda's own write, which
   * needs no pass (a pass would only find it in place). The write's own
   * answer records the state, and often arrives after the echo, so the book
   * is not asked, except that a Conflict (a foreign object) gets its pass.
   * Anything else (an edit, a deletion, a foreign object) gets a pass.
   */
  private echo(p: KObj, cluster: string, ns: string, o: KObject): boolean {
    const { name, generation, spec } = refOf(p);
    if (spec.kind === "PodSecurity" || o.metadata?.name !== objectName(name)) return false;
    if (o.metadata?.annotations?.[GENERATION_ANNOTATION] !== String(generation)) return false;
    if (this.book.get(name, cluster, ns)?.state === "Conflict") return false;
    return objectMatches(desiredObject(name, generation, spec, OBJECT_KINDS[spec.kind], ns), o);
  }

  /** Removes a policy's objects from clusters it does not target (any more), as the index shows them. */
  private async removeStrays(o: KObj): Promise<void> {
    const name = o.metadata!.name!;
    const spec = o.spec as PolicySpec;
    for (const x of await this.madeBy(name, spec)) {
      const cluster = x.cluster as string;
      const c = this.opts.clusters.get(cluster);
      if (targetsCluster(spec, c) || !isRunning(c)) continue;
      await this.removeOne(name, spec, cluster, x);
    }
  }

  /** What the index shows a policy made, in every cluster. */
  private madeBy(policy: string, spec: PolicySpec): Promise<KObject[]> {
    const kind = spec.kind === "PodSecurity" ? NAMESPACES : OBJECT_KINDS[spec.kind];
    return queryAll(this.opts.index, { ...ref(kind), labelSelector: `${POLICY_LABEL}=${policy}` });
  }

  private async removeOne(policy: string, spec: PolicySpec, cluster: string, x: KObject | { ns: string }): Promise<void> {
    const m = await this.opts.members.get(cluster);
    if (!m) return;
    if (spec.kind === "PodSecurity") {
      const o = x as KObject;
      if (isOurs(o, policy)) await patchNamespace(m, o.metadata!.name!, podSecurityRemoval(o.metadata?.labels));
      return;
    }
    const ns = "ns" in x ? x.ns : (x.metadata?.namespace ?? "");
    await removeObject(m, OBJECT_KINDS[spec.kind], ns, objectName(policy));
  }

  /** A deleted policy: removes what it made (unless kept), then lets it go. */
  private finalize(policy: string): void {
    if (this.finalizing.has(policy)) return;
    const run = this.finalizeNow(policy)
      .catch((err) => {
        this.log.warn({ policy, err: String(err) }, "could not remove a deleted policy's objects; retrying");
        const t = setTimeout(() => {
          const o = this.policy(policy);
          if (o) this.resyncPolicy(o);
        }, this.opts.retryMs ?? 3000);
        t.unref();
      })
      .finally(() => this.finalizing.delete(policy));
    this.finalizing.set(policy, run);
  }

  private async finalizeNow(policy: string): Promise<void> {
    const o = this.policy(policy);
    if (!o?.metadata?.deletionTimestamp) return;
    await Promise.allSettled([...this.work.values()].filter((w) => w.policy === policy).map((w) => w.rerun.idle()));
    const spec = o.spec as PolicySpec;
    if (o.metadata.annotations?.[KEEP_ANNOTATION] !== "true") {
      const done = new Set<string>();
      for (const x of await this.madeBy(policy, spec)) {
        const cluster = x.cluster as string;
        if (!isRunning(this.opts.clusters.get(cluster))) continue;
        done.add(`${cluster}/${x.metadata?.namespace ?? x.metadata?.name}`);
        await this.removeOne(policy, spec, cluster, x);
      }
      // What it made a moment ago may not be in the index yet: the book knows.
      if (spec.kind !== "PodSecurity") {
        for (const cluster of this.book.clusters(policy)) {
          if (!isRunning(this.opts.clusters.get(cluster))) continue;
          for (const ns of this.book.namespaces(policy, cluster)) {
            const e = this.book.get(policy, cluster, ns);
            if ((e?.state === "Applied" || e?.state === "Repaired") && !done.has(`${cluster}/${ns}`)) await this.removeOne(policy, spec, cluster, { ns });
          }
        }
      }
    }
    this.book.forget(policy);
    const finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    await this.opts.host.custom
      .patchClusterCustomObject(
        {
          group: GROUP,
          version: VERSION,
          plural: "clusterpolicies",
          name: policy,
          body: { metadata: { finalizers } },
        },
        merge,
      )
      .catch((e) => {
        if (codeOf(e) !== 404) throw e;
      });
    this.log.info({ policy, kept: o.metadata.annotations?.[KEEP_ANNOTATION] === "true" }, "cluster policy removed");
  }
}

export function refOf(o: KObj): PolicyRef {
  return { name: o.metadata!.name!, generation: Number(o.metadata?.generation ?? 1), spec: o.spec as PolicySpec };
}
