// The decoding errors of goDecode.ts. Each expected text is what Go's
// encoding/json (the base of sigs.k8s.io/json, kube-apiserver's JSON decoder
// since 1.23) and encoding/base64 print for the same input, checked with Go
// 1.19 on structs of the same shape; the package names are k8s.io/api's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SAMPLES } from "../admission/samples.ts";
import { builtinResources } from "../registry/builtin.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { base64Error, goDecodeError } from "./goDecode.ts";

const deployment = (spec: unknown, metadata: unknown = { name: "d" }) => ({ metadata, spec });
const container = (c: object) => ({ template: { spec: { containers: [{ name: "c", image: "i", ...c }] } } });
const DEPLOY = 'Deployment in version "v1" cannot be handled as a Deployment: ';

test("a wrong JSON type names the innermost struct, the JSON path without indexes, and the Go type", () => {
  const cases: [unknown, string][] = [
    [deployment({ replicas: "3" }), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"],
    [deployment({ replicas: 1.5 }), "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"],
    [deployment({ replicas: 3000000000 }), "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"],
    [deployment({ paused: "true" }), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool"],
    [deployment("x"), "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"],
    [deployment({}, "x"), "json: cannot unmarshal string into Go struct field Deployment.metadata of type v1.ObjectMeta"],
    [deployment({}, { labels: { a: 5 } }), "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"],
    [deployment({}, { creationTimestamp: 5 }), "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"],
    [deployment({ template: { spec: { containers: "x" } } }), "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"],
    [deployment({ template: { spec: { containers: ["x"] } } }), "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container"],
    [deployment(container({ image: 5 })), "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string"],
    [
      deployment(container({ ports: [{ containerPort: "80" }] })),
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
    ],
    // httpGet is promoted from Probe's embedded ProbeHandler.
    [
      deployment(container({ livenessProbe: { httpGet: { port: 80, path: 5 } } })),
      "json: cannot unmarshal number into Go struct field HTTPGetAction.spec.template.spec.containers.livenessProbe.httpGet.path of type string",
    ],
    // intstr.IntOrString decodes what is not a string as an int32.
    [
      deployment({ strategy: { rollingUpdate: { maxSurge: true } } }),
      "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32",
    ],
    // resource.Quantity's UnmarshalJSON error carries no field.
    [deployment(container({ resources: { limits: { cpu: "lots" } } })), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ];
  for (const [obj, want] of cases) {
    assert.equal(goDecodeError("apps/v1", "Deployment", obj as Record<string, unknown>), DEPLOY + want);
  }
});

test("values Go takes decode without error: nulls, numbers for quantities, strings and ints for IntOrString, unknown fields", () => {
  const ok = deployment({
    replicas: null,
    strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
    ...container({ resources: { limits: { cpu: 1, memory: "64Mi" }, requests: { cpu: 0.5 } }, unknownField: 5 }),
  });
  assert.equal(goDecodeError("apps/v1", "Deployment", ok), undefined);
  assert.equal(goDecodeError("v1", "Secret", { data: { a: "YWJj\nZGVm" } }), undefined);
});

test("every built-in kind's sample object decodes", () => {
  for (const info of builtinResources) {
    const obj = SAMPLES[`${info.group}/${info.kind}`]?.();
    if (obj) assert.equal(goDecodeError(apiVersionOf(info), info.kind, obj), undefined, info.kind);
  }
});

test("base64 errors are Go's CorruptInputError offsets", () => {
  const cases: [string, number | undefined][] = [
    ["YQ==", undefined],
    ["YWJj", undefined],
    ["", undefined],
    ["YQ", 0],
    ["YQ=", 3],
    ["a!bc", 1],
    ["hello", 4],
    ["YQ==x", 4],
    ["Y===", 1],
    ["plain text", 5],
  ];
  for (const [text, at] of cases) {
    assert.equal(base64Error(text), at === undefined ? undefined : `illegal base64 data at input byte ${at}`, JSON.stringify(text));
  }
});
