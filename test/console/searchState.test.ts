// The global search's address and the object states its tables show, run in
// Node: the state survives a round trip through the address, a new kind
// starts afresh, and names and states read as kubectl prints them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { jobStatus, podStatus, restarts, workloadReady, workloadStatus } from "../../web/src/lib/objectStatus.ts";
import { changeSearch, readSearch, searchFilters, splitMatches, writeSearch } from "../../web/src/lib/searchState.ts";

test("a search's state survives a round trip through the address, defaults left out", () => {
  const p = new URLSearchParams("q=web&kind=pods&cluster=a,b&cluster=c&labelSelector=app%3Dweb&fuzzyLabels=true&phase=Running&sortBy=restarts&sortDir=desc&page=3&pageSize=50");
  const s = readSearch(p);
  assert.deepEqual(s, {
    q: "web",
    kind: "pods",
    clusters: ["a", "b", "c"],
    labelSelector: "app=web",
    fuzzyLabels: true,
    filters: { phase: "Running" },
    sortBy: "restarts",
    sortDir: "desc",
    page: 3,
    pageSize: 50,
  });
  assert.deepEqual(readSearch(writeSearch(s)), s);
  assert.equal(writeSearch(readSearch(new URLSearchParams("q=x&page=1&pageSize=20&sortDir=asc"))).toString(), "q=x");
  // A page size the list does not offer, and a page that is not a positive integer, fall back to the defaults.
  assert.deepEqual([readSearch(new URLSearchParams("pageSize=7&page=-2")).pageSize, readSearch(new URLSearchParams("page=x")).page], [20, 1]);
});

test("a new query or filter starts at the first page; a new kind also forgets the old kind's filters and sort", () => {
  const s = readSearch(new URLSearchParams("q=web&kind=pods&phase=Running&sortBy=restarts&sortDir=desc&page=4"));
  assert.equal(changeSearch(s, { q: "api" }).page, 1);
  assert.equal(changeSearch(s, { page: 2 }).page, 2);
  const d = changeSearch(s, { kind: "deployments" });
  assert.deepEqual([d.kind, d.filters, d.sortBy, d.sortDir, d.page, d.q], ["deployments", {}, undefined, "asc", 1, "web"]);
  assert.equal(changeSearch(s, { kind: undefined }).kind, undefined);
  assert.deepEqual(searchFilters(s), { phase: "Running", cluster: undefined, fuzzyLabels: undefined });
  assert.deepEqual(searchFilters({ ...s, clusters: ["a"], fuzzyLabels: true }), { phase: "Running", cluster: ["a"], fuzzyLabels: "true" });
});

test("a name is split around every case-insensitive match of the query", () => {
  assert.deepEqual(splitMatches("Web-api-web", "web"), ["", "Web", "-api-", "web", ""]);
  assert.deepEqual(splitMatches("payments", "x"), ["payments"]);
  assert.deepEqual(splitMatches("payments", ""), ["payments"]);
});

test("pod, workload and job states read as kubectl prints them", () => {
  // printPod: a waiting container's reason wins over the phase; a deletion timestamp is Terminating.
  const crash = { status: { phase: "Running", containerStatuses: [{ restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } } }, { restartCount: 1, state: { running: {} } }] } };
  assert.equal(podStatus(crash), "CrashLoopBackOff");
  assert.equal(restarts(crash), 4);
  assert.equal(podStatus({ metadata: { deletionTimestamp: "2025-01-01T00:00:00Z" }, status: { phase: "Running" } }), "Terminating");
  assert.equal(podStatus({ status: { phase: "Pending", initContainerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] } }), "Init:ImagePullBackOff");
  // kubectl get deployment READY is readyReplicas/spec.replicas (spec.replicas defaults to 1).
  assert.equal(workloadReady("deployments", { spec: {}, status: { readyReplicas: 1 } }), "1/1");
  assert.equal(workloadReady("daemonsets", { status: { desiredNumberScheduled: 3, numberReady: 2 } }), "2/3");
  assert.deepEqual(
    [workloadStatus("deployments", { spec: { replicas: 0 } }), workloadStatus("deployments", { spec: { replicas: 2 }, status: { readyReplicas: 1 } }), workloadStatus("statefulsets", { spec: { replicas: 2 }, status: { readyReplicas: 2, updatedReplicas: 2 } })],
    ["Stopped", "Waiting", "Running"],
  );
  assert.equal(jobStatus({ status: { conditions: [{ type: "Complete", status: "True" }] } }), "Completed");
  assert.equal(jobStatus({ spec: { suspend: true } }), "Suspended");
});
