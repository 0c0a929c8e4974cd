// The JSON → gnostic openapi.v2.Document mapping, read back with the same
// .proto. The field numbers themselves are checked by kubectl 1.27, which
// decodes with gnostic's generated Go code (test/kubectl127.test.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import protobuf from "protobufjs";
import { builtinResources } from "../registry/builtin.ts";
import { buildOpenAPI } from "./build.ts";
import { encodeGnosticV2 } from "./gnostic.ts";

const root = protobuf.parse(readFileSync(new URL("./openapiv2.proto", import.meta.url), "utf8"), { keepCase: true }).root;
const Document = root.lookupType("openapi.v2.Document");
const decode = (buf: Buffer): any => Document.toObject(Document.decode(buf), { defaults: false });
const byName = (list: any[], name: string) => list.find((x) => x.name === name)?.value;

test("a schema's type, $ref, required, maps and extensions map onto gnostic's Schema", () => {
  const doc = decode(
    encodeGnosticV2({
      swagger: "2.0",
      info: { title: "Kubernetes", version: "v1.32.0" },
      paths: {},
      definitions: {
        "io.example.v1.Thing": {
          type: "object",
          required: ["spec"],
          properties: {
            spec: { $ref: "#/definitions/io.example.v1.Spec", description: "the spec" },
            labels: { type: "object", additionalProperties: { type: "string" } },
            free: { type: "object", additionalProperties: true, "x-kubernetes-preserve-unknown-fields": true },
            ports: { type: "array", items: { type: "integer", format: "int32", minimum: 1, maximum: 65535 } },
            mode: { type: "string", enum: ["a", "b"], default: "a" },
          },
          "x-kubernetes-group-version-kind": [{ group: "example.io", kind: "Thing", version: "v1" }],
        },
      },
    }),
  );
  assert.equal(doc.swagger, "2.0");
  assert.deepEqual(doc.info, { title: "Kubernetes", version: "v1.32.0" });
  const thing = byName(doc.definitions.additional_properties, "io.example.v1.Thing");
  assert.deepEqual(thing.type, { value: ["object"] });
  assert.deepEqual(thing.required, ["spec"]);
  const props = thing.properties.additional_properties;
  assert.deepEqual(byName(props, "spec"), { _ref: "#/definitions/io.example.v1.Spec", description: "the spec" });
  assert.deepEqual(byName(props, "labels").additional_properties, { schema: { type: { value: ["string"] } } });
  assert.deepEqual(byName(props, "free").additional_properties, { boolean: true });
  // Any values are block YAML text, as gnostic's NewAny writes them; these
  // are the texts a real kube-apiserver (v1.20.2) serves for the same values.
  assert.deepEqual(byName(props, "free").vendor_extension, [{ name: "x-kubernetes-preserve-unknown-fields", value: { yaml: "true\n" } }]);
  assert.deepEqual(byName(props, "ports").items.schema[0].maximum, 65535);
  assert.deepEqual(byName(props, "mode").enum, [{ yaml: "a\n" }, { yaml: "b\n" }]);
  assert.deepEqual(byName(props, "mode").default, { yaml: "a\n" });
  assert.deepEqual(thing.vendor_extension, [
    { name: "x-kubernetes-group-version-kind", value: { yaml: "- group: example.io\n  kind: Thing\n  version: v1\n" } },
  ]);
});

test("parameters become body, path and query sub-schemas by their `in`; responses are named", () => {
  const docs = buildOpenAPI(builtinResources);
  const doc = decode(docs.v2Protobuf());
  const item = byName(doc.paths.path, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
  const patch = item.patch;
  assert.equal(patch.operation_id, "patchNamespacedDeployment");
  const params = patch.parameters.map((p: any) => p.parameter);
  assert.deepEqual(params[0].non_body_parameter.path_parameter_sub_schema, {
    required: true,
    in: "path",
    description: "name of the resource",
    name: "name",
    type: "string",
  });
  assert.ok(params.some((p: any) => p.non_body_parameter?.query_parameter_sub_schema?.name === "fieldValidation"));
  const body = params.find((p: any) => p.body_parameter).body_parameter;
  assert.deepEqual(body, { name: "body", in: "body", required: true, schema: { _ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } });
  assert.ok(patch.consumes.includes("application/strategic-merge-patch+json"));
  const ok = byName(patch.responses.response_code, "200");
  assert.deepEqual(ok.response.schema, { schema: { _ref: "#/definitions/io.k8s.api.apps.v1.Deployment" } });
  const gvk = patch.vendor_extension.find((x: any) => x.name === "x-kubernetes-group-version-kind");
  assert.equal(gvk.value.yaml, "group: apps\nversion: v1\nkind: Deployment\n");
});

test("every $ref of the v2 document names one of its definitions", () => {
  // kubectl ≤ 1.28 builds its models from this document and refuses all of
  // it on one dangling reference: `SchemaError(...): unknown model in
  // reference` (k8s.io/kube-openapi pkg/util/proto document.go).
  const doc = JSON.parse(buildOpenAPI(builtinResources).v2());
  const dangling = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && !doc.definitions[x.replace("#/definitions/", "")]) dangling.add(x);
        else walk(x);
      }
    }
  };
  walk(doc);
  assert.deepEqual([...dangling], []);
});
