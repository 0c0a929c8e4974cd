// A CronJob's schedule and time zone, as pkg/apis/batch/validation checks them
// (validateScheduleFormat, validateTimeZone) on create. The schedule is parsed
// by src/cron, robfig/cron's ParseStandard as the CronJob controller runs it,
// so that a schedule admitted here is one that runs.
import { isTimeZone, parseSchedule } from "../../cron/cron.ts";
import { type Errs, invalid, required, typeError } from "./fieldErrors.ts";

export function validateSchedule(v: unknown, errs: Errs): void {
  const f = "spec.schedule";
  if (v === undefined || v === null || v === "") {
    errs.push(required(f));
    return;
  }
  if (typeof v !== "string") {
    errs.push(typeError(f, v, "string"));
    return;
  }
  try {
    parseSchedule(v);
  } catch (e) {
    errs.push(invalid(f, v, (e as Error).message));
  }
  // Anywhere in the text, as strings.Contains(schedule, "TZ"); the time zone has its own field.
  if (v.includes("TZ")) errs.push(invalid(f, v, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
}

export function validateTimeZone(v: unknown, errs: Errs): void {
  const f = "spec.timeZone";
  if (v === undefined || v === null) return;
  if (typeof v !== "string") errs.push(typeError(f, v, "string"));
  else if (v === "") errs.push(invalid(f, v, "timeZone must be nil or non-empty string"));
  else if (v.toLowerCase() === "local") errs.push(invalid(f, v, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  else if (!isTimeZone(v)) errs.push(invalid(f, v, `unknown time zone ${v}`));
}
