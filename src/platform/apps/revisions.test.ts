// The pure parts of revisions and a Job's restart: the label selector a
// workload's history is listed with, and the Job made again from an old one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { jobFrom } from "./jobRestart.ts";
import { selectorString } from "./revisions.ts";

test("a LabelSelector becomes the query syntax kube's labels.Parse reads (=, in, notin, exists, !)", () => {
  const s = selectorString({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["a", "b"] },
      { key: "env", operator: "NotIn", values: ["dev"] },
      { key: "owner", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist" },
    ],
  });
  assert.equal(s, "app=web,tier in (a,b),env notin (dev),owner,!legacy");
  assert.equal(selectorString(undefined), "");
});

test("a restarted Job keeps its spec and labels but not what the member generated for the old one", () => {
  const uid = "3f1c";
  const generated = { "controller-uid": uid, "job-name": "migrate", "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "migrate" };
  const old = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "migrate", namespace: "ns", uid, resourceVersion: "9", labels: { team: "data", ...generated }, annotations: { "batch.kubernetes.io/job-tracking": "" } },
    spec: {
      backoffLimit: 2,
      selector: { matchLabels: { "controller-uid": uid } },
      template: { metadata: { labels: { app: "m", ...generated } }, spec: { containers: [{ name: "main", image: "busybox" }] } },
    },
    status: { succeeded: 1 },
  };
  const fresh = jobFrom(old) as any;
  assert.deepEqual(fresh.metadata, { name: "migrate", namespace: "ns", labels: { team: "data" } });
  assert.equal(fresh.spec.selector, undefined);
  assert.deepEqual(fresh.spec.template.metadata.labels, { app: "m" });
  assert.equal(fresh.spec.backoffLimit, 2);
  assert.equal(fresh.status, undefined);
  // A Job that chose its selector (manualSelector) keeps it and its template's labels.
  const manual = jobFrom({ ...old, spec: { ...old.spec, manualSelector: true } }) as any;
  assert.deepEqual(manual.spec.selector, old.spec.selector);
  assert.equal(manual.spec.template.metadata.labels["controller-uid"], uid);
});
