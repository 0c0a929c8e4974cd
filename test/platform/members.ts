// Platform tests with member clusters: simulated clusters integrated by
// writing their Cluster object and credential Secret in the host (as
// integration does), users with kpanda roles, and kubectl both on a member
// directly (its admin kubeconfig) and through kpanda's proxy, with the
// kubeconfig GET /clusters/{cluster}/kubeconfig gives the user. kpanda
// serves HTTPS and that kubeconfig carries kpanda's CA: kubectl sends a
// kubeconfig's token only over TLS (client-go's clientcmd reads user
// credentials only for a TLS transport: kubernetes/kubectl#744).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { patchClusterStatus } from "../../src/platform/clusters/clusterObjects.ts";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { credentialSecretName } from "../../src/platform/clusters/members.ts";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import type { AuditEntry } from "../../src/platform/http/context.ts";
import type { PlatformOptions } from "../../src/platform/platform.ts";
import { type SimulatedCluster, type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "../harness.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

export type Role = "Owner" | "ClusterAdmin" | "NSAdmin" | "NSEditor" | "NSViewer";

export type WithMembers = TestPlatform & {
  sim: Simulator;
  dir: string;
  /** kubectl on a member with its admin kubeconfig (setup and checks, not through kpanda). */
  direct(cluster: string, args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  /** kubectl through kpanda's proxy as `user`, with env added (e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS). */
  proxied(user: string, cluster: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<KubectlResult>;
  /** The path of `user`'s downloaded kubeconfig for `cluster` (see downloadKubeconfig). */
  proxyKubeconfig(user: string, cluster: string): Promise<string>;
  /** The audit log's entries, oldest first. */
  auditEntries(): Promise<AuditEntry[]>;
  /** Closes the platform (once; close() then stops the simulator only). */
  closePlatform(): Promise<void>;
  /** A user with the given kpanda roles; answers a session token of theirs. */
  addUser(name: string, roles: { role: Role; cluster?: string; namespace?: string }[]): Promise<string>;
};

/** A platform (with `platform` options: health timings, search db…) plus simulated member clusters, integrated. */
export async function startWithMembers(opts: SimulatorOptions = {}, platform: Partial<PlatformOptions> = {}): Promise<WithMembers> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-members-"));
  const t = await startTestPlatform(platform);
  const sim = await startSimulator({ nodes: 2, ...opts, dataDir: dir });
  try {
    for (const c of sim.clusters) await integrate(t, c);
  } catch (e) {
    // Nothing may outlive a failed start: the test process would never end.
    await sim.stop();
    await t.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const kubeconfigs = new Map<string, string>();
  const proxyKubeconfig = async (user: string, cluster: string) => {
    const key = `${user}@${cluster}`;
    const known = kubeconfigs.get(key);
    if (known) return known;
    const path = join(dir, `${user}-${cluster}.kubeconfig`);
    await writeFile(path, await downloadKubeconfig(t, user, cluster), { mode: 0o600 });
    kubeconfigs.set(key, path);
    return path;
  };
  const cache = join(dir, "cache");
  let platformClosed: Promise<void> | undefined;
  const closePlatform = () => (platformClosed ??= t.close());
  return {
    ...t,
    sim,
    dir,
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

/**
 * Makes `c` a member: its Cluster object and credential Secret in the host,
 * then Running (as integration ends after its checks), and waits until the
 * search cache has listed and watches every kind of it (the lists read it).
 */
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
  await patchClusterStatus(host, c.name, { phase: "Running" });
  await until(`cluster ${c.name} Running in the cache`, () => members.cluster(c.name)?.status?.phase === "Running");
  await until(`cluster ${c.name} synced in the search cache`, async () => {
    const rows = await t.platform.ctx.search.index.freshness(undefined, [c.name]);
    return rows.length > 0 && rows.every((r) => r.state === "synced");
  }, 120_000);
}

/**
 * `user`'s kubeconfig for `cluster` as GET /clusters/{cluster}/kubeconfig
 * answers it (with a session of theirs). For a user who may not download one
 * (unknown to kpanda, or without a role in the cluster) it is the admin's
 * download with a kubeconfig token signed for `user`, so kubectl can show
 * what kpanda answers them.
 */
export async function downloadKubeconfig(t: TestPlatform, user: string, cluster: string): Promise<string> {
  const { signer } = t.platform.ctx;
  const path = `/clusters/${encodeURIComponent(cluster)}/kubeconfig?expirationSeconds=3600`;
  const own = await t.call("GET", path, undefined, signer.sign(user, "session", 3600).token);
  if (own.status === 200) return own.body;
  if (own.status !== 401 && own.status !== 403) throw new Error(`kubeconfig of ${user}@${cluster}: ${own.status} ${JSON.stringify(own.body)}`);
  const admin = await t.call("GET", path, undefined, await t.adminToken());
  if (admin.status !== 200) throw new Error(`kubeconfig of admin@${cluster}: ${admin.status} ${JSON.stringify(admin.body)}`);
  const doc = parse(admin.body);
  doc.users[0].user.token = signer.sign(user, "kubeconfig", 3600).token;
  return stringify(doc);
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
