import assert from "node:assert/strict";
import { test } from "node:test";
import type { PrinterColumn, ResourceInfo } from "../registry/types.ts";
import { printTable } from "./index.ts";
import { ago, NOW } from "./testing.ts";

function crdInfo(printerColumns: PrinterColumn[]): ResourceInfo {
  return {
    group: "example.com",
    version: "v1",
    resource: "widgets",
    singular: "widget",
    kind: "Widget",
    listKind: "WidgetList",
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: [],
    subresources: [],
    storagePrefix: "example.com/widgets",
    crd: { crdName: "widgets.example.com", printerColumns, preserveUnknownFields: false, storage: true },
  };
}

const widget = {
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name: "w1", namespace: "default", creationTimestamp: ago(90) },
  spec: { replicas: 3, size: 1.5, enabled: true, tags: { b: "2", a: "<1>" } },
  status: {
    conditions: [
      { type: "Synced", status: "False" },
      { type: "Ready", status: "True", lastTransitionTime: ago(4000) },
    ],
  },
};

test("a CRD with no printer columns prints NAME and an AGE date column", () => {
  const t = printTable(crdInfo([]), [widget], { now: NOW, includeObject: "None" });
  assert.deepEqual(
    t.columnDefinitions.map((c) => [c.name, c.type, c.format]),
    [
      ["Name", "string", "name"],
      ["Age", "date", ""],
    ],
  );
  assert.deepEqual(t.rows[0].cells, ["w1", "90s"]);
});

test("CRD printer columns follow their JSONPath and type, with filters and missing paths as null", () => {
  const cols: PrinterColumn[] = [
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    {
      name: "Since",
      type: "date",
      jsonPath: '.status.conditions[?(@.type=="Ready")].lastTransitionTime',
      priority: 1,
    },
    { name: "Size", type: "number", jsonPath: ".spec.size", description: "how big" },
    { name: "Enabled", type: "boolean", jsonPath: ".spec.enabled" },
    { name: "Missing", type: "string", jsonPath: ".status.nope" },
    { name: "Tags", type: "string", jsonPath: ".spec.tags" },
    { name: "Wrong", type: "integer", jsonPath: ".status.conditions[0].type" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ];
  const t = printTable(crdInfo(cols), [widget], { now: NOW, includeObject: "None" });
  assert.equal(t.columnDefinitions.length, 10);
  assert.equal(t.columnDefinitions[3].priority, 1);
  assert.equal(t.columnDefinitions[4].description, "how big");
  assert.equal(
    t.columnDefinitions[1].description,
    "Custom resource definition column (in JSONPath format): .spec.replicas",
  );
  assert.deepEqual(t.rows[0].cells, [
    "w1",
    3,
    "True",
    "66m",
    1.5,
    true,
    null,
    '{"a":"\\u003c1\\u003e","b":"2"}',
    null,
    "90s",
  ]);
});

test("CRD columns support bracket fields, indexes, wildcards and existence filters", () => {
  const cols: PrinterColumn[] = [
    { name: "A", type: "string", jsonPath: ".metadata['name']" },
    { name: "B", type: "string", jsonPath: ".status.conditions[-1].type" },
    { name: "C", type: "string", jsonPath: ".status.conditions[*].type" },
    { name: "D", type: "string", jsonPath: ".status.conditions[?(@.lastTransitionTime)].type" },
    { name: "E", type: "string", jsonPath: '.status.conditions[?(@.status!="True")].type' },
  ];
  const t = printTable(crdInfo(cols), [widget], { now: NOW, includeObject: "None" });
  assert.deepEqual(t.rows[0].cells, ["w1", "w1", "Ready", "Synced", "Ready", "Synced"]);
});

test("an unparsable CRD column drops it and the columns after it, like kube's tableconvertor", () => {
  const cols: PrinterColumn[] = [
    { name: "Ok", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Bad", type: "string", jsonPath: ".spec[" },
    { name: "Later", type: "string", jsonPath: ".spec.size" },
  ];
  const t = printTable(crdInfo(cols), [widget], { now: NOW, includeObject: "None" });
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.name),
    ["Name", "Ok"],
  );
});

test("a date column with a malformed time prints <invalid>", () => {
  const cols: PrinterColumn[] = [{ name: "When", type: "date", jsonPath: ".spec.when" }];
  const obj = { ...widget, spec: { when: "yesterday" } };
  assert.deepEqual(printTable(crdInfo(cols), [obj], { now: NOW, includeObject: "None" }).rows[0].cells, [
    "w1",
    "<invalid>",
  ]);
});
