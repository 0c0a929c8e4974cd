import assert from "node:assert/strict";
import { test } from "node:test";
import { builtinResources } from "../registry/builtin.ts";
import type { ResourceInfo } from "../registry/types.ts";
import { buildOpenAPI } from "./build.ts";

const widget: ResourceInfo = {
  group: "example.com",
  version: "v1",
  resource: "widgets",
  singular: "widget",
  kind: "Widget",
  listKind: "WidgetList",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  subresources: [],
  storagePrefix: "example.com/widgets",
  crd: {
    crdName: "widgets.example.com",
    printerColumns: [],
    preserveUnknownFields: false,
    storage: true,
    schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer", description: "How big." } } } } },
  },
};

const docs = buildOpenAPI([...builtinResources, widget]);
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const gv = (path: string) => JSON.parse(docs.groupVersionV3(path) ?? "null") as Doc;

function patchOpFor(doc: Doc, kind: string) {
  return Object.values(doc.paths).find((p) => p.patch?.["x-kubernetes-group-version-kind"]?.kind === kind)?.patch;
}

test("the v3 root lists every group/version with a hashed server-relative URL", () => {
  const root = JSON.parse(docs.rootV3());
  const entry = root.paths["apis/apps/v1"];
  assert.match(entry.serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  assert.ok(root.paths["api/v1"]);
  assert.ok(root.paths["apis/example.com/v1"]);
  assert.equal(docs.groupVersionV3Info("apis/apps/v1")?.serverRelativeURL, entry.serverRelativeURL);
});

test("apps/v1 has a PATCH operation for deployments with the GVK extension, fieldValidation and strategic merge", () => {
  const doc = gv("apis/apps/v1");
  const op = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
  assert.deepEqual(op["x-kubernetes-group-version-kind"], { group: "apps", version: "v1", kind: "Deployment" });
  assert.ok(op.parameters.some((p: any) => p.name === "fieldValidation" && p.in === "query"));
  assert.ok(op.requestBody.content["application/strategic-merge-patch+json"]);
});

test("every served kind's first PATCH operation accepts fieldValidation", () => {
  for (const r of [...builtinResources, widget].filter((x) => x.verbs.includes("patch"))) {
    const op = patchOpFor(gv(r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`), r.kind);
    assert.ok(op, `${r.kind} ${r.version}`);
    assert.ok(op.parameters.some((p: any) => p.name === "fieldValidation"), r.kind);
  }
});

test("the kind schema carries its GVK list and every $ref resolves within the document", () => {
  const doc = gv("apis/apps/v1");
  const dep = doc.components.schemas["io.k8s.api.apps.v1.Deployment"];
  assert.deepEqual(dep["x-kubernetes-group-version-kind"], [{ group: "apps", kind: "Deployment", version: "v1" }]);
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  for (const r of refs) assert.ok(doc.components.schemas[r], r);
});

test("the Pod schema's containers field carries the merge key", () => {
  const spec = gv("api/v1").components.schemas["io.k8s.api.core.v1.PodSpec"];
  assert.equal(spec.properties.containers["x-kubernetes-patch-strategy"], "merge");
  assert.equal(spec.properties.containers["x-kubernetes-patch-merge-key"], "name");
  assert.deepEqual(spec.required, ["containers"]);
  const strategy = gv("apis/apps/v1").components.schemas["io.k8s.api.apps.v1.DeploymentSpec"].properties.strategy;
  assert.equal(strategy["x-kubernetes-patch-strategy"], "retainKeys");
  assert.deepEqual(strategy.allOf, [{ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy" }]);
});

test("a custom resource yields its CRD schema with apiVersion, kind and metadata, and no strategic merge", () => {
  const doc = gv("apis/example.com/v1");
  const s = doc.components.schemas["com.example.v1.Widget"];
  assert.deepEqual(s["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "Widget", version: "v1" }]);
  assert.equal(s.properties.spec.properties.size.description, "How big.");
  assert.ok(s.properties.metadata.allOf[0].$ref.endsWith("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  assert.ok(doc.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
  const op = doc.paths["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"].patch;
  assert.equal(op.requestBody.content["application/strategic-merge-patch+json"], undefined);
  assert.ok(op.requestBody.content["application/merge-patch+json"]);
});

test("unknown group/versions answer undefined and hashes are stable across builds", () => {
  assert.equal(docs.groupVersionV3("apis/nope/v1"), undefined);
  const again = buildOpenAPI([...builtinResources, widget]);
  assert.equal(again.groupVersionV3Info("/apis/apps/v1/")?.hash, docs.groupVersionV3Info("apis/apps/v1")?.hash);
  assert.equal(again.rootV3(), docs.rootV3());
});

test("v2 is swagger 2.0 with definitions carrying the same extensions", () => {
  const v2 = JSON.parse(docs.v2());
  assert.match(docs.v2Hash(), /^[0-9A-F]{128}$/);
  assert.equal(v2.swagger, "2.0");
  const containers = v2.definitions["io.k8s.api.core.v1.PodSpec"].properties.containers;
  assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
  assert.equal(containers.items.$ref, "#/definitions/io.k8s.api.core.v1.Container");
  const op = v2.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
  assert.ok(op.consumes.includes("application/strategic-merge-patch+json"));
});
