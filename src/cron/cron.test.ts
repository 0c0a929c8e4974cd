// Expected values follow robfig/cron v3 (parser.go, spec.go, constantdelay.go),
// the parser Kubernetes validates and runs CronJob schedules with.
import assert from "node:assert/strict";
import { test } from "node:test";
import { nextRun, parseGoDuration, parseSchedule } from "./cron.ts";

const at = (s: string) => Date.parse(s);
const iso = (t: number | undefined) => (t === undefined ? "none" : new Date(t).toISOString().replace(".000Z", "Z"));

test("a five-field schedule gives the next minute that matches, strictly after the given time", () => {
  const s = parseSchedule("*/15 * * * *");
  assert.equal(iso(s.next(at("2026-01-01T00:00:00Z"))), "2026-01-01T00:15:00Z");
  assert.equal(iso(s.next(at("2026-01-01T00:14:59Z"))), "2026-01-01T00:15:00Z");
  assert.equal(iso(parseSchedule("30 9 * * MON-FRI").next(at("2026-01-02T10:00:00Z"))), "2026-01-05T09:30:00Z");
  assert.equal(iso(parseSchedule("0 0 1 JAN,JUL *").next(at("2026-01-01T00:00:00Z"))), "2026-07-01T00:00:00Z");
  assert.equal(iso(parseSchedule("5-10/5 1 * * *").next(at("2026-01-01T01:05:00Z"))), "2026-01-01T01:10:00Z");
});

test("names are case-insensitive and N/step runs from N to the field's maximum", () => {
  assert.equal(iso(parseSchedule("30 9 * * mon-fri").next(at("2026-01-02T10:00:00Z"))), "2026-01-05T09:30:00Z");
  // getRange: "N/step" means "N-max/step": 5, 20, 35, 50.
  assert.equal(iso(parseSchedule("5/15 * * * *").next(at("2026-01-01T00:06:00Z"))), "2026-01-01T00:20:00Z");
  // A step larger than the range leaves its start only.
  assert.equal(iso(parseSchedule("*/90 * * * *").next(at("2026-01-01T00:01:00Z"))), "2026-01-01T01:00:00Z");
});

test("descriptors and the day-of-month / day-of-week OR rule", () => {
  assert.equal(iso(parseSchedule("@hourly").next(at("2026-01-01T00:30:00Z"))), "2026-01-01T01:00:00Z");
  assert.equal(iso(parseSchedule("@weekly").next(at("2026-01-01T00:00:00Z"))), "2026-01-04T00:00:00Z");
  assert.equal(iso(parseSchedule("@monthly").next(at("2026-01-15T00:00:00Z"))), "2026-02-01T00:00:00Z");
  assert.equal(iso(parseSchedule("@midnight").next(at("2026-01-15T00:00:00Z"))), "2026-01-16T00:00:00Z");
  assert.equal(iso(parseSchedule("@annually").next(at("2026-01-15T00:00:00Z"))), "2027-01-01T00:00:00Z");
  // The 13th, or any Friday: 2026-02-06 is a Friday before the 13th.
  assert.equal(iso(parseSchedule("0 0 13 * 5").next(at("2026-02-01T00:00:00Z"))), "2026-02-06T00:00:00Z");
  // dayMatches: a "*" or "?" day field (even as */1) makes it an AND, so Mondays only.
  assert.equal(iso(parseSchedule("0 0 ? * MON").next(at("2026-01-01T00:00:00Z"))), "2026-01-05T00:00:00Z");
  assert.equal(iso(parseSchedule("0 0 */1 * MON").next(at("2026-01-01T00:00:00Z"))), "2026-01-05T00:00:00Z");
  // Next gives up after five years: 30 February never comes.
  assert.equal(iso(parseSchedule("0 0 30 2 *").next(at("2026-01-01T00:00:00Z"))), "none");
});

test("a time zone shifts the wall clock, by argument or by TZ= / CRON_TZ= prefix", () => {
  const s = parseSchedule("0 9 * * *", "Asia/Tokyo");
  assert.equal(iso(s.next(at("2026-01-01T00:00:00Z"))), "2026-01-02T00:00:00Z");
  assert.equal(iso(parseSchedule("TZ=America/New_York 0 9 * * *").next(at("2026-07-01T00:00:00Z"))), "2026-07-01T13:00:00Z");
  assert.equal(iso(parseSchedule("CRON_TZ=Asia/Tokyo @daily").next(at("2026-01-01T00:00:00Z"))), "2026-01-01T15:00:00Z");
  assert.equal(iso(nextRun("0 9 * * *", new Date("2026-01-01T00:00:00Z"), "Asia/Tokyo")), "2026-01-02T00:00:00Z");
});

test("@every runs at a constant delay in whole seconds, at least one", () => {
  // constantdelay.go: Every() rounds the delay down to seconds; Next drops the fraction of the given time.
  assert.equal(iso(parseSchedule("@every 5m").next(at("2026-01-01T00:00:00.400Z"))), "2026-01-01T00:05:00Z");
  assert.equal(iso(parseSchedule("@every 1h30m").next(at("2026-01-01T00:00:00Z"))), "2026-01-01T01:30:00Z");
  assert.equal(iso(parseSchedule("@every 1.5s").next(at("2026-01-01T00:00:00Z"))), "2026-01-01T00:00:01Z");
  assert.equal(iso(parseSchedule("@every 10ms").next(at("2026-01-01T00:00:00Z"))), "2026-01-01T00:00:01Z");
  assert.equal(parseGoDuration("2h45m0.5s"), 9_900_500);
  assert.equal(parseGoDuration("5"), undefined);
});

test("schedules robfig/cron rejects are rejected with its message", () => {
  const cases: [string, string][] = [
    ["", "empty spec string"],
    ["* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
    ["0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"],
    ["61 * * * *", "end of range (61) above maximum (59): 61"],
    ["* * * * MON-XYZ", 'failed to parse int from XYZ: strconv.Atoi: parsing "XYZ": invalid syntax'],
    ["*/0 * * * *", "step of range should be a positive number: */0"],
    ["5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"],
    ["0 0 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["1-2-3 * * * *", "too many hyphens: 1-2-3"],
    ["1/2/3 * * * *", "too many slashes: 1/2/3"],
    // Sunday is 0 only; croner's extensions (7, L, W, #) are not robfig's.
    ["* * * * 7", "end of range (7) above maximum (6): 7"],
    ["0 0 L * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    ["0 0 1W * *", 'failed to parse int from 1W: strconv.Atoi: parsing "1W": invalid syntax'],
    ["0 0 * * 5#2", 'failed to parse int from 5#2: strconv.Atoi: parsing "5#2": invalid syntax'],
    ["@HOURLY", "unrecognized descriptor: @HOURLY"],
    ["@every 5", 'failed to parse duration @every 5: time: invalid duration "5"'],
    ["TZ=Mars/Olympus 0 9 * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"],
  ];
  for (const [spec, message] of cases) assert.throws(() => parseSchedule(spec), { message }, spec);
});
