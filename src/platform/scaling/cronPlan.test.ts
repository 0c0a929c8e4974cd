// When a CronHPA job runs, is made up after kpanda was down, or is missed.
import assert from "node:assert/strict";
import { it } from "node:test";
import { type CronJobSpec, type JobCondition, planJob } from "./cronPlan.ts";

const at = (s: string) => Date.parse(s);
const DEADLINE = 600_000;
const job: CronJobSpec = { name: "up", schedule: "0 9 * * *", targetSize: 5 };
const waiting = (next: string): JobCondition => ({ ...job, state: "Submitted", nextRunTime: next });

it("a new job waits for its first time and runs at it", () => {
  assert.deepEqual(planJob(job, undefined, at("2026-03-02T08:59:30Z"), at("2026-03-02T08:59:31Z"), DEADLINE), { action: "wait", next: at("2026-03-02T09:00:00Z") });
  assert.deepEqual(planJob(job, waiting("2026-03-02T09:00:00Z"), at("2026-03-02T08:59:30Z"), at("2026-03-02T09:00:00Z"), DEADLINE), {
    action: "run",
    scheduled: at("2026-03-02T09:00:00Z"),
    next: at("2026-03-03T09:00:00Z"),
  });
});

it("a run missed while kpanda was down is made up within the starting deadline", () => {
  const p = planJob(job, waiting("2026-03-02T09:00:00Z"), 0, at("2026-03-02T09:09:59Z"), DEADLINE);
  assert.equal(p.action, "run");
  assert.equal(p.action === "run" && p.scheduled, at("2026-03-02T09:00:00Z"));
});

it("a job created while kpanda was down counts from its creation", () => {
  const p = planJob(job, undefined, at("2026-03-02T08:58:00Z"), at("2026-03-02T09:02:00Z"), DEADLINE);
  assert.equal(p.action, "run");
});

it("past the starting deadline the run is reported missed, not made, and the next one is scheduled", () => {
  const p = planJob(job, waiting("2026-03-02T09:00:00Z"), 0, at("2026-03-02T09:10:01Z"), DEADLINE);
  assert.deepEqual(p, { action: "missed", scheduled: at("2026-03-02T09:00:00Z"), missed: 1, next: at("2026-03-03T09:00:00Z") });
});

it("after days down, only the latest time within the deadline runs (as the CronJob controller does)", () => {
  const everyMinute: CronJobSpec = { name: "m", schedule: "* * * * *", targetSize: 2 };
  const cond: JobCondition = { ...everyMinute, state: "Succeed", lastScheduleTime: "2026-03-01T00:00:00Z" };
  const p = planJob(everyMinute, cond, 0, at("2026-03-04T12:34:30Z"), DEADLINE);
  assert.deepEqual(p, { action: "run", scheduled: at("2026-03-04T12:34:00Z"), next: at("2026-03-04T12:35:00Z") });
});

it("a runOnce job that ran waits for nothing more", () => {
  const once: CronJobSpec = { ...job, runOnce: true };
  assert.deepEqual(planJob(once, { ...once, state: "Succeed", lastScheduleTime: "2026-03-02T09:00:00Z" }, 0, at("2026-03-05T09:00:00Z"), DEADLINE), { action: "wait" });
  const first = planJob(once, waiting("2026-03-02T09:00:00Z"), 0, at("2026-03-02T09:00:00Z"), DEADLINE);
  assert.deepEqual(first, { action: "run", scheduled: at("2026-03-02T09:00:00Z"), next: undefined });
});

it("a changed schedule counts from now, not from the old one's times", () => {
  const changed: CronJobSpec = { ...job, schedule: "0 8 * * *" };
  const p = planJob(changed, { ...job, state: "Succeed", lastScheduleTime: "2026-03-01T09:00:00Z" }, 0, at("2026-03-02T08:30:00Z"), DEADLINE);
  assert.deepEqual(p, { action: "wait", next: at("2026-03-03T08:00:00Z") });
});

it("a job's time zone places its times; a bad schedule or zone is invalid", () => {
  const shanghai: CronJobSpec = { ...job, timeZone: "Asia/Shanghai" };
  assert.deepEqual(planJob(shanghai, undefined, at("2026-03-02T00:00:00Z"), at("2026-03-02T00:00:00Z"), DEADLINE), { action: "wait", next: at("2026-03-02T01:00:00Z") });
  assert.equal(planJob({ ...job, schedule: "0 9 * *" }, undefined, 0, 0, DEADLINE).action, "invalid");
  assert.equal(planJob({ ...job, timeZone: "Mars/Olympus" }, undefined, 0, 0, DEADLINE).action, "invalid");
});
