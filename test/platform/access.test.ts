// Access over real HTTP: API tokens (shown once, stored hashed), kpanda role
// bindings and who may manage them, GET /me, and 403s by role.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { grant, integrateDirect, makeUser, until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let t: TestPlatform;
let sim: Simulator;
let dir: string;
let admin: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-access-"));
  sim = await startSimulator({ names: ["dev", "prod"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }) });
  t = await startTestPlatform();
  admin = await t.adminToken();
  for (const c of sim.clusters) await integrateDirect(t, c);
});
after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

const tokenObjects = async () =>
  ((await t.platform.ctx.host.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: "apitokens" })) as any).items;

describe("API tokens", () => {
  it("shows a new token once, authenticates with it, and keeps only its SHA-256 in the host", async () => {
    const r = await t.call("POST", "/tokens", { name: "ci", expirationSeconds: 3600 }, admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const token: string = r.body.token;
    assert.match(token, /^kpt_[A-Za-z0-9_-]{43}$/);
    assert.equal(r.body.name, "ci");
    assert.ok(Math.abs(Date.parse(r.body.expiresAt) - (Date.now() + 3600_000)) < 5_000);
    const me = await t.call("GET", "/me", undefined, token);
    assert.equal(me.status, 200);
    assert.equal(me.body.name, "admin");
    // Listed without the token; the host object has its hash and never the token.
    const list = await t.call("GET", "/tokens", undefined, admin);
    assert.deepEqual(
      list.body.items.map((i: any) => [i.name, i.token]),
      [["ci", undefined]],
    );
    const stored = JSON.stringify(await tokenObjects());
    assert.ok(!stored.includes(token.slice(4)), "the host holds the token");
    assert.ok(stored.includes(createHash("sha256").update(token).digest("hex")));
    assert.equal((await t.call("POST", "/tokens", { name: "ci" }, admin)).status, 409);
  });

  it("stops authenticating a token once it is deleted", async () => {
    const { body } = await t.call("POST", "/tokens", { name: "short" }, admin);
    assert.equal((await t.call("GET", "/me", undefined, body.token)).status, 200);
    assert.equal((await t.call("DELETE", "/tokens/short", undefined, admin)).status, 204);
    assert.equal((await t.call("GET", "/me", undefined, body.token)).status, 401);
    assert.equal((await t.call("DELETE", "/tokens/short", undefined, admin)).status, 404);
  });

  it("refuses an expired token, and a lifetime under 10 minutes or over a year", async () => {
    // An APIToken whose expiry has passed, written as the store writes them.
    const token = "kpt_expired-token-for-the-test-0000000000000000";
    await t.platform.ctx.host.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "apitokens",
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "APIToken",
        metadata: { name: "admin.old" },
        spec: { user: "admin", name: "old", sha256: createHash("sha256").update(token).digest("hex"), expiresAt: new Date(Date.now() - 1000).toISOString() },
      },
    });
    await until("expired token in the list", async () => (await t.call("GET", "/tokens", undefined, admin)).body.items.some((i: any) => i.name === "old"));
    assert.equal((await t.call("GET", "/me", undefined, token)).status, 401);
    const listed = (await t.call("GET", "/tokens", undefined, admin)).body.items.find((i: any) => i.name === "old");
    assert.equal(listed.expired, true);
    // TokenRequest's minimum is 10 minutes (pkg/apis/authentication/validation).
    assert.equal((await t.call("POST", "/tokens", { name: "tiny", expirationSeconds: 599 }, admin)).status, 400);
    assert.equal((await t.call("POST", "/tokens", { name: "huge", expirationSeconds: 366 * 86400 }, admin)).status, 400);
    assert.equal((await t.call("POST", "/tokens", { name: "Bad_Name" }, admin)).status, 400);
  });

  it("lists a user's own tokens; only an Owner may name another user", async () => {
    const carol = await makeUser(t, "carol");
    assert.equal((await t.call("POST", "/tokens", { name: "laptop" }, carol)).status, 201);
    const own = await t.call("GET", "/tokens", undefined, carol);
    assert.deepEqual(
      own.body.items.map((i: any) => `${i.user}/${i.name}`),
      ["carol/laptop"],
    );
    const other = await t.call("GET", "/tokens?user=admin", undefined, carol);
    assert.equal(other.status, 403);
    assert.match(other.body.message, /only an Owner/);
    const asOwner = await t.call("GET", "/tokens?user=carol", undefined, admin);
    assert.deepEqual(
      asOwner.body.items.map((i: any) => i.name),
      ["laptop"],
    );
  });

  it("ends a disabled user's tokens, and deletes a deleted user's tokens and bindings", async () => {
    const dave = await makeUser(t, "dave");
    const { body } = await t.call("POST", "/tokens", { name: "bot" }, dave);
    const name = await grant(t, { user: "dave", role: "NSViewer", cluster: "dev", namespace: "default" });
    const { host } = t.platform.ctx;
    const user: any = await host.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "users", name: "dave" });
    await host.custom.replaceClusterCustomObject({ group: GROUP, version: VERSION, plural: "users", name: "dave", body: { ...user, spec: { disabled: true } } });
    await until("disabled user's token refused", async () => (await t.call("GET", "/me", undefined, body.token)).status === 401);
    assert.equal((await t.call("DELETE", "/users/dave", undefined, admin)).status, 204);
    assert.ok(!(await tokenObjects()).some((o: any) => o.spec.user === "dave"));
    await until("dave's binding gone", () => !t.platform.ctx.bindings.get(name));
  });
});

describe("role bindings", () => {
  it("validates the role's scope, the user and the cluster", async () => {
    await makeUser(t, "erin");
    const bad = [
      [{ user: "erin", role: "Owner", cluster: "dev" }, /Owner role is platform-wide/],
      [{ user: "erin", role: "ClusterAdmin" }, /ClusterAdmin role needs a cluster/],
      [{ user: "erin", role: "ClusterAdmin", cluster: "dev", namespace: "default" }, /ClusterAdmin role needs a cluster and no namespace/],
      [{ user: "erin", role: "NSViewer", cluster: "dev" }, /NSViewer role needs a cluster and a namespace/],
      [{ user: "erin", role: "NSViewer", cluster: "dev", namespace: "Not_A_Label" }, /not a DNS label/],
      [{ user: "nobody", role: "NSViewer", cluster: "dev", namespace: "default" }, /user "nobody" does not exist/],
      [{ user: "erin", role: "NSViewer", cluster: "nowhere", namespace: "default" }, /cluster "nowhere" does not exist/],
      [{ user: "erin", role: "Superuser" }, /role/],
    ] as const;
    for (const [body, message] of bad) {
      const r = await t.call("POST", "/rolebindings", body, admin);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.message, message);
    }
    await grant(t, { user: "erin", role: "NSEditor", cluster: "dev", namespace: "team-a" });
    const dup = await t.call("POST", "/rolebindings", { user: "erin", role: "NSEditor", cluster: "dev", namespace: "team-a" }, admin);
    assert.equal(dup.status, 409);
  });

  it("lets a ClusterAdmin manage NS bindings of its cluster and an NSAdmin those of its namespace, nothing more", async () => {
    const frank = await makeUser(t, "frank");
    const gina = await makeUser(t, "gina");
    await makeUser(t, "hank");
    await grant(t, { user: "frank", role: "ClusterAdmin", cluster: "dev" });
    await grant(t, { user: "gina", role: "NSAdmin", cluster: "dev", namespace: "team-g" });
    const viewer = await grant(t, { user: "hank", role: "NSViewer", cluster: "dev", namespace: "team-x" }, frank);
    await grant(t, { user: "hank", role: "NSEditor", cluster: "dev", namespace: "team-g" }, gina);
    const refused = [
      [frank, { user: "hank", role: "ClusterAdmin", cluster: "dev" }, /only an Owner/],
      [frank, { user: "hank", role: "NSViewer", cluster: "prod", namespace: "team-x" }, /may not manage bindings in namespace "team-x" of cluster "prod"/],
      [gina, { user: "hank", role: "NSViewer", cluster: "dev", namespace: "team-x" }, /may not manage bindings in namespace "team-x"/],
      [gina, { user: "hank", role: "Owner" }, /only an Owner/],
    ] as const;
    for (const [token, body, message] of refused) {
      const r = await t.call("POST", "/rolebindings", body, token);
      assert.equal(r.status, 403, JSON.stringify(body));
      assert.equal(r.body.reason, "Forbidden");
      assert.match(r.body.message, message);
    }
    // gina sees her own binding and the ones in her namespace, not hank's team-x one.
    const seen = await t.call("GET", "/rolebindings?cluster=dev", undefined, gina);
    assert.deepEqual(
      seen.body.items.map((b: any) => `${b.user}:${b.role}:${b.namespace}`),
      ["gina:NSAdmin:team-g", "hank:NSEditor:team-g"],
    );
    assert.equal((await t.call("DELETE", `/rolebindings/${viewer}`, undefined, gina)).status, 403);
    assert.equal((await t.call("DELETE", `/rolebindings/${viewer}`, undefined, frank)).status, 204);
    const hanks = await t.call("GET", "/rolebindings?user=hank&pageSize=1", undefined, admin);
    assert.deepEqual(hanks.body.pagination, { total: 1, page: 1, pageSize: 1 });
  });

  it("refuses to delete the platform's last Owner binding or its last Owner", async () => {
    const owners = await t.call("GET", "/rolebindings?role=Owner", undefined, admin);
    assert.equal(owners.body.items.length, 1);
    const r = await t.call("DELETE", `/rolebindings/${owners.body.items[0].name}`, undefined, admin);
    assert.equal(r.status, 409);
    assert.match(r.body.message, /last Owner binding/);
    assert.equal((await t.call("DELETE", "/users/admin", undefined, admin)).status, 409);
  });
});

describe("GET /me and 403s by role", () => {
  it("tells each user its bindings and what it may do where", async () => {
    const ivy = await makeUser(t, "ivy");
    await grant(t, { user: "ivy", role: "NSViewer", cluster: "dev", namespace: "shop" });
    await grant(t, { user: "ivy", role: "NSEditor", cluster: "dev", namespace: "shop" });
    await grant(t, { user: "ivy", role: "ClusterAdmin", cluster: "prod" });
    const me = (await t.call("GET", "/me", undefined, ivy)).body;
    assert.equal(me.name, "ivy");
    assert.equal(me.owner, false);
    assert.deepEqual(me.actions, []);
    assert.equal(me.bindings.length, 3);
    const dev = me.clusters.find((c: any) => c.name === "dev");
    assert.equal(dev.role, undefined);
    assert.deepEqual(dev.actions, ["cluster.view", "cluster.kubeconfig"]);
    const prod = me.clusters.find((c: any) => c.name === "prod");
    assert.equal(prod.role, "ClusterAdmin");
    for (const a of ["nodes.edit", "namespaces.create", "exec", "rbac.edit", "namespace.delete"]) assert.ok(prod.actions.includes(a), a);
    assert.ok(!prod.actions.includes("cluster.delete"));
    assert.deepEqual(me.namespaces, [
      { cluster: "dev", namespace: "shop", role: "NSEditor", actions: ["namespace.view", "workloads.view", "workloads.edit", "secrets.view", "exec"] },
    ]);
    const own = (await t.call("GET", "/me", undefined, admin)).body;
    assert.equal(own.owner, true);
    assert.deepEqual(own.actions, ["users.manage", "clusters.create", "audit.view"]);
    assert.deepEqual(
      own.clusters.map((c: any) => [c.name, c.role, c.actions.includes("cluster.delete")]),
      [
        ["dev", "Owner", true],
        ["prod", "Owner", true],
      ],
    );
  });

  it("answers 403 with what is missing when a viewer calls an admin endpoint", async () => {
    const jack = await makeUser(t, "jack");
    await grant(t, { user: "jack", role: "NSViewer", cluster: "dev", namespace: "default" });
    for (const [method, path, body] of [
      ["POST", "/users", { name: "x", password: "xxxxxxxxxx" }],
      ["GET", "/users", undefined],
      ["DELETE", "/users/admin", undefined],
      ["POST", "/rolebindings", { user: "jack", role: "NSAdmin", cluster: "dev", namespace: "default" }],
      ["GET", "/tokens?user=admin", undefined],
    ] as const) {
      const r = await t.call(method, path, body, jack);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.reason, "Forbidden");
      assert.match(r.body.message, /^user "jack" may not|^user "jack" is not an Owner/, r.body.message);
    }
  });
});
