// A CustomResourceDefinition through kubectl: Established, custom resource
// CRUD, schema errors, shortNames, printer columns and explain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, headers, type KubectlResult, startCluster, yamlDocs } from "./harness.ts";

const GROUP = "kubectl-test.kpanda.io";
const CRD_NAME = `gadgets.${GROUP}`;

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "gadgets", singular: "gadget", kind: "Gadget", shortNames: ["gdg"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: "Size", type: "integer", jsonPath: ".spec.size" },
          { name: "Color", type: "string", jsonPath: ".spec.color" },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
        schema: {
          openAPIV3Schema: {
            type: "object",
            description: "A Gadget is a custom resource for kubectl tests.",
            properties: {
              spec: {
                type: "object",
                description: "The desired gadget.",
                required: ["size"],
                properties: {
                  size: { type: "integer", minimum: 1, description: "How many parts the gadget has." },
                  color: { type: "string", description: "Paint colour." },
                },
              },
              status: { type: "object", properties: { ready: { type: "boolean" } } },
            },
          },
        },
      },
    ],
  },
};

let cluster: Cluster;
/** kubectl wait for the CRD, started once; every test needs the kind served. */
let established: Promise<KubectlResult>;
before(async () => {
  cluster = await startCluster();
  await cluster.apply(yamlDocs(crd));
  established = cluster.kubectl(["wait", "--for=condition=Established", `crd/${CRD_NAME}`, "--timeout=30s"]);
  established.catch(() => {});
});
after(async () => {
  if (!cluster.server)
    await cluster.kubectl(["delete", "crd", CRD_NAME, "--wait=false"], { allowFail: true });
  await cluster.close();
});

const gadget = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/v1`,
  kind: "Gadget",
  metadata: { name, namespace: ns },
  spec,
});

test("wait --for=condition=Established returns once the CRD is served", { timeout: 60_000 }, async () => {
  const res = await established;
  assert.equal(res.stdout.trim(), `customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} condition met`);
  const names = await cluster.kubectl([
    "get",
    "crd",
    CRD_NAME,
    "-o",
    "jsonpath={.status.acceptedNames.kind}",
  ]);
  assert.equal(names.stdout, "Gadget");
});

test("custom resources are created, read by shortName, patched and deleted", async () => {
  await established;
  const ns = await cluster.namespace("crd-crud");
  const created = await cluster.apply(yamlDocs(gadget(ns, "g1", { size: 3, color: "red" })));
  assert.equal(created.stdout.trim(), `gadget.${GROUP}/g1 created`);

  const byShort = JSON.parse((await cluster.kubectl(["-n", ns, "get", "gdg", "g1", "-o", "json"])).stdout);
  assert.equal(byShort.kind, "Gadget");
  assert.deepEqual(byShort.spec, { size: 3, color: "red" });
  const byFull = await cluster.kubectl([
    "-n",
    ns,
    "get",
    `gadgets.${GROUP}`,
    "g1",
    "-o",
    "jsonpath={.metadata.uid}",
  ]);
  assert.equal(byFull.stdout, byShort.metadata.uid);

  await cluster.kubectl(["-n", ns, "patch", "gdg", "g1", "--type=merge", "-p", '{"spec":{"size":5}}']);
  const status = await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "gdg",
    "g1",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"ready":true}}',
  ]);
  assert.equal(status.stdout.trim(), `gadget.${GROUP}/g1 patched`);
  const patched = JSON.parse((await cluster.kubectl(["-n", ns, "get", "gdg", "g1", "-o", "json"])).stdout);
  assert.equal(patched.spec.size, 5);
  assert.equal(patched.status.ready, true);

  const deleted = await cluster.kubectl(["-n", ns, "delete", "gdg", "g1"]);
  assert.equal(deleted.stdout.trim(), `gadget.${GROUP} "g1" deleted`);
  const gone = await cluster.kubectl(["-n", ns, "get", "gdg", "g1"], { allowFail: true });
  assert.equal(gone.code, 1);
  assert.match(
    gone.stderr,
    new RegExp(`Error from server \\(NotFound\\): gadgets\\.${GROUP.replace(/\./g, "\\.")} "g1" not found`),
  );
});

test("custom resources breaking the schema are refused with field errors and not stored", async () => {
  await established;
  const ns = await cluster.namespace("crd-schema");
  const refused = async (obj: object) => {
    const res = await cluster.kubectl(["create", "-f", "-"], { input: yamlDocs(obj), allowFail: true });
    assert.equal(res.code, 1, res.stdout);
    return res.stderr;
  };
  const wrongType = await refused(gadget(ns, "wrong-type", { size: "big" }));
  assert.match(
    wrongType,
    /The Gadget "wrong-type" is invalid: spec\.size: Invalid value: "string": spec\.size in body must be of type integer: "string"/,
  );
  const missing = await refused(gadget(ns, "missing", { color: "blue" }));
  assert.match(missing, /The Gadget "missing" is invalid: spec\.size: Required value/);
  const tooSmall = await refused(gadget(ns, "too-small", { size: 0 }));
  assert.match(
    tooSmall,
    /spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/,
  );

  const list = await cluster.kubectl(["-n", ns, "get", "gadgets", "-o", "name"]);
  assert.equal(list.stdout, "");
});

test("get shows the CRD's additionalPrinterColumns", async () => {
  await established;
  const ns = await cluster.namespace("crd-columns");
  await cluster.apply(
    yamlDocs(gadget(ns, "small", { size: 1, color: "green" }), gadget(ns, "plain", { size: 12 })),
  );
  const rows = (await cluster.kubectl(["-n", ns, "get", "gadgets"])).stdout.trim().split("\n");
  assert.deepEqual(headers(rows[0]), ["NAME", "SIZE", "COLOR", "AGE"]);
  assert.match(rows[1], /^plain\s+12\s+\S+$/);
  assert.match(rows[2], /^small\s+1\s+green\s+\S+$/);
});

test("explain describes the custom kind from its schema", async () => {
  await established;
  const top = (await cluster.kubectl(["explain", "gadgets"])).stdout;
  assert.match(top, new RegExp(`^GROUP:\\s+${GROUP.replace(/\./g, "\\.")}$`, "m"));
  assert.match(top, /^KIND:\s+Gadget$/m);
  assert.match(top, /A Gadget is a custom resource for kubectl tests\./);
  assert.match(top, /^ {2}spec\s+<Object>$/m);

  const size = (await cluster.kubectl(["explain", "gdg.spec.size"])).stdout;
  assert.match(size, /^FIELD: size <integer>$/m);
  assert.match(size, /How many parts the gadget has\./);
  const spec = (await cluster.kubectl(["explain", "gadget.spec"])).stdout;
  assert.match(spec, /^ {2}size\s+<integer> -required-$/m);
});
