import assert from "node:assert/strict";
import { test } from "node:test";
import { ago, columnNames, info, row } from "./testing.ts";

const meta = (name: string) => ({ name, namespace: "default", creationTimestamp: ago(600) });
const template = {
  spec: {
    containers: [
      { name: "app", image: "nginx:1.27" },
      { name: "log", image: "busybox" },
    ],
  },
};

test("a deployment with 2 of 3 replicas ready prints 2/3 and wide containers, images and selector", () => {
  const deploy = info("apps", "deployments");
  assert.deepEqual(columnNames(deploy), ["Name", "Ready", "Up-to-date", "Available", "Age"]);
  const r = row(deploy, {
    metadata: meta("web"),
    spec: {
      replicas: 3,
      selector: {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "env", operator: "In", values: ["qa", "dev"] }],
      },
      template,
    },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  });
  assert.deepEqual(Object.values(r), [
    "web",
    "2/3",
    3,
    2,
    "10m",
    "app,log",
    "nginx:1.27,busybox",
    "app=web,env in (dev,qa)",
  ]);
});

test("replicasets, statefulsets and daemonsets print their counts; unset replicas default to 1", () => {
  const rs = row(info("apps", "replicasets"), {
    metadata: meta("web-5d"),
    spec: { template },
    status: { replicas: 1 },
  });
  assert.deepEqual(Object.values(rs).slice(0, 4), ["web-5d", 1, 1, 0]);
  assert.equal(rs.Selector, "<none>");
  const sts = row(info("apps", "statefulsets"), {
    metadata: meta("db"),
    spec: { replicas: 2, template },
    status: {},
  });
  assert.deepEqual(Object.values(sts).slice(0, 2), ["db", "0/2"]);
  const ds = row(info("apps", "daemonsets"), {
    metadata: meta("agent"),
    spec: { template: { spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [] } } },
    status: {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 2,
      updatedNumberScheduled: 3,
    },
  });
  assert.deepEqual(Object.values(ds).slice(0, 7), ["agent", 3, 3, 2, 3, 0, "kubernetes.io/os=linux"]);
});

test("a controller revision names its controlling owner as kind.group/name", () => {
  const r = row(info("apps", "controllerrevisions"), {
    metadata: {
      ...meta("agent-6c"),
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "u", controller: true },
      ],
    },
    revision: 4,
  });
  assert.deepEqual(Object.values(r), ["agent-6c", "daemonset.apps/agent", 4, "10m"]);
});

test("jobs print status, completions and duration", () => {
  const jobs = info("batch", "jobs");
  assert.deepEqual(columnNames(jobs), ["Name", "Status", "Completions", "Duration", "Age"]);
  const done = row(jobs, {
    metadata: meta("pi"),
    spec: { completions: 1, parallelism: 1, template },
    status: {
      succeeded: 1,
      startTime: ago(600),
      completionTime: ago(555),
      conditions: [{ type: "Complete", status: "True" }],
    },
  });
  assert.deepEqual(Object.values(done).slice(0, 5), ["pi", "Complete", "1/1", "45s", "10m"]);
  const running = row(jobs, {
    metadata: meta("work"),
    spec: { parallelism: 3, template },
    status: { startTime: ago(200) },
  });
  assert.deepEqual(Object.values(running).slice(1, 4), ["Running", "0/1 of 3", "3m20s"]);
  const failed = row(jobs, {
    metadata: meta("bad"),
    spec: {},
    status: { conditions: [{ type: "Failed", status: "True" }] },
  });
  assert.deepEqual(Object.values(failed).slice(1, 4), ["Failed", "0/1", ""]);
});

test("cronjobs print schedule, timezone, suspend, active count and last schedule", () => {
  const r = row(info("batch", "cronjobs"), {
    metadata: meta("nightly"),
    spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } } },
    status: { active: [{ name: "nightly-1" }], lastScheduleTime: ago(7200) },
  });
  assert.deepEqual(Object.values(r).slice(0, 7), [
    "nightly",
    "0 3 * * *",
    "<none>",
    "False",
    1,
    "120m",
    "10m",
  ]);
});

test("an autoscaling/v2 HPA prints its metrics as current/target", () => {
  const hpa = info("autoscaling", "horizontalpodautoscalers", "v2");
  const r = row(hpa, {
    metadata: meta("web"),
    spec: {
      scaleTargetRef: { kind: "Deployment", name: "web" },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
        },
        {
          type: "Pods",
          pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } },
        },
      ],
    },
    status: {
      currentReplicas: 3,
      currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 45 } } }],
    },
  });
  assert.deepEqual(Object.values(r), [
    "web",
    "Deployment/web",
    "cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...",
    "2",
    10,
    3,
    "10m",
  ]);
});

test("an autoscaling/v1 HPA prints its CPU target like the v2 form", () => {
  const hpa = info("autoscaling", "horizontalpodautoscalers", "v1");
  const r = row(hpa, {
    metadata: meta("web"),
    spec: {
      scaleTargetRef: { kind: "Deployment", name: "web" },
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 50,
    },
    status: { currentReplicas: 1 },
  });
  assert.deepEqual(Object.values(r).slice(1, 6), ["Deployment/web", "cpu: <unknown>/50%", "1", 5, 1]);
});

test("PDBs print N/A for the bound not set", () => {
  const r = row(info("policy", "poddisruptionbudgets"), {
    metadata: meta("web"),
    spec: { minAvailable: "50%" },
    status: { disruptionsAllowed: 1 },
  });
  assert.deepEqual(Object.values(r), ["web", "50%", "N/A", 1, "10m"]);
});

test("role bindings print the role reference and, wide, their subjects by kind", () => {
  const r = row(info("rbac.authorization.k8s.io", "rolebindings"), {
    metadata: meta("edit"),
    roleRef: { kind: "ClusterRole", name: "edit" },
    subjects: [
      { kind: "User", name: "alice" },
      { kind: "Group", name: "devs" },
      { kind: "ServiceAccount", name: "ci", namespace: "tools" },
      { kind: "User", name: "bob" },
    ],
  });
  assert.deepEqual(Object.values(r), ["edit", "ClusterRole/edit", "10m", "alice, bob", "devs", "tools/ci"]);
});

test("ingresses print class, hosts, address and ports", () => {
  const r = row(info("networking.k8s.io", "ingresses"), {
    metadata: meta("web"),
    spec: {
      ingressClassName: "nginx",
      rules: [
        { host: "a.example.com" },
        { host: "b.example.com" },
        {},
        { host: "c.example.com" },
        { host: "d.example.com" },
      ],
      tls: [{ hosts: ["a.example.com"] }],
    },
    status: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } },
  });
  assert.deepEqual(Object.values(r), [
    "web",
    "nginx",
    "a.example.com,b.example.com,c.example.com + 2 more...",
    "192.0.2.10",
    "80, 443",
    "10m",
  ]);
});
