// Keeps each Running member cluster's RBAC as memberRbac.ts describes it:
// kpanda's four ClusterRoles, and one binding per kpanda RoleBinding that
// reaches the cluster. A cluster is reconciled when it turns Running (so a
// newly integrated one gets them), when a kpanda RoleBinding that reaches it
// changes, and every `resyncMs` (15 s, give or take a tenth), which repairs
// drift: a kpanda ClusterRole or binding deleted or edited in the member is
// back within one resync. Each cluster keeps its own resync time, the first
// at a random point between a tenth and 0.4 of a period after the start, so
// that a hundred clusters are not all listed at the same moment, nor in the
// first second of a leader's start, when health probes matter more. The resync's three lists are plain GETs over
// the member's kept-alive connections (memberHttp.ts); writes are typed calls. Bindings carrying kpanda.io/rolebinding that no RoleBinding wants
// any more are deleted. One reconcile per cluster at a time (a change during
// one runs it again after), every call within the member's own limit
// (Member.run), so a slow cluster holds up nobody else.
//
// It runs where the platform's controllers run (under the leader Lease when
// there are replicas): start(signal) and stop(). What it made goes with the
// cluster's removal (clusters/teardown.ts deletes everything labelled
// app.kubernetes.io/managed-by=kpanda).
import { RbacAuthorizationV1Api, type V1ClusterRole, type V1ClusterRoleBinding, type V1RoleBinding } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { memberGet } from "../clusters/memberHttp.ts";
import type { Member, MemberRegistry } from "../clusters/members.ts";
import { codeOf } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { Rerun } from "../rerun.ts";
import {
  BINDINGS_SELECTOR,
  bindingDrift,
  CLUSTER_ROLES,
  clusterRoleDrifts,
  desiredBindings,
  MANAGED_BY,
} from "./memberRbac.ts";
import { type Authorizer, bindingOf } from "./roles.ts";

export type MemberRbacOptions = {
  members: MemberRegistry;
  clusters: KindCache;
  bindings: KindCache;
  authz: Authorizer;
  log: Logger;
  /** How often every Running cluster is checked for drift (default 15 s, each cluster jittered by up to a tenth). */
  resyncMs?: number;
};

const RESYNC_MS = 15_000;
/** How often the resync times are looked at. */
const TICK_MS = 1000;
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

type ClusterState = { rerun: Rerun; lastError?: string };
type AnyBinding = V1ClusterRoleBinding | V1RoleBinding;
type BindingOps = {
  kind: string;
  list(): Promise<AnyBinding[]>;
  create(b: AnyBinding): Promise<unknown>;
  replace(b: AnyBinding): Promise<unknown>;
  read(b: AnyBinding): Promise<AnyBinding>;
  remove(b: AnyBinding): Promise<unknown>;
};

const isRunning = (c: KObj | undefined) => c?.status?.phase === "Running" && !c.metadata?.deletionTimestamp;
const ignore404 = (e: unknown) => (codeOf(e) === 404 ? undefined : Promise.reject(e));
const apis = new WeakMap<Member, RbacAuthorizationV1Api>();
const rbacOf = (m: Member) => apis.get(m) ?? apis.set(m, m.kc.makeApiClient(RbacAuthorizationV1Api)).get(m)!;

/** The items of a list of the member's, by label selector, within its limit. */
async function listJson<T>(m: Member, path: string, labelSelector: string): Promise<T[]> {
  const list = await m.run((signal) => memberGet<{ items?: T[] }>(m, `${path}?labelSelector=${encodeURIComponent(labelSelector)}`, signal));
  return list?.items ?? [];
}

export class MemberRbacController {
  private readonly opts: MemberRbacOptions;
  private readonly log: Logger;
  private readonly states = new Map<string, ClusterState>();
  private readonly wasRunning = new Set<string>();
  /** When each cluster is next checked for drift. */
  private readonly nextResync = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private active = false;

  constructor(opts: MemberRbacOptions) {
    this.opts = opts;
    this.log = opts.log.child({ controller: "member-rbac" });
    opts.clusters.onChange((type, c) => {
      const name = c.metadata!.name!;
      const running = type !== "delete" && isRunning(c);
      if (running && !this.wasRunning.has(name)) this.enqueue(name);
      if (running) this.wasRunning.add(name);
      else this.wasRunning.delete(name);
    });
    opts.bindings.onChange((_type, o) => {
      const b = bindingOf(o);
      if (b.role === "Owner") this.enqueueAll();
      else if (b.cluster) this.enqueue(b.cluster);
    });
  }

  start(signal?: AbortSignal): void {
    if (this.active) return;
    this.active = true;
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.nextResync.clear();
    this.timer = setInterval(() => this.resyncDue(), Math.min(TICK_MS, this.resyncMs));
    this.timer.unref();
    this.resyncDue();
  }

  private get resyncMs(): number {
    return this.opts.resyncMs ?? RESYNC_MS;
  }

  /** Enqueues each Running cluster whose resync time has come; a cluster seen first gets one soon (see above). */
  private resyncDue(): void {
    const now = Date.now();
    const running = new Set<string>();
    for (const c of this.opts.members.clusterObjects()) {
      if (!isRunning(c)) continue;
      const name = c.metadata!.name!;
      running.add(name);
      const due = this.nextResync.get(name);
      if (due === undefined) this.nextResync.set(name, now + this.resyncMs * (0.1 + Math.random() * 0.3));
      else if (now >= due) {
        this.nextResync.set(name, now + this.resyncMs * (0.9 + Math.random() * 0.2));
        this.enqueue(name);
      }
    }
    for (const name of this.nextResync.keys()) if (!running.has(name)) this.nextResync.delete(name);
  }

  /** Stops reconciling; resolves once the reconciles under way have ended. */
  async stop(): Promise<void> {
    this.active = false;
    clearInterval(this.timer);
    await Promise.allSettled([...this.states.values()].map((s) => s.rerun.idle()));
  }

  /** Reconciles one cluster now (and waits for it), whatever its phase; rejects with its first failure. */
  async reconcile(cluster: string): Promise<void> {
    const member = await this.opts.members.get(cluster);
    if (!member) return;
    const want = desiredBindings(cluster, this.opts.authz.all());
    const rbac = rbacOf(member);
    const failures: unknown[] = [];
    const step = (p: Promise<void>) => p.catch((e) => void failures.push(e));
    await step(this.syncClusterRoles(member));
    await step(
      this.syncBindings(member, want.clusterRoleBindings, {
        kind: "ClusterRoleBinding",
        list: async () => listJson<V1ClusterRoleBinding>(member, `${RBAC}/clusterrolebindings`, BINDINGS_SELECTOR),
        create: (b) => rbac.createClusterRoleBinding({ body: b }),
        replace: (b) => rbac.replaceClusterRoleBinding({ name: b.metadata!.name!, body: b }),
        read: (b) => rbac.readClusterRoleBinding({ name: b.metadata!.name! }),
        remove: (b) => rbac.deleteClusterRoleBinding({ name: b.metadata!.name! }),
      }),
    );
    await step(
      this.syncBindings(member, want.roleBindings, {
        kind: "RoleBinding",
        list: async () => listJson<V1RoleBinding>(member, `${RBAC}/rolebindings`, BINDINGS_SELECTOR),
        create: (b) => rbac.createNamespacedRoleBinding({ namespace: b.metadata!.namespace!, body: b }),
        replace: (b) => rbac.replaceNamespacedRoleBinding({ name: b.metadata!.name!, namespace: b.metadata!.namespace!, body: b }),
        read: (b) => rbac.readNamespacedRoleBinding({ name: b.metadata!.name!, namespace: b.metadata!.namespace! }),
        remove: (b) => rbac.deleteNamespacedRoleBinding({ name: b.metadata!.name!, namespace: b.metadata!.namespace! }),
      }),
    );
    if (failures.length) throw failures[0];
  }

  private enqueueAll(): void {
    for (const c of this.opts.members.clusterObjects()) if (isRunning(c)) this.enqueue(c.metadata!.name!);
  }

  private enqueue(cluster: string): void {
    if (!this.active) return;
    let s = this.states.get(cluster);
    if (!s) {
      const state: ClusterState = {
        rerun: new Rerun(
          async () => {
            if (!isRunning(this.opts.members.cluster(cluster))) return;
            await this.reconcile(cluster).then(
              () => this.settled(cluster, state),
              (e) => this.settled(cluster, state, e),
            );
          },
          { active: () => this.active },
        ),
      };
      s = state;
      this.states.set(cluster, s);
    }
    s.rerun.request();
  }

  /** Logs a failure once until it changes or the cluster recovers. */
  private settled(cluster: string, s: ClusterState, e?: unknown): void {
    const msg = e === undefined ? undefined : ((e as { body?: { message?: string } }).body?.message ?? String((e as Error)?.message ?? e));
    if (msg && msg !== s.lastError) this.log.warn({ cluster, err: msg }, "member RBAC reconcile failed; retrying at next resync");
    if (!msg && s.lastError) this.log.info({ cluster }, "member RBAC reconciled again");
    s.lastError = msg;
  }

  private async syncClusterRoles(member: Member): Promise<void> {
    const rbac = rbacOf(member);
    const have = await listJson<V1ClusterRole>(member, `${RBAC}/clusterroles`, `${MANAGED_BY}=kpanda`);
    for (const want of CLUSTER_ROLES) {
      const name = want.metadata!.name!;
      const got = have.find((r) => r.metadata?.name === name);
      if (got && !clusterRoleDrifts(want, got)) continue;
      const replace = async () => {
        const cur = got ?? (await member.run(() => rbac.readClusterRole({ name })));
        const labels = { ...cur.metadata?.labels, ...want.metadata!.labels };
        const body = { ...want, metadata: { ...want.metadata, labels, resourceVersion: cur.metadata?.resourceVersion } };
        await member.run(() => rbac.replaceClusterRole({ name, body }));
      };
      if (got) await replace();
      else await member.run(() => rbac.createClusterRole({ body: want })).catch((e) => (codeOf(e) === 409 ? replace() : Promise.reject(e)));
      this.log.info({ cluster: member.name, clusterRole: name }, got ? "repaired member ClusterRole" : "created member ClusterRole");
    }
  }

  private async syncBindings(member: Member, want: AnyBinding[], ops: BindingOps): Promise<void> {
    const have = await ops.list();
    const key = (b: AnyBinding) => `${b.metadata?.namespace ?? ""}/${b.metadata?.name}`;
    const byKey = new Map(have.map((b) => [key(b), b]));
    // One binding's failure (say, its namespace does not exist yet) does not stop the others.
    const failures: unknown[] = [];
    for (const w of want) {
      const got = byKey.get(key(w));
      byKey.delete(key(w));
      const drift = got ? bindingDrift(w, got) : "create";
      if (drift) await this.fixBinding(member, w, got, drift, ops).catch((e) => failures.push(e));
    }
    for (const stale of byKey.values()) {
      await member.run(() => ops.remove(stale)).catch(ignore404);
      this.log.info({ cluster: member.name, kind: ops.kind, name: key(stale) }, "deleted member binding no kpanda role binding wants");
    }
    if (failures.length) throw failures[0];
  }

  private async fixBinding(member: Member, want: AnyBinding, got: AnyBinding | undefined, drift: string, ops: BindingOps): Promise<void> {
    const log = { cluster: member.name, kind: ops.kind, name: `${want.metadata?.namespace ?? ""}/${want.metadata!.name}` };
    const replace = async (cur: AnyBinding) => {
      if (bindingDrift(want, cur) === "recreate") {
        await member.run(() => ops.remove(cur)).catch(ignore404);
        await member.run(() => ops.create(want));
        return;
      }
      const labels = { ...cur.metadata?.labels, ...want.metadata!.labels };
      await member.run(() => ops.replace({ ...want, metadata: { ...want.metadata, labels, resourceVersion: cur.metadata?.resourceVersion } }));
    };
    if (got) await replace(got);
    else {
      await member.run(() => ops.create(want)).catch(async (e) => {
        if (codeOf(e) !== 409) throw e;
        await replace(await member.run(() => ops.read(want)));
      });
    }
    this.log.info(log, drift === "create" ? "created member binding" : "repaired member binding");
  }
}
