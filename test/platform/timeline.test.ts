// A Deployment's timeline through the REST API: created, scaled, its image
// changed and restarted by a user through kpanda, then read back in order
// with who did each step, its revisions (with their diffs) and its Events, which kpanda keeps
// after the member dropped them (here after 15 s, the simulator's Event TTL
// for this test) until the retention sweep.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { ConfigError, parseServeArgs } from "../../src/platform/config.ts";
import type { TimelineEntry } from "../../src/platform/timeline/timeline.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";
import { grant, integrateDirect, makeUser, until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let t: TestPlatform;
let sim: Simulator;
let dir: string;
let dev: string;
let outsider: string;
const NS = "/clusters/dev/namespaces/shop";
const EVENT_TTL_SECONDS = 15;

const direct = (args: string[]) => runKubectl(["--kubeconfig", sim.cluster("dev").kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args]);
const revisionCount = async () =>
  (await direct(["get", "replicasets", "-n", "shop", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.annotations.deployment\\.kubernetes\\.io/revision}"])).stdout
    .split(" ")
    .filter(Boolean).length;
const timeline = async (token = dev): Promise<TimelineEntry[]> => {
  const r = await t.call("GET", `${NS}/deployments/web/timeline?pageSize=500`, undefined, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-timeline-"));
  sim = await startSimulator({ names: ["dev"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }), eventTTLSeconds: EVENT_TTL_SECONDS });
  t = await startTestPlatform();
  await integrateDirect(t, sim.cluster("dev"));
  dev = await makeUser(t, "dev1");
  outsider = await makeUser(t, "outsider");
  await grant(t, { user: "dev1", role: "NSEditor", cluster: "dev", namespace: "shop" });
  await grant(t, { user: "outsider", role: "NSViewer", cluster: "dev", namespace: "other" });
  await direct(["create", "namespace", "shop"]);
  await until("member RBAC and the event cache", async () => {
    const rbac = (await t.call("GET", `${NS}/deployments/none/timeline`, undefined, dev)).status === 404;
    const fresh = await t.platform.ctx.search.index.freshness({ group: "", resource: "events" }, ["dev"]);
    return rbac && fresh.length === 1 && fresh[0].state === "synced";
  }, 60_000);
});

after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a Deployment's timeline", () => {
  it("shows create, scale, image change and restart in order, with the user, its revisions and events", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }] } } },
    };
    assert.equal((await t.call("POST", `${NS}/deployments/json`, deployment, dev)).status, 201);
    await until("revision 1", async () => (await revisionCount()) === 1);
    assert.equal((await t.call("PUT", `${NS}/deployments/web/scale`, { replicas: 3 }, dev)).status, 200);
    // The deployment controller writes the Deployment's status meanwhile: read it again after a 409, as kubectl edit would.
    for (let attempt = 0; ; attempt++) {
      const current = (await t.call("GET", `${NS}/deployments/web/json`, undefined, dev)).body;
      current.spec.template.spec.containers[0].image = "nginx:1.28";
      const updated = await t.call("PUT", `${NS}/deployments/web/json`, current, dev);
      if (updated.status === 409 && attempt < 5) continue;
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      break;
    }
    await until("revision 2", async () => (await revisionCount()) === 2);
    assert.equal((await t.call("POST", `${NS}/deployments/web:restart`, undefined, dev)).status, 200);
    await until("revision 3", async () => (await revisionCount()) === 3);

    // The deployment controller's events reach kpanda's cache through its watch.
    const entries = await until("the scale-up event in the timeline", async () => {
      const all = await timeline();
      return all.some((e) => e.reason === "ScalingReplicaSet" && /to 3/.test(e.message)) ? all : undefined;
    });
    // What was done (a refused attempt, such as an update that met a 409, is a Warning entry).
    const actions = entries.filter((e) => e.source === "audit" && e.type === "Normal");
    assert.deepEqual(
      actions.map((e) => [e.reason, e.user]),
      [
        ["create", "dev1"],
        ["scale", "dev1"],
        ["update", "dev1"],
        ["restart", "dev1"],
      ],
    );
    const revisions = entries.filter((e) => e.source === "revision");
    assert.deepEqual(
      revisions.map((e) => e.revision),
      [1, 2, 3],
    );
    assert.match(revisions[1].message, /^revision 2: images nginx:1\.27 → nginx:1\.28/);
    // Each revision's diff from the one before (the first has none): the image change, then the restart's annotation.
    assert.equal(revisions[0].diff, undefined);
    assert.match(revisions[1].diff ?? "", /^-\s+- image: nginx:1\.27$/m);
    assert.match(revisions[1].diff ?? "", /^\+\s+- image: nginx:1\.28$/m);
    assert.match(revisions[2].diff ?? "", /^\+\s+kubectl\.kubernetes\.io\/restartedAt: /m);
    const at = (pred: (e: TimelineEntry) => boolean) => entries.findIndex(pred);
    // A revision's time is its ReplicaSet's creationTimestamp, which Kubernetes keeps to the second: within
    // one second the timeline cannot tell what came first (it puts kpanda's own actions first), so the
    // order is checked only between entries of different seconds.
    const second = (i: number) => Math.floor(Date.parse(entries[i].time) / 1000);
    const before = (a: number, b: number, what: string) => assert.ok(a < b || second(a) === second(b), what);
    before(at((e) => e.reason === "scale"), at((e) => e.revision === 2), "the scale came before the image change's revision");
    before(at((e) => e.revision === 2), at((e) => e.reason === "restart"), "revision 2 came before the restart");
    for (let i = 1; i < entries.length; i++) assert.ok(Math.floor(Date.parse(entries[i - 1].time) / 1000) <= Math.floor(Date.parse(entries[i].time) / 1000), "oldest first");
    // Events of the ReplicaSets' pods are there too, naming their pod.
    assert.ok(entries.some((e) => e.source === "event" && e.object?.startsWith("Pod/web-")));
  });

  it("outlives the member's Events, until kpanda's retention drops them", async () => {
    await until(
      "the member dropped its events for web",
      async () => (await direct(["get", "events", "-n", "shop", "--field-selector", "involvedObject.name=web", "-o", "name"])).stdout.trim() === "",
      (EVENT_TTL_SECONDS + 30) * 1000,
    );
    const kept = await timeline();
    assert.ok(kept.some((e) => e.reason === "ScalingReplicaSet"), "the cached events are still in the timeline");
    // Eight days on, the 7-day retention sweeps them out; the audit entries and revisions stay.
    await t.platform.ctx.search.sync.sweep(Date.now() + 8 * 24 * 3600_000);
    const swept = await timeline();
    assert.equal(swept.filter((e) => e.source === "event").length, 0);
    assert.equal(swept.filter((e) => e.source === "audit" && e.type === "Normal").length, 4);
  });

  it("of a StatefulSet has its ControllerRevisions, read from the member, and its pods' events", async () => {
    const sts = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "shop" },
      spec: { replicas: 1, serviceName: "db", selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "main", image: "postgres:16" }] } } },
    };
    assert.equal((await t.call("POST", `${NS}/statefulsets/json`, sts, dev)).status, 201);
    await until("db-0 created", async () => (await direct(["get", "pod", "db-0", "-n", "shop", "-o", "name"])).stdout.trim() === "pod/db-0");
    const patched = await direct(["set", "image", "statefulset/db", "main=postgres:17", "-n", "shop"]);
    assert.equal(patched.code, 0, patched.stderr);
    const entries = await until("two revisions and a pod event", async () => {
      const r = await t.call("GET", `${NS}/statefulsets/db/timeline?pageSize=500`, undefined, dev);
      const items: TimelineEntry[] = r.body.items ?? [];
      const revs = items.filter((e) => e.source === "revision");
      return revs.length === 2 && items.some((e) => e.object === "Pod/db-0") ? items : undefined;
    });
    const revs = entries.filter((e) => e.source === "revision");
    assert.ok(revs.every((e) => e.object?.startsWith("ControllerRevision/db-")));
    assert.match(revs[1].message, /images postgres:16 → postgres:17/);
    // The change made with kubectl straight on the member is in the revisions, not in kpanda's audit.
    assert.deepEqual(
      entries.filter((e) => e.source === "audit").map((e) => e.reason),
      ["create"],
    );
  });

  it("is refused to a user who may not read the workload in the member", async () => {
    const r = await t.call("GET", `${NS}/deployments/web/timeline`, undefined, outsider);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /User "kpanda:outsider" cannot get resource "deployments" in API group "apps" in the namespace "shop"/);
  });
});

it("serve --event-retention takes a duration of an hour or more", () => {
  const opts = parseServeArgs(["--event-retention", "48h"]);
  assert.ok(opts !== "help");
  assert.equal(opts.eventRetentionMs, 48 * 3600_000);
  assert.throws(() => parseServeArgs(["--event-retention", "30m"]), ConfigError);
  assert.throws(() => parseServeArgs(["--event-retention", "a week"]), ConfigError);
});
