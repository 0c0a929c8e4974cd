// kpanda's public start function: the host (embedded or real), the access
// services, the REST API and, later, the controllers. `kpanda serve` wraps it;
// tests call it directly with a temporary data dir and port 0.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { ApiTokenStore } from "./access/apiTokens.ts";
import { BindingStore } from "./access/bindings.ts";
import { LoginLimiter } from "./access/loginLimiter.ts";
import { MemberRbacController } from "./access/MemberRbacController.ts";
import { Authorizer } from "./access/roles.ts";
import { randomPassword } from "./access/passwords.ts";
import { SessionSigner } from "./access/sessionTokens.ts";
import { UserStore } from "./access/users.ts";
import { AuditLog } from "./audit/AuditLog.ts";
import { type Demo, startDemo } from "./demo/index.ts";
import { HealthController, type HealthOptions } from "./clusters/HealthController.ts";
import { ClusterLifecycle, type ClusterLifecycleOptions } from "./clusters/lifecycle.ts";
import { nodeTotalsFromIndex, podTotalsFromIndex } from "./clusters/summary.ts";
import { MemberRegistry } from "./clusters/members.ts";
import type { ServeOptions } from "./config.ts";
import { GROUP, KPANDA_NAMESPACE, VERSION } from "./host/crds.ts";
import { codeOf, type Host, startHost } from "./host/host.ts";
import { KindCache } from "./host/kindCache.ts";
import { buildApp, ROUTE_MODULES } from "./http/app.ts";
import type { SearchIndex } from "./search/index.ts";
import { isPostgresUrl, openSearchIndex } from "./search/open.ts";
import { type ClusterSource, SearchSync } from "./search/SearchSync.ts";
import { CronHpaController, type CronHpaControllerOptions } from "./scaling/CronHpaController.ts";
import { ControllerManager } from "./leader/ControllerManager.ts";
import { CONTROLLERS_LEASE, type ElectionTimings, LeaderElector } from "./leader/LeaderElector.ts";
import { PlatformMetrics } from "./ops/metrics.ts";
import { readinessChecks } from "./ops/readiness.ts";
import { sessionAuthenticator } from "./http/auth.ts";
import type { PlatformContext } from "./http/context.ts";
import { servingTls, type TlsOption } from "./tls.ts";

export type PlatformOptions = Partial<ServeOptions> & {
  dataDir: string;
  logger?: Logger;
  /** Health loop timings (tests shorten them). */
  health?: HealthOptions;
  /** Timeouts of integration and removal calls to members. */
  clusterTimeouts?: ClusterLifecycleOptions;
  /**
   * The URL users reach kpanda at, for downloaded kubeconfigs; else the
   * request's scheme and Host. With it, kubeconfigs carry no CA (whatever
   * answers there has a certificate of its own).
   */
  externalURL?: string;
  /**
   * HTTPS with this certificate and key (and `ca`, the CA that signed them,
   * put in downloaded kubeconfigs), or "generate" (the default): a CA and
   * serving certificate made in DIR/pki and reused; or false for plain HTTP.
   * Without `tls`, `tlsCertFile`/`tlsKeyFile` (kpanda serve's flags) name the files.
   */
  tls?: TlsOption;
  /** Leader election timings and identity (default client-go's 15 s / 10 s / 2 s). */
  leaderElection?: ElectionTimings;
  /** The CronHPA controller's clock (tests pass a FakeClock) and how often it looks for its CRD in a member without it. */
  cronHpa?: Pick<CronHpaControllerOptions, "clock" | "retryMs">;
};

export type Platform = {
  /** https://HOST:PORT (http:// with tls: false). */
  url: string;
  /** The CA PEM kpanda's certificate chains to, when kpanda generated it or was given it. */
  caCert?: string;
  port: number;
  ctx: PlatformContext;
  app: FastifyInstance;
  /** This replica's candidacy for the kpanda-controllers Lease. */
  elector: LeaderElector;
  /** Stops accepting requests, drains the open ones, then stops the host. */
  close(): Promise<void>;
};

export const ADMIN_PASSWORD_FILE = "initial-admin-password";

export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const log = opts.logger ?? pino({ level: opts.logLevel ?? "info" });
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const tls = await servingTls({ ...opts, host: opts.host ?? "127.0.0.1" }, log);
  const host = await startHost({ dataDir: opts.dataDir, hostKubeconfig: opts.hostKubeconfig, logger: log });
  const caches: KindCache[] = [];
  const controllers = new ControllerManager(log);
  let elector: LeaderElector | undefined;
  let demo: Demo | undefined;
  let index: SearchIndex | undefined;
  let searchSync: SearchSync | undefined;
  try {
    const userCache = new KindCache(host, "users", log);
    caches.push(userCache);
    await userCache.start();
    const users = new UserStore(host, userCache);
    const clusterCache = new KindCache(host, "clusters", log);
    caches.push(clusterCache);
    await clusterCache.start();
    const members = new MemberRegistry(host, clusterCache, log);
    const bindingCache = new KindCache(host, "rolebindings", log);
    caches.push(bindingCache);
    await bindingCache.start();
    const tokenCache = new KindCache(host, "apitokens", log);
    caches.push(tokenCache);
    await tokenCache.start();
    const tokens = new ApiTokenStore(host, tokenCache, users);
    const authz = new Authorizer(bindingCache);
    const bindings = new BindingStore({ host, cache: bindingCache, users, authz, clusterExists: (c) => !!members.cluster(c) });
    const signer = new SessionSigner(await signingKey(host));
    const clusters = new ClusterLifecycle(host, members, log, opts.clusterTimeouts);
    const searchDb = opts.searchDb ?? join(opts.dataDir, "search", "index.db");
    index = await openSearchIndex(searchDb);
    const searchIndex = index;
    const health = new HealthController(host, members, clusters, log, {
      ...opts.health,
      podTotals: (c) => podTotalsFromIndex(searchIndex, c),
      nodeTotals: (c) => nodeTotalsFromIndex(searchIndex, c),
    });
    searchSync = new SearchSync({
      index,
      clusters: clusterSource(clusterCache),
      member: (name) => members.get(name),
      log,
      retentionMs: opts.eventRetentionMs,
    });
    const metrics = new PlatformMetrics({ clusters: () => members.clusterObjects(), leading: () => controllers.leading });
    controllers.onStarted((name) => metrics.controllerStarted(name));
    const ctx: PlatformContext = {
      log,
      host,
      users,
      members,
      authz,
      bindings,
      tokens,
      signer,
      limiter: new LoginLimiter(),
      authenticators: [sessionAuthenticator(signer, users), tokens.authenticator()],
      audit: new AuditLog(join(opts.dataDir, "audit")),
      sessionTTLSeconds: 12 * 3600,
      clusters,
      health,
      externalURL: opts.externalURL,
      kubeconfigCA: opts.externalURL ? undefined : tls?.ca,
      metrics,
      controllers,
      ready: readinessChecks(host, caches),
      search: { index, sync: searchSync },
    };
    await ensureAdmin(ctx, opts.dataDir);
    // The controllers run on the replica holding the Lease (started below, once the API serves).
    const memberRbac = new MemberRbacController({ members, clusters: clusterCache, bindings: bindingCache, authz, log });
    controllers.add({ name: "member-rbac", start: (signal) => memberRbac.start(signal), stop: () => memberRbac.stop() });
    controllers.add({ name: "health", start: (signal) => health.start(signal), stop: () => health.stop() });
    const cronHpa = new CronHpaController({ clusters: clusterSource(clusterCache), member: (n) => members.get(n), log, ...opts.cronHpa });
    controllers.add({ name: cronHpa.name, start: (signal) => cronHpa.start(signal), stop: () => cronHpa.stop() });
    // A shared (PostgreSQL) index is written by the leader only; an embedded one by every replica for itself.
    if (isPostgresUrl(searchDb)) controllers.add(searchSync.controller());
    else searchSync.start();
    const app = await buildApp(ctx, ROUTE_MODULES, { https: tls && { cert: tls.cert, key: tls.key } });
    await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
    const addr = app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const hostPart = (opts.host ?? "127.0.0.1").includes(":") ? `[${opts.host}]` : (opts.host ?? "127.0.0.1");
    const url = `${tls ? "https" : "http"}://${hostPart}:${port}`;
    log.info({ url }, "kpanda serving");
    // Simulated clusters, integrated before the controllers start, so health probes their new credentials.
    if (opts.demo) demo = await startDemo(ctx, { dataDir: opts.dataDir, log });
    const leader = new LeaderElector(host, {
      ...CONTROLLERS_LEASE,
      ...opts.leaderElection,
      onStartedLeading: () => controllers.startAll(),
      onStoppedLeading: () => controllers.stopAll(),
      log,
    });
    elector = leader;
    leader.start();
    return {
      url,
      caCert: tls?.ca,
      port,
      ctx,
      app,
      elector: leader,
      async close() {
        await app.close();
        // Stops the controllers, then releases the Lease so another replica takes over at once.
        await leader.stop();
        await searchSync?.stop();
        await index?.close();
        await demo?.stop();
        members.close();
        for (const c of caches) await c.stop();
        await host.close();
      },
    };
  } catch (e) {
    await elector?.stop().catch(() => {});
    await controllers.stopAll().catch(() => {});
    await searchSync?.stop().catch(() => {});
    await index?.close().catch(() => {});
    await demo?.stop().catch(() => {});
    for (const c of caches) await c.stop().catch(() => {});
    await host.close();
    throw e;
  }
}

/** The Cluster objects' names and phases, and a call on any change, for the controllers that follow them. */
function clusterSource(cache: KindCache): ClusterSource {
  return {
    list: () => cache.list().map((o) => ({ name: o.metadata?.name ?? "", phase: o.status?.phase ?? "" })),
    onChange: (fn) => cache.onChange(() => fn()),
  };
}

/** The key that signs session and kubeconfig tokens: a Secret in the host, made once, shared by replicas. */
async function signingKey(host: Host): Promise<Buffer> {
  const name = "kpanda-session-key";
  try {
    const s = await host.core.readNamespacedSecret({ name, namespace: KPANDA_NAMESPACE });
    return Buffer.from(s.data!.key, "base64");
  } catch (e) {
    if (codeOf(e) !== 404) throw e;
  }
  const key = randomBytes(32);
  try {
    await host.core.createNamespacedSecret({
      namespace: KPANDA_NAMESPACE,
      body: { metadata: { name }, type: "Opaque", data: { key: key.toString("base64") } },
    });
    return key;
  } catch (e) {
    // Another replica made it first: use theirs.
    if (codeOf(e) !== 409) throw e;
    return signingKey(host);
  }
}

/**
 * On first start, the user `admin` with a random password, bound as Owner.
 * The password goes to DIR/initial-admin-password (mode 0600), never to a log.
 */
async function ensureAdmin(ctx: PlatformContext, dataDir: string): Promise<void> {
  if (ctx.users.cache.get("admin")) return;
  const password = randomPassword();
  try {
    await ctx.users.create("admin", password);
  } catch (e) {
    if ((e as { code?: number }).code === 409) return;
    throw e;
  }
  await ctx.host.custom
    .createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "rolebindings",
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "RoleBinding",
        metadata: { name: "admin-owner" },
        spec: { user: "admin", role: "Owner" },
      },
    })
    .catch((e) => {
      if (codeOf(e) !== 409) throw e;
    });
  const file = join(dataDir, ADMIN_PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  ctx.log.info({ file }, "created user admin; its initial password is in this file");
}
