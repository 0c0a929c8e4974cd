// Cron schedules as the CronJob controller reads them (robfig/cron's
// ParseStandard): five fields (minute hour day-of-month month day-of-week)
// with lists, ranges, steps, names (JAN, MON) and "?", or a descriptor
// (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly), an
// optional "TZ=Zone " / "CRON_TZ=Zone " prefix, and a time zone. When both
// day fields are restricted a day matching either runs (the Vixie cron rule).
// No cron package is installed, so this is our own small parser.

export type Schedule = {
  /** The first scheduled time strictly after `after` (ms since the epoch), or undefined within 5 years. */
  next(after: number): number | undefined;
};

type Field = { bits: Set<number>; star: boolean };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseValue(s: string, names: string[] | undefined, offset: number): number {
  const i = names?.indexOf(s.toUpperCase()) ?? -1;
  if (i >= 0) return i + offset;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
  return Number(s);
}

function parseField(expr: string, min: number, max: number, names?: string[], nameOffset = 0): Field {
  const bits = new Set<number>();
  let star = false;
  for (const part of expr.split(",")) {
    const [range, stepS] = part.split("/");
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      lo = min;
      hi = max;
      if (stepS === undefined || stepS === "1") star = true;
    } else {
      const [a, b] = range.split("-");
      lo = parseValue(a, names, nameOffset);
      hi = b === undefined ? (stepS !== undefined ? max : lo) : parseValue(b, names, nameOffset);
    }
    const step = stepS === undefined ? 1 : Number(stepS);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${part}`);
    if (lo < min || hi > max || lo > hi) throw new Error(`value out of range (${min}-${max}): ${part}`);
    for (let v = lo; v <= hi; v += step) bits.add(v);
  }
  return { bits, star };
}

/** Wall-clock fields of an instant in a time zone. */
function wall(ms: number, fmt: Intl.DateTimeFormat | undefined) {
  if (!fmt) {
    const d = new Date(ms);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
  }
  const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute) };
}

export function parseSchedule(spec: string, timeZone?: string): Schedule {
  let s = spec.trim();
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(s);
  if (tz) {
    timeZone = tz[1];
    s = tz[2].trim();
  }
  s = DESCRIPTORS[s.toLowerCase()] ?? s;
  if (s.startsWith("@")) throw new Error(`unrecognized descriptor: ${s}`);
  const f = s.split(/\s+/);
  if (f.length !== 5) throw new Error(`expected exactly 5 fields, found ${f.length}: ${s}`);
  const minute = parseField(f[0], 0, 59);
  const hour = parseField(f[1], 0, 23);
  const dom = parseField(f[2], 1, 31);
  const month = parseField(f[3], 1, 12, MONTHS, 1);
  const dow = parseField(f[4], 0, 7, DAYS, 0);
  if (dow.bits.has(7)) dow.bits.add(0);
  const fmt =
    timeZone && timeZone !== "UTC" && timeZone !== "Etc/UTC"
      ? new Intl.DateTimeFormat("en-US", {
          timeZone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
        })
      : undefined;
  const dayMatches = (y: number, mo: number, d: number) => {
    const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    if (dom.star || dow.star) return dom.bits.has(d) && dow.bits.has(wd);
    return dom.bits.has(d) || dow.bits.has(wd);
  };
  return {
    next(after: number) {
      // Walk minute instants, skipping whole hours and days that cannot match.
      let t = Math.floor(after / 60_000) * 60_000 + 60_000;
      const end = after + 5 * 366 * 86_400_000;
      while (t <= end) {
        const w = wall(t, fmt);
        if (!month.bits.has(w.mo) || !dayMatches(w.y, w.mo, w.d)) {
          t += ((23 - w.h) * 60 + (60 - w.mi)) * 60_000;
          continue;
        }
        if (!hour.bits.has(w.h)) {
          t += (60 - w.mi) * 60_000;
          continue;
        }
        if (!minute.bits.has(w.mi)) {
          t += 60_000;
          continue;
        }
        return t;
      }
      return undefined;
    },
  };
}
