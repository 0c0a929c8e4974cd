// Printers for batch/v1: jobs and cronjobs.
import type { KObject } from "../registry/types.ts";
import { NAME, nameOf, templateCells, templateColumns } from "./common.ts";
import { desc } from "./descriptions.ts";
import { humanDuration, parseTime, since } from "./duration.ts";
import { arr, boolPtr, formatLabelSelector, int } from "./format.ts";
import { col, type PrintContext, type Printer } from "./types.ts";

/** True when the first condition of that type is "True". */
function hasCondition(job: KObject, type: string): boolean {
  const c = arr(job.status?.conditions).find((x) => x?.type === type);
  return c?.status === "True";
}

function jobStatus(job: KObject): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

/**
 * "succeeded/completions". Defaulting sets completions and parallelism to 1
 * when both are unset; with only parallelism set, completions stays unset.
 */
function jobCompletions(job: KObject): string {
  const succeeded = int(job.status?.succeeded);
  const completions = job.spec?.completions;
  const parallelism = job.spec?.parallelism;
  if (typeof completions === "number") return `${succeeded}/${completions}`;
  if (typeof parallelism !== "number") return `${succeeded}/1`;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KObject, ctx: PrintContext): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return "";
  const end = parseTime(job.status?.completionTime);
  return humanDuration((end ?? ctx.now) - start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME,
    col("Status", "string", "Status of the job."),
    col("Completions", "string", desc["JobStatus.succeeded"]),
    col("Duration", "string", "Time required to complete the job."),
    ...templateColumns(desc["JobSpec.selector"]),
  ],
  cells: (job, ctx) => [
    nameOf(job),
    jobStatus(job),
    jobCompletions(job),
    jobDuration(job, ctx),
    ...templateCells(job, ctx, job.spec?.template, formatLabelSelector(job.spec?.selector)),
  ],
};

export const cronJobPrinter: Printer = {
  columns: [
    NAME,
    col("Schedule", "string", desc["CronJobSpec.schedule"]),
    col("Timezone", "string", desc["CronJobSpec.timeZone"]),
    col("Suspend", "boolean", desc["CronJobSpec.suspend"]),
    col("Active", "integer", desc["CronJobStatus.active"]),
    col("Last Schedule", "string", desc["CronJobStatus.lastScheduleTime"]),
    ...templateColumns(desc["JobSpec.selector"]),
  ],
  cells(cj, ctx) {
    const template = cj.spec?.jobTemplate?.spec;
    const last = cj.status?.lastScheduleTime;
    return [
      nameOf(cj),
      cj.spec?.schedule ?? "",
      cj.spec?.timeZone ?? "<none>",
      // Defaulting sets suspend to false, so an absent field prints as stored objects do.
      boolPtr(cj.spec?.suspend ?? false),
      arr(cj.status?.active).length,
      last ? since(last, ctx.now) : "<none>",
      ...templateCells(cj, ctx, template?.template, formatLabelSelector(template?.selector)),
    ];
  },
};
