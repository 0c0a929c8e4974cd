// Cron schedules, read the way Kubernetes reads them: robfig/cron v3's
// ParseStandard, which kube-apiserver validates CronJob.spec.schedule with and
// the CronJob controller runs. Shared by the API server's validation, the
// simulator's CronJob controller and the platform's CronHPA, so that what is
// admitted is what runs. It imports nothing from the rest of src/.
//
// The times come from croner. Both croner and cron-parser were run against
// robfig's behaviour (five fields, names, steps, "N/step", the day-of-month /
// day-of-week OR rule, descriptors, time zones, a schedule that never comes):
// croner got every case but daylight-saving ones right and has a strict
// five-field mode; cron-parser has no @midnight, takes four or six fields, and
// throws on "0 0 30 2 *" instead of having no next time.
//
// What is ours, and why:
// - robfig's grammar, bounds and messages are checked here, and croner gets
//   plain numeric "lo-hi/step" lists: croner accepts more than robfig (L, W,
//   #, 7 for Sunday, @HOURLY in any case, ...) that kube-apiserver rejects,
//   and treats "*/1" or "*,5" in a day field as restricted where robfig's
//   star bit keeps them "*" for the OR rule.
// - `@every <duration>` is robfig's constant delay, not a calendar: croner
//   has nothing like it.
// - the "TZ=Zone " / "CRON_TZ=Zone " prefix: croner takes the zone as an option.
// Gap left: daylight-saving changes in a time zone. A time of day that falls in
// the spring-forward gap is skipped that day by robfig and run at the end of
// the gap by croner; a time that occurs twice in the fall runs twice under
// robfig and once under croner. Schedules of every minute or hour agree.
import { Cron } from "croner";

export type Schedule = {
  /** The first scheduled time strictly after `after` (ms since the epoch), or undefined within 5 years. */
  next(after: number): number | undefined;
};

type Bounds = { min: number; max: number; names?: Record<string, number> };

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
/** minute, hour, day of month, month, day of week: robfig's bounds (Sunday is 0 only). */
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
/** Case-sensitive, as robfig's parseDescriptor; croner knows the same ones. */
const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const YEARS_AHEAD = 5;

/** Parses a schedule as robfig/cron's ParseStandard does; throws its message for one it rejects. */
export function parseSchedule(spec: string, timeZone?: string): Schedule {
  if (spec.length === 0) throw new Error("empty spec string");
  let s = spec;
  if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
    const space = s.indexOf(" ");
    timeZone = s.slice(s.indexOf("=") + 1, space < 0 ? s.length : space);
    s = space < 0 ? "" : s.slice(space).trim();
  }
  const zone = checkZone(timeZone);
  if (s.startsWith("@")) {
    if (s.startsWith("@every ")) return constantDelay(s);
    if (!DESCRIPTORS.has(s)) throw new Error(`unrecognized descriptor: ${s}`);
    return calendar(s, zone);
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const parts = fields.map((f, i) => normalizeField(f, FIELDS[i]));
  if (parts.includes("")) return { next: () => undefined };
  return calendar(parts.join(" "), zone);
}

/** The first time `schedule` runs strictly after `after`, in `timeZone` (UTC by default); undefined if none within 5 years. */
export function nextRun(schedule: string, after: number | Date, timeZone?: string): number | undefined {
  return parseSchedule(schedule, timeZone).next(typeof after === "number" ? after : after.getTime());
}

function calendar(pattern: string, timeZone: string | undefined): Schedule {
  // Without a zone, UTC: croner would otherwise use the process's own zone.
  const cron = new Cron(pattern, { mode: "5-part", paused: true, ...(timeZone ? { timezone: timeZone } : { utcOffset: 0 }) });
  return {
    next(after) {
      const t = cron.nextRun(new Date(after))?.getTime();
      // robfig gives up past five years (a day that never comes, such as 30 February).
      if (t === undefined || new Date(t).getUTCFullYear() > new Date(after).getUTCFullYear() + YEARS_AHEAD) return undefined;
      return t;
    },
  };
}

/** Whether time.LoadLocation knows a zone name: "", "UTC" and "Local" always; IANA names as this runtime's tz database does. */
export function isTimeZone(zone: string): boolean {
  if (zone === "" || zone === "UTC" || zone === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A zone for croner: undefined for UTC ("Local", the process's zone, is UTC here too). */
function checkZone(zone: string | undefined): string | undefined {
  if (zone === undefined || zone === "" || zone === "UTC" || zone === "Local") return undefined;
  if (!isTimeZone(zone)) throw new Error(`provided bad location ${zone}: unknown time zone ${zone}`);
  return zone;
}

/**
 * One field as robfig's getField reads it (a comma list of `*`, `?`, `N`,
 * `N-M`, each with an optional `/step`; "N/step" runs to the maximum), as a
 * numeric list for croner: "*" when a part keeps robfig's star bit, "" when
 * nothing is listed.
 */
function normalizeField(field: string, b: Bounds): string {
  const out: string[] = [];
  let star = false;
  for (const expr of field.split(",").filter(Boolean)) {
    const rangeAndStep = expr.split("/");
    if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
    const lowAndHigh = rangeAndStep[0].split("-");
    let lo: number;
    let hi: number;
    let partStar = false;
    if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
      lo = b.min;
      hi = b.max;
      partStar = true;
    } else {
      if (lowAndHigh.length > 2) throw new Error(`too many hyphens: ${expr}`);
      lo = intOrName(lowAndHigh[0], b.names);
      hi = lowAndHigh.length === 2 ? intOrName(lowAndHigh[1], b.names) : lo;
    }
    let step = 1;
    if (rangeAndStep.length === 2) {
      step = parseUint(rangeAndStep[1]);
      if (lowAndHigh.length === 1) hi = b.max;
      if (step > 1) partStar = false;
    }
    if (lo < b.min) throw new Error(`beginning of range (${lo}) below minimum (${b.min}): ${expr}`);
    if (hi > b.max) throw new Error(`end of range (${hi}) above maximum (${b.max}): ${expr}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${expr}`);
    if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
    star ||= partStar;
    out.push(lo === hi || lo + step > hi ? `${lo}` : step === 1 ? `${lo}-${hi}` : `${lo}-${hi}/${step}`);
  }
  return star ? "*" : out.join(",");
}

function intOrName(s: string, names: Record<string, number> | undefined): number {
  return names?.[s.toLowerCase()] ?? parseUint(s);
}

/** robfig's mustParseInt: strconv.Atoi, then no negatives. */
function parseUint(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${s}`);
  return n;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when malformed. */
export function parseGoDuration(d: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(d)!;
  if (m[2] === "0") return 0;
  if (!/^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(m[2])) return undefined;
  let ms = 0;
  for (const [, n, unit] of m[2].matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ms += Number(n) * UNIT_MS[unit];
  return m[1] === "-" ? -ms : ms;
}

/**
 * `@every <duration>`: robfig's Every() rounds the delay down to whole
 * seconds, at least one, and each run comes that long after the given time
 * with its fraction of a second dropped.
 */
function constantDelay(spec: string): Schedule {
  const d = spec.slice("@every ".length);
  const ms = parseGoDuration(d);
  if (ms === undefined) throw new Error(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(d)}`);
  const delay = ms < 1000 ? 1000 : ms - (ms % 1000);
  return { next: (after) => after - (((after % 1000) + 1000) % 1000) + delay };
}
