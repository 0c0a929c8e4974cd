import assert from "node:assert/strict";
import { test } from "node:test";
import { prepareForCreate, podQOS } from "./strategy.ts";
import { infoFor, pod } from "./testing.ts";
import { validateObject } from "./validation.ts";
import { applyDefaults } from "./defaults.ts";

test("a Job gets a generated selector and controller-uid/job-name labels on create", () => {
  const info = infoFor("Job", "batch");
  const job: any = {
    metadata: { name: "pi", namespace: "default", uid: "u-1" },
    spec: { template: { spec: { containers: [{ name: "pi", image: "perl" }], restartPolicy: "Never" } } },
  };
  applyDefaults(info, job);
  prepareForCreate(info, job);
  const want = {
    "batch.kubernetes.io/controller-uid": "u-1",
    "batch.kubernetes.io/job-name": "pi",
    "controller-uid": "u-1",
    "job-name": "pi",
  };
  assert.deepEqual(job.spec.template.metadata.labels, want);
  assert.deepEqual(job.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "u-1" } });
  assert.deepEqual(job.metadata.labels, want);
  assert.equal(job.metadata.generation, 1);
  assert.deepEqual(validateObject(info, job), []);
});

test("a Job with manualSelector keeps its own selector", () => {
  const info = infoFor("Job", "batch");
  const job: any = {
    metadata: { name: "j", uid: "u" },
    spec: { manualSelector: true, selector: { matchLabels: { a: "b" } }, template: {} },
  };
  prepareForCreate(info, job);
  assert.deepEqual(job.spec.selector, { matchLabels: { a: "b" } });
  assert.equal(job.spec.template.metadata, undefined);
});

test("a Pod starts Pending with its QoS class", () => {
  const p = pod();
  prepareForCreate(infoFor("Pod"), p);
  assert.deepEqual(p.status, { phase: "Pending", qosClass: "BestEffort" });
  const cases: [any, string][] = [
    [{ containers: [{ resources: { limits: { cpu: "1", memory: "1Gi" } } }] }, "Guaranteed"],
    [
      {
        containers: [
          { resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1000m", memory: "1Gi" } } },
        ],
      },
      "Guaranteed",
    ],
    [{ containers: [{ resources: { requests: { cpu: "1" } } }] }, "Burstable"],
    [{ containers: [{ resources: { limits: { cpu: "1" } } }] }, "Burstable"],
    [{ containers: [{}] }, "BestEffort"],
  ];
  for (const [spec, want] of cases) assert.equal(podQOS(spec), want, JSON.stringify(spec));
});

test("a Namespace gets the kubernetes finalizer and Active phase on create", () => {
  const ns: any = { metadata: { name: "a" }, spec: { finalizers: ["example.com/x"] } };
  prepareForCreate(infoFor("Namespace"), ns);
  assert.deepEqual(ns.spec.finalizers, ["example.com/x", "kubernetes"]);
  assert.deepEqual(ns.status, { phase: "Active" });
});

test("workload status sent on create is dropped", () => {
  const d: any = { metadata: { name: "d" }, spec: {}, status: { replicas: 5 } };
  prepareForCreate(infoFor("Deployment", "apps"), d);
  assert.deepEqual(d.status, {});
});
