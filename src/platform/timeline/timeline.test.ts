// Which Events belong to a workload's timeline, and the timeline's order.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { AuditEntry } from "../http/context.ts";
import { auditFor, buildTimeline, relatedObject, type WorkloadRef } from "./timeline.ts";

const web: WorkloadRef = { plural: "deployments", kind: "Deployment", group: "apps", namespace: "shop", name: "web" };

it("takes the workload's own, its ReplicaSets', its pods' and its HPA's events, not those of a workload with a longer name", () => {
  const related = relatedObject(web, new Set(["web-7d9f8b6c5d"]), new Set(["web-autoscaler"]));
  // ReplicaSets are <deployment>-<pod-template-hash>, their pods <replicaset>-<5 characters> (kube's name generator).
  assert.ok(related("Deployment", "web"));
  assert.ok(related("ReplicaSet", "web-7d9f8b6c5d"));
  assert.ok(related("Pod", "web-7d9f8b6c5d-x2b7q"));
  assert.ok(related("HorizontalPodAutoscaler", "web-autoscaler"));
  assert.ok(!related("Deployment", "web-api"));
  assert.ok(!related("Pod", "web-api-7d9f8b6c5d-x2b7q"));
  assert.ok(!related("Pod", "web-api-0"));
  const sts = relatedObject({ ...web, plural: "statefulsets", kind: "StatefulSet" }, new Set());
  assert.ok(sts("Pod", "web-0") && !sts("Pod", "web-x2b7q"));
  const cron = relatedObject({ ...web, plural: "cronjobs", kind: "CronJob" }, new Set());
  assert.ok(cron("Job", "web-29000160") && cron("Pod", "web-29000160-x2b7q") && !cron("ReplicaSet", "web-29000160"));
});

const entry = (time: string, verb: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  time,
  user: "dev1",
  sourceIP: "127.0.0.1",
  verb,
  cluster: "dev",
  namespace: "shop",
  resource: "deployments",
  name: "web",
  code: 200,
  path: "/",
  via: "rest",
  ...extra,
});

it("keeps the audit entries of the workload, through the REST API or the proxy, and not of another, nor its dry runs", () => {
  const kept = auditFor(web, [
    entry("2026-03-02T09:00:00.100Z", "create"),
    entry("2026-03-02T09:00:01.000Z", "scale", { resource: "deployments/scale" }),
    entry("2026-03-02T09:00:02.000Z", "patch", { resource: "deployments.apps", via: "proxy" }),
    entry("2026-03-02T09:00:03.000Z", "update", { name: "web-api" }),
    entry("2026-03-02T09:00:04.000Z", "update", { namespace: "other" }),
    entry("2026-03-02T09:00:05.000Z", "update", { resource: "statefulsets" }),
    entry("2026-03-02T09:00:06.000Z", "update", { dryRun: true }),
  ]);
  assert.deepEqual(
    kept.map((e) => e.verb),
    ["create", "scale", "patch"],
  );
});

it("orders by the second, a user's action before the revision and events it caused within it", () => {
  const timeline = buildTimeline({
    workload: web,
    revisions: [{ revision: 1, name: "web-7d9f8b6c5d", time: "2026-03-02T09:00:00Z", images: ["nginx:1.27"] }],
    // Kubernetes' timestamps have whole seconds: these happened after the create, within its second.
    events: [
      { reason: "ScalingReplicaSet", message: "Scaled up replica set web-7d9f8b6c5d to 1", type: "Normal", lastTimestamp: "2026-03-02T09:00:00Z", involvedObject: { kind: "Deployment", name: "web" } },
      { reason: "Scheduled", message: "elsewhere", type: "Normal", lastTimestamp: "2026-03-02T09:00:00Z", involvedObject: { kind: "Pod", name: "web-api-7d9f8b6c5d-x2b7q" } },
      { reason: "SuccessfulRescale", message: "New size: 3", type: "Normal", lastTimestamp: "2026-03-02T09:05:00Z", count: 2, involvedObject: { kind: "HorizontalPodAutoscaler", name: "web" } },
    ],
    audit: [entry("2026-03-02T09:00:00.700Z", "create")],
    hpas: ["web"],
  });
  assert.deepEqual(
    timeline.map((e) => [e.source, e.reason, e.user ?? "", e.count ?? 1]),
    [
      ["audit", "create", "dev1", 1],
      ["revision", "Revision", "", 1],
      ["event", "ScalingReplicaSet", "", 1],
      ["event", "SuccessfulRescale", "", 2],
    ],
  );
  assert.equal(timeline[3].object, "HorizontalPodAutoscaler/web");
});
