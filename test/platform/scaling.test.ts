// Scaling through the REST API against a simulated member: replicas by hand,
// a HorizontalPodAutoscaler, and a CronHorizontalPodAutoscaler run by
// kpanda's leader on an injected clock (the platform's FakeClock moves only
// when the test says), with and without an HPA on the same workload.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { FakeClock } from "../../src/simulator/clock.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";
import { grant, integrateDirect, makeUser, until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let t: TestPlatform;
let sim: Simulator;
let dir: string;
let admin: string;
let viewer: string;
const clock = new FakeClock(Date.parse("2026-03-02T00:00:00Z"));
const NS = "/clusters/dev/namespaces/shop";

const direct = (args: string[], input?: string) =>
  runKubectl(["--kubeconfig", sim.cluster("dev").kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args], { input });
const replicasOf = async (name: string) => Number((await direct(["get", "deployment", name, "-n", "shop", "-o", "jsonpath={.spec.replicas}"])).stdout);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-scaling-"));
  sim = await startSimulator({ names: ["dev"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }) });
  t = await startTestPlatform({ cronHpa: { clock, retryMs: 200 } });
  await integrateDirect(t, sim.cluster("dev"));
  admin = await t.adminToken();
  viewer = await makeUser(t, "viewer");
  await grant(t, { user: "viewer", role: "NSViewer", cluster: "dev", namespace: "shop" });
  await direct(["create", "namespace", "shop"]);
  for (const name of ["web", "api"]) await direct(["create", "deployment", name, "--image=nginx:1.27", "--replicas=2", "-n", "shop"]);
  // kpanda's controllers (member RBAC, the CronHPA controller) run once this replica leads.
  await until("the cronhpa controller running", () => t.platform.ctx.controllers.running().includes("cronhpa"), 30_000);
  await until("member RBAC for admin and viewer", async () => {
    const a = await t.call("GET", `${NS}/deployments/web/scale`, undefined, admin);
    const v = await t.call("GET", `${NS}/deployments/web/scale`, undefined, viewer);
    return a.status === 200 && v.status === 200;
  }, 30_000);
});

after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("manual scaling", () => {
  it("PUT …/scale sets a Deployment's replicas through its scale subresource", async () => {
    const r = await t.call("PUT", `${NS}/deployments/web/scale`, { replicas: 3 }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.replicas, 3);
    assert.equal(await replicasOf("web"), 3);
  });

  it("an NS Viewer reads the scale but the member's RBAC refuses the change", async () => {
    const r = await t.call("PUT", `${NS}/deployments/web/scale`, { replicas: 5 }, viewer);
    assert.equal(r.status, 403);
    // kube's RBAC denial, naming the impersonated user.
    assert.match(r.body.message, /User "kpanda:viewer" cannot patch resource "deployments\/scale" in API group "apps"/);
    assert.equal(await replicasOf("web"), 3);
  });
});

describe("HorizontalPodAutoscaler", () => {
  it("is created in the autoscaling/v2 shape the member serves, read, replaced and deleted", async () => {
    const hpa = {
      metadata: { name: "tmp" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    };
    const made = await t.call("POST", `${NS}/horizontalpodautoscalers`, hpa, admin);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    // The simulated member is 1.32: it serves autoscaling/v2.
    assert.equal(made.body.apiVersion, "autoscaling/v2");
    assert.equal(made.body.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
    const got = await t.call("GET", `${NS}/horizontalpodautoscalers/tmp/json`, undefined, admin);
    assert.equal(got.body.spec.maxReplicas, 4);
    const put = await t.call("PUT", `${NS}/horizontalpodautoscalers/tmp`, { ...hpa, spec: { ...hpa.spec, maxReplicas: 6 } }, admin);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.spec.maxReplicas, 6);
    assert.equal((await t.call("DELETE", `${NS}/horizontalpodautoscalers/tmp`, undefined, admin)).status, 200);
    assert.equal((await t.call("GET", `${NS}/horizontalpodautoscalers/tmp`, undefined, admin)).status, 404);
  });
});

type Cond = { name: string; state: string; nextRunTime?: string; lastRunTime?: string; message?: string };
const conditions = async (name: string): Promise<Cond[]> => (await t.call("GET", `${NS}/cronhorizontalpodautoscalers/${name}`, undefined, admin)).body?.status?.conditions ?? [];
const job = async (cron: string, j: string) => (await conditions(cron)).find((c) => c.name === j);

/** Moves the platform's clock to the job's next run. */
async function toNextRun(cron: string, j: string): Promise<string> {
  const next = await until(`${cron}/${j} scheduled`, async () => (await job(cron, j))?.nextRunTime);
  await clock.advance(Date.parse(next) - clock.now());
  return next;
}

describe("CronHorizontalPodAutoscaler", () => {
  it("lists none in a member that has no CronHPA yet (nor its CRD)", async () => {
    const r = await t.call("GET", `${NS}/cronhorizontalpodautoscalers`, undefined, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { items: [], pagination: { total: 0, page: 1, pageSize: 50 } });
    const crd = await direct(["get", "crd", "cronhorizontalpodautoscalers.autoscaling.kpanda.io", "--ignore-not-found", "-o", "name"]);
    assert.equal(crd.stdout, "");
  });

  it("refuses a job whose schedule does not parse, naming the field", async () => {
    const bad = { metadata: { name: "bad" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, jobs: [{ name: "up", schedule: "0 25 * * *", targetSize: 3 }] } };
    const r = await t.call("POST", `${NS}/cronhorizontalpodautoscalers`, bad, admin);
    assert.equal(r.status, 422);
    // robfig/cron's message for an hour out of range, as a CronJob's schedule gets it.
    assert.match(r.body.message, /spec\.jobs\[0\]\.schedule: Invalid value: "0 25 \* \* \*": end of range \(25\) above maximum \(23\)/);
  });

  it("scales a Deployment up and down at its jobs' times on the injected clock", async () => {
    const cron = {
      metadata: { name: "web-hours" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        jobs: [
          { name: "up", schedule: "0 9 * * *", targetSize: 6 },
          { name: "down", schedule: "0 18 * * *", targetSize: 1 },
        ],
      },
    };
    const made = await t.call("POST", `${NS}/cronhorizontalpodautoscalers`, cron, admin);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const listed = await t.call("GET", `${NS}/cronhorizontalpodautoscalers`, undefined, viewer);
    assert.deepEqual(
      listed.body.items.map((o: any) => o.metadata.name),
      ["web-hours"],
    );
    assert.equal(await toNextRun("web-hours", "up"), "2026-03-02T09:00:00Z");
    await until("web scaled up to 6", async () => (await replicasOf("web")) === 6);
    const up = await until("up Succeed", async () => ((await job("web-hours", "up"))?.state === "Succeed" ? job("web-hours", "up") : undefined));
    assert.equal(up.lastRunTime, "2026-03-02T09:00:00Z");
    assert.equal(up.nextRunTime, "2026-03-03T09:00:00Z");
    assert.match(up.message ?? "", /Deployment web replicas 3 → 6/);
    assert.equal((await job("web-hours", "down"))?.state, "Submitted");
    assert.equal(await toNextRun("web-hours", "down"), "2026-03-02T18:00:00Z");
    await until("web scaled down to 1", async () => (await replicasOf("web")) === 1);
    await until("down Succeed", async () => (await job("web-hours", "down"))?.state === "Succeed");
    // The member's events show the scheduled scaling on the workload (its timeline reads them).
    const events = await direct(["get", "events", "-n", "shop", "--field-selector", "involvedObject.name=web,reason=CronScaled", "-o", "jsonpath={.items[*].message}"]);
    assert.match(events.stdout, /job up: Deployment web replicas 3 → 6/);
    assert.match(events.stdout, /job down: Deployment web replicas 6 → 1/);
  });

  it("with an HPA on the same workload, moves the HPA's minReplicas (and maxReplicas) instead", async () => {
    const hpa = {
      metadata: { name: "api" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
      },
    };
    assert.equal((await t.call("POST", `${NS}/horizontalpodautoscalers`, hpa, admin)).status, 201);
    const cron = {
      metadata: { name: "api-hours" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        jobs: [
          { name: "up", schedule: "0 10 * * *", targetSize: 5 },
          { name: "down", schedule: "0 20 * * *", targetSize: 1 },
        ],
      },
    };
    assert.equal((await t.call("POST", `${NS}/cronhorizontalpodautoscalers`, cron, admin)).status, 201);
    const hpaSpec = async () => (await t.call("GET", `${NS}/horizontalpodautoscalers/api`, undefined, admin)).body.spec;
    await toNextRun("api-hours", "up");
    // Above maxReplicas: the maximum rises to the size, and the minimum with it (cronhpa-controller's ScaleHPA).
    await until("HPA bounds 5-5", async () => {
      const s = await hpaSpec();
      return s.minReplicas === 5 && s.maxReplicas === 5;
    });
    await until("api scaled to 5", async () => (await replicasOf("api")) === 5);
    await toNextRun("api-hours", "down");
    // Below minReplicas: only the minimum falls; the replicas are the HPA's to change.
    await until("HPA bounds 1-5", async () => {
      const s = await hpaSpec();
      return s.minReplicas === 1 && s.maxReplicas === 5;
    });
    const down = await until("down Succeed", async () => ((await job("api-hours", "down"))?.state === "Succeed" ? job("api-hours", "down") : undefined));
    assert.match(down.message ?? "", /HorizontalPodAutoscaler api replicas 5-5 → 1-5/);
  });

  it("after kpanda's controllers were down, makes the run still within the starting deadline and reports the older one Missed", async () => {
    await direct(["create", "deployment", "batch", "--image=nginx:1.27", "--replicas=1", "-n", "shop"]);
    const cron = {
      metadata: { name: "batch-hours" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "batch" },
        startingDeadlineSeconds: 600,
        jobs: [
          { name: "early", schedule: "0 7 * * *", targetSize: 2 },
          { name: "late", schedule: "30 7 * * *", targetSize: 4 },
        ],
      },
    };
    assert.equal((await t.call("POST", `${NS}/cronhorizontalpodautoscalers`, cron, admin)).status, 201);
    const early = Date.parse(await until("early scheduled", async () => (await job("batch-hours", "early"))?.nextRunTime));
    await until("late scheduled", async () => (await job("batch-hours", "late"))?.nextRunTime);
    // kpanda goes down (its controllers stop, as when its replica loses the lead) over both runs: back 35 minutes after the first.
    const { controllers } = t.platform.ctx;
    await controllers.stopAll();
    await clock.advance(early + 35 * 60_000 - clock.now());
    await controllers.startAll();
    await until("batch scaled to 4 by the late job", async () => (await replicasOf("batch")) === 4);
    const late = await until("late Succeed", async () => ((await job("batch-hours", "late"))?.state === "Succeed" ? job("batch-hours", "late") : undefined));
    assert.equal(late.lastRunTime, new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"));
    const missed = await job("batch-hours", "early");
    assert.equal(missed?.state, "Missed");
    assert.match(missed?.message ?? "", /missed 1 scheduled run\(s\), the last at .*T07:00:00Z: more than 2100 s late, past the starting deadline/);
  });

  it("is replaced by PUT without a resourceVersion although kpanda keeps writing its status", async () => {
    const current = (await t.call("GET", `${NS}/cronhorizontalpodautoscalers/batch-hours`, undefined, admin)).body;
    const { resourceVersion: _, ...metadata } = current.metadata;
    const r = await t.call("PUT", `${NS}/cronhorizontalpodautoscalers/batch-hours`, { metadata, spec: { ...current.spec, startingDeadlineSeconds: 300 } }, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.spec.startingDeadlineSeconds, 300);
    // Its status is kpanda's: a replace of the object leaves it as it was.
    assert.deepEqual(r.body.status, current.status);
  });
});
