// kpanda serve's first start, login and users, over real HTTP.
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ADMIN_PASSWORD_FILE } from "../../src/platform/platform.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

describe("platform login and users", () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t?.close());

  it("writes the initial admin password to a mode-0600 file, and admin can log in with it", async () => {
    const st = await stat(join(t.dataDir, ADMIN_PASSWORD_FILE));
    assert.equal(st.mode & 0o777, 0o600);
    const r = await t.call("POST", "/login", { username: "admin", password: t.adminPassword });
    assert.equal(r.status, 200);
    assert.match(r.body.token, /^kp1\./);
    assert.ok(Date.parse(r.body.expiresAt) > Date.now());
  });

  it("answers 401 with the error shape for a bad password, and for a call without a token", async () => {
    const bad = await t.call("POST", "/login", { username: "admin", password: "wrong-password" });
    assert.equal(bad.status, 401);
    assert.deepEqual(Object.keys(bad.body).sort(), ["code", "message", "reason"]);
    assert.equal(bad.body.code, 401);
    const anon = await t.call("GET", "/users");
    assert.equal(anon.status, 401);
    assert.equal(anon.body.reason, "Unauthorized");
  });

  it("rate-limits repeated failed logins with 429 and Retry-After", async () => {
    let last = 0;
    let retry: string | null = null;
    for (let i = 0; i < 7; i++) {
      const r = await t.call("POST", "/login", { username: "mallory", password: `guess-${i}` });
      last = r.status;
      retry = r.headers.get("retry-after");
    }
    assert.equal(last, 429);
    assert.ok(Number(retry) > 0);
  });

  it("creates a user who can log in, lists users paged, and deletes the user", async () => {
    const token = await t.adminToken();
    const created = await t.call("POST", "/users", { name: "alice", password: "alice-password" }, token);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.name, "alice");
    assert.equal(created.body.password, undefined);
    const dup = await t.call("POST", "/users", { name: "alice", password: "alice-password" }, token);
    assert.equal(dup.status, 409);
    const aliceToken = await t.login("alice", "alice-password");
    assert.ok(aliceToken);
    const list = await t.call("GET", "/users?page=1&pageSize=1", undefined, token);
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.deepEqual(list.body.pagination, { total: 2, page: 1, pageSize: 1 });
    const del = await t.call("DELETE", "/users/alice", undefined, token);
    assert.equal(del.status, 204);
    // A deleted user's sessions end with the user (once the cache has seen the delete).
    for (let i = 0; i < 50 && (await t.call("GET", "/users", undefined, aliceToken)).status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await t.call("GET", "/users", undefined, aliceToken)).status, 401);
  });
});

describe("platform user management rights", () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t?.close());

  it("answers 403 with a clear message when a user without the Owner role manages users", async () => {
    const admin = await t.adminToken();
    assert.equal((await t.call("POST", "/users", { name: "bob", password: "bob-password" }, admin)).status, 201);
    const bob = await t.login("bob", "bob-password");
    const r = await t.call("POST", "/users", { name: "eve", password: "eve-password" }, bob);
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, "Forbidden");
    assert.match(r.body.message, /not an Owner/);
    assert.equal((await t.call("GET", "/users", undefined, bob)).status, 403);
  });
});
