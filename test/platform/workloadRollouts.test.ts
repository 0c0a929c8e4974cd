// Workload actions and revisions over REST against a simulated member:
// three image updates then a rollback to revision 1 (kubectl rollout undo's
// semantics: the old ReplicaSet's template, renumbered as the newest
// revision), the diff between two revisions, stop and start restoring the
// replicas, restart rolling the pods (kubectl rollout restart's annotation),
// pause and resume of a Deployment and of a CronJob, a Job's restart under
// the same name, and StatefulSets' and DaemonSets' rollbacks through their
// ControllerRevisions.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { until as waitFor, type WithMembers } from "./members.ts";
import { C, daemonSet, deployment, direct, send, startWorkloads, statefulSet, untilPods } from "./workloadsFixture.ts";

// Controllers and the garbage collector act within seconds, but the machine is shared: wait up to a minute.
const until = <T>(what: string, fn: () => T | Promise<T>, ms = 60_000) => waitFor(what, fn, ms);
const NS = "rollouts";
const P = `/clusters/${C}/namespaces/${NS}`;
let t: WithMembers;
let admin: string;

before(async () => {
  ({ t, tokens: { admin } } = await startWorkloads(NS));
});
after(() => t?.close());

const revisions = async (kind: string, name: string) => {
  const r = await t.call("GET", `${P}/${kind}/${name}/revisions`, undefined, admin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items as { revision: number; images: string[]; changeCause?: string; current: boolean; time: string }[];
};
const image = (o: any) => o.spec.template.spec.containers[0].image;
const setImage = (name: string, img: string, cause: string) =>
  send(
    t,
    "PATCH",
    `${P}/deployments/${name}`,
    JSON.stringify({ metadata: { annotations: { "kubernetes.io/change-cause": cause } }, spec: { template: { spec: { containers: [{ name: "main", image: img }] } } } }),
    "application/strategic-merge-patch+json",
    admin,
  );

describe("Deployment revisions", () => {
  test("after three images, rollback to revision 1 shows the right diff and the pods run the first image", async () => {
    const web = deployment("web", "nginx:1.25", 2) as any;
    web.metadata.annotations = { "kubernetes.io/change-cause": "first" };
    assert.equal((await t.call("POST", `${P}/deployments/json`, web, admin)).status, 201);
    await until("revision 1", async () => (await revisions("deployments", "web")).length === 1);
    assert.equal((await setImage("web", "nginx:1.26", "second")).status, 200);
    await until("revision 2", async () => (await revisions("deployments", "web")).length === 2);
    assert.equal((await setImage("web", "nginx:1.27", "third")).status, 200);
    const three = await until("revision 3", async () => {
      const rs = await revisions("deployments", "web");
      return rs.length === 3 ? rs : undefined;
    });
    // Each ReplicaSet carries the revision the Deployment controller gave it, and the change cause it copied.
    assert.deepEqual(
      three.map((r) => [r.revision, r.images, r.changeCause, r.current]),
      [
        [1, ["nginx:1.25"], "first", false],
        [2, ["nginx:1.26"], "second", false],
        [3, ["nginx:1.27"], "third", true],
      ],
    );
    const diff = await t.call("GET", `${P}/deployments/web/revisions/1/diff/3`, undefined, admin);
    assert.equal(diff.status, 200);
    assert.match(diff.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(diff.body, /^--- revision-1\n\+\+\+ revision-3\n/);
    assert.match(diff.body, /^-\s+- image: nginx:1\.25$/m);
    assert.match(diff.body, /^\+\s+- image: nginx:1\.27$/m);
    assert.doesNotMatch(diff.body, /pod-template-hash/);
    assert.equal((await t.call("GET", `${P}/deployments/web/revisions/1/diff/9`, undefined, admin)).status, 404);

    const r = await t.call("POST", `${P}/deployments/web:rollback`, { revision: 1 }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.rolledBack, image(r.body.object)], [true, "nginx:1.25"]);
    // kubectl rollout undo copies the ReplicaSet's annotations but keeps the Deployment's revision.
    assert.equal(r.body.object.metadata.annotations["kubernetes.io/change-cause"], "first");
    // The Deployment controller renumbers the old ReplicaSet as the newest revision (revision 1 becomes 4).
    const after = await until("revision 4", async () => {
      const rs = await revisions("deployments", "web");
      return rs.at(-1)?.revision === 4 ? rs : undefined;
    });
    assert.deepEqual(
      after.map((x) => [x.revision, x.images[0], x.current]),
      [
        [2, "nginx:1.26", false],
        [3, "nginx:1.27", false],
        [4, "nginx:1.25", true],
      ],
    );
    await untilPods(t, NS, "web", 2, (p) => p.spec.containers[0].image === "nginx:1.25", " on nginx:1.25");
    const again = await t.call("POST", `${P}/deployments/web:rollback`, { revision: 4 }, admin);
    assert.deepEqual([again.status, again.body.rolledBack], [200, false]);
    assert.equal((await t.call("POST", `${P}/deployments/web:rollback`, { revision: 7 }, admin)).status, 404);
  });

  test("restart sets kubectl's restartedAt annotation and rolls every pod; a paused Deployment refuses it", async () => {
    await t.call("POST", `${P}/deployments/json`, deployment("api", "nginx:1.25", 2), admin);
    const before = await untilPods(t, NS, "api", 2);
    const r = await t.call("POST", `${P}/deployments/api:restart`, undefined, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const stamp = r.body.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"];
    // time.Now().Format(time.RFC3339), as objectrestarter.go writes it.
    assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.ok(Math.abs(Date.parse(stamp) - Date.now()) < 60_000);
    const old = new Set(before.map((p) => p.metadata.name));
    await untilPods(t, NS, "api", 2, (p) => !old.has(p.metadata.name) && p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"] === stamp, " restarted");

    const paused = await t.call("POST", `${P}/deployments/api:pause`, undefined, admin);
    assert.deepEqual([paused.status, paused.body.spec.paused], [200, true]);
    const refused = await t.call("POST", `${P}/deployments/api:restart`, undefined, admin);
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /paused/);
    assert.equal((await t.call("POST", `${P}/deployments/api:rollback`, { revision: 1 }, admin)).status, 409);
    const resumed = await t.call("POST", `${P}/deployments/api:resume`, undefined, admin);
    assert.equal(resumed.status, 200);
    assert.notEqual((await direct(t, NS, "deployment", "api")).spec.paused, true);
  });

  test("stop scales to 0 remembering the replicas, start restores them, and each refuses the wrong state", async () => {
    await t.call("POST", `${P}/deployments/json`, deployment("batch", "nginx:1.25", 3), admin);
    await untilPods(t, NS, "batch", 3);
    const stopped = await t.call("POST", `${P}/deployments/batch:stop`, undefined, admin);
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.deepEqual([stopped.body.spec.replicas, stopped.body.metadata.annotations["kpanda.io/stopped-replicas"]], [0, "3"]);
    await untilPods(t, NS, "batch", 0);
    assert.equal((await t.call("POST", `${P}/deployments/batch:stop`, undefined, admin)).status, 409);
    const started = await t.call("POST", `${P}/deployments/batch:start`, undefined, admin);
    assert.equal(started.status, 200);
    assert.equal(started.body.spec.replicas, 3);
    assert.equal(started.body.metadata.annotations?.["kpanda.io/stopped-replicas"], undefined);
    await untilPods(t, NS, "batch", 3);
    const again = await t.call("POST", `${P}/deployments/batch:start`, undefined, admin);
    assert.equal(again.status, 409);
    assert.match(again.body.message, /not stopped/);
  });
});

describe("StatefulSets, CronJobs and Jobs", () => {
  test("a StatefulSet rolls back through its ControllerRevisions, and stop/start work on it too", async () => {
    await t.call("POST", `${P}/statefulsets/json`, statefulSet("db", "postgres:15", 1), admin);
    await until("revision 1", async () => (await revisions("statefulsets", "db")).length === 1);
    const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: "main", image: "postgres:16" }] } } } });
    assert.equal((await send(t, "PATCH", `${P}/statefulsets/db`, patch, "application/strategic-merge-patch+json", admin)).status, 200);
    await until("revision 2", async () => (await revisions("statefulsets", "db")).length === 2);
    const diff = await t.call("GET", `${P}/statefulsets/db/revisions/1/diff/2`, undefined, admin);
    assert.match(diff.body, /^-\s+- image: postgres:15$/m);
    const r = await t.call("POST", `${P}/statefulsets/db:rollback`, { revision: 1 }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(image(r.body.object), "postgres:15");
    // The StatefulSet controller reuses the equal revision and renumbers it (history.go: revision max+1).
    const after = await until("revision 1 renumbered 3", async () => {
      const rs = await revisions("statefulsets", "db");
      return rs.at(-1)?.revision === 3 ? rs : undefined;
    });
    assert.deepEqual(
      after.map((x) => [x.revision, x.images[0], x.current]),
      [
        [2, "postgres:16", false],
        [3, "postgres:15", true],
      ],
    );
    await untilPods(t, NS, "db", 1, (p) => p.spec.containers[0].image === "postgres:15", " on postgres:15");
    assert.equal((await t.call("POST", `${P}/statefulsets/db:stop`, undefined, admin)).body.spec.replicas, 0);
    assert.equal((await t.call("POST", `${P}/statefulsets/db:start`, undefined, admin)).body.spec.replicas, 1);
  });

  test("a DaemonSet rolls back through its ControllerRevisions and restarts with kubectl's annotation", async () => {
    assert.equal((await t.call("POST", `${P}/daemonsets/json`, daemonSet("agent", "fluentd:1"), admin)).status, 201);
    await untilPods(t, NS, "agent", 2);
    const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: "main", image: "fluentd:2" }] } } } });
    assert.equal((await send(t, "PATCH", `${P}/daemonsets/agent`, patch, "application/strategic-merge-patch+json", admin)).status, 200);
    await until("revision 2", async () => (await revisions("daemonsets", "agent")).length === 2);
    const r = await t.call("POST", `${P}/daemonsets/agent:rollback`, { revision: 0 }, admin);
    // Revision 0 is the one before the newest, as kubectl rollout undo without --to-revision.
    assert.deepEqual([r.status, r.body.revision, image(r.body.object)], [200, 1, "fluentd:1"]);
    const after = await until("revision 1 renumbered 3", async () => {
      const rs = await revisions("daemonsets", "agent");
      return rs.at(-1)?.revision === 3 ? rs : undefined;
    });
    assert.deepEqual(after.at(-1)?.images, ["fluentd:1"]);
    await untilPods(t, NS, "agent", 2, (p) => p.spec.containers[0].image === "fluentd:1", " on fluentd:1");
    const restarted = await t.call("POST", `${P}/daemonsets/agent:restart`, undefined, admin);
    const stamp = restarted.body.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"];
    await untilPods(t, NS, "agent", 2, (p) => p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"] === stamp, " restarted");
  });

  test("a CronJob is paused and resumed through spec.suspend", async () => {
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly" },
      spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } } } },
    };
    assert.equal((await t.call("POST", `${P}/cronjobs/json`, cron, admin)).status, 201);
    const paused = await t.call("POST", `${P}/cronjobs/nightly:pause`, undefined, admin);
    assert.deepEqual([paused.status, paused.body.spec.suspend], [200, true]);
    assert.equal((await direct(t, NS, "cronjob", "nightly")).spec.suspend, true);
    const resumed = await t.call("POST", `${P}/cronjobs/nightly:resume`, undefined, admin);
    assert.equal(resumed.body.spec.suspend, false);
  });

  test("a Job's restart makes it again under the same name, from its template, with a new uid and selector", async () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "migrate", labels: { team: "data" } },
      spec: { template: { metadata: { labels: { app: "migrate" } }, spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } },
    };
    const created = await t.call("POST", `${P}/jobs/json`, job, admin);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const oldUid = created.body.metadata.uid;
    await until("the first Job's pod", async () => JSON.parse((await t.direct(C, ["get", "pods", "-n", NS, "-l", `controller-uid=${oldUid}`, "-o", "json"])).stdout).items.length > 0);
    const r = await t.call("POST", `${P}/jobs/migrate:restart`, undefined, admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const uid = r.body.metadata.uid;
    assert.notEqual(uid, oldUid);
    assert.equal(r.body.metadata.name, "migrate");
    assert.equal(r.body.metadata.labels.team, "data");
    // The member selects the new Job's pods by its own uid (the Job strategy's generated selector).
    assert.equal(r.body.spec.selector.matchLabels["controller-uid"] ?? r.body.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"], uid);
    await until("a pod of the new Job", async () => JSON.parse((await t.direct(C, ["get", "pods", "-n", NS, "-l", `controller-uid=${uid}`, "-o", "json"])).stdout).items.length > 0);
    await until("the old Job's pods gone", async () => JSON.parse((await t.direct(C, ["get", "pods", "-n", NS, "-l", `controller-uid=${oldUid}`, "-o", "json"])).stdout).items.length === 0);
    assert.equal((await t.call("POST", `${P}/jobs/nothing:restart`, undefined, admin)).status, 404);
  });
});
