import assert from "node:assert/strict";
import { test } from "node:test";
import { findDuplicateFields, findUnknownFields, strictDecodingMessage } from "./unknownFields.ts";

test("unknown fields are reported with kube-apiserver's dotted paths and list indexes", () => {
  const deploy = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", app: "x", labels: { anything: "goes" } },
    spec: {
      strategy: { rollingUpdate: { maxUnaivailable: 1 } },
      template: { spec: { containers: [{ name: "a" }, { name: "b", imagePullPolcy: "Always" }] } },
    },
    extra: true,
  };
  assert.deepEqual(findUnknownFields("V1Deployment", deploy), [
    "metadata.app",
    "spec.strategy.rollingUpdate.maxUnaivailable",
    "spec.template.spec.containers[1].imagePullPolcy",
    "extra",
  ]);
});

test("maps and free-form fields accept anything", () => {
  const cm = { apiVersion: "v1", kind: "ConfigMap", data: { "x.y": "z" }, metadata: { annotations: { a: "b" } } };
  assert.deepEqual(findUnknownFields("V1ConfigMap", cm), []);
  const rev = { apiVersion: "apps/v1", kind: "ControllerRevision", revision: 1, data: { any: { thing: [1] } } };
  assert.deepEqual(findUnknownFields("V1ControllerRevision", rev), []);
});

test("duplicate keys in the raw JSON are found with their paths", () => {
  const json = '{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"x","image":"i","image":"j"}]},"kind":"Pod"}';
  assert.deepEqual(findDuplicateFields(json), ["metadata.name", "spec.containers[0].image"]);
  assert.deepEqual(findDuplicateFields('{"a":"}\\"{","b":[1,{"c":2}]}'), []);
});

test("the strict decoding message matches kube-apiserver's wording", () => {
  assert.equal(
    strictDecodingMessage("Deployment", "v1", ["spec.foo", "spec.bar"], ["metadata.name"]),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.bar", duplicate field "metadata.name"',
  );
});
