// kubectl label and annotate, label and field selectors, and delete -l.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const configMap = (ns: string, name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, labels },
});

/** Names of `resource` in `ns` that `args` select, sorted. */
async function names(ns: string, resource: string, ...args: string[]): Promise<string[]> {
  const res = await cluster.kubectl([
    "-n",
    ns,
    "get",
    resource,
    ...args,
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]);
  return res.stdout.split(" ").filter(Boolean).sort();
}

test("label and annotate add, overwrite and remove keys with key-", async () => {
  const ns = await cluster.namespace("meta-label");
  await cluster.apply(yamlDocs(configMap(ns, "cfg")));
  const meta = async () =>
    JSON.parse((await cluster.kubectl(["-n", ns, "get", "configmap", "cfg", "-o", "json"])).stdout).metadata;

  const labeled = await cluster.kubectl(["-n", ns, "label", "configmap", "cfg", "tier=web", "env=prod"]);
  assert.equal(labeled.stdout.trim(), "configmap/cfg labeled");
  const annotated = await cluster.kubectl([
    "-n",
    ns,
    "annotate",
    "configmap",
    "cfg",
    "owner=team-a",
    "note=hello world",
  ]);
  assert.equal(annotated.stdout.trim(), "configmap/cfg annotated");
  let m = await meta();
  assert.equal(m.labels.tier, "web");
  assert.equal(m.labels.env, "prod");
  assert.equal(m.annotations.owner, "team-a");
  assert.equal(m.annotations.note, "hello world");

  // Changing a value needs --overwrite.
  const clash = await cluster.kubectl(["-n", ns, "label", "configmap", "cfg", "tier=db"], {
    allowFail: true,
  });
  assert.equal(clash.code, 1);
  assert.match(clash.stderr, /'tier' already has a value \(web\), and --overwrite is false/);
  await cluster.kubectl(["-n", ns, "label", "configmap", "cfg", "tier=db", "--overwrite"]);

  const unlabeled = await cluster.kubectl(["-n", ns, "label", "configmap", "cfg", "env-"]);
  assert.equal(unlabeled.stdout.trim(), "configmap/cfg unlabeled");
  await cluster.kubectl(["-n", ns, "annotate", "configmap", "cfg", "note-"]);
  m = await meta();
  assert.deepEqual(m.labels, { tier: "db" });
  assert.equal(m.annotations.owner, "team-a");
  assert.equal(m.annotations.note, undefined);
});

test("label selectors =, !=, in, notin, exists and !exists pick the matching objects", async () => {
  const ns = await cluster.namespace("meta-select");
  await cluster.apply(
    yamlDocs(
      configMap(ns, "a-web", { tier: "web", team: "x" }),
      configMap(ns, "b-db", { tier: "db" }),
      configMap(ns, "c-cache", { tier: "cache", team: "y" }),
      configMap(ns, "d-plain", { team: "x" }),
    ),
  );
  // kube-root-ca.crt has no labels; the "!exists" and "!=" cases include it when present.
  const without = (list: string[]) => list.filter((n) => n !== "kube-root-ca.crt");

  assert.deepEqual(await names(ns, "configmaps", "-l", "tier=web"), ["a-web"]);
  assert.deepEqual(await names(ns, "configmaps", "-l", "tier==db"), ["b-db"]);
  assert.deepEqual(without(await names(ns, "configmaps", "-l", "tier!=web")), ["b-db", "c-cache", "d-plain"]);
  assert.deepEqual(await names(ns, "configmaps", "-l", "tier in (web,db)"), ["a-web", "b-db"]);
  assert.deepEqual(without(await names(ns, "configmaps", "-l", "tier notin (web,db)")), [
    "c-cache",
    "d-plain",
  ]);
  assert.deepEqual(await names(ns, "configmaps", "-l", "tier"), ["a-web", "b-db", "c-cache"]);
  assert.deepEqual(without(await names(ns, "configmaps", "-l", "!tier")), ["d-plain"]);
  // Requirements separated by commas must all hold.
  assert.deepEqual(await names(ns, "configmaps", "-l", "team=x,tier"), ["a-web"]);

  const bad = await cluster.kubectl(["-n", ns, "get", "configmaps", "-l", "tier in (web"], {
    allowFail: true,
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unable to parse requirement|found '', expected: ',' or '\)'/);
});

test("field selectors on metadata.name, a Secret's type and a Pod's status.phase", async () => {
  const ns = await cluster.namespace("meta-fields");
  const secret = (name: string, type: string, data: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns },
    type,
    stringData: data,
  });
  await cluster.apply(
    yamlDocs(
      configMap(ns, "first"),
      configMap(ns, "second"),
      secret("plain", "Opaque", { k: "v" }),
      secret("basic", "kubernetes.io/basic-auth", { username: "u", password: "p" }),
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "pod-a", namespace: ns },
        // No node matches, so the pod stays Pending on a real cluster too.
        spec: {
          nodeSelector: { "example.com/no-such-node": "true" },
          containers: [{ name: "c", image: "busybox" }],
        },
      },
    ),
  );
  assert.deepEqual(await names(ns, "configmaps", "--field-selector", "metadata.name=second"), ["second"]);
  assert.deepEqual(
    (await names(ns, "configmaps", "--field-selector", "metadata.name!=second")).filter(
      (n) => n !== "kube-root-ca.crt",
    ),
    ["first"],
  );
  assert.deepEqual(await names(ns, "secrets", "--field-selector", "type=kubernetes.io/basic-auth"), [
    "basic",
  ]);
  assert.deepEqual(await names(ns, "secrets", "--field-selector", "type=Opaque"), ["plain"]);
  assert.deepEqual(await names(ns, "pods", "--field-selector", "status.phase=Pending"), ["pod-a"]);
  assert.deepEqual(await names(ns, "pods", "--field-selector", "status.phase=Succeeded"), []);

  const unknown = await cluster.kubectl(["-n", ns, "get", "secrets", "--field-selector", "spec.color=red"], {
    allowFail: true,
  });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /field selector "spec\.color=red": field label not supported: spec\.color$/m);
});

test("delete -l removes exactly the selected objects", async () => {
  const ns = await cluster.namespace("meta-delete");
  await cluster.apply(
    yamlDocs(
      configMap(ns, "old-1", { gen: "old" }),
      configMap(ns, "old-2", { gen: "old" }),
      configMap(ns, "new-1", { gen: "new" }),
    ),
  );
  const res = await cluster.kubectl(["-n", ns, "delete", "configmaps", "-l", "gen=old"]);
  assert.deepEqual(res.stdout.trim().split("\n").sort(), [
    'configmap "old-1" deleted',
    'configmap "old-2" deleted',
  ]);
  assert.deepEqual(await names(ns, "configmaps", "-l", "gen"), ["new-1"]);

  const none = await cluster.kubectl(["-n", ns, "delete", "configmaps", "-l", "gen=old"]);
  assert.match(none.stdout + none.stderr, /No resources found/);
});
