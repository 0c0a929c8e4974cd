import assert from "node:assert/strict";
import { test } from "node:test";
import { humanDuration } from "./index.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test("humanDuration matches apimachinery's HumanDuration at every boundary", () => {
  const cases: [number, string][] = [
    [-2 * S, "<invalid>"],
    [-1 * S, "0s"],
    [-500, "0s"],
    [0, "0s"],
    [5 * S, "5s"],
    [5 * S + 999, "5s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [3 * M + 2 * S, "3m2s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M, "10m"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [3 * H + 5 * M, "3h5m"],
    [7 * H + 59 * M, "7h59m"],
    [8 * H + 30 * M, "8h"],
    [47 * H, "47h"],
    [48 * H, "2d"],
    [2 * D + 3 * H, "2d3h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D + 5 * H, "8d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [760 * D, "2y30d"],
    [8 * 365 * D, "8y"],
    [20 * 365 * D + 40 * D, "20y"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});
