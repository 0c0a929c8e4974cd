import assert from "node:assert/strict";
import { test } from "node:test";
import { printTable } from "./index.ts";
import { ago, info, NOW, row } from "./testing.ts";

const cm = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "cfg",
    namespace: "default",
    uid: "u1",
    resourceVersion: "7",
    creationTimestamp: ago(10),
  },
  data: { a: "1" },
};

test("rows carry PartialObjectMetadata by default, the object itself for Object, and nothing for None", () => {
  const configmaps = info("", "configmaps");
  const meta = printTable(configmaps, [cm], { now: NOW, includeObject: "Metadata" });
  assert.deepEqual(meta.rows[0].object, {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: cm.metadata,
  });
  assert.equal(printTable(configmaps, [cm], { now: NOW, includeObject: "Object" }).rows[0].object, cm);
  assert.equal("object" in printTable(configmaps, [cm], { now: NOW, includeObject: "None" }).rows[0], false);
});

test("noHeaders leaves the column definitions empty", () => {
  const t = printTable(info("", "configmaps"), [cm], { now: NOW, includeObject: "None", noHeaders: true });
  assert.deepEqual(t.columnDefinitions, []);
  assert.deepEqual(t.rows[0].cells, ["cfg", 1, "10s"]);
});

test("kinds without a printer get the default Name / Created At table", () => {
  for (const [group, resource] of [
    ["rbac.authorization.k8s.io", "roles"],
    ["rbac.authorization.k8s.io", "clusterroles"],
    ["", "limitranges"],
    ["apiextensions.k8s.io", "customresourcedefinitions"],
  ]) {
    const t = printTable(
      info(group, resource),
      [{ metadata: { name: "x", creationTimestamp: "2024-03-04T05:06:07.123Z" } }],
      { now: NOW, includeObject: "None" },
    );
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.type]),
      [
        ["Name", "string"],
        ["Created At", "date"],
      ],
    );
    assert.deepEqual(t.rows[0].cells, ["x", "2024-03-04T05:06:07Z"]);
  }
});

test("core/v1 events print LAST SEEN TYPE REASON OBJECT MESSAGE and wide source, first seen, count, name", () => {
  const r = row(info("", "events", "v1"), {
    metadata: { name: "web-0.17f", namespace: "default" },
    involvedObject: { kind: "Pod", name: "web-0", fieldPath: "spec.containers{app}" },
    type: "Warning",
    reason: "BackOff",
    message: "Back-off restarting failed container\n",
    source: { component: "kubelet", host: "node-1" },
    firstTimestamp: ago(600),
    lastTimestamp: ago(30),
    count: 12,
  });
  assert.deepEqual(Object.values(r), [
    "30s",
    "Warning",
    "BackOff",
    "pod/web-0",
    "spec.containers{app}",
    "kubelet, node-1",
    "Back-off restarting failed container",
    "10m",
    12,
    "web-0.17f",
  ]);
});

test("events.k8s.io/v1 events print through the same columns, using series and reporting controller", () => {
  const r = row(info("events.k8s.io", "events"), {
    apiVersion: "events.k8s.io/v1",
    metadata: { name: "web.1", namespace: "default" },
    regarding: { kind: "Deployment", name: "web" },
    note: "Scaled up replica set web-5d to 3",
    type: "Normal",
    reason: "ScalingReplicaSet",
    eventTime: "2025-01-01T11:55:00.000000Z",
    reportingController: "deployment-controller",
    series: { count: 4, lastObservedTime: "2025-01-01T11:59:00.000000Z" },
  });
  assert.deepEqual(Object.values(r), [
    "60s",
    "Normal",
    "ScalingReplicaSet",
    "deployment/web",
    "",
    "deployment-controller",
    "Scaled up replica set web-5d to 3",
    "5m",
    4,
    "web.1",
  ]);
});

test("every column of every built-in printer has name, type, format, description and priority", () => {
  for (const resource of ["pods", "services", "nodes", "events", "persistentvolumes"]) {
    for (const c of printTable(info("", resource), [], { now: NOW, includeObject: "None" })
      .columnDefinitions) {
      assert.deepEqual(Object.keys(c).sort(), ["description", "format", "name", "priority", "type"]);
      assert.ok(c.description.length > 0, `${resource} ${c.name} has a description`);
    }
  }
});
