// Platform tests with member clusters: simulated clusters integrated by
// writing their Cluster object and credential Secret in the host (as
// integration does), users with kpanda roles, and kubectl both on a member
// directly (its admin kubeconfig) and through kpanda's proxy (a kubeconfig
// whose token is a kpanda kubeconfig token).
//
// kubectl sends a kubeconfig's token only over TLS (client-go's clientcmd
// reads user credentials only for a TLS transport: kubernetes/kubectl#744),
// so kubectl reaches the platform here through an HTTPS listener that hands
// every request and upgrade to the same Fastify app. (`kpanda serve` itself
// listens on plain HTTP so far.)
import { once } from "node:events";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createAuthority, issueServingCert } from "../../src/apiserver/tls/pki.ts";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { credentialSecretName } from "../../src/platform/clusters/members.ts";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import type { AuditEntry } from "../../src/platform/http/context.ts";
import { type SimulatedCluster, type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "../harness.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

export type Role = "Owner" | "ClusterAdmin" | "NSAdmin" | "NSEditor" | "NSViewer";

export type WithMembers = TestPlatform & {
  sim: Simulator;
  dir: string;
  /** The platform over HTTPS (what kubeconfigs point at) and the CA of its certificate. */
  tlsURL: string;
  tlsCA: string;
  /** kubectl on a member with its admin kubeconfig (setup and checks, not through kpanda). */
  direct(cluster: string, args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  /** kubectl through kpanda's proxy as `user`, with env added (e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS). */
  proxied(user: string, cluster: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<KubectlResult>;
  /** The path of a kubeconfig for `user` that points at the proxy for `cluster`. */
  proxyKubeconfig(user: string, cluster: string): Promise<string>;
  /** The audit log's entries, oldest first. */
  auditEntries(): Promise<AuditEntry[]>;
  /** Closes the platform (once; close() then stops the simulator only). */
  closePlatform(): Promise<void>;
  /** A user with the given kpanda roles; answers a session token of theirs. */
  addUser(name: string, roles: { role: Role; cluster?: string; namespace?: string }[]): Promise<string>;
};

/** A platform plus simulated member clusters, integrated. */
export async function startWithMembers(opts: SimulatorOptions = {}): Promise<WithMembers> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-members-"));
  const t = await startTestPlatform();
  const tls = await tlsFront(t);
  const sim = await startSimulator({ nodes: 2, ...opts, dataDir: dir });
  for (const c of sim.clusters) await integrate(t, c);
  const kubeconfigs = new Map<string, string>();
  const proxyKubeconfig = async (user: string, cluster: string) => {
    const key = `${user}@${cluster}`;
    const known = kubeconfigs.get(key);
    if (known) return known;
    const path = join(dir, `${user}-${cluster}.kubeconfig`);
    await writeFile(path, proxyKubeconfigText(t, user, cluster, tls), { mode: 0o600 });
    kubeconfigs.set(key, path);
    return path;
  };
  const cache = join(dir, "cache");
  let platformClosed: Promise<void> | undefined;
  const closePlatform = () =>
    (platformClosed ??= (async () => {
      tls.server.closeAllConnections();
      tls.server.close();
      await t.close();
    })());
  return {
    ...t,
    sim,
    dir,
    tlsURL: tls.url,
    tlsCA: tls.ca,
    direct: (cluster, args, o = {}) => runKubectl(["--kubeconfig", sim.cluster(cluster).kubeconfigPath!, "--cache-dir", cache, ...args], o),
    proxied: async (user, cluster, args, o = {}) => {
      const path = await proxyKubeconfig(user, cluster);
      const saved = { ...process.env };
      Object.assign(process.env, o.env);
      try {
        return await runKubectl(["--kubeconfig", path, "--cache-dir", join(dir, `cache-${user}`), ...args], { input: o.input, allowFail: true });
      } finally {
        process.env = saved;
      }
    },
    proxyKubeconfig,
    auditEntries: async () => {
      const text = await readFile(join(t.dataDir, "audit", "audit.log"), "utf8").catch(() => "");
      return text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry);
    },
    addUser: (name, roles) => addUser(t, name, roles),
    closePlatform,
    async close() {
      await sim.stop();
      await closePlatform();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Makes `c` a member: its Cluster object and credential Secret in the host, then waits for the cache. */
export async function integrate(t: TestPlatform, c: SimulatedCluster): Promise<void> {
  const { host, members } = t.platform.ctx;
  const obj = (await host.custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: "clusters",
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "Cluster",
      metadata: { name: c.name },
      spec: { credentialSecret: credentialSecretName(c.name), credentialSource: "Kubeconfig" },
    },
  })) as { metadata: { uid: string } };
  await members.saveCredential(c.name, parseKubeconfig(await readFile(c.kubeconfigPath!, "utf8")), { uid: obj.metadata.uid });
  await until(`cluster ${c.name} in the cache`, () => members.cluster(c.name));
}

type TlsFront = { server: Server; url: string; ca: string };

/** An HTTPS listener on a free loopback port whose requests and upgrades the platform's app serves. */
async function tlsFront(t: TestPlatform): Promise<TlsFront> {
  const ca = await createAuthority("kpanda-test-ca");
  const serving = await issueServingCert(ca, "kpanda", ["127.0.0.1", "localhost"]);
  const app = t.platform.app.server;
  const server = createHttpsServer({ cert: serving.cert, key: serving.key });
  server.on("request", (req, res) => app.emit("request", req, res));
  server.on("upgrade", (req, socket, head) => app.emit("upgrade", req, socket, head));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: ca.cert };
}

/** A kubeconfig whose server is the proxy for `cluster` and whose token is a kpanda kubeconfig token of `user`. */
export function proxyKubeconfigText(t: TestPlatform, user: string, cluster: string, tls: { url: string; ca: string }): string {
  const { token } = t.platform.ctx.signer.sign(user, "kubeconfig", 3600);
  const caData = Buffer.from(tls.ca).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: `${tls.url}/k8s/clusters/${cluster}`, "certificate-authority-data": caData } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: cluster, context: { cluster, user } }],
    "current-context": cluster,
  });
}

/**
 * Creates a user and its kpanda RoleBindings directly in the host (the
 * bindings API is the access part's), waits until this replica has seen
 * them, and answers a session token.
 */
export async function addUser(t: TestPlatform, name: string, roles: { role: Role; cluster?: string; namespace?: string }[]): Promise<string> {
  const { ctx } = t.platform;
  await ctx.users.create(name, `${name}-password-1`);
  for (const [i, r] of roles.entries()) {
    await ctx.host.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "rolebindings",
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "RoleBinding",
        metadata: { name: `${name}-${i}` },
        spec: { user: name, ...r },
      },
    });
  }
  await until(`${name} and its bindings in the caches`, () => ctx.users.active(name) && ctx.authz.bindingsOf(name).length === roles.length);
  return ctx.signer.sign(name, "session", 3600).token;
}

/** Polls fn until it answers a truthy value. */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
