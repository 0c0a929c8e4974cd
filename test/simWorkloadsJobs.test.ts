// Jobs and CronJobs on a simulated cluster whose clock is a FakeClock:
// completion, backoff limit, active deadline, TTL, Indexed mode, and a
// CronJob's schedule, concurrency policy and history limits, all by
// advancing fake minutes instead of waiting.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { CronJobController, workloadControllers } from "../src/simulator/workloads/index.ts";
import { InstantKubelet, kubectlFor, nextSync, until } from "./simWorkloadsKubelet.ts";

const NS = "default";

const job = (name: string, image: string, spec: object = {}) => ({
  metadata: { name },
  spec: {
    ...spec,
    template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image }] } },
  },
});

const cond = (j: KObject, type: string) => j.status?.conditions?.find((c: any) => c.type === type && c.status === "True");

describe("Job and CronJob controllers on a fake clock", () => {
  // Start on a minute boundary near real time: the apiserver stamps creation with real time.
  const clock = new FakeClock(Math.ceil(Date.now() / 60_000) * 60_000);
  let c: SimCluster;
  let kubelet: InstantKubelet;
  let k: Awaited<ReturnType<typeof kubectlFor>>;
  const controllers = workloadControllers();
  const cronJobs = controllers.find((x) => x instanceof CronJobController)!;
  before(async () => {
    kubelet = new InstantKubelet({ nodes: ["n1", "n2"] });
    c = await startSimCluster({ name: "jobs", clock, controllers: [kubelet, ...controllers] });
    k = await kubectlFor(c);
  });
  after(async () => {
    await k.close();
    await c.stop();
  });

  const get = (name: string) => c.client.get(R.jobs, NS, name);

  it("a Job with completions 3 and parallelism 2 completes", async () => {
    await c.client.create(R.jobs, NS, job("pi", "perl", { completions: 3, parallelism: 2 }));
    const j = await until("complete", async () => {
      const x = await get("pi");
      return cond(x, "Complete") && x;
    });
    assert.equal(j.status.succeeded, 3);
    assert.equal(j.status.active ?? 0, 0);
    assert.ok(cond(j, "SuccessCriteriaMet"));
    assert.equal(cond(j, "Complete").reason, "CompletionsReached");
    assert.ok(j.status.startTime && j.status.completionTime);
    const wait = await k.kubectl(["wait", "--for=condition=complete", "job/pi", "--timeout=10s"]);
    assert.match(wait.stdout, /job.batch\/pi condition met/);
    const ev = (await c.client.list(R.events, NS)).items.filter((e) => e.involvedObject?.name === "pi").map((e) => e.reason);
    assert.deepEqual([...new Set(ev)].sort(), ["Completed", "SuccessfulCreate"]);
  });

  it("an Indexed Job runs one pod per index and reports completedIndexes", async () => {
    await c.client.create(R.jobs, NS, job("idx", "busybox", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    const j = await until("complete", async () => {
      const x = await get("idx");
      return cond(x, "Complete") && x;
    });
    assert.equal(j.status.completedIndexes, "0-2");
    const pods = (await c.client.list(R.pods, NS, { labelSelector: "job-name=idx" })).items;
    const idx = pods.map((p) => p.metadata!.annotations!["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(idx, ["0", "1", "2"]);
    assert.ok(pods.every((p) => p.metadata!.name!.startsWith(`idx-${p.metadata!.annotations!["batch.kubernetes.io/job-completion-index"]}-`)));
  });

  it("failed pods beyond backoffLimit fail the Job (BackoffLimitExceeded), after the pod backoff", async () => {
    await c.client.create(R.jobs, NS, job("bad", "fail", { backoffLimit: 1 }));
    await until("first failure", async () => (await get("bad")).status?.failed === 1);
    // The replacement waits out the 10 s pod-failure backoff: the next failure
    // comes once the fake clock has passed it, not before.
    const firstFailure = clock.now();
    for (let i = 0; i < 15 && (await get("bad")).status?.failed === 1; i++) {
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const j = await until("failed", async () => {
      const x = await get("bad");
      return cond(x, "Failed") && x;
    });
    assert.ok(clock.now() - firstFailure >= 10_000, `replaced after ${clock.now() - firstFailure} ms`);
    assert.equal(j.status.failed, 2);
    assert.equal(cond(j, "Failed").reason, "BackoffLimitExceeded");
    assert.equal(cond(j, "FailureTarget").reason, "BackoffLimitExceeded");
  });

  it("activeDeadlineSeconds fails a running Job with DeadlineExceeded and deletes its pods", async () => {
    await c.client.create(R.jobs, NS, job("long", "sleep", { activeDeadlineSeconds: 30 }));
    await until("running", async () => (await get("long")).status?.active === 1);
    await clock.advance(31_000);
    const j = await until("deadline", async () => {
      const x = await get("long");
      return cond(x, "Failed") && x;
    });
    assert.equal(cond(j, "Failed").reason, "DeadlineExceeded");
    assert.equal(cond(j, "Failed").message, "Job was active longer than specified deadline");
    await until("pods gone", async () => (await c.client.list(R.pods, NS, { labelSelector: "job-name=long" })).items.length === 0);
  });

  it("ttlSecondsAfterFinished deletes a finished Job once the TTL passes", async () => {
    await c.client.create(R.jobs, NS, job("short", "true", { ttlSecondsAfterFinished: 60 }));
    await until("complete", async () => cond(await get("short"), "Complete"));
    // Deleted once the TTL has passed on the fake clock, not before.
    const finished = clock.now();
    const gone = async () => !(await c.client.list(R.jobs, NS)).items.some((j) => j.metadata?.name === "short");
    for (let i = 0; i < 15 && !(await gone()); i++) {
      await clock.advance(5000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await until("deleted", gone);
    assert.ok(clock.now() - finished >= 60_000, `deleted after ${clock.now() - finished} ms`);
  });

  it("a CronJob creates Jobs named by their scheduled minute, as fake minutes pass, and keeps its history limit", async () => {
    // The apiserver stamps creation with wall time, behind the fake clock; a
    // starting deadline keeps runs "missed" before the fake now out of the picture.
    const boundary = Math.ceil(clock.now() / 300_000) * 300_000;
    await clock.advance(boundary + 60_000 - clock.now());
    const looked = nextSync(cronJobs, `${NS}/tick`);
    await c.client.create(R.cronjobs, NS, {
      metadata: { name: "tick" },
      spec: {
        schedule: "*/5 * * * *",
        startingDeadlineSeconds: 30,
        successfulJobsHistoryLimit: 2,
        jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "date" }] } } } },
      },
    });
    const owned = async () =>
      (await c.client.list(R.jobs, NS)).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === "tick").map((j) => j.metadata!.name!);
    await looked;
    assert.deepEqual(await owned(), [], "no run before the first scheduled time");
    const start = clock.now();
    const firstRun = Math.ceil((start + 1) / 300_000) * 300_000;
    // The controller looks again 100ms past each scheduled time, as upstream.
    await clock.advance(firstRun - start + 1000);
    await until("first job", async () => (await owned()).includes(`tick-${firstRun / 60_000}`));
    for (let i = 1; i <= 3; i++) {
      await clock.advance(5 * 60_000);
      await until(`job ${i + 1}`, async () => (await owned()).includes(`tick-${firstRun / 60_000 + 5 * i}`));
    }
    const names = await until("history limit 2", async () => {
      const n = await owned();
      return n.length === 2 && n;
    });
    assert.deepEqual(names.sort(), [`tick-${firstRun / 60_000 + 10}`, `tick-${firstRun / 60_000 + 15}`]);
    const cj = await until("status", async () => {
      const x = await c.client.get(R.cronjobs, NS, "tick");
      return x.status?.lastSuccessfulTime && !x.status?.active && x;
    });
    assert.equal(cj.status.lastScheduleTime, new Date(firstRun + 15 * 60_000).toISOString().replace(".000Z", "Z"));
    const j = await c.client.get(R.jobs, NS, names[1]);
    assert.equal(j.metadata!.annotations!["batch.kubernetes.io/cronjob-scheduled-timestamp"], cj.status.lastScheduleTime);
    const ev = (await c.client.list(R.events, NS)).items.filter((e) => e.involvedObject?.name === "tick").map((e) => e.reason);
    for (const r of ["SuccessfulCreate", "SawCompletedJob", "SuccessfulDelete"]) assert.ok(ev.includes(r), r);
  });

  it("concurrencyPolicy Forbid skips a run while the previous Job is active; suspend stops runs", async () => {
    await c.client.create(R.cronjobs, NS, {
      metadata: { name: "once" },
      spec: {
        schedule: "* * * * *",
        concurrencyPolicy: "Forbid",
        jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "sleep" }] } } } },
      },
    });
    const owned = async () => (await c.client.list(R.jobs, NS)).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === "once");
    await clock.advance(60_000);
    await until("first job", async () => (await owned()).length === 1);
    await clock.advance(60_000);
    await until("JobAlreadyActive", async () =>
      (await c.client.list(R.events, NS)).items.some((e) => e.involvedObject?.name === "once" && e.reason === "JobAlreadyActive"),
    );
    assert.equal((await owned()).length, 1);
    await c.client.patch(R.cronjobs, NS, "once", "merge", { spec: { suspend: true } });
    const [running] = await owned();
    const [pod] = (await c.client.list(R.pods, NS, { labelSelector: `job-name=${running.metadata!.name}` })).items;
    await kubelet.finish(NS, pod.metadata!.name!, "Succeeded");
    await until("finished", async () => cond(await c.client.get(R.jobs, NS, running.metadata!.name!), "Complete"));
    await clock.advance(3 * 60_000);
    // Three scheduled times have passed: a sync now would start a Job unless suspended.
    const looked = nextSync(cronJobs, `${NS}/once`);
    await c.client.patch(R.cronjobs, NS, "once", "merge", { metadata: { annotations: { touched: "1" } } });
    await looked;
    assert.equal((await owned()).length, 1, "suspended: no new runs");
  });
});

describe("a CronJob scheduled @every", () => {
  it("an @every 5m CronJob, which robfig/cron and validation accept, creates a Job 5 minutes after its creation, then every 5 minutes", async () => {
    const clock = new FakeClock(Date.now());
    const c = await startSimCluster({ name: "every", clock, controllers: [new InstantKubelet({ nodes: ["n1"] }), ...workloadControllers()] });
    try {
      const cj = await c.client.create(R.cronjobs, NS, {
        metadata: { name: "every" },
        spec: {
          schedule: "@every 5m",
          jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "date" }] } } } },
        },
      });
      // robfig/cron's ConstantDelaySchedule: the first run is Next(creationTimestamp) = creation + 5m,
      // and the Job is named for its scheduled minute (pkg/controller/cronjob getJobName).
      const first = Date.parse(cj.metadata!.creationTimestamp!) + 5 * 60_000;
      const owned = async () =>
        (await c.client.list(R.jobs, NS)).items
          .filter((j) => j.metadata?.ownerReferences?.[0]?.name === "every")
          .map((j) => [j.metadata!.name!, j.metadata!.annotations!["batch.kubernetes.io/cronjob-scheduled-timestamp"]]);
      const at = (t: number) => [`every-${Math.floor(t / 60_000)}`, new Date(t).toISOString().replace(".000Z", "Z")];
      await clock.advance(first - clock.now() + 1000);
      const firstJobs = await until("first job", async () => {
        const l = await owned();
        return l.length > 0 && l;
      });
      assert.deepEqual(firstJobs, [at(first)]);
      await clock.advance(5 * 60_000);
      await until("second job", async () => (await owned()).length === 2);
      assert.deepEqual((await owned()).sort(), [at(first), at(first + 5 * 60_000)].sort());
    } finally {
      await c.stop();
    }
  });
});
