import assert from "node:assert/strict";
import { test } from "node:test";
import type { KObject } from "../registry/types.ts";
import { printTable } from "./index.ts";
import { ago, columnNames, info, NOW, row } from "./testing.ts";

const pods = info("", "pods");

function pod(status: KObject["status"], extra: Partial<KObject> = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-0", namespace: "default", creationTimestamp: ago(3600) },
    spec: { nodeName: "node-1", containers: [{ name: "app", image: "nginx" }] },
    status,
    ...extra,
  };
}

const running = { running: { startedAt: ago(3000) } };

test("pod columns are NAME READY STATUS RESTARTS AGE, and wide adds IP NODE NOMINATED NODE READINESS GATES", () => {
  assert.deepEqual(columnNames(pods), ["Name", "Ready", "Status", "Restarts", "Age"]);
  assert.deepEqual(columnNames(pods, true), [
    "Name",
    "Ready",
    "Status",
    "Restarts",
    "Age",
    "IP",
    "Node",
    "Nominated Node",
    "Readiness Gates",
  ]);
  const t = printTable(pods, [], { now: NOW, includeObject: "None" });
  assert.deepEqual(t.columnDefinitions[0], {
    ...t.columnDefinitions[0],
    type: "string",
    format: "name",
    priority: 0,
  });
  assert.equal(t.columnDefinitions[3].type, "string");
});

test("a running ready pod prints 1/1 Running 0 with its age and wide cells", () => {
  const r = row(
    pods,
    pod({
      phase: "Running",
      podIPs: [{ ip: "10.244.0.5" }],
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }],
    }),
  );
  assert.deepEqual(Object.values(r), [
    "web-0",
    "1/1",
    "Running",
    "0",
    "60m",
    "10.244.0.5",
    "node-1",
    "<none>",
    "<none>",
  ]);
});

test("a pod in CrashLoopBackOff shows the waiting reason and restarts with the last restart age", () => {
  const r = row(
    pods,
    pod({
      phase: "Running",
      containerStatuses: [
        {
          name: "app",
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(300) } },
        },
      ],
    }),
  );
  assert.equal(r.Ready, "0/1");
  assert.equal(r.Status, "CrashLoopBackOff");
  assert.equal(r.Restarts, "5 (5m ago)");
});

test("image pull failures and container creation show the waiting reason", () => {
  for (const reason of ["ImagePullBackOff", "ErrImagePull", "ContainerCreating"]) {
    const r = row(
      pods,
      pod({
        phase: "Pending",
        containerStatuses: [{ name: "app", ready: false, state: { waiting: { reason } } }],
      }),
    );
    assert.equal(r.Status, reason);
    assert.equal(r.Restarts, "0");
  }
});

test("a pod with a deletionTimestamp reads Terminating unless its phase is terminal", () => {
  const deleting = { metadata: { name: "web-0", creationTimestamp: ago(60), deletionTimestamp: ago(-30) } };
  const status = { phase: "Running", containerStatuses: [{ name: "app", ready: true, state: running }] };
  assert.equal(row(pods, pod(status, deleting)).Status, "Terminating");
  assert.equal(row(pods, pod({ phase: "Succeeded" }, deleting)).Status, "Succeeded");
  assert.equal(row(pods, pod({ phase: "Running", reason: "NodeLost" }, deleting)).Status, "Unknown");
});

test("init containers report Init:x/y, Init:<reason> and Init:ExitCode", () => {
  const spec = {
    nodeName: "node-1",
    initContainers: [{ name: "a" }, { name: "b" }],
    containers: [{ name: "app" }],
  };
  const done = { name: "a", state: { terminated: { exitCode: 0, reason: "Completed" } } };
  const waiting = (reason: string) => ({ name: "b", state: { waiting: { reason } } });
  const st = (statuses: unknown[]) => ({ phase: "Pending", initContainerStatuses: statuses });
  assert.equal(row(pods, pod(st([done, waiting("PodInitializing")]), { spec })).Status, "Init:1/2");
  assert.equal(
    row(pods, pod(st([done, waiting("CrashLoopBackOff")]), { spec })).Status,
    "Init:CrashLoopBackOff",
  );
  const failed = { name: "a", restartCount: 2, state: { terminated: { exitCode: 3 } } };
  const r = row(pods, pod(st([failed]), { spec }));
  assert.equal(r.Status, "Init:ExitCode:3");
  assert.equal(r.Restarts, "2");
});

test("a finished pod reads Completed, and Succeeded rows carry the Completed condition", () => {
  const p = pod({
    phase: "Succeeded",
    containerStatuses: [{ name: "app", state: { terminated: { exitCode: 0, reason: "Completed" } } }],
  });
  assert.equal(row(pods, p).Status, "Completed");
  assert.equal(row(pods, p).Ready, "0/1");
  const t = printTable(pods, [p], { now: NOW, includeObject: "None" });
  assert.deepEqual(t.rows[0].conditions, [
    {
      type: "Completed",
      status: "True",
      reason: "Succeeded",
      message: "The pod has completed successfully.",
    },
  ]);
});

test("a Completed container next to a running one reads Running when the pod is Ready, else NotReady", () => {
  const containerStatuses = [
    { name: "app", ready: true, state: running },
    { name: "job", ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } },
  ];
  const spec = { containers: [{ name: "app" }, { name: "job" }] };
  const ready = pod(
    { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses },
    { spec },
  );
  assert.equal(row(pods, ready).Status, "Running");
  assert.equal(row(pods, ready).Ready, "1/2");
  const notReady = pod({ phase: "Running", containerStatuses }, { spec });
  assert.equal(row(pods, notReady).Status, "NotReady");
});

test("a started sidecar init container counts toward READY and its restarts are kept", () => {
  const spec = {
    initContainers: [{ name: "proxy", restartPolicy: "Always" }],
    containers: [{ name: "app" }],
  };
  const r = row(
    pods,
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [
          {
            name: "proxy",
            started: true,
            ready: true,
            restartCount: 1,
            state: running,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } },
          },
        ],
        containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }],
      },
      { spec },
    ),
  );
  assert.equal(r.Ready, "2/2");
  assert.equal(r.Status, "Running");
  assert.equal(r.Restarts, "1 (2m ago)");
});

test("readiness gates count the true conditions, and the pod IP falls back to status.podIP", () => {
  const r = row(
    pods,
    pod(
      {
        phase: "Running",
        podIP: "10.0.0.9",
        nominatedNodeName: "node-2",
        conditions: [
          { type: "example.com/lb", status: "True" },
          { type: "example.com/dns", status: "False" },
        ],
      },
      {
        spec: {
          containers: [{ name: "app" }],
          readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }],
        },
      },
    ),
  );
  assert.equal(r.IP, "10.0.0.9");
  assert.equal(r.Node, "<none>");
  assert.equal(r["Nominated Node"], "node-2");
  assert.equal(r["Readiness Gates"], "1/2");
});

test("a scheduling-gated pod reads SchedulingGated", () => {
  const r = row(
    pods,
    pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
    }),
  );
  assert.equal(r.Status, "SchedulingGated");
});
