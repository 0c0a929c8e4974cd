// kpanda's own ServiceAccount token in a member: the health loop renews it
// when it expires within the renewal window (30 days by default; here a
// window longer than the token's year, so it is due at once), stores the
// new one, bumps the Cluster's credential revision so every replica reloads
// it, and keeps the cluster Running with it. The member registry reads a
// credential once for all the callers that ask at the same time.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { KPANDA_NAMESPACE } from "../../src/platform/host/crds.ts";
import { CREDENTIAL_REV, credentialSecretName } from "../../src/platform/clusters/members.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let sim: Simulator;
let t: TestPlatform;

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  sim = await startSimulator({ names: ["renew"], nodes: 1 });
  t = await startTestPlatform({ health: { intervalMs: 300, timeoutMs: 1000, lastSeenWriteMs: 1000, renewBeforeMs: 400 * 86400_000 } });
});

after(async () => {
  await t?.close();
  await sim?.stop();
});

it("renews kpanda's token once it is within the renewal window, bumps the credential revision, and stays Running on the new token", async () => {
  const { host, members } = t.platform.ctx;
  const token = async () => {
    const s = await host.core.readNamespacedSecret({ name: credentialSecretName("renew"), namespace: KPANDA_NAMESPACE });
    return JSON.parse(Buffer.from(s.data!.credential, "base64").toString()).token as string;
  };
  const r = await t.call("POST", "/clusters", { name: "renew", kubeconfig: sim.cluster("renew").kubeconfig() }, await t.adminToken());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const first = await token();
  await until("the credential revision bumped", () => members.cluster("renew")?.metadata?.annotations?.[CREDENTIAL_REV] === "1");
  const second = await token();
  assert.notEqual(second, first);
  // The registry reloads the credential on the new revision; probes keep succeeding with it.
  const m = await until("the member with the new token", async () => {
    const x = await members.get("renew");
    return x?.cred.token === second ? x : undefined;
  });
  assert.ok(m);
  const seen = members.cluster("renew")?.status?.lastSeen;
  await until("a probe after the renewal", () => members.cluster("renew")?.status?.lastSeen > seen);
  assert.equal(members.cluster("renew")?.status?.phase, "Running");
  // Renewed at most once an hour, even though the new token is still within the window.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(members.cluster("renew")?.metadata?.annotations?.[CREDENTIAL_REV], "1");
});

it("loads a member's credential once however many callers ask at once", async () => {
  const { members } = t.platform.ctx;
  await until("renew in the cache", () => members.cluster("renew"));
  members.forget("renew");
  const got = await Promise.all(Array.from({ length: 5 }, () => members.get("renew")));
  assert.ok(got[0]);
  for (const m of got) assert.equal(m, got[0]);
  assert.equal(await members.get("renew"), got[0]);
});
