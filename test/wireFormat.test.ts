// What kube-apiserver puts on the wire around objects, and how it refuses
// bodies it cannot take: list items without TypeMeta, decoding errors as 400,
// the body size limit as 413, apply without a name as 400. Runs against any
// cluster with KPANDA_TEST_KUBECONFIG; where a v1.20 server words a message
// otherwise on purpose, the case says so and checks only the shared part.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { type Cluster, startCluster } from "./harness.ts";
import { type KubeHttp, kubeHttp } from "./kubeHttp.ts";

let cluster: Cluster;
let http: KubeHttp;
let ns = "";
let minor = 32;
before(async () => {
  cluster = await startCluster();
  http = await kubeHttp(cluster.kubeconfigPath);
  ns = await cluster.namespace("wire");
  minor = Number.parseInt((await http("GET", "/version")).body.minor, 10);
});
const clusterScoped: string[] = [];
after(async () => {
  for (const p of clusterScoped) await http("DELETE", p);
  await cluster.close();
});

const cmPath = () => `/api/v1/namespaces/${ns}/configmaps`;
const configMap = (name: string, data: object = { a: "b" }) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

test("a built-in list carries kind and apiVersion, its items do not, in JSON and YAML", async () => {
  // Typed list items have no TypeMeta: kube's versioning encoder sets it on the
  // list it encodes, not on each item (apimachinery runtime/serializer/versioning).
  for (const name of ["list-a", "list-b"]) assert.equal((await http("POST", cmPath(), configMap(name))).status, 201);
  const json = await http("GET", cmPath());
  assert.equal(json.body.kind, "ConfigMapList");
  assert.equal(json.body.apiVersion, "v1");
  assert.ok(json.body.items.length >= 2);
  for (const item of json.body.items) assert.deepEqual([item.kind, item.apiVersion], [undefined, undefined]);

  const yaml = await http("GET", cmPath(), undefined, undefined, "application/yaml");
  const doc = parseYaml(yaml.body);
  assert.equal(doc.kind, "ConfigMapList");
  for (const item of doc.items) assert.deepEqual([item.kind, item.apiVersion], [undefined, undefined]);

  // kubectl fills them in for its own output.
  const out = JSON.parse((await cluster.kubectl(["get", "configmaps", "-n", ns, "-o", "json"])).stdout);
  for (const item of out.items) assert.deepEqual([item.kind, item.apiVersion], ["ConfigMap", "v1"]);
});

test("deletecollection answers a list whose items carry no kind or apiVersion", async () => {
  assert.equal((await http("POST", cmPath(), configMap("gone-a"))).status, 201);
  const reply = await http("DELETE", `${cmPath()}?fieldSelector=metadata.name%3Dgone-a`);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.kind, "ConfigMapList");
  assert.deepEqual(reply.body.items.map((i: any) => [i.metadata.name, i.kind, i.apiVersion]), [["gone-a", undefined, undefined]]);
});

test("watch events carry kind and apiVersion on each object", async () => {
  // The watch encoder encodes each event's object on its own (handlers/watch.go).
  assert.equal((await http("POST", cmPath(), configMap("watched"))).status, 201);
  const reply = await http("GET", `${cmPath()}?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dwatched`);
  // One event parses as a whole body; more stay newline-delimited text.
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  const events = text.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(events[0].type, "ADDED");
  assert.deepEqual([events[0].object.kind, events[0].object.apiVersion], ["ConfigMap", "v1"]);
});

test("a custom resource list keeps kind and apiVersion on its items", async () => {
  // Custom resources are unstructured: each item is encoded with its own TypeMeta.
  const group = `${ns}.wire.kpanda.io`;
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
    },
  };
  await cluster.apply(JSON.stringify(crd));
  clusterScoped.push(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${group}`);
  await cluster.kubectl(["wait", "--for=condition=Established", `crd/gadgets.${group}`, "--timeout=30s"]);
  const path = `/apis/${group}/v1/namespaces/${ns}/gadgets`;
  let created = await http("POST", path, { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g1" }, spec: { n: 1 } });
  // Discovery of a new CRD can lag a moment behind Established on a real server.
  for (let i = 0; created.status === 404 && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    created = await http("POST", path, { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g1" }, spec: { n: 1 } });
  }
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const list = await http("GET", path);
  assert.equal(list.body.kind, "GadgetList");
  assert.deepEqual(list.body.items.map((i: any) => [i.kind, i.apiVersion]), [["Gadget", `${group}/v1`]]);
});

/** The Status of a refused write, checked for code and reason. */
function refused(reply: { status: number; body: any }, code: number, reason: string): string {
  assert.equal(reply.status, code, JSON.stringify(reply.body));
  assert.equal(reply.body.kind, "Status");
  assert.equal(reply.body.reason, reason);
  return reply.body.message;
}

const deployment = (name: string, spec: object) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec });

test("a value of the wrong JSON type answers 400 BadRequest naming the field and the Go type", async () => {
  // transformDecodeError (apiserver/pkg/endpoints/handlers/rest.go) wraps the
  // decoder's error; since 1.23 that decoder is sigs.k8s.io/json, whose type
  // errors read like encoding/json's. v1.20 decoded with json-iterator
  // ("v1.DeploymentSpec.Replicas: readUint32: unexpected character ...").
  const cases: [path: string, body: object, name: string, prefix: string, go: string][] = [
    [
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deployment("typed-replicas", { replicas: "3" }),
      "typed-replicas",
      'Deployment in version "v1" cannot be handled as a Deployment: ',
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
    ],
    [
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deployment("typed-spec", "three" as unknown as object),
      "typed-spec",
      'Deployment in version "v1" cannot be handled as a Deployment: ',
      "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec",
    ],
    [
      cmPath(),
      configMap("typed-data", { n: 1 }),
      "typed-data",
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: ',
      "json: cannot unmarshal number into Go struct field ConfigMap.data of type string",
    ],
    [
      `/api/v1/namespaces/${ns}/secrets`,
      { apiVersion: "v1", kind: "Secret", metadata: { name: "typed-base64" }, data: { a: "hello" } },
      "typed-base64",
      'Secret in version "v1" cannot be handled as a Secret: ',
      // Go's encoding/base64 CorruptInputError: "hello" has no padding.
      "illegal base64 data at input byte 4",
    ],
  ];
  for (const [path, body, name, prefix, go] of cases) {
    const message = refused(await http("POST", path, body), 400, "BadRequest");
    assert.ok(message.startsWith(prefix), message);
    if (minor >= 23) assert.equal(message, prefix + go);
    assert.equal((await http("GET", `${path}/${name}`)).status, 404, `${name} is not stored`);
  }
});

test("kubectl prints the decoding error of a wrong-typed value as BadRequest", async () => {
  const doc = JSON.stringify({ ...deployment("typed-kubectl", { replicas: "3" }), metadata: { name: "typed-kubectl", namespace: ns } });
  // --validate=false: kubectl would otherwise refuse it on its side (or ask for Strict).
  const r = await cluster.kubectl(["create", "--validate=false", "-f", "-"], { input: doc, allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: /);
});

test("kubectl create and patch of a body over 3 MiB print 413 RequestEntityTooLarge", async () => {
  // limitedReadBody (handlers/rest.go) with --max-request-body-bytes' default of 3 MiB.
  const blob = "x".repeat(5 * 1024 * 1024);
  const big = JSON.stringify({ ...configMap("huge", { blob }), metadata: { name: "huge", namespace: ns } });
  const create = await cluster.kubectl(["create", "-f", "-"], { input: big, allowFail: true });
  assert.notEqual(create.code, 0);
  assert.match(create.stderr, /Error from server \(RequestEntityTooLarge\): error when creating "STDIN": Request entity too large: limit is 3145728/);
  assert.doesNotMatch(create.stderr, /connection reset/);

  assert.equal((await http("POST", cmPath(), configMap("small"))).status, 201);
  const patchFile = `${process.env.TMPDIR ?? "/tmp"}/wire-patch-${ns}.json`;
  await import("node:fs/promises").then((fs) => fs.writeFile(patchFile, JSON.stringify({ data: { blob } })));
  const patch = await cluster.kubectl(["patch", "configmap", "small", "-n", ns, "--type=merge", "--patch-file", patchFile], { allowFail: true });
  await import("node:fs/promises").then((fs) => fs.rm(patchFile, { force: true }));
  assert.notEqual(patch.code, 0);
  assert.match(patch.stderr, /Error from server \(RequestEntityTooLarge\): Request entity too large: limit is 3145728/);
  assert.equal((await http("GET", `${cmPath()}/small`)).body.data.blob, undefined);
});

const APPLY = "application/apply-patch+yaml";
const UNNAMED = (name: string) => `the name of the object (${name} based on URL) was undeterminable: name must be provided`;

test("server-side apply of a body without metadata.name answers 400 and creates nothing", async () => {
  // checkName (handlers/rest.go) on the applied object; errEmptyName (handlers/namer.go).
  for (const metadata of [undefined, {}, { name: "" }]) {
    const body = { apiVersion: "v1", kind: "ConfigMap", ...(metadata ? { metadata } : {}), data: { a: "b" } };
    const reply = await http("PATCH", `${cmPath()}/unnamed?fieldManager=wire`, body, APPLY);
    assert.equal(refused(reply, 400, "BadRequest"), UNNAMED("unnamed"));
  }
  assert.equal((await http("GET", `${cmPath()}/unnamed`)).status, 404);
});

test("apply without metadata.name to an existing object updates it; an empty name is refused", async () => {
  // The applied object takes the live object's name, so checkName passes.
  const path = `${cmPath()}/named?fieldManager=wire`;
  assert.equal((await http("PATCH", path, { ...configMap("named"), data: { a: "1" } }, APPLY)).status, 201);
  const updated = await http("PATCH", path, { apiVersion: "v1", kind: "ConfigMap", data: { a: "2" } }, APPLY);
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.deepEqual([updated.body.metadata.name, updated.body.data.a], ["named", "2"]);
  const empty = await http("PATCH", path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "" }, data: { a: "3" } }, APPLY);
  assert.equal(refused(empty, 400, "BadRequest"), UNNAMED("named"));
});

test("an update or merge patch that leaves the object without a name answers 400", async () => {
  assert.equal((await http("POST", cmPath(), configMap("kept"))).status, 201);
  const put = await http("PUT", `${cmPath()}/kept`, { apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: "c" } });
  assert.equal(refused(put, 400, "BadRequest"), UNNAMED("kept"));
  const patch = await http("PATCH", `${cmPath()}/kept`, { metadata: { name: "" } }, "application/merge-patch+json");
  assert.equal(refused(patch, 400, "BadRequest"), UNNAMED("kept"));
  assert.deepEqual((await http("GET", `${cmPath()}/kept`)).body.data, { a: "b" });
});
