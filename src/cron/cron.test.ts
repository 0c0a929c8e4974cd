import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSchedule } from "./cron.ts";

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

test("descriptors and the day-of-month / day-of-week OR rule", () => {
  assert.equal(iso(parseSchedule("@hourly").next(at("2026-01-01T00:30:00Z"))), "2026-01-01T01:00:00Z");
  assert.equal(iso(parseSchedule("@weekly").next(at("2026-01-01T00:00:00Z"))), "2026-01-04T00:00:00Z");
  assert.equal(iso(parseSchedule("@monthly").next(at("2026-01-15T00:00:00Z"))), "2026-02-01T00:00:00Z");
  // The 13th, or any Friday: 2026-02-06 is a Friday before the 13th.
  assert.equal(iso(parseSchedule("0 0 13 * 5").next(at("2026-02-01T00:00:00Z"))), "2026-02-06T00:00:00Z");
  assert.equal(iso(parseSchedule("0 0 30 2 *").next(at("2026-01-01T00:00:00Z"))), "none");
});

test("a time zone shifts the wall clock, by field or by TZ= prefix", () => {
  const s = parseSchedule("0 9 * * *", "Asia/Tokyo");
  assert.equal(iso(s.next(at("2026-01-01T00:00:00Z"))), "2026-01-02T00:00:00Z");
  assert.equal(iso(parseSchedule("TZ=America/New_York 0 9 * * *").next(at("2026-07-01T00:00:00Z"))), "2026-07-01T13:00:00Z");
});

test("malformed schedules are rejected", () => {
  for (const bad of ["* * * *", "61 * * * *", "* * * * MON-XYZ", "@every 5m", "*/0 * * * *"]) {
    assert.throws(() => parseSchedule(bad), Error, bad);
  }
});
