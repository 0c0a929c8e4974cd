// Custom resources REST against a simulated member: a CRD created through
// kpanda, seen in the cached CRD list and in crd-groups; objects of a
// namespaced and of a cluster-scoped CRD created (JSON and YAML), read,
// replaced, their status replaced, patched and deleted as the caller; the
// list's printer columns and pages; what an NS Viewer may do (the member's
// RBAC decides); and the member's structural-schema refusal, field by field.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import { until as waitFor, type WithMembers } from "./members.ts";
import { C, send, startWorkloads } from "./workloadsFixture.ts";

const until = <T>(what: string, fn: () => T | Promise<T>, ms = 60_000) => waitFor(what, fn, ms);
const NS = "crs";
const GROUP = "stable.example.com";
const TABS = `/clusters/${C}/gvr/${GROUP}/v1/namespaces/${NS}/crontabs`;
const WIDGETS = `/clusters/${C}/gvr/things.example.com/v1/widgets`;
let t: WithMembers;
let admin: string;
let viewer: string;

// The CronTab of the Kubernetes docs ("Extend the Kubernetes API with CustomResourceDefinitions"), with a status subresource and printer columns.
const cronTabs = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `crontabs.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: { cronSpec: { type: "string" }, image: { type: "string" }, replicas: { type: "integer", minimum: 1, maximum: 10 } },
              },
              status: { type: "object", properties: { runs: { type: "integer" } } },
            },
          },
        },
        additionalPrinterColumns: [
          { name: "Spec", type: "string", jsonPath: ".spec.cronSpec" },
          { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
          { name: "Runs", type: "integer", jsonPath: ".status.runs" },
        ],
      },
    ],
  },
};

// No printer columns: the member's Table (and so the list's columns) has Age only.
const widgets = {
  metadata: { name: "widgets.things.example.com" },
  spec: {
    group: "things.example.com",
    scope: "Cluster",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { color: { type: "string" } } } } } },
      },
    ],
  },
};

const tab = (name: string, replicas = 1, cronSpec = "* * * * */5") => ({ metadata: { name }, spec: { cronSpec, image: "cron:1", replicas } });

before(async () => {
  ({ t, tokens: { admin, viewer } } = await startWorkloads(NS, { viewer: "NSViewer" }));
  const r = await t.call("POST", `/clusters/${C}/customresourcedefinitions`, cronTabs, admin);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // The CRD without apiVersion and kind, as YAML: kpanda fills them in.
  const w = await send(t, "POST", `/clusters/${C}/customresourcedefinitions`, stringify(widgets), "application/yaml", admin);
  assert.equal(w.status, 201, JSON.stringify(w.body));
  // A CRD serves its objects once Established (the member answers 404 until then).
  await until("crontabs served", async () => (await t.call("GET", TABS, undefined, admin)).status === 200);
  await until("widgets served", async () => (await t.call("GET", WIDGETS, undefined, admin)).status === 200);
});
after(() => t?.close());

describe("CRDs", () => {
  test("a CRD created through kpanda is in the cached CRD list, in crd-groups, and readable", async () => {
    const listed = await until("CRD cached", async () => {
      const r = await t.call("GET", `/clusters/${C}/customresourcedefinitions?fuzzySearch=crontabs`, undefined, admin);
      return r.body.items?.length === 1 ? r.body : undefined;
    });
    assert.equal(listed.items[0].metadata.name, `crontabs.${GROUP}`);
    const groups = await until("crd-groups", async () => {
      const r = await t.call("GET", `/clusters/${C}/crd-groups`, undefined, admin);
      return r.body.items?.some((g: { group: string }) => g.group === "things.example.com") ? r.body : undefined;
    });
    const stable = groups.items.find((g: { group: string }) => g.group === GROUP);
    assert.deepEqual(stable.crds, [{ name: `crontabs.${GROUP}`, kind: "CronTab", plural: "crontabs", scope: "Namespaced", versions: ["v1"], storageVersion: "v1" }]);
    assert.equal(groups.freshness[0].cluster, C);
    assert.match(groups.revision, /^\d+$/);
    const one = await t.call("GET", `/clusters/${C}/customresourcedefinitions/crontabs.${GROUP}`, undefined, admin);
    assert.equal(one.status, 200);
    assert.equal(one.body.cluster, C);
    assert.equal(one.body.metadata.managedFields, undefined);
    const raw = await t.call("GET", `/clusters/${C}/customresourcedefinitions/widgets.things.example.com/json`, undefined, admin);
    assert.equal(raw.body.kind, "CustomResourceDefinition");
    assert.equal(raw.body.spec.scope, "Cluster");
  });

  test("objects of a CRD without printer columns show Age; the CRD replaced through kpanda with one, they show it", async () => {
    assert.equal((await t.call("POST", WIDGETS, { metadata: { name: "plum" }, spec: { color: "plum" } }, admin)).status, 201);
    const first = (await t.call("GET", `${WIDGETS}?fuzzySearch=plum`, undefined, admin)).body.items[0];
    // No additionalPrinterColumns: the CRD handler's Table has Age (a duration such as "0s").
    assert.deepEqual(Object.keys(first.columns), ["Age"]);
    assert.match(first.columns.Age, /^\d+[smhdy]/);
    const got = (await t.call("GET", `/clusters/${C}/customresourcedefinitions/widgets.things.example.com/json`, undefined, admin)).body;
    got.spec.versions[0].additionalPrinterColumns = [{ name: "Color", type: "string", jsonPath: ".spec.color" }];
    const r = await t.call("PUT", `/clusters/${C}/customresourcedefinitions/widgets.things.example.com`, got, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // The columns come from the cached CRD: they change once the cache has the new one.
    const item = await until("new columns", async () => {
      const l = await t.call("GET", `${WIDGETS}?fuzzySearch=plum`, undefined, admin);
      return l.body.items?.[0]?.columns?.Color ? l.body.items[0] : undefined;
    });
    assert.deepEqual(item.columns, { Color: "plum" });
  });

  test("crd-groups needs ClusterAdmin, as the CRD list (CRDs are cluster-scoped)", async () => {
    const r = await t.call("GET", `/clusters/${C}/crd-groups`, undefined, viewer);
    assert.equal(r.status, 403);
  });

  test("a CRD deleted through kpanda is gone from the member", async () => {
    const made = await t.call("POST", `/clusters/${C}/customresourcedefinitions`, { ...widgets, metadata: { name: "gadgets.things.example.com" }, spec: { ...widgets.spec, names: { plural: "gadgets", kind: "Gadget" } } }, admin);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const r = await t.call("DELETE", `/clusters/${C}/customresourcedefinitions/gadgets.things.example.com`, undefined, admin);
    assert.ok(r.status === 200 || r.status === 202, JSON.stringify(r.body));
    await until("CRD gone", async () => (await t.call("GET", `/clusters/${C}/customresourcedefinitions/gadgets.things.example.com`, undefined, admin)).status === 404);
  });
});

describe("namespaced custom resources", () => {
  test("created from JSON (apiVersion and kind filled in) and from YAML, read with and without managedFields", async () => {
    const r = await t.call("POST", TABS, tab("first"), admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apiVersion, `${GROUP}/v1`);
    assert.equal(r.body.kind, "CronTab");
    assert.equal(r.body.metadata.namespace, NS);
    const y = await send(t, "POST", TABS, stringify({ apiVersion: `${GROUP}/v1`, kind: "CronTab", ...tab("second", 3) }), "application/yaml", admin);
    assert.equal(y.status, 201, JSON.stringify(y.body));
    const view = await t.call("GET", `${TABS}/second`, undefined, admin);
    assert.equal(view.body.cluster, C);
    assert.equal(view.body.metadata.managedFields, undefined);
    assert.equal((await t.call("GET", `${TABS}/second/json`, undefined, admin)).body.metadata.uid, y.body.metadata.uid);
  });

  test("the list is the member's, with each object's printer columns, paged and searched by name", async () => {
    for (const n of ["page-a", "page-b", "page-c"]) assert.equal((await t.call("POST", TABS, tab(n, 2, "0 * * * *"), admin)).status, 201);
    const r = await t.call("GET", `${TABS}?fuzzySearch=PAGE-&pageSize=2&page=2`, undefined, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.pagination, { total: 3, page: 2, pageSize: 2 });
    // The member lists by name within a namespace.
    assert.deepEqual(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["page-c"]);
    const item = r.body.items[0];
    assert.equal(item.cluster, C);
    // apiextensions-apiserver tableconvertor: a string cell as jsonpath prints it, an integer as a number, a missing value null.
    assert.deepEqual(item.columns, { Spec: "0 * * * *", Replicas: 2, Runs: null });
  });

  test("PUT replaces, PUT …/status replaces the status only, PATCH takes merge and JSON patches, DELETE removes", async () => {
    await t.call("POST", TABS, tab("edited"), admin);
    const got = (await t.call("GET", `${TABS}/edited/json`, undefined, admin)).body;
    got.spec.image = "cron:2";
    const dry = await t.call("PUT", `${TABS}/edited?dryRun=All`, got, admin);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal((await t.call("GET", `${TABS}/edited/json`, undefined, admin)).body.spec.image, "cron:1");
    const put = await t.call("PUT", `${TABS}/edited`, got, admin);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.spec.image, "cron:2");
    // With the status subresource, a write to the main resource ignores status and one to /status ignores the rest.
    const status = await t.call("PUT", `${TABS}/edited/status`, { ...put.body, spec: { ...put.body.spec, image: "ignored" }, status: { runs: 4 } }, admin);
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.status.runs, 4);
    assert.equal(status.body.spec.image, "cron:2");
    const merge = await send(t, "PATCH", `${TABS}/edited`, JSON.stringify({ spec: { replicas: 5 } }), "application/merge-patch+json", admin);
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    assert.equal(merge.body.spec.replicas, 5);
    const json = await send(t, "PATCH", `${TABS}/edited`, JSON.stringify([{ op: "replace", path: "/spec/cronSpec", value: "@daily" }]), "application/json-patch+json", admin);
    assert.equal(json.body.spec.cronSpec, "@daily");
    // Custom resources take no strategic merge patch (apiextensions-apiserver: 415 UnsupportedMediaType).
    const strategic = await send(t, "PATCH", `${TABS}/edited`, JSON.stringify({ spec: { replicas: 6 } }), "application/strategic-merge-patch+json", admin);
    assert.equal(strategic.status, 415, JSON.stringify(strategic.body));
    const del = await t.call("DELETE", `${TABS}/edited`, undefined, admin);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal((await t.call("GET", `${TABS}/edited`, undefined, admin)).status, 404);
  });

  test("an object the CRD's schema refuses is a 422 with the member's causes field by field; dryRun=All stores nothing", async () => {
    const r = await t.call("POST", `${TABS}?dryRun=All`, tab("bad", 20), admin);
    // Structural schema validation: maximum 10 on spec.replicas (Invalid value ... should be less than or equal to 10).
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, "Invalid");
    assert.equal(r.body.cluster, C);
    // A real kube-apiserver (v1.20) answers the cause {field: "spec.replicas", reason: "FieldValueInvalid"}.
    const cause = r.body.details.causes.find((c: { field: string }) => c.field === "spec.replicas");
    assert.equal(cause?.reason, "FieldValueInvalid", JSON.stringify(r.body.details));
    const ok = await t.call("POST", `${TABS}?dryRun=All`, tab("dry"), admin);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await t.call("GET", `${TABS}/dry`, undefined, admin)).status, 404);
  });

  test("an NS Viewer lists what the member lets it read, and may not create", async () => {
    // kpanda-ns-view is kube's view written out: no custom resources, until the member grants them (as a CRD installer's aggregated role would).
    const denied = await t.call("GET", TABS, undefined, viewer);
    assert.equal(denied.status, 403, JSON.stringify(denied.body));
    await t.direct(C, ["create", "role", "crontab-reader", "-n", NS, "--verb=get,list,watch", `--resource=crontabs.${GROUP}`]);
    await t.direct(C, ["create", "rolebinding", "crontab-reader", "-n", NS, "--role=crontab-reader", "--user=kpanda:viewer"]);
    const listed = await until("viewer reads crontabs", async () => {
      const r = await t.call("GET", TABS, undefined, viewer);
      return r.status === 200 ? r.body : undefined;
    });
    assert.ok(listed.items.some((i: { metadata: { name: string } }) => i.metadata.name === "first"));
    const created = await t.call("POST", TABS, tab("by-viewer"), viewer);
    assert.equal(created.status, 403, JSON.stringify(created.body));
    assert.equal(created.body.reason, "Forbidden");
    assert.equal(created.body.cluster, C);
  });
});

describe("cluster-scoped custom resources", () => {
  test("created, read, patched and deleted, and audited as <plural>.<group>", async () => {
    const r = await t.call("POST", WIDGETS, { metadata: { name: "red" }, spec: { color: "red" } }, admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.metadata.namespace, undefined);
    assert.equal(r.body.kind, "Widget");
    assert.equal((await t.call("GET", `${WIDGETS}/red`, undefined, admin)).body.spec.color, "red");
    const p = await send(t, "PATCH", `${WIDGETS}/red`, JSON.stringify({ spec: { color: "green" } }), "application/merge-patch+json", admin);
    assert.equal(p.body.spec.color, "green");
    const got = (await t.call("GET", `${WIDGETS}/red/json`, undefined, admin)).body;
    const put = await t.call("PUT", `${WIDGETS}/red`, { ...got, spec: { color: "teal" } }, admin);
    assert.equal(put.body.spec.color, "teal");
    assert.equal((await t.call("DELETE", `${WIDGETS}/red`, undefined, admin)).status, 200);
    assert.equal((await t.call("GET", `${WIDGETS}/red`, undefined, admin)).status, 404);
    const entries = await t.auditEntries();
    const e = entries.find((x) => x.path.endsWith("/widgets/red") && x.verb === "delete");
    assert.ok(e, JSON.stringify(entries.slice(-5)));
    assert.equal(e.resource, "widgets.things.example.com");
    assert.equal(e.name, "red");
    assert.equal(e.cluster, C);
  });
});
