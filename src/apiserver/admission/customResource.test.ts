import assert from "node:assert/strict";
import { test } from "node:test";
import { validateCRD } from "./crd.ts";
import { pruneUnknownFields, validateCustomResource } from "./customResource.ts";
import { lines } from "./testing.ts";

const schema: any = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      properties: {
        size: { type: "integer", minimum: 1, maximum: 10 },
        ratio: { type: "number" },
        mode: { type: "string", enum: ["fast", "slow"] },
        name: { type: "string", minLength: 2, maxLength: 5, pattern: "^[a-z]+$" },
        port: { "x-kubernetes-int-or-string": true },
        note: { type: "string", nullable: true },
        tags: {
          type: "array",
          maxItems: 2,
          minItems: 1,
          items: { type: "string" },
          "x-kubernetes-list-type": "set",
        },
        when: { type: "string", format: "date-time" },
        extra: { type: "object", additionalProperties: { type: "integer" } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        child: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", properties: { a: { type: "string" } } } },
        },
      },
    },
  },
};

const cr = (spec: any) => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name: "w", namespace: "d" },
  spec,
});

test("a conforming custom resource has no errors", () => {
  const ok = cr({
    size: 3,
    ratio: 2,
    mode: "fast",
    name: "abc",
    port: "http",
    note: null,
    tags: ["a"],
    when: "2024-01-01T00:00:00Z",
    extra: { a: 1 },
  });
  assert.deepEqual(validateCustomResource(schema, ok), []);
  assert.deepEqual(validateCustomResource(schema, cr({ size: 1, port: 8080 })), []);
});

test("custom resource schema errors use apiextensions wording", () => {
  const cases: [any, string[]][] = [
    [{}, ["spec.size: Required value"]],
    [
      { size: 1.5 },
      ['spec.size: Invalid value: "number": spec.size in body must be of type integer: "number"'],
    ],
    [
      { size: "3" },
      ['spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"'],
    ],
    [{ size: 0 }, ["spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"]],
    [{ size: 11 }, ["spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10"]],
    [{ size: 1, mode: "x" }, ['spec.mode: Unsupported value: "x": supported values: "fast", "slow"']],
    [
      { size: 1, name: "a" },
      ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'],
    ],
    [{ size: 1, name: "abcdef" }, ["spec.name: Too long: may not be more than 5 bytes"]],
    [
      { size: 1, name: "AB" },
      ["spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"],
    ],
    [
      { size: 1, port: true },
      ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    ],
    [
      { size: 1, mode: null },
      ['spec.mode: Invalid value: "null": spec.mode in body must be of type string: "null"'],
    ],
    [{ size: 1, tags: ["a", "b", "c"] }, ["spec.tags: Too many: 3: must have at most 2 items"]],
    [
      { size: 1, tags: [] },
      ["spec.tags: Invalid value: []interface {}{}: spec.tags in body should have at least 1 items"],
    ],
    [{ size: 1, tags: ["a", "a"] }, ['spec.tags[1]: Duplicate value: "a"']],
    [
      { size: 1, when: "yesterday" },
      ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'],
    ],
    [
      { size: 1, extra: { a: "x" } },
      ['spec.extra[a]: Invalid value: "string": spec.extra[a] in body must be of type integer: "string"'],
    ],
  ];
  for (const [spec, want] of cases)
    assert.deepEqual(lines(validateCustomResource(schema, cr(spec))), want, JSON.stringify(spec));
});

test("custom resource metadata is validated: name format, and namespace when scope is given", () => {
  const bad = cr({ size: 1 });
  bad.metadata.name = "Bad_Name";
  assert.equal(validateCustomResource(schema, bad)[0].field, "metadata.name");
  assert.deepEqual(
    lines(validateCustomResource(undefined, { metadata: { name: "x", namespace: "d" } }, false)),
    ["metadata.namespace: Forbidden: not allowed on this type"],
  );
  assert.deepEqual(lines(validateCustomResource(undefined, { metadata: { name: "x" } }, true)), [
    "metadata.namespace: Required value",
  ]);
});

test("pruning removes unknown fields and reports their paths", () => {
  const obj: any = cr({
    size: 1,
    bogus: 1,
    extra: { a: 1 },
    free: { anything: { goes: true } },
    child: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { a: "x", b: "y" }, junk: 1 },
  });
  obj.topLevel = true;
  const pruned = pruneUnknownFields(schema, obj);
  assert.deepEqual(pruned, ["spec.bogus", "spec.child.junk", "spec.child.spec.b", "topLevel"]);
  assert.deepEqual(
    obj,
    cr({
      size: 1,
      extra: { a: 1 },
      free: { anything: { goes: true } },
      child: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { a: "x" } },
    }),
  );
});

test("pruning keeps everything under a root that preserves unknown fields, and inside array items it recurses", () => {
  const preserve: any = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const o: any = { apiVersion: "a/v1", kind: "K", metadata: {}, spec: { x: 1 } };
  assert.deepEqual(pruneUnknownFields(preserve, o), []);
  assert.deepEqual(o.spec, { x: 1 });
  const arr: any = {
    type: "object",
    properties: { list: { type: "array", items: { type: "object", properties: { a: { type: "string" } } } } },
  };
  const l: any = { list: [{ a: "1", b: 2 }] };
  assert.deepEqual(pruneUnknownFields(arr, l), ["list[0].b"]);
  assert.deepEqual(pruneUnknownFields(undefined, l), []);
});

function crd(overrides: any = {}): any {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      ...overrides,
    },
  };
}

test("a well-formed CRD passes validateCRD", () => {
  assert.deepEqual(validateCRD(crd()), []);
});

test("CRD rules: name is plural.group, names, scope, one storage version, served, structural schema", () => {
  const wrongName = crd();
  wrongName.metadata.name = "widget.example.com";
  assert.deepEqual(lines(validateCRD(wrongName)), [
    'metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group',
  ]);
  assert.deepEqual(lines(validateCRD(crd({ scope: "Global" }))), [
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
  ]);
  assert.ok(
    lines(validateCRD(crd({ names: { plural: "widgets" } }))).includes("spec.names.kind: Required value"),
  );
  const two = crd({
    versions: [
      { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      { name: "v2", served: false, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
    ],
  });
  assert.deepEqual(lines(validateCRD(two)), [
    'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{Name:"v1", Served:true, Storage:true}, {Name:"v2", Served:false, Storage:true}}: must have exactly one version marked as storage version',
  ]);
  assert.ok(
    lines(validateCRD(crd({ versions: [] })))[0].endsWith(
      "must have exactly one version marked as storage version",
    ),
  );
  const unstructural = crd({
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { properties: { a: { type: "string" } } } },
          },
        },
      },
    ],
  });
  assert.deepEqual(lines(validateCRD(unstructural)), [
    "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
  ]);
  const free = crd({
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { "x-kubernetes-preserve-unknown-fields": true } },
          },
        },
      },
    ],
  });
  assert.deepEqual(validateCRD(free), []);
  const noSchema = crd({ versions: [{ name: "v1", served: true, storage: true }] });
  assert.deepEqual(lines(validateCRD(noSchema)), [
    "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
  ]);
});
