// The YAML editor's idea of where the cursor is (web/src/components/yamlPath.ts),
// on documents as they are being typed: block mappings and sequences as
// YAML 1.2 §8.2 lays them out, in kubectl's compact style ("- " in its key's
// column) and indented. "|" marks the cursor.
import assert from "node:assert/strict";
import { test } from "node:test";
import { firstSentence, schemaAt, typeLabel } from "../../web/src/components/schemaCompletion.ts";
import { documentKind, placeAt } from "../../web/src/components/yamlPath.ts";

const at = (text: string) => placeAt(text.replace("|", ""), text.indexOf("|"));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: main
        image: nginx
`;

test("a key typed under spec: is in spec, with the keys already there as siblings", () => {
  const p = at(DEPLOYMENT.replace("  replicas: 1\n", "  replicas: 1\n  sel|\n"));
  assert.deepEqual(p, { kind: "key", path: ["spec"], prefix: "sel", from: p?.from, siblings: ["replicas", "template"] });
});

test("a key at the top level has the empty path", () => {
  assert.deepEqual(at(`apiVersion: v1\n|`)?.path, []);
});

test("a key in an item of a compact sequence is under its []", () => {
  assert.deepEqual(at(`${DEPLOYMENT}        im|`)?.path, ["spec", "template", "spec", "containers", "[]"]);
  // The item's first key, after its "- ".
  assert.deepEqual(at(`${DEPLOYMENT}      - na|`)?.path, ["spec", "template", "spec", "containers", "[]"]);
});

test("a key in an item of an indented sequence, and in a nested one", () => {
  const doc = `spec:\n  containers:\n    - name: a\n      ports:\n        - containerPort: 80\n          pro|`;
  assert.deepEqual(at(doc)?.path, ["spec", "containers", "[]", "ports", "[]"]);
  assert.deepEqual(at(`spec:\n  containers:\n    - name: a\n      |`)?.path, ["spec", "containers", "[]"]);
});

test("a value typed after a key names the key and its mapping", () => {
  const p = at(`${DEPLOYMENT}        imagePullPolicy: If|`);
  assert.equal(p?.kind, "value");
  assert.deepEqual(p?.kind === "value" && [p.path, p.key, p.prefix], [["spec", "template", "spec", "containers", "[]"], "imagePullPolicy", "If"]);
});

test("under a key that already has a value there is no place", () => {
  assert.equal(at(`spec:\n  replicas: 2\n    |`), undefined);
});

test("a document's apiVersion and kind are those of the document the cursor is in", () => {
  const doc = `apiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: "Deployment"\nspec:\n  `;
  assert.deepEqual(documentKind(doc, doc.length), { apiVersion: "apps/v1", kind: "Deployment" });
  assert.deepEqual(documentKind(doc, 3), { apiVersion: "v1", kind: "Service" });
});

test("a description's first sentence ends at a period before a capital, not at e.g. or a version", () => {
  // DeploymentSpec.replicas and ObjectMeta.generateName, as Kubernetes describes them.
  assert.equal(firstSentence("Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."), "Number of desired pods.");
  assert.equal(firstSentence("Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"), "Standard object's metadata.");
  assert.equal(firstSentence("Path of the field to select in the specified API version, e.g. metadata.name. Only one."), "Path of the field to select in the specified API version, e.g. metadata.name.");
  assert.equal(firstSentence("API version of the referent"), "API version of the referent");
});

test("a path's schema steps through items and map values, and types read as Go's", () => {
  const s = {
    type: "object",
    properties: {
      containers: { type: "array", items: { type: "object", properties: { ports: { type: "array", items: { type: "object" } } } } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      maxSurge: { "x-kubernetes-int-or-string": true },
    },
  };
  assert.equal(schemaAt(s, ["containers", "[]", "ports"]), s.properties.containers.items.properties.ports);
  assert.deepEqual(schemaAt(s, ["labels", "app"]), { type: "string" });
  assert.equal(schemaAt(s, ["nothing", "here"]), undefined);
  assert.deepEqual([typeLabel(s.properties.containers), typeLabel(s.properties.labels), typeLabel(s.properties.maxSurge)], ["[]object", "map[string]string", "int-or-string"]);
});
