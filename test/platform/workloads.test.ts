// Workload and object REST against a simulated member, over HTTP: create by
// JSON and by YAML, dry runs, the member's field-by-field refusal, replace,
// patch by each patch type, delete with a cascade choice, what an NS Viewer
// may do (the member's RBAC decides: kube's `view` reads workloads, changes
// nothing and reads no Secret), and the workloads using a ConfigMap.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import { until as waitFor, type WithMembers } from "./members.ts";
import { C, deployment, direct, send, startWorkloads, statefulSet } from "./workloadsFixture.ts";

// Controllers and the garbage collector act within seconds, but the machine is shared: wait up to a minute.
const until = <T>(what: string, fn: () => T | Promise<T>, ms = 60_000) => waitFor(what, fn, ms);
const NS = "shop";
const P = `/clusters/${C}/namespaces/${NS}`;
let t: WithMembers;
let admin: string;
let viewer: string;
let editor: string;

before(async () => {
  ({ t, tokens: { admin, viewer, editor } } = await startWorkloads(NS, { viewer: "NSViewer", editor: "NSEditor" }));
});
after(() => t?.close());

describe("creating and changing objects", () => {
  test("a Deployment created from JSON is in the member, and GET answers it with its cluster and no managedFields", async () => {
    const r = await t.call("POST", `${P}/deployments/json`, deployment("by-json", "nginx:1.25"), admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.metadata.namespace, NS);
    assert.equal((await direct(t, NS, "deployment", "by-json")).spec.template.spec.containers[0].image, "nginx:1.25");
    const view = await t.call("GET", `${P}/deployments/by-json`, undefined, admin);
    assert.equal(view.status, 200);
    assert.equal(view.body.cluster, C);
    assert.equal(view.body.metadata.managedFields, undefined);
    const raw = await t.call("GET", `${P}/deployments/by-json/json`, undefined, admin);
    assert.equal(raw.body.metadata.uid, r.body.metadata.uid);
  });

  test("a StatefulSet created from YAML (Content-Type application/yaml) is in the member", async () => {
    const r = await send(t, "POST", `${P}/statefulsets/json`, stringify(statefulSet("by-yaml", "redis:7")), "application/yaml", admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await direct(t, NS, "statefulset", "by-yaml")).spec.serviceName, "by-yaml");
    const bad = await send(t, "POST", `${P}/statefulsets/json`, "a: [1\n", "text/yaml", admin);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /YAML/);
  });

  test("dryRun=All creates nothing, and a bad object comes back with the member's causes field by field", async () => {
    const ok = await t.call("POST", `${P}/deployments/json?dryRun=All`, deployment("dry", "nginx:1.25"), admin);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(await direct(t, NS, "deployment", "dry"), undefined);
    const bad = deployment("bad", "nginx:1.25", -1);
    bad.spec.template.spec.containers[0].image = "";
    const r = await t.call("POST", `${P}/deployments/json?dryRun=All`, bad, admin);
    // apps validation: ValidateNonnegativeField(spec.replicas); core validation: containers[*].image Required.
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, "Invalid");
    assert.equal(r.body.cluster, C);
    const fields = r.body.details.causes.map((c: { field: string }) => c.field);
    assert.ok(fields.includes("spec.replicas"), fields.join());
    assert.ok(fields.includes("spec.template.spec.containers[0].image"), fields.join());
    const replicas = r.body.details.causes.find((c: { field: string }) => c.field === "spec.replicas");
    assert.equal(replicas.reason, "FieldValueInvalid");
    assert.equal(await direct(t, NS, "deployment", "bad"), undefined);
    // Audited, and marked as the dry runs they were (the timeline leaves them out).
    const audited = (await t.auditEntries()).filter((e) => e.resource === "deployments" && (e.name === "dry" || e.name === "bad"));
    assert.deepEqual(audited.map((e) => [e.name, e.code, e.dryRun]).sort(), [["bad", 422, true], ["dry", 201, true]]);
  });

  test("PUT replaces the object (dryRun=All changes nothing), and PATCH passes merge, strategic and JSON patches through", async () => {
    await t.call("POST", `${P}/deployments/json`, deployment("edited", "nginx:1.25"), admin);
    const got = (await t.call("GET", `${P}/deployments/edited/json`, undefined, admin)).body;
    got.spec.template.spec.containers[0].image = "nginx:1.26";
    const dry = await t.call("PUT", `${P}/deployments/edited/json?dryRun=All`, got, admin);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal((await direct(t, NS, "deployment", "edited")).spec.template.spec.containers[0].image, "nginx:1.25");
    // The Deployment controller writes status meanwhile: read, change and replace until the read is current.
    await until("the replace", async () => {
      const now = (await t.call("GET", `${P}/deployments/edited/json`, undefined, admin)).body;
      now.spec.template.spec.containers[0].image = "nginx:1.26";
      const put = await t.call("PUT", `${P}/deployments/edited/json`, now, admin);
      assert.ok(put.status === 200 || put.status === 409, JSON.stringify(put.body));
      return put.status === 200;
    });
    // A stale resourceVersion is the member's 409 Conflict.
    assert.equal((await t.call("PUT", `${P}/deployments/edited/json`, got, admin)).status, 409);
    const merge = await send(t, "PATCH", `${P}/deployments/edited`, '{"metadata":{"labels":{"tier":"web"}}}', "application/merge-patch+json", admin);
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    const strategic = JSON.stringify({ spec: { template: { spec: { containers: [{ name: "main", image: "nginx:1.27" }] } } } });
    assert.equal((await send(t, "PATCH", `${P}/deployments/edited`, strategic, "application/strategic-merge-patch+json", admin)).status, 200);
    const json = await send(t, "PATCH", `${P}/deployments/edited`, '[{"op":"replace","path":"/spec/replicas","value":1}]', "application/json-patch+json", admin);
    assert.equal(json.status, 200, JSON.stringify(json.body));
    const now = await direct(t, NS, "deployment", "edited");
    assert.deepEqual([now.metadata.labels.tier, now.spec.template.spec.containers[0].image, now.spec.replicas], ["web", "nginx:1.27", 1]);
  });

  test("a Service, ConfigMap and Secret are created, replaced, read and deleted", async () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };
    assert.equal((await t.call("POST", `${P}/services/json`, svc, editor)).status, 201);
    const read = (await t.call("GET", `${P}/services/web/json`, undefined, editor)).body;
    read.spec.ports[0].port = 8080;
    assert.equal((await t.call("PUT", `${P}/services/web/json`, read, editor)).status, 200);
    assert.equal((await direct(t, NS, "service", "web")).spec.ports[0].port, 8080);
    const cm = { metadata: { name: "settings" }, data: { mode: "fast" } };
    assert.equal((await t.call("POST", `${P}/configmaps/json`, cm, editor)).status, 201, "apiVersion and kind are filled in");
    const secret = { metadata: { name: "creds" }, stringData: { password: "s3cret" } };
    assert.equal((await t.call("POST", `${P}/secrets/json`, secret, editor)).status, 201);
    const s = await t.call("GET", `${P}/secrets/creds/json`, undefined, editor);
    assert.equal(Buffer.from(s.body.data.password, "base64").toString(), "s3cret");
    for (const path of ["services/web", "configmaps/settings"]) assert.equal((await t.call("DELETE", `${P}/${path}`, undefined, editor)).status, 200);
    assert.equal(await direct(t, NS, "service", "web"), undefined);
  });
});

describe("every other kind", () => {
  test("an Ingress, a PVC and a ServiceAccount go through create, read, replace and delete; a ReplicaSet is read and deleted only", async () => {
    const objects: [string, object][] = [
      ["ingresses", { metadata: { name: "web" }, spec: { rules: [{ host: "shop.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] } }],
      ["persistentvolumeclaims", { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      ["serviceaccounts", { metadata: { name: "robot" } }],
    ];
    for (const [kind, obj] of objects) {
      const created = await t.call("POST", `${P}/${kind}/json`, obj, admin);
      assert.equal(created.status, 201, `${kind}: ${JSON.stringify(created.body)}`);
      const name = created.body.metadata.name;
      // Read and replace until the read is current (a PVC's binder may write it meanwhile).
      await until(`${kind} replaced`, async () => {
        const read = (await t.call("GET", `${P}/${kind}/${name}/json`, undefined, admin)).body;
        read.metadata.labels = { checked: "yes" };
        return (await t.call("PUT", `${P}/${kind}/${name}/json`, read, admin)).status === 200;
      });
      assert.equal((await t.call("GET", `${P}/${kind}/${name}`, undefined, admin)).body.metadata.labels.checked, "yes", kind);
      assert.equal((await t.call("DELETE", `${P}/${kind}/${name}`, undefined, admin)).status, 200, kind);
    }
    await t.call("POST", `${P}/deployments/json`, deployment("owner", "nginx:1.25", 1), admin);
    const rs = await until("its ReplicaSet", async () => JSON.parse((await t.direct(C, ["get", "rs", "-n", NS, "-l", "app=owner", "-o", "json"])).stdout).items[0]);
    assert.equal((await t.call("GET", `${P}/replicasets/${rs.metadata.name}/json`, undefined, admin)).body.metadata.uid, rs.metadata.uid);
    assert.equal((await t.call("POST", `${P}/replicasets/json`, rs, admin)).status, 404, "no create for ReplicaSets");
    assert.equal((await t.call("DELETE", `${P}/replicasets/${rs.metadata.name}`, undefined, admin)).status, 200);
  });
});

describe("deleting with a cascade choice", () => {
  test("Orphan leaves the ReplicaSet behind without its owner; Background removes it", async () => {
    for (const name of ["orphaned", "cascaded"]) await t.call("POST", `${P}/deployments/json`, deployment(name, "nginx:1.25", 1), admin);
    const rsOf = async (app: string) => JSON.parse((await t.direct(C, ["get", "rs", "-n", NS, "-l", `app=${app}`, "-o", "json"])).stdout).items;
    await until("both ReplicaSets", async () => (await rsOf("orphaned")).length === 1 && (await rsOf("cascaded")).length === 1);
    const orphan = await t.call("DELETE", `${P}/deployments/orphaned?propagationPolicy=Orphan`, undefined, admin);
    assert.equal(orphan.status, 200, JSON.stringify(orphan.body));
    assert.equal((await t.call("DELETE", `${P}/deployments/cascaded?propagationPolicy=Background`, undefined, admin)).status, 200);
    await until("the Deployments gone", async () => !(await direct(t, NS, "deployment", "orphaned")) && !(await direct(t, NS, "deployment", "cascaded")));
    // The garbage collector orphans dependents by removing their ownerReferences to the deleted owner.
    const left = await until("the orphan freed of its owner", async () => {
      const rs = (await rsOf("orphaned"))[0];
      return rs && !(rs.metadata.ownerReferences ?? []).length ? rs : undefined;
    });
    assert.equal(left.spec.replicas, 1);
    await until("the cascaded ReplicaSet gone", async () => (await rsOf("cascaded")).length === 0);
    const bad = await t.call("DELETE", `${P}/deployments/x?propagationPolicy=Sometimes`, undefined, admin);
    assert.equal(bad.status, 400);
  });
});

describe("an NS Viewer", () => {
  test("reads workloads but every change is the member's 403, and a Secret is refused whole", async () => {
    await t.call("POST", `${P}/deployments/json`, deployment("seen", "nginx:1.25", 1), admin);
    await t.call("POST", `${P}/secrets/json`, { metadata: { name: "hidden" }, stringData: { k: "v" } }, admin);
    assert.equal((await t.call("GET", `${P}/deployments/seen`, undefined, viewer)).status, 200);
    const changes: [string, string, unknown?][] = [
      ["POST", `${P}/deployments/json`, deployment("mine", "nginx:1.25")],
      ["POST", `${P}/deployments/json?dryRun=All`, deployment("mine", "nginx:1.25")],
      ["PUT", `${P}/deployments/seen/json`, deployment("seen", "nginx:1.26")],
      ["POST", `${P}/deployments/seen:restart`],
      ["POST", `${P}/deployments/seen:stop`],
      ["DELETE", `${P}/deployments/seen`],
    ];
    for (const [method, path, body] of changes) {
      const r = await t.call(method, path, body, viewer);
      assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.cluster, C);
    }
    // kube's view role (kpanda-ns-view) has no Secrets: a single Secret's GET is refused, values and all.
    for (const path of ["secrets/hidden/json", "secrets/hidden"]) {
      const r = await t.call("GET", `${P}/${path}`, undefined, viewer);
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.data, undefined);
    }
    assert.ok(await direct(t, NS, "deployment", "seen"));
    const audited = (await t.auditEntries()).filter((e) => e.user === "viewer" && e.resource === "deployments");
    assert.ok(audited.some((e) => e.verb === "restart" && e.name === "seen" && e.code === 403));
  });

  test("a user with no role in the cluster is refused by kpanda before the member", async () => {
    const stranger = await t.addUser("stranger", []);
    const r = await t.call("GET", `${P}/deployments/seen/json`, undefined, stranger);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /has no role in cluster/);
  });
});

describe("an unreachable member", () => {
  test("answers 503 ServiceUnavailable naming the cluster, and works again once it is back", async () => {
    const faults = t.sim.cluster(C).faults;
    await faults.unreachable();
    try {
      const r = await t.call("POST", `${P}/deployments/json`, deployment("late", "nginx:1.25"), admin);
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.deepEqual([r.body.reason, r.body.cluster], ["ServiceUnavailable", C]);
      assert.match(r.body.message, /unreachable/);
    } finally {
      await faults.reachable();
    }
    await until("the member answering", async () => (await t.call("POST", `${P}/deployments/json`, deployment("late", "nginx:1.25"), admin)).status === 201);
  });
});

describe("related workloads", () => {
  test("a ConfigMap lists the workloads whose pod template uses it, and how", async () => {
    await t.call("POST", `${P}/configmaps/json`, { metadata: { name: "app-config" }, data: { LEVEL: "debug" } }, admin);
    const env = [{ name: "LEVEL", valueFrom: { configMapKeyRef: { name: "app-config", key: "LEVEL" } } }];
    await t.call("POST", `${P}/deployments/json`, deployment("uses-env", "nginx:1.25", 1, { env, envFrom: [{ configMapRef: { name: "app-config" } }] }), admin);
    const sts = statefulSet("uses-volume", "redis:7", 1) as any;
    sts.spec.template.spec.volumes = [
      { name: "conf", configMap: { name: "app-config" } },
      { name: "all", projected: { sources: [{ configMap: { name: "app-config" } }] } },
    ];
    await t.call("POST", `${P}/statefulsets/json`, sts, admin);
    await t.call("POST", `${P}/deployments/json`, deployment("unrelated", "nginx:1.25", 1), admin);
    const r = await t.call("GET", `${P}/configmaps/app-config/related`, undefined, viewer);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items, [
      { kind: "Deployment", name: "uses-env", namespace: NS, uses: ["env", "envFrom"] },
      { kind: "StatefulSet", name: "uses-volume", namespace: NS, uses: ["volume", "projected"] },
    ]);
    assert.equal(r.body.pagination.total, 2);
  });
});
