// What the console offers agrees with what the REST API allows: for users of
// every role, the console's allowed(me, action, where), read from their
// GET /me, is exactly the server's own decision (Authorizer.can) for every
// action of roles.ts on the platform, each cluster and each namespace, so an
// action is never offered and then refused, nor hidden when it would pass.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ACTIONS, type Action } from "../../src/platform/access/roles.ts";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import { allowed } from "../../web/src/api/me.ts";
import { startTestPlatform, type TestPlatform } from "../platform/fixture.ts";
import { addUser, type Role, until } from "../platform/members.ts";

let t: TestPlatform;
const CLUSTERS = ["c1", "c2"];
const NAMESPACES = ["a", "b"];
const USERS: Record<string, { role: Role; cluster?: string; namespace?: string }[]> = {
  carla: [{ role: "ClusterAdmin", cluster: "c1" }],
  nadia: [{ role: "NSAdmin", cluster: "c1", namespace: "a" }],
  ned: [
    { role: "NSEditor", cluster: "c1", namespace: "a" },
    { role: "NSViewer", cluster: "c2", namespace: "b" },
  ],
  vic: [{ role: "NSViewer", cluster: "c1", namespace: "a" }],
  mixed: [
    { role: "ClusterAdmin", cluster: "c2" },
    { role: "NSViewer", cluster: "c1", namespace: "b" },
  ],
};

before(async () => {
  t = await startTestPlatform();
  const { host, members } = t.platform.ctx;
  // Cluster objects alone: /me and the authorizer need no member behind them.
  for (const name of CLUSTERS) {
    await host.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "clusters",
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: "Cluster", metadata: { name }, spec: {} },
    });
  }
  await until("clusters in the cache", () => CLUSTERS.every((c) => members.cluster(c)));
  for (const [name, roles] of Object.entries(USERS)) await addUser(t, name, roles);
});

after(() => t?.close());

function scopes(): { cluster?: string; namespace?: string }[] {
  const out: { cluster?: string; namespace?: string }[] = [{}];
  for (const cluster of CLUSTERS) {
    out.push({ cluster });
    for (const namespace of NAMESPACES) out.push({ cluster, namespace });
  }
  return out;
}

test("the console allows exactly what the server allows, for every role, action and place", async () => {
  const { authz } = t.platform.ctx;
  for (const user of ["admin", ...Object.keys(USERS)]) {
    const token = user === "admin" ? await t.adminToken() : t.platform.ctx.signer.sign(user, "session", 600).token;
    const me = (await t.call("GET", "/me", undefined, token)).body;
    for (const action of Object.keys(ACTIONS) as Action[]) {
      const scope = ACTIONS[action].scope;
      for (const where of scopes()) {
        // The server decides on a full place: the platform, a cluster, or a namespace of one.
        if (scope === "cluster" && (!where.cluster || where.namespace)) continue;
        if (scope === "namespace" && !where.namespace) continue;
        if (scope === "platform" && where.cluster) continue;
        const server = authz.can(user, action, where.cluster, where.namespace);
        assert.equal(allowed(me, action, where), server, `${user} ${action} ${JSON.stringify(where)}`);
      }
      // Without a place, the console asks whether the action is allowed anywhere (a menu entry, a tab).
      const anywhere = scopes().some((w) => authz.can(user, action, w.cluster, w.namespace));
      assert.equal(allowed(me, action), anywhere, `${user} ${action} anywhere`);
    }
  }
});
