// What the REST routes are built from: the host, the access services and the
// rest of the platform. Built once by startPlatform and handed to each route
// module; tests build their own.
import type { Logger } from "pino";
import type { ApiTokenStore } from "../access/apiTokens.ts";
import type { BindingStore } from "../access/bindings.ts";
import type { LoginLimiter } from "../access/loginLimiter.ts";
import type { Authorizer } from "../access/roles.ts";
import type { SessionSigner } from "../access/sessionTokens.ts";
import type { UserStore } from "../access/users.ts";
import type { HealthController } from "../clusters/HealthController.ts";
import type { ClusterLifecycle } from "../clusters/lifecycle.ts";
import type { MemberRegistry } from "../clusters/members.ts";
import type { Host } from "../host/host.ts";
import type { AuditQuery } from "../audit/AuditLog.ts";
import type { ControllerManager } from "../leader/ControllerManager.ts";
import type { PlatformMetrics } from "../ops/metrics.ts";
import type { Readiness } from "../ops/readiness.ts";
import type { SearchIndex } from "../search/index.ts";
import type { SearchSync } from "../search/SearchSync.ts";

/** The authenticated caller of a request. */
export type Principal = { name: string; groups: string[]; via: "session" | "kubeconfig" | "apitoken" };

/** Resolves a bearer token to a principal; each token kind plugs one in. */
export type TokenAuthenticator = (token: string) => Promise<Principal | undefined> | Principal | undefined;

/** One audited action: written for every mutating call and every login attempt. */
export type AuditEntry = {
  time: string;
  user: string;
  sourceIP: string;
  verb: string;
  cluster?: string;
  namespace?: string;
  resource?: string;
  name?: string;
  code: number;
  path: string;
  via: "rest" | "proxy" | "login";
  /** A dry run (dryRun=All): recorded, but it changed nothing. */
  dryRun?: true;
};

/** The audit log: written for every audited action, read by GET /audit (newest first). */
export type AuditSink = { record(entry: AuditEntry): void; query(q: AuditQuery): AuditEntry[] };

export type PlatformContext = {
  log: Logger;
  host: Host;
  users: UserStore;
  /** Who may do what, from kpanda's RoleBindings. */
  authz: Authorizer;
  /** kpanda's RoleBindings: grant, revoke, and who may manage which. */
  bindings: BindingStore;
  /** API tokens (stored hashed). */
  tokens: ApiTokenStore;
  /** The member clusters: Cluster objects and a connection per cluster. */
  members: MemberRegistry;
  signer: SessionSigner;
  limiter: LoginLimiter;
  /** Tried in order until one answers. */
  authenticators: TokenAuthenticator[];
  audit: AuditSink;
  /** Session length for password logins. */
  sessionTTLSeconds: number;
  /** Integration, edits and removal of clusters. */
  clusters: ClusterLifecycle;
  /** The health loop, and the summaries it keeps. */
  health: HealthController;
  /** The URL users reach kpanda at (downloaded kubeconfigs); else the request's. */
  externalURL?: string;
  /** The CA PEM that downloaded kubeconfigs carry (kpanda's own CA, unless externalURL is set). */
  kubeconfigCA?: string;
  /** Prometheus metrics; the Kubernetes proxy records its latency with `metrics.observeProxy(cluster, seconds)`. */
  metrics: PlatformMetrics;
  /** The controllers, run only while this replica holds the kpanda-controllers Lease: `controllers.add({ name, start(signal) })`. */
  controllers: ControllerManager;
  /** The /readyz checks. */
  ready: Readiness;
  /**
   * The multi-cluster search index (every cached object of every member:
   * query, changes, freshness; contract in search/index.ts) and the sync
   * that feeds it.
   */
  search: { index: SearchIndex; sync: SearchSync };
};
