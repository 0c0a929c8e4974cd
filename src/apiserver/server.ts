// Assembles an API server: PKI, storage, registry, admission, controllers and
// the HTTPS listener. `startApiServer` is the public start function used by
// the CLI, by tests, and (later) by the platform and the simulator.
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { stringify as toYaml } from "yaml";
import { pruneUnknownFields } from "./admission/validation.ts";
import { AccessControl } from "./auth/AccessControl.ts";
import { ensureBootstrapPolicy } from "./auth/bootstrapPolicy.ts";
import { FRONT_PROXY_CLIENT, type RequestHeaderConfig, STANDARD_HEADERS } from "./auth/requestHeader.ts";
import { withEscalationCheck } from "./auth/escalation.ts";
import { bootstrap } from "./bootstrap.ts";
import type { KubeClient } from "./client.ts";
import { LocalClient, type LocalClientOptions } from "./localClient.ts";
import { admissionChain } from "./chain.ts";
import { publishAuthenticationTrust } from "./controllers/authenticationTrust.ts";
import { ClusterRoleAggregationController } from "./controllers/clusterRoleAggregation.ts";
import { CrdController } from "./controllers/crds.ts";
import { GarbageCollector } from "./controllers/gc.ts";
import { ControllerManager } from "./controllers/manager.ts";
import { NamespaceController } from "./controllers/namespaces.ts";
import { DEFAULT_EVENT_TTL_SECONDS, EventExpiry } from "./controllers/eventTTL.ts";
import { QuotaController } from "./controllers/quota.ts";
import { Aggregator } from "./aggregator/Aggregator.ts";
import { createHandler, createUpgradeHandler, type HandlerOptions } from "./http/handler.ts";
import type { Dial } from "../net/proxy.ts";
import { POST_START_HOOKS, PostStartHooks, serverHealthChecks } from "./healthChecks.ts";
import { openApiCache } from "./openapiCache.ts";
import type { UserInfo } from "./registry/context.ts";
import { ResourceRegistry } from "./registry/resources.ts";
import { ObjectStore } from "./registry/store.ts";
import type { KObject, ResourceInfo } from "./registry/types.ts";
import { findUnknownFields } from "./schema/unknownFields.ts";
import { EncryptingStorage } from "./storage/encrypting.ts";
import { secretsEncryption } from "./storage/encryption.ts";
import type { Storage } from "./storage/interface.ts";
import { MemoryStorage } from "./storage/memory.ts";
import { SqliteStorage } from "./storage/sqlite.ts";
import { type KeyPairPem, loadPki, type Pki } from "./tls/pki.ts";

export type ApiServerOptions = {
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where the PKI and the admin kubeconfig go. Without it, nothing is written. */
  dataDir?: string;
  /**
   * "sqlite" keeps state in DIR/state.db (needs dataDir); "memory" forgets it
   * on exit. Either way Secrets are encrypted with the keys of
   * DIR/encryption-config.yaml (created on first start).
   */
  storage?: "memory" | "sqlite";
  /** Watch history size of memory storage (small values let tests force 410 Gone). */
  historySize?: number;
  /** How long Events live after their last activity (kube-apiserver's --event-ttl; default one hour). */
  eventTTLSeconds?: number;
  /** Bookmark interval for watches that allow them. */
  logger?: Logger;
  /** Static bearer tokens (token → user). */
  tokens?: Map<string, UserInfo>;
  /** A kube-apiserver --token-auth-file: CSV `token,user,uid,"group1,group2"`. */
  tokenAuthFile?: string;
  /** More names (IP addresses or DNS names) for the serving certificate, besides loopback and host. */
  serverNames?: string[];
  /** Write DIR/kubeconfig (default true); false when something in front of the server writes its own. */
  writeKubeconfig?: boolean;
  /**
   * Opens every connection the server makes into the cluster: to kubelets,
   * pod IPs and service endpoints (kube-apiserver's egress selector for
   * "cluster" traffic). A plain TCP connect unless given.
   */
  egressDial?: Dial;
  /** PEM CA to verify kubelets' serving certificates (--kubelet-certificate-authority); without it they are not verified. */
  kubeletCertificateAuthority?: string;
};

export type ApiServer = {
  url: string;
  port: number;
  host: string;
  pki: Pki;
  admin: KeyPairPem;
  /**
   * Request-header authentication, as kubeadm configures it: X-Remote-*
   * headers are trusted from a client certificate of pki.frontProxy's CA
   * with CN front-proxy-client.
   */
  requestHeader: RequestHeaderConfig;
  storage: Storage;
  store: ObjectStore;
  registry: ResourceRegistry;
  /** Authentication, impersonation and RBAC. */
  access: AccessControl;
  /** An admin kubeconfig as YAML text. */
  kubeconfig(): string;
  /** The in-process transport: the Kubernetes API without HTTP, as system:masters; `userAgent` names its writes' field manager. */
  client(opts?: LocalClientOptions): KubeClient;
  close(): Promise<void>;
};

export const KUBE_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-kpanda",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-26T00:00:00Z",
  goVersion: "go1.23.0",
  compiler: "gc",
  platform: "linux/amd64",
};

function unknownFields(info: ResourceInfo, obj: KObject): string[] {
  if (info.crd) {
    if (info.crd.preserveUnknownFields || !info.crd.schema) return [];
    return pruneUnknownFields(info.crd.schema, obj);
  }
  return info.modelType ? findUnknownFields(info.modelType, obj) : [];
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.logger ?? pino({ level: "warn" });
  const pki = await loadPki(opts.dataDir, [host, ...(opts.serverNames ?? [])]);
  const admin = await pki.issueClient("kubernetes-admin", ["system:masters"]);
  // What kubeadm issues as --kubelet-client-certificate.
  const kubeletClient = await pki.issueClient("kube-apiserver-kubelet-client", ["system:masters"]);
  const requestHeader: RequestHeaderConfig = {
    clientCA: pki.frontProxy.ca.cert,
    allowedNames: [FRONT_PROXY_CLIENT],
    usernameHeaders: STANDARD_HEADERS.usernameHeaders,
    groupHeaders: STANDARD_HEADERS.groupHeaders,
    extraHeaderPrefixes: STANDARD_HEADERS.extraHeaderPrefixes,
  };
  const secrets = await secretsEncryption(opts.dataDir);
  const sqlite =
    opts.storage === "sqlite"
      ? new SqliteStorage({ path: join(requireDir(opts.dataDir), "state.db"), historySize: opts.historySize })
      : undefined;
  const driver: Storage = sqlite ?? new MemoryStorage({ historySize: opts.historySize });
  const storage: Storage = new EncryptingStorage(driver, secrets);
  const registry = new ResourceRegistry();
  let store: ObjectStore;
  const access = await AccessControl.create({
    storage,
    store: () => store,
    tokens: opts.tokens,
    tokenAuthFile: opts.tokenAuthFile,
    dataDir: opts.dataDir,
    clientCA: pki.ca.cert,
    requestHeader,
  });
  store = new ObjectStore(storage, registry, withEscalationCheck(admissionChain(() => store), access.rbac));
  const hooks = new PostStartHooks(POST_START_HOOKS);
  await bootstrap(store);
  hooks.finish("start-system-namespaces-controller", "bootstrap-controller");
  publishAuthenticationTrust(store, pki.ca.cert, requestHeader);
  hooks.finish("start-cluster-authentication-info-controller");
  ensureBootstrapPolicy(store);
  hooks.finish("rbac/bootstrap-roles");
  access.start();

  const controllers = new ControllerManager(store, log.child({ component: "controllers" }));
  controllers.add(new CrdController(store));
  controllers.add(new GarbageCollector(store));
  controllers.add(new NamespaceController(store, pki.ca.cert));
  controllers.add(new ClusterRoleAggregationController(store));
  controllers.add(new QuotaController({ store }));
  const aggregator = new Aggregator({ store, proxyClient: pki.frontProxy.client, dial: opts.egressDial }, log.child({ component: "aggregator" }));
  controllers.add(aggregator);
  controllers.start();
  hooks.finish("generic-apiserver-start-informers", "start-apiextensions-controllers", "crd-informer-synced");
  const eventExpiry = new EventExpiry(store, opts.eventTTLSeconds ?? DEFAULT_EVENT_TTL_SECONDS, log);
  eventExpiry.start();

  let address = "";
  const handlerOptions: HandlerOptions = {
    egress: {
      dial: opts.egressDial,
      kubelet: {
        ...kubeletClient,
        ca: opts.kubeletCertificateAuthority,
        rejectUnauthorized: Boolean(opts.kubeletCertificateAuthority),
      },
    },
    admin: storage,
    aggregator,
    health: serverHealthChecks({ storage, controllersSynced: () => controllers.synced(), hooks }),
    core: { store, unknownFields },
    registry,
    openapi: openApiCache(registry),
    log,
    serverAddress: () => address,
    access,
    version: KUBE_VERSION,
  };
  const handler = createHandler(handlerOptions);
  const server: Server = createServer(
    {
      cert: pki.server.cert,
      key: pki.server.key,
      // Client certificates of either CA; authn.ts tells them apart.
      ca: [pki.ca.cert, pki.frontProxy.ca.cert],
      requestCert: true,
      rejectUnauthorized: false,
      keepAliveTimeout: 65_000,
    },
    handler,
  );
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.on("upgrade", createUpgradeHandler(handlerOptions));
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const unlisten = async () => {
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen(opts.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const url = `https://${address}`;

  const kubeconfig = () => adminKubeconfig(url, pki.ca.cert, admin);
  if (opts.dataDir && opts.writeKubeconfig !== false) {
    await writeFile(join(opts.dataDir, "kubeconfig"), kubeconfig(), { mode: 0o600 });
  }
  log.info({ url }, "apiserver serving");
  return {
    url,
    port,
    host,
    pki,
    admin,
    requestHeader,
    storage,
    store,
    registry,
    access,
    kubeconfig,
    client: (opts) => new LocalClient(store, { ...opts, aggregator }),
    close: async () => {
      controllers.stop();
      eventExpiry.stop();
      access.stop();
      storage.close();
      await unlisten();
      sqlite?.closeDatabase();
    },
  };
}

function requireDir(dir: string | undefined): string {
  if (!dir) throw new Error("sqlite storage needs a data dir");
  return dir;
}

export function adminKubeconfig(url: string, caPem: string, cred: KeyPairPem, name = "kpanda"): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return toYaml({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: url, "certificate-authority-data": b64(caPem) } }],
    users: [{ name: "admin", user: { "client-certificate-data": b64(cred.cert), "client-key-data": b64(cred.key) } }],
    contexts: [{ name, context: { cluster: name, user: "admin" } }],
    "current-context": name,
  });
}
