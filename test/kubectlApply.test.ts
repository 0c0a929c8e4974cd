// kubectl apply, create, replace and diff: what is stored, what is refused,
// and what kubectl reports about it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const configMap = (ns: string, name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
  data,
});

const deployment = (ns: string, name: string, selector: string, template: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: selector } },
    template: {
      metadata: { labels: { app: template } },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    },
  },
});

test("apply of a multi-document file reports created, then unchanged, then configured after an edit", async () => {
  const ns = await cluster.namespace("apply-multi");
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: ns },
    type: "Opaque",
    data: { user: Buffer.from("admin").toString("base64") },
  };
  const docs = (value: string) =>
    yamlDocs(configMap(ns, "settings", { mode: value }), secret, deployment(ns, "web", "web", "web"));

  const first = await cluster.apply(docs("a"));
  assert.deepEqual(first.stdout.trim().split("\n"), [
    "configmap/settings created",
    "secret/creds created",
    "deployment.apps/web created",
  ]);
  const second = await cluster.apply(docs("a"));
  assert.deepEqual(second.stdout.trim().split("\n"), [
    "configmap/settings unchanged",
    "secret/creds unchanged",
    "deployment.apps/web unchanged",
  ]);
  const third = await cluster.apply(docs("b"));
  assert.deepEqual(third.stdout.trim().split("\n"), [
    "configmap/settings configured",
    "secret/creds unchanged",
    "deployment.apps/web unchanged",
  ]);
  const stored = await cluster.kubectl([
    "-n",
    ns,
    "get",
    "configmap",
    "settings",
    "-o",
    "jsonpath={.data.mode}",
  ]);
  assert.equal(stored.stdout, "b");
});

test("a Secret's stringData is stored base64-encoded in data", async () => {
  const ns = await cluster.namespace("apply-stringdata");
  await cluster.apply(
    yamlDocs({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: ns },
      stringData: { token: "s3cr3t" },
    }),
  );
  const got = JSON.parse((await cluster.kubectl(["-n", ns, "get", "secret", "token", "-o", "json"])).stdout);
  assert.deepEqual(got.data, { token: Buffer.from("s3cr3t").toString("base64") });
  assert.equal(got.stringData, undefined);
  assert.equal(got.type, "Opaque");
});

test("diff exits 1 and prints the change when the live object differs, 0 when it matches", async () => {
  const ns = await cluster.namespace("apply-diff");
  await cluster.apply(yamlDocs(configMap(ns, "cfg", { level: "info" })));

  const same = await cluster.kubectl(["diff", "-f", "-"], {
    input: yamlDocs(configMap(ns, "cfg", { level: "info" })),
    allowFail: true,
  });
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, "");

  const changed = await cluster.kubectl(["diff", "-f", "-"], {
    input: yamlDocs(configMap(ns, "cfg", { level: "debug" })),
    allowFail: true,
  });
  assert.equal(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /^-\s+level: info$/m);
  assert.match(changed.stdout, /^\+\s+level: debug$/m);
  // diff changes nothing.
  const live = await cluster.kubectl(["-n", ns, "get", "configmap", "cfg", "-o", "jsonpath={.data.level}"]);
  assert.equal(live.stdout, "info");
});

test("--dry-run=server answers as if created but stores nothing", async () => {
  const ns = await cluster.namespace("apply-dryrun");
  const doc = yamlDocs(configMap(ns, "ghost", { a: "1" }));
  const created = await cluster.kubectl(["create", "-f", "-", "--dry-run=server"], { input: doc });
  assert.equal(created.stdout.trim(), "configmap/ghost created (server dry run)");
  const applied = await cluster.apply(doc, ["--dry-run=server", "-o", "json"]);
  const echoed = JSON.parse(applied.stdout);
  assert.equal(echoed.metadata.name, "ghost");
  assert.equal(echoed.data.a, "1");
  const get = await cluster.kubectl(["-n", ns, "get", "configmap", "ghost"], { allowFail: true });
  assert.equal(get.code, 1);
  assert.match(get.stderr, /Error from server \(NotFound\): configmaps "ghost" not found/);
});

test("create -f of an object with only generateName gets a generated name with that prefix", async () => {
  const ns = await cluster.namespace("apply-genname");
  const doc = yamlDocs({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { generateName: "job-", namespace: ns },
  });
  const one = await cluster.kubectl(["create", "-f", "-", "-o", "name"], { input: doc });
  const two = await cluster.kubectl(["create", "-f", "-", "-o", "name"], { input: doc });
  assert.match(one.stdout.trim(), /^configmap\/job-[a-z0-9]{5}$/);
  assert.match(two.stdout.trim(), /^configmap\/job-[a-z0-9]{5}$/);
  assert.notEqual(one.stdout, two.stdout);
  const listed = await cluster.kubectl(["-n", ns, "get", "configmaps", "-o", "name"]);
  const names = listed.stdout.trim().split("\n");
  assert.ok(names.includes(one.stdout.trim()) && names.includes(two.stdout.trim()), listed.stdout);
});

test("create of an existing object fails with AlreadyExists and leaves it as it was", async () => {
  const ns = await cluster.namespace("apply-dup");
  await cluster.kubectl(["create", "-f", "-"], { input: yamlDocs(configMap(ns, "dup", { v: "1" })) });
  const again = await cluster.kubectl(["create", "-f", "-"], {
    input: yamlDocs(configMap(ns, "dup", { v: "2" })),
    allowFail: true,
  });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Error from server \(AlreadyExists\): .*configmaps "dup" already exists/);
  const live = await cluster.kubectl(["-n", ns, "get", "configmap", "dup", "-o", "jsonpath={.data.v}"]);
  assert.equal(live.stdout, "1");
});

test("replace with a stale resourceVersion fails with Conflict and keeps the newer object", async () => {
  const ns = await cluster.namespace("apply-stale");
  await cluster.apply(yamlDocs(configMap(ns, "cfg", { v: "1" })));
  const stale = JSON.parse(
    (await cluster.kubectl(["-n", ns, "get", "configmap", "cfg", "-o", "json"])).stdout,
  );
  await cluster.kubectl(["-n", ns, "label", "configmap", "cfg", "touched=yes"]);
  stale.data.v = "stale";
  const replaced = await cluster.kubectl(["replace", "-f", "-"], {
    input: JSON.stringify(stale),
    allowFail: true,
  });
  assert.equal(replaced.code, 1);
  assert.match(
    replaced.stderr,
    /Error from server \(Conflict\): .*Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again/,
  );
  const live = JSON.parse(
    (await cluster.kubectl(["-n", ns, "get", "configmap", "cfg", "-o", "json"])).stdout,
  );
  assert.equal(live.data.v, "1");
  assert.equal(live.metadata.labels.touched, "yes");

  // The same replace with the current resourceVersion goes through.
  stale.metadata.resourceVersion = live.metadata.resourceVersion;
  const fresh = await cluster.kubectl(["replace", "-f", "-"], { input: JSON.stringify(stale) });
  assert.equal(fresh.stdout.trim(), "configmap/cfg replaced");
});

test("a Deployment whose selector does not match its template labels is refused and not stored", async () => {
  const ns = await cluster.namespace("apply-badsel");
  const res = await cluster.kubectl(["create", "-f", "-"], {
    input: yamlDocs(deployment(ns, "mismatch", "a", "b")),
    allowFail: true,
  });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /The Deployment "mismatch" is invalid: /);
  assert.match(
    res.stderr,
    /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/,
  );
  const get = await cluster.kubectl(["-n", ns, "get", "deployment", "mismatch"], { allowFail: true });
  assert.equal(get.code, 1);
  assert.match(get.stderr, /Error from server \(NotFound\): deployments\.apps "mismatch" not found/);
});

test("an object with an invalid name is refused and not stored", async () => {
  const ns = await cluster.namespace("apply-badname");
  const created = await cluster.kubectl(["create", "-f", "-"], {
    input: yamlDocs(configMap(ns, "Not_A_Name")),
    allowFail: true,
  });
  assert.equal(created.code, 1);
  assert.match(
    created.stderr,
    /The ConfigMap "Not_A_Name" is invalid: metadata\.name: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/,
  );
  const get = await cluster.kubectl(["-n", ns, "get", "configmap", "Not_A_Name"], { allowFail: true });
  assert.equal(get.code, 1);
  assert.match(get.stderr, /NotFound/);
});
