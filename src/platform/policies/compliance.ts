// Compliance of each policy in each target namespace of each cluster, kept
// by the policy controller and written to the policy's status (so every
// replica answers GET …/compliance from its cache, and a new leader carries
// on from it): status.compliance[cluster][namespace] = {state, reason?,
// time, generation?}. A cluster-wide state (the cluster is not reachable)
// has the namespace key CLUSTER_KEY, shown as namespace "". Writes are JSON
// merge patches of what changed, gathered over `flushMs`.
//   Applied   the object (or the labels) is in place as the policy says
//   Repaired  kpanda put it back after a change or deletion in the member;
//             reason says what, time says when
//   Conflict  a user's own object for the same purpose is there; kpanda
//             leaves it alone
//   Failed    the member refused or could not be reached; reason says why
//   Excluded  the namespace is in the policy's exclusions
//   Pending   nothing is applied: the mode is DryRun (or Warn, for kinds
//             without a warn-only form)
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KObj } from "../host/kindCache.ts";

export const STATES = ["Applied", "Repaired", "Conflict", "Failed", "Excluded", "Pending"] as const;
export type State = (typeof STATES)[number];
export type Entry = { state: State; reason?: string; time: string; generation?: number };
export const CLUSTER_KEY = "*";

type Book = Map<string, Map<string, Entry>>;
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

export class ComplianceBook {
  private readonly books = new Map<string, Book>();
  /** policy → cluster → namespace → entry (null: removed), not yet written. */
  private readonly dirty = new Map<string, Map<string, Map<string, Entry | null>>>();
  private readonly host: Host;
  private readonly log: Logger;
  private readonly flushMs: number;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(host: Host, log: Logger, flushMs = 300) {
    this.host = host;
    this.log = log;
    this.flushMs = flushMs;
  }

  /** Takes what a policy's status says (on gaining the lead). */
  load(policy: KObj): void {
    const name = policy.metadata!.name!;
    if (this.books.has(name)) return;
    const book: Book = new Map();
    for (const [c, byNs] of Object.entries(policy.status?.compliance ?? {})) {
      if (byNs && typeof byNs === "object") book.set(c, new Map(Object.entries(byNs as Record<string, Entry>)));
    }
    this.books.set(name, book);
  }

  get(policy: string, cluster: string, ns: string): Entry | undefined {
    return this.books.get(policy)?.get(cluster)?.get(ns);
  }

  /** The namespaces with an entry in a cluster. */
  namespaces(policy: string, cluster: string): string[] {
    return [...(this.books.get(policy)?.get(cluster)?.keys() ?? [])].filter((n) => n !== CLUSTER_KEY);
  }

  clusters(policy: string): string[] {
    return [...(this.books.get(policy)?.keys() ?? [])];
  }

  /**
   * Records a state (undefined removes the entry). The same state and reason
   * keep their time: it says since when.
   */
  set(policy: string, cluster: string, ns: string, e: Omit<Entry, "time"> | undefined): void {
    const book = this.books.get(policy) ?? this.books.set(policy, new Map()).get(policy)!;
    const byNs = book.get(cluster) ?? book.set(cluster, new Map()).get(cluster)!;
    const old = byNs.get(ns);
    if (!e) {
      if (!old) return;
      byNs.delete(ns);
      this.mark(policy, cluster, ns, null);
      return;
    }
    if (old && old.state === e.state && old.reason === e.reason && old.generation === e.generation) return;
    const entry: Entry = { state: e.state, time: new Date().toISOString() };
    if (e.reason) entry.reason = e.reason;
    if (e.generation !== undefined) entry.generation = e.generation;
    byNs.set(ns, entry);
    this.mark(policy, cluster, ns, entry);
  }

  /** Forgets a cluster's entries for a policy (no longer a target). */
  dropCluster(policy: string, cluster: string): void {
    const byNs = this.books.get(policy)?.get(cluster);
    if (!byNs) return;
    this.books.get(policy)!.delete(cluster);
    for (const ns of byNs.keys()) this.mark(policy, cluster, ns, null);
  }

  /** Forgets a policy (deleted). */
  forget(policy: string): void {
    this.books.delete(policy);
    this.dirty.delete(policy);
  }

  /** Forgets everything in memory (on losing the lead; the status keeps it). */
  clear(): void {
    this.books.clear();
    this.dirty.clear();
  }

  private mark(policy: string, cluster: string, ns: string, e: Entry | null): void {
    const d = this.dirty.get(policy) ?? this.dirty.set(policy, new Map()).get(policy)!;
    let byNs = d.get(cluster);
    if (!byNs) {
      byNs = new Map();
      d.set(cluster, byNs);
    }
    byNs.set(ns, e);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.flushMs);
  }

  /** Writes what changed to the policies' status. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const [policy, clusters] of batch) {
      const compliance: Record<string, Record<string, object | null>> = {};
      // A JSON merge patch (RFC 7386) keeps the keys it does not name: an entry
      // without a reason or generation must null them, or the previous state's stay.
      for (const [c, byNs] of clusters) compliance[c] = Object.fromEntries([...byNs].map(([ns, e]) => [ns, e && { reason: null, generation: null, ...e }]));
      try {
        await this.host.custom.patchClusterCustomObjectStatus(
          { group: GROUP, version: VERSION, plural: "clusterpolicies", name: policy, body: { status: { compliance } } },
          merge,
        );
      } catch (err) {
        if (codeOf(err) === 404) continue;
        this.log.warn({ policy, err: String(err) }, "could not write policy compliance; retrying");
        // Entries marked since keep their newer value.
        for (const [c, byNs] of clusters) for (const [ns, e] of byNs) if (!this.dirty.get(policy)?.get(c)?.has(ns)) this.mark(policy, c, ns, e);
      }
    }
  }

  /** Waits for the writes under way and writes the rest (on stop). */
  async close(): Promise<void> {
    await this.flushing;
    await this.flush();
  }
}

export type ComplianceItem = { cluster: string; namespace: string; state: State; reason?: string; time: string };
export type Totals = Record<State, number>;

const zero = (): Totals => Object.fromEntries(STATES.map((s) => [s, 0])) as Totals;

type Compliance = { items: ComplianceItem[]; fleet: Totals; clusters: Record<string, Totals> };
/** complianceOf's answer per policy object: the cache hands out a new object on every change, so a page or a poll re-reads nothing. */
const computed = new WeakMap<KObj, Compliance>();

/** The compliance rows of a policy's status, sorted by cluster and namespace, with totals per state for the fleet and per cluster (not to be modified). */
export function complianceOf(policy: KObj): Compliance {
  let c = computed.get(policy);
  if (!c) {
    c = computeCompliance(policy);
    computed.set(policy, c);
  }
  return c;
}

function computeCompliance(policy: KObj): Compliance {
  const items: ComplianceItem[] = [];
  const fleet = zero();
  const clusters: Record<string, Totals> = {};
  for (const [c, byNs] of Object.entries((policy.status?.compliance ?? {}) as Record<string, Record<string, Entry>>)) {
    if (!byNs || typeof byNs !== "object") continue;
    for (const [ns, e] of Object.entries(byNs)) {
      if (!e || !STATES.includes(e.state)) continue;
      clusters[c] ??= zero();
      const t = clusters[c];
      items.push({ cluster: c, namespace: ns === CLUSTER_KEY ? "" : ns, state: e.state, ...(e.reason ? { reason: e.reason } : {}), time: e.time });
      t[e.state]++;
      fleet[e.state]++;
    }
  }
  items.sort((a, b) => (a.cluster === b.cluster ? cmp(a.namespace, b.namespace) : cmp(a.cluster, b.cluster)));
  return { items, fleet, clusters };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
