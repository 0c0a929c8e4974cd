// The member clusters kpanda can reach: one Member per Cluster object in the
// host, built from its credential Secret. Each member has its own
// concurrency limit and timeouts, so a slow or unreachable cluster never
// holds up calls to another. Everything that talks to a member (typed calls
// through client-node, the Kubernetes proxy, health checks) goes through here.
import type { KubeConfig, V1Secret } from "@kubernetes/client-node";
import pLimit, { type LimitFunction } from "p-limit";
import type { Logger } from "pino";
import type { Upstream } from "../../net/proxy.ts";
import { KPANDA_NAMESPACE } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { kubeConfigFor, type MemberCredential } from "./kubeconfig.ts";
import { closeMemberConnections } from "./memberHttp.ts";

export const credentialSecretName = (cluster: string) => `kpanda-cluster-${cluster}`;
/** An annotation on a Cluster that changes whenever its credential is replaced. */
export const CREDENTIAL_REV = "kpanda.io/credential-revision";
const credentialRev = (obj: KObj | undefined) => obj?.metadata?.annotations?.[CREDENTIAL_REV] ?? "";

export type MemberOptions = { concurrency?: number; timeoutMs?: number };

export class Member {
  readonly name: string;
  readonly cred: MemberCredential;
  readonly kc: KubeConfig;
  readonly timeoutMs: number;
  /** The Cluster's CREDENTIAL_REV when this credential was loaded. */
  readonly rev: string;
  private readonly limit: LimitFunction;

  constructor(name: string, cred: MemberCredential, opts: MemberOptions = {}, rev = "") {
    this.name = name;
    this.rev = rev;
    this.cred = cred;
    this.kc = kubeConfigFor(name, cred);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.limit = pLimit(opts.concurrency ?? 32);
  }

  /** Runs fn within this cluster's concurrency limit; rejects after the timeout. */
  run<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    return this.limit(async () => {
      const signal = AbortSignal.timeout(timeoutMs);
      let onAbort = () => {};
      const timedOut = new Promise<never>((_, reject) => {
        onAbort = () => reject(new Error(`timed out after ${timeoutMs} ms`));
        signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        return await Promise.race([fn(signal), timedOut]);
      } finally {
        // Until the timeout fires, a listener left on it would keep the race, and so fn's
        // answer (a list page of 500 objects), alive for the rest of timeoutMs.
        signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /** Where the Kubernetes proxy sends a request for `path` (with query), with kpanda's credential. */
  upstream(pathAndQuery: string): Upstream {
    const base = new URL(this.cred.server);
    const url = new URL(base.pathname.replace(/\/$/, "") + pathAndQuery, base);
    return {
      url,
      tls: {
        ca: this.cred.ca,
        cert: this.cred.cert,
        key: this.cred.key,
        rejectUnauthorized: !this.cred.insecureSkipTLSVerify,
        servername: this.cred.tlsServerName,
      },
      headers: this.cred.token ? { authorization: `Bearer ${this.cred.token}` } : {},
      connectTimeoutMs: this.timeoutMs,
    };
  }
}

export class MemberRegistry {
  private readonly host: Host;
  private readonly clusters: KindCache;
  private readonly log: Logger;
  private readonly members = new Map<string, Member>();
  private readonly loading = new Map<string, Promise<Member | undefined>>();
  /** Bumped whenever a cached member is dropped, so a load that began before is not cached after. */
  private readonly generation = new Map<string, number>();
  private readonly opts: MemberOptions;

  constructor(host: Host, clusters: KindCache, log: Logger, opts: MemberOptions = {}) {
    this.host = host;
    this.clusters = clusters;
    this.log = log;
    this.opts = opts;
    clusters.onChange((type, obj) => {
      const name = obj.metadata!.name!;
      // A replaced credential bumps the Cluster's CREDENTIAL_REV annotation: load it again on next use.
      // (A load under way keeps the revision it began with, so a bump during it is caught on the next update.)
      const m = this.members.get(name);
      if (type === "delete" || (m && m.rev !== credentialRev(obj))) this.drop(name);
    });
  }

  /** The Cluster object from the cache. */
  cluster(name: string): KObj | undefined {
    return this.clusters.get(name);
  }

  clusterObjects(): readonly KObj[] {
    return this.clusters.list();
  }

  /** The member for a Cluster, loading its credential on first use; undefined when there is no such cluster. */
  async get(name: string): Promise<Member | undefined> {
    const known = this.members.get(name);
    if (known) return known;
    if (!this.clusters.get(name)) return undefined;
    // One read of the Secret however many callers ask at once (at start, every controller asks for every cluster).
    let loading = this.loading.get(name);
    if (!loading) {
      loading = this.load(name).finally(() => this.loading.delete(name));
      this.loading.set(name, loading);
    }
    return loading;
  }

  private async load(name: string): Promise<Member | undefined> {
    const gen = this.generation.get(name) ?? 0;
    const rev = credentialRev(this.clusters.get(name));
    let secret: V1Secret;
    try {
      secret = await this.host.core.readNamespacedSecret({ name: credentialSecretName(name), namespace: KPANDA_NAMESPACE });
    } catch (e) {
      if (codeOf(e) === 404) return undefined;
      throw e;
    }
    const cred = JSON.parse(Buffer.from(secret.data?.credential ?? "", "base64").toString()) as MemberCredential;
    const m = new Member(name, cred, this.opts, rev);
    if (this.clusters.get(name) && (this.generation.get(name) ?? 0) === gen) this.members.set(name, m);
    return m;
  }

  /** Closes the kept-alive connections of every member loaded (on shutdown). */
  close(): void {
    for (const m of this.members.values()) closeMemberConnections(m);
  }

  /** Drops a cached member so the next get() reads its credential again. */
  forget(name: string): void {
    this.drop(name);
  }

  private drop(name: string): void {
    this.members.delete(name);
    this.loading.delete(name);
    this.generation.set(name, (this.generation.get(name) ?? 0) + 1);
  }

  /** Stores a member's credential in the host (a Secret, encrypted at rest by the embedded host). */
  async saveCredential(name: string, cred: MemberCredential, owner?: { uid: string }): Promise<void> {
    const body: V1Secret = {
      metadata: {
        name: credentialSecretName(name),
        namespace: KPANDA_NAMESPACE,
        labels: { "kpanda.io/cluster": name },
        ...(owner ? { ownerReferences: [{ apiVersion: "kpanda.io/v1alpha1", kind: "Cluster", name, uid: owner.uid }] } : {}),
      },
      type: "kpanda.io/cluster-credential",
      data: { credential: Buffer.from(JSON.stringify(cred)).toString("base64") },
    };
    try {
      await this.host.core.createNamespacedSecret({ namespace: KPANDA_NAMESPACE, body });
    } catch (e) {
      if (codeOf(e) !== 409) throw e;
      await this.host.core.replaceNamespacedSecret({ name: credentialSecretName(name), namespace: KPANDA_NAMESPACE, body });
    }
    this.drop(name);
    this.log.debug({ cluster: name }, "member credential saved");
  }
}
