import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../http/errors.ts";
import { querySummaries, type SummaryRow } from "./summaryQuery.ts";

const res = (allocatable: number, requested: number) => ({ capacity: allocatable, allocatable, requested, usage: null });

const rows: SummaryRow[] = [
  { cluster: "prod", alias: "Production", phase: "Running", stale: false, version: "v1.20.2", provider: "kwok", labels: { env: "prod", zone: "a" }, nodes: { ready: 12, total: 12 }, cpu: res(48, 40), memory: res(100, 10) },
  { cluster: "dev", phase: "Running", stale: false, version: "v1.9.0", provider: "generic", labels: { env: "dev" }, nodes: { ready: 2, total: 3 }, cpu: res(12, 3), memory: res(100, 90) },
  { cluster: "staging", phase: "Unknown", stale: true, version: "v1.32.1", provider: "kwok", labels: { env: "staging", zone: "a" }, nodes: { ready: 0, total: 5 }, cpu: res(20, 10), memory: res(100, 50) },
  { cluster: "edge", phase: "Integrating", stale: false, labels: {} },
];

const names = (r: { items: SummaryRow[] }) => r.items.map((x) => x.cluster);

test("cluster summaries sort by name by default and by each column in either direction, ties by name", () => {
  assert.deepEqual(names(querySummaries(rows, {})), ["dev", "edge", "prod", "staging"]);
  assert.deepEqual(names(querySummaries(rows, { sortBy: "name", sortDir: "desc" })), ["staging", "prod", "edge", "dev"]);
  // Versions compare by their numbers: v1.9 < v1.20 < v1.32; a cluster without one sorts first.
  assert.deepEqual(names(querySummaries(rows, { sortBy: "version" })), ["edge", "dev", "prod", "staging"]);
  // CPU and memory sort by requested over allocatable.
  assert.deepEqual(names(querySummaries(rows, { sortBy: "cpu", sortDir: "desc" })), ["prod", "staging", "dev", "edge"]);
  assert.deepEqual(names(querySummaries(rows, { sortBy: "memory", sortDir: "desc" })), ["dev", "staging", "prod", "edge"]);
  assert.deepEqual(names(querySummaries(rows, { sortBy: "status" })), ["edge", "dev", "prod", "staging"]);
  assert.deepEqual(names(querySummaries(rows, { sortBy: "nodes", sortDir: "desc" })), ["prod", "staging", "dev", "edge"]);
});

test("cluster summaries filter by name or alias substring, label selector and phase, and page after filtering", () => {
  assert.deepEqual(names(querySummaries(rows, { fuzzySearch: "PRODUC" })), ["prod"]);
  assert.deepEqual(names(querySummaries(rows, { fuzzySearch: "e" })), ["dev", "edge"]);
  assert.deepEqual(names(querySummaries(rows, { labelSelector: "zone=a,env!=prod" })), ["staging"]);
  assert.deepEqual(names(querySummaries(rows, { labelSelector: "env in (dev,prod)" })), ["dev", "prod"]);
  assert.deepEqual(names(querySummaries(rows, { phase: ["Unknown", "Integrating"] })), ["edge", "staging"]);
  const p = querySummaries(rows, { phase: ["Running", "Unknown"], page: 2, pageSize: 2 });
  assert.deepEqual(names(p), ["staging"]);
  assert.deepEqual(p.pagination, { total: 3, page: 2, pageSize: 2 });
});

test("cluster summary totals count every cluster, whatever the filters", () => {
  const { totals } = querySummaries(rows, { fuzzySearch: "prod" });
  assert.equal(totals.clusters, 4);
  assert.deepEqual(totals.phases, { Running: 2, Unknown: 1, Integrating: 1 });
  assert.deepEqual(totals.nodes, { ready: 14, total: 20 });
  assert.deepEqual(totals.cpu, { capacity: 80, allocatable: 80, requested: 53 });
});

test("a malformed label selector is a 400", () => {
  assert.throws(
    () => querySummaries(rows, { labelSelector: "env in (" }),
    (e) => e instanceof PlatformError && e.code === 400 && e.message.startsWith("labelSelector:"),
  );
});
