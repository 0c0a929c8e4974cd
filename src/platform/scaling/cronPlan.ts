// When a CronHPA job runs: the decision for one job at one moment, kept
// apart from the controller so it is a plain function of times.
//
// - A job's schedule is counted from its last scheduled time (status); for
//   a job never run, from the next run its status announced, or, before any
//   status, from when the CronHPA was created (or now, if the creation lies
//   in this clock's future).
// - The starting deadline: a run is made only while it is at most
//   startingDeadlineSeconds late (default 600 s). After kpanda was down (or
//   lost the lead) the latest scheduled time within the deadline is made up
//   once, as the CronJob controller does with its startingDeadlineSeconds;
//   older ones are Missed, reported in the status and never run.
// - runOnce: the job runs at the first time its schedule comes, then never.
// - A changed schedule or time zone counts from now: its earlier times were
//   never this schedule's.
import { parseSchedule, type Schedule } from "../../cron/cron.ts";

export type CronJobSpec = { name: string; schedule: string; timeZone?: string; targetSize: number; runOnce?: boolean };

export type JobCondition = {
  name: string;
  schedule: string;
  timeZone?: string;
  targetSize: number;
  runOnce?: boolean;
  state: "Submitted" | "Succeed" | "Failed" | "Missed";
  message?: string;
  lastScheduleTime?: string;
  lastRunTime?: string;
  nextRunTime?: string;
};

export type Plan =
  | { action: "run"; scheduled: number; next?: number }
  | { action: "missed"; scheduled: number; missed: number; next?: number }
  | { action: "wait"; next?: number }
  | { action: "invalid"; message: string };

/** At most this many schedule steps are walked to find the last missed time (every minute for a week is 10,080). */
const MAX_STEPS = 20_000;

/** The last scheduled time in (from, upto], or undefined; with how many there were (up to MAX_STEPS). */
function lastBetween(s: Schedule, from: number, upto: number): { last?: number; count: number } {
  let last: number | undefined;
  let count = 0;
  for (let t = s.next(from); t !== undefined && t <= upto && count < MAX_STEPS; t = s.next(t)) {
    last = t;
    count++;
  }
  return { last, count };
}

/** Where the job's schedule counts from; undefined for a runOnce job that has run. */
function countFrom(job: CronJobSpec, cond: JobCondition | undefined, created: number, now: number): number | undefined {
  if (!cond) return Math.min(created, now);
  if (cond.schedule !== job.schedule || (cond.timeZone ?? "") !== (job.timeZone ?? "")) return now;
  if (job.runOnce && cond.state === "Succeed") return undefined;
  if (cond.lastScheduleTime) return Date.parse(cond.lastScheduleTime);
  return cond.nextRunTime ? Date.parse(cond.nextRunTime) - 1 : Math.min(created, now);
}

/**
 * What to do for `job` at `now`: run it for a scheduled time, report missed
 * runs, or wait until `next`. `created` is the CronHPA's creation time.
 */
export function planJob(job: CronJobSpec, cond: JobCondition | undefined, created: number, now: number, deadlineMs: number): Plan {
  let s: Schedule;
  try {
    s = parseSchedule(job.schedule, job.timeZone);
  } catch (e) {
    return { action: "invalid", message: `invalid schedule ${JSON.stringify(job.schedule)}: ${(e as Error).message}` };
  }
  const from = countFrom(job, cond, created, now);
  if (from === undefined) return { action: "wait" };
  const first = s.next(from);
  if (first === undefined || first > now) return { action: "wait", next: first };
  const windowStart = now - deadlineMs;
  const inWindow = lastBetween(s, Math.max(from, windowStart - 1), now);
  const next = s.next(now);
  if (inWindow.last !== undefined) return { action: "run", scheduled: inWindow.last, next: job.runOnce ? undefined : next };
  const before = lastBetween(s, from, now);
  return { action: "missed", scheduled: before.last ?? first, missed: before.count, next };
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
