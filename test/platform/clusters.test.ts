// Cluster integration over real HTTP against simulated member clusters:
// validation reports, integration with kpanda's own ServiceAccount
// credential, refusals that save nothing, labels, alias, deletion
// protection, removal with cleanup in the member, visibility by role and
// the kubeconfig download.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { parse } from "yaml";
import { codeOf } from "../../src/platform/host/host.ts";
import { GROUP, KPANDA_NAMESPACE, VERSION } from "../../src/platform/host/crds.ts";
import { credentialSecretName } from "../../src/platform/clusters/members.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let sim: Simulator;
let t: TestPlatform;
let admin: string;
let simDir: string;
/** Every response body, to check that no credential ever appears in one. */
const bodies: string[] = [];

const call = async (method: string, path: string, body?: unknown, token = admin) => {
  const r = await t.call(method, path, body, token);
  bodies.push(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
  return r;
};

function memberApi(name: string) {
  const kc = new KubeConfig();
  kc.loadFromString(sim.cluster(name).kubeconfig());
  return { core: kc.makeApiClient(CoreV1Api), rbac: kc.makeApiClient(RbacAuthorizationV1Api) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The host has neither a Cluster nor a credential Secret of this name. */
async function assertNothingSaved(name: string): Promise<void> {
  const { host } = t.platform.ctx;
  await assert.rejects(host.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusters", name }), (e) => codeOf(e) === 404);
  await assert.rejects(host.core.readNamespacedSecret({ name: credentialSecretName(name), namespace: KPANDA_NAMESPACE }), (e) => codeOf(e) === 404);
}

/** A kubeconfig whose user is a token of a member ServiceAccount bound to the `view` ClusterRole, valid for `seconds`. */
async function viewerKubeconfig(cluster: string, seconds: number): Promise<string> {
  const { core, rbac } = memberApi(cluster);
  const exists = (e: unknown) => {
    if (codeOf(e) !== 409) throw e;
  };
  await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "viewer" } } }).catch(exists);
  await rbac
    .createClusterRoleBinding({
    body: {
      metadata: { name: "viewer-view" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "ServiceAccount", name: "viewer", namespace: "default" }],
    },
  })
    .catch(exists);
  const tr = await core.createNamespacedServiceAccountToken({ name: "viewer", namespace: "default", body: { spec: { audiences: [], expirationSeconds: seconds } } });
  const doc = parse(sim.cluster(cluster).kubeconfig());
  doc.users[0].user = { token: tr.status!.token };
  return JSON.stringify(doc);
}

before(async () => {
  simDir = await mkdtemp(join(tmpdir(), "kpanda-clusters-"));
  sim = await startSimulator({ names: ["alpha", "beta", "gamma", "delta"], nodes: 2, dataDir: simDir });
  t = await startTestPlatform({ health: { intervalMs: 300, timeoutMs: 1000, summaryIntervalMs: 1000, lastSeenWriteMs: 1000 } });
  admin = await t.adminToken();
});

after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(simDir, { recursive: true, force: true });
});

describe("cluster integration", () => {
  it("validate reports the version, full rights and the client certificate's expiry for an admin kubeconfig", async () => {
    const r = await call("POST", "/clusters/validate", { kubeconfig: sim.cluster("alpha").kubeconfig() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.reachable, true);
    assert.match(r.body.serverVersion, /^v1\.\d+/);
    assert.deepEqual(r.body.permissions, { clusterAdmin: true, sufficient: true, missing: [] });
    assert.equal(r.body.credential.type, "certificate");
    assert.ok(Date.parse(r.body.credential.expiresAt) > Date.now() + 30 * 86400_000);
    assert.deepEqual(r.body.warnings, []);
  });

  it("validate names the missing rights and warns of a token expiring within 30 days", async () => {
    const kubeconfig = await viewerKubeconfig("delta", 7 * 86400);
    const r = await call("POST", "/clusters/validate", { kubeconfig });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.permissions.clusterAdmin, false);
    assert.equal(r.body.permissions.sufficient, false);
    // The view ClusterRole grants no impersonation and no writes (kube's bootstrap policy).
    assert.ok(r.body.permissions.missing.includes("impersonate users"));
    assert.ok(r.body.permissions.missing.includes("create serviceaccount tokens"));
    assert.equal(r.body.credential.type, "token");
    assert.ok(r.body.warnings.some((w: string) => /expires in 7 days/.test(w)), JSON.stringify(r.body.warnings));
  });

  it("validate answers 400 for an unparseable kubeconfig and reports an unreachable endpoint with the reason", async () => {
    const bad = await call("POST", "/clusters/validate", { kubeconfig: "clusters: nope" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /no clusters or contexts/);
    const away = parse(sim.cluster("delta").kubeconfig());
    const port = await closedPort();
    away.clusters[0].cluster.server = `https://127.0.0.1:${port}`;
    const r = await call("POST", "/clusters/validate", { kubeconfig: JSON.stringify(away) });
    assert.equal(r.status, 200);
    assert.equal(r.body.reachable, false);
    assert.equal(r.body.error, `dial tcp 127.0.0.1:${port}: connect: connection refused`);
    assert.equal(r.body.credential.type, "certificate");
  });

  it("integrates three clusters, each with kpanda's own ServiceAccount credential in the member", async () => {
    for (const name of ["alpha", "beta", "gamma"]) {
      const r = await call("POST", "/clusters", { name, kubeconfig: sim.cluster(name).kubeconfig(), alias: `The ${name}`, labels: { env: name } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.metadata.name, name);
      assert.equal(r.body.spec.alias, `The ${name}`);
      assert.deepEqual(r.body.spec.labels, { env: name });
      assert.equal(r.body.spec.credentialSource, "ServiceAccount");
      assert.equal(r.body.status.phase, "Running");
      assert.match(r.body.status.kubernetesVersion, /^v1\./);
      const { core, rbac } = memberApi(name);
      const sa = await core.readNamespacedServiceAccount({ name: "kpanda", namespace: "kpanda-system" });
      assert.equal(sa.metadata?.labels?.["app.kubernetes.io/managed-by"], "kpanda");
      const crb = await rbac.readClusterRoleBinding({ name: "kpanda:controller" });
      assert.equal(crb.roleRef.name, "cluster-admin");
      assert.deepEqual(crb.subjects?.map((s) => ({ ...s })), [{ kind: "ServiceAccount", name: "kpanda", namespace: "kpanda-system" }]);
    }
    // kpanda's token is a year's (what it asked the TokenRequest API for; the simulated server does not cap it).
    const exp = Date.parse(t.platform.ctx.members.cluster("alpha")?.status?.credentialExpiresAt);
    assert.ok(Math.abs(exp - (Date.now() + 365 * 86400_000)) < 120_000);
    const list = await call("GET", "/clusters?pageSize=2");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.pagination, { total: 3, page: 1, pageSize: 2 });
    assert.deepEqual(list.body.items.map((c: any) => c.metadata.name), ["alpha", "beta"]);
  });

  it("stores the member credential as a Secret owned by the Cluster, and never shows it", async () => {
    const { host } = t.platform.ctx;
    const secret = await host.core.readNamespacedSecret({ name: credentialSecretName("alpha"), namespace: KPANDA_NAMESPACE });
    assert.equal(secret.metadata?.ownerReferences?.[0]?.kind, "Cluster");
    const cred = JSON.parse(Buffer.from(secret.data!.credential, "base64").toString());
    assert.ok(cred.token && !cred.key, "kpanda's token replaces the kubeconfig's client certificate");
    const got = await call("GET", "/clusters/alpha");
    assert.equal(got.status, 200);
    assert.deepEqual(Object.keys(got.body).sort(), ["metadata", "spec", "status"]);
    assert.ok(!bodies.some((b) => b.includes(cred.token)), "the token appears in no response");
  });

  it("answers 400 with the reason for a bad kubeconfig, an exec plugin and an unreachable endpoint, and saves nothing", async () => {
    const bad = await call("POST", "/clusters", { name: "bad", kubeconfig: "this: [is not" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /not valid YAML/);
    const doc = parse(sim.cluster("delta").kubeconfig());
    doc.users[0].user = { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws-iam-authenticator" } };
    const exec = await call("POST", "/clusters", { name: "exec", kubeconfig: JSON.stringify(doc) });
    assert.equal(exec.status, 400);
    assert.match(exec.body.message, /exec plugin \(aws-iam-authenticator\)/);
    const port = await closedPort();
    const away = parse(sim.cluster("delta").kubeconfig());
    away.clusters[0].cluster.server = `https://127.0.0.1:${port}`;
    const unreachable = await call("POST", "/clusters", { name: "away", kubeconfig: JSON.stringify(away) });
    assert.equal(unreachable.status, 400);
    assert.equal(unreachable.body.cluster, "away");
    // Go's dialer's wording, as kubectl prints it.
    assert.match(unreachable.body.message, new RegExp(`unreachable: dial tcp 127.0.0.1:${port}: connect: connection refused`));
    for (const name of ["bad", "exec", "away"]) await assertNothingSaved(name);
  });

  it("refuses a name that is not a DNS label (400) and a duplicate name (409)", async () => {
    const kubeconfig = sim.cluster("delta").kubeconfig();
    const upper = await call("POST", "/clusters", { name: "Delta_1", kubeconfig });
    assert.equal(upper.status, 400);
    assert.match(upper.body.message, /RFC 1123 label/);
    const long = await call("POST", "/clusters", { name: "d".repeat(64), kubeconfig });
    assert.equal(long.status, 400);
    const dup = await call("POST", "/clusters", { name: "alpha", kubeconfig: sim.cluster("alpha").kubeconfig() });
    assert.equal(dup.status, 409);
  });

  it("keeps the kubeconfig's credential, and says so in a condition, when it may not create kpanda's ServiceAccount", async () => {
    const r = await call("POST", "/clusters", { name: "delta", kubeconfig: await viewerKubeconfig("delta", 3600) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.credentialSource, "Kubeconfig");
    const cond = r.body.status.conditions.find((c: any) => c.type === "KpandaCredential");
    assert.equal(cond.status, "False");
    assert.match(cond.message, /uses the kubeconfig's credential/);
    const del = await call("DELETE", "/clusters/delta");
    assert.equal(del.status, 200);
    await assertNothingSaved("delta");
  });
});

describe("cluster edits and removal", () => {
  it("replaces labels, edits the alias, keeps the name immutable", async () => {
    const l = await call("PUT", "/clusters/beta/labels", { labels: { tier: "gold", region: "eu" } });
    assert.equal(l.status, 200, JSON.stringify(l.body));
    assert.deepEqual(l.body.metadata.labels, { tier: "gold", region: "eu" });
    assert.deepEqual(l.body.spec.labels, { tier: "gold", region: "eu" });
    const badLabel = await call("PUT", "/clusters/beta/labels", { labels: { "bad key!": "x" } });
    assert.equal(badLabel.status, 400);
    const a = await call("PUT", "/clusters/beta", { alias: "Beta prod" });
    assert.equal(a.status, 200);
    assert.equal(a.body.spec.alias, "Beta prod");
    const rename = await call("PUT", "/clusters/beta", { name: "gamma2" });
    assert.equal(rename.status, 400);
    assert.match(rename.body.message, /immutable/);
  });

  it("refuses removal with 409 while deletion protection is on; removal then cleans the member and the host", async () => {
    assert.equal((await call("PUT", "/clusters/beta", { deletionProtection: true })).body.spec.deletionProtection, true);
    await until("protection in the cache", () => t.platform.ctx.members.cluster("beta")?.spec?.deletionProtection);
    const refused = await call("DELETE", "/clusters/beta");
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /deletion protection/);
    await call("PUT", "/clusters/beta", { deletionProtection: false });
    await until("protection off in the cache", () => !t.platform.ctx.members.cluster("beta")?.spec?.deletionProtection);
    const del = await call("DELETE", "/clusters/beta");
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.cluster.status.phase, "Removing");
    assert.deepEqual(del.body.cleanup, { complete: true, errors: [] });
    await assertNothingSaved("beta");
    const { core, rbac } = memberApi("beta");
    await assert.rejects(rbac.readClusterRoleBinding({ name: "kpanda:controller" }), (e) => codeOf(e) === 404);
    // The namespace and ServiceAccount were owned by that binding: the member's garbage collector removes them.
    await until("kpanda-system gone from the member", () =>
      core.readNamespace({ name: "kpanda-system" }).then(() => false, (e) => codeOf(e) === 404),
    );
    await until("beta gone from the cache", () => !t.platform.ctx.members.cluster("beta"));
    assert.equal((await call("GET", "/clusters/beta")).status, 404);
  });
});

describe("cluster visibility and rights", () => {
  it("shows a user only the clusters it has a role in; a ClusterAdmin edits labels but not deletion protection", async () => {
    assert.equal((await call("POST", "/users", { name: "carol", password: "carol-password" })).status, 201);
    const carol = await t.login("carol", "carol-password");
    assert.deepEqual((await call("GET", "/clusters", undefined, carol)).body.items, []);
    assert.equal((await call("GET", "/clusters/alpha", undefined, carol)).status, 403);
    const { host, authz } = t.platform.ctx;
    await host.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "rolebindings",
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: "RoleBinding", metadata: { name: "carol-alpha" }, spec: { user: "carol", role: "ClusterAdmin", cluster: "alpha" } },
    });
    await until("carol's binding in the cache", () => authz.isClusterAdmin("carol", "alpha"));
    const list = await call("GET", "/clusters", undefined, carol);
    assert.deepEqual(list.body.items.map((c: any) => c.metadata.name), ["alpha"]);
    assert.equal((await call("PUT", "/clusters/alpha/labels", { labels: { owner: "carol" } }, carol)).status, 200);
    const prot = await call("PUT", "/clusters/alpha", { deletionProtection: true }, carol);
    assert.equal(prot.status, 403);
    assert.equal((await call("DELETE", "/clusters/alpha", undefined, carol)).status, 403);
    assert.equal((await call("POST", "/clusters", { name: "x", kubeconfig: "" }, carol)).status, 403);
    const sums = await call("GET", "/clustersummary", undefined, carol);
    assert.deepEqual(sums.body.items.map((s: any) => s.cluster), ["alpha"]);
  });

  it("downloads a kubeconfig for the caller through kpanda's proxy, expiring as asked, capped at a year", async () => {
    const r = await call("GET", "/clusters/alpha/kubeconfig");
    assert.equal(r.status, 200);
    const doc = parse(r.body);
    assert.equal(doc.clusters[0].cluster.server, `${t.platform.url}/k8s/clusters/alpha`);
    const token: string = doc.users[0].user.token;
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    assert.equal(claims.sub, "admin");
    assert.equal(claims.use, "kubeconfig");
    assert.ok(Math.abs(claims.exp - (Date.now() / 1000 + 86400)) < 60, "24 h by default");
    const hour = parse((await call("GET", "/clusters/alpha/kubeconfig?expirationSeconds=3600")).body);
    const hourClaims = JSON.parse(Buffer.from(hour.users[0].user.token.split(".")[1], "base64url").toString());
    assert.ok(Math.abs(hourClaims.exp - (Date.now() / 1000 + 3600)) < 60);
    // The token is the caller's own: it authenticates to kpanda as the caller.
    assert.equal((await t.call("GET", "/clusters", undefined, token)).status, 200);
    const tooLong = await call("GET", `/clusters/alpha/kubeconfig?expirationSeconds=${365 * 86400 + 1}`);
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.message, /at most 31536000/);
    assert.equal((await call("GET", "/clusters/nope/kubeconfig")).status, 404);
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
