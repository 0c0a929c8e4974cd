// The workload REST against a real member, when KPANDA_TEST_KUBECONFIG names
// one (e.g. the kube-apiserver and controller-manager v1.20.2 of
// ~/.cache/real-kube; it has no scheduler or kubelets, so pods stay Pending,
// but the controllers make ReplicaSets, ControllerRevisions and Jobs' pods).
// The same expectations as the simulated suites hold there: revisions
// renumbered on rollback, field causes of a 422, a batch/v1 CronJob sent as
// batch/v1beta1 to a member older than 1.21, a Job made again under its
// name with the 1.20 generated labels left out.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { SimulatedCluster } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";
import type { TestPlatform } from "./fixture.ts";
import { startTestPlatform } from "./fixture.ts";
import { integrate, until } from "./members.ts";
import { deployment, statefulSet } from "./workloadsFixture.ts";

const kubeconfig = process.env.KPANDA_TEST_KUBECONFIG;
const NS = `kpanda-wl-${randomBytes(3).toString("hex")}`;
const P = `/clusters/real/namespaces/${NS}`;
const kubectl = (args: string[]) => runKubectl(["--kubeconfig", kubeconfig!, ...args], { allowFail: true });

describe("workload REST against a real member", { skip: !kubeconfig && "KPANDA_TEST_KUBECONFIG is not set" }, () => {
  let t: TestPlatform;
  let admin: string;
  const revisions = async (kind: string, name: string) =>
    ((await t.call("GET", `${P}/${kind}/${name}/revisions`, undefined, admin)).body.items ?? []) as { revision: number; images: string[]; current: boolean }[];
  // Read, change, replace; again when a controller wrote status in between (409).
  const setImage = (kind: string, name: string, image: string) =>
    until(`${name} on ${image}`, async () => {
      const o = (await t.call("GET", `${P}/${kind}/${name}/json`, undefined, admin)).body;
      o.spec.template.spec.containers[0].image = image;
      return (await t.call("PUT", `${P}/${kind}/${name}/json`, o, admin)).status === 200;
    });

  before(async () => {
    t = await startTestPlatform();
    await integrate(t, { name: "real", kubeconfigPath: kubeconfig } as SimulatedCluster);
    admin = await t.adminToken();
    await kubectl(["create", "namespace", NS]);
    await until("member RBAC in place", async () => (await t.call("GET", `${P}/serviceaccounts/default/json`, undefined, admin)).status === 200, 30_000);
  });
  after(async () => {
    await kubectl(["delete", "namespace", NS, "--wait=false"]);
    await t?.close();
  });

  test("a Deployment's rollback to revision 1 of 3 renumbers it 4, with the diff between them", async () => {
    assert.equal((await t.call("POST", `${P}/deployments/json`, deployment("web", "nginx:1.25"), admin)).status, 201);
    await until("revision 1", async () => (await revisions("deployments", "web")).length === 1);
    await setImage("deployments", "web", "nginx:1.26");
    await until("revision 2", async () => (await revisions("deployments", "web")).length === 2);
    await setImage("deployments", "web", "nginx:1.27");
    await until("revision 3", async () => (await revisions("deployments", "web")).length === 3);
    const diff = await t.call("GET", `${P}/deployments/web/revisions/1/diff/3`, undefined, admin);
    assert.match(diff.body, /^-\s+- image: nginx:1\.25$/m);
    assert.match(diff.body, /^\+\s+- image: nginx:1\.27$/m);
    const r = await t.call("POST", `${P}/deployments/web:rollback`, { revision: 1 }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
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
    const stopped = await t.call("POST", `${P}/deployments/web:stop`, undefined, admin);
    assert.equal(stopped.body.metadata.annotations["kpanda.io/stopped-replicas"], "2");
    assert.equal((await t.call("POST", `${P}/deployments/web:start`, undefined, admin)).body.spec.replicas, 2);
  });

  test("a StatefulSet's rollback through ControllerRevisions renumbers revision 1 as 3", async () => {
    assert.equal((await t.call("POST", `${P}/statefulsets/json`, statefulSet("db", "postgres:15", 1), admin)).status, 201);
    await until("revision 1", async () => (await revisions("statefulsets", "db")).length === 1);
    await setImage("statefulsets", "db", "postgres:16");
    await until("revision 2", async () => (await revisions("statefulsets", "db")).length === 2);
    const r = await t.call("POST", `${P}/statefulsets/db:rollback`, { revision: 1 }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const after = await until("revision 3", async () => {
      const rs = await revisions("statefulsets", "db");
      return rs.at(-1)?.revision === 3 ? rs : undefined;
    });
    assert.deepEqual(after.at(-1)?.images, ["postgres:15"]);
  });

  test("a refused object's causes, a CronJob paused at the version the member serves, and a Job made again", async () => {
    const bad = await t.call("POST", `${P}/deployments/json?dryRun=All`, deployment("bad", "nginx", -1), admin);
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.details.causes.find((c: { field: string }) => c.field === "spec.replicas"),
      { field: "spec.replicas", reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0" },
    );
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly" },
      spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } } } },
    };
    assert.equal((await t.call("POST", `${P}/cronjobs/json`, cron, admin)).status, 201);
    const paused = await t.call("POST", `${P}/cronjobs/nightly:pause`, undefined, admin);
    assert.equal(paused.body.spec.suspend, true);
    // batch/v1 serves CronJobs from 1.21; before, batch/v1beta1 does.
    const v1 = JSON.parse((await kubectl(["get", "--raw", "/apis/batch/v1"])).stdout);
    const served = v1.resources.some((r: { name: string }) => r.name === "cronjobs") ? "batch/v1" : "batch/v1beta1";
    assert.equal(paused.body.apiVersion, served);
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "migrate" },
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } },
    };
    const created = await t.call("POST", `${P}/jobs/json`, job, admin);
    const again = await t.call("POST", `${P}/jobs/migrate:restart`, undefined, admin);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.notEqual(again.body.metadata.uid, created.body.metadata.uid);
    assert.equal(again.body.spec.selector.matchLabels["controller-uid"], again.body.metadata.uid);
  });
});
