// kubectl patch (strategic, merge, json; the status subresource) and scale.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const deployment = (ns: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: ns, labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          { name: "web", image: "nginx:1.27", env: [{ name: "MODE", value: "a" }] },
          { name: "log", image: "busybox:1.36" },
        ],
      },
    },
  },
});

async function getJson(ns: string, ...what: string[]): Promise<any> {
  return JSON.parse((await cluster.kubectl(["-n", ns, "get", ...what, "-o", "json"])).stdout);
}

test("a strategic merge patch merges containers by name and keeps the others", async () => {
  const ns = await cluster.namespace("patch-smp");
  await cluster.apply(yamlDocs(deployment(ns)));
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: "web", image: "nginx:1.28" },
            { name: "new", image: "redis:7" },
          ],
        },
      },
    },
  };
  const res = await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "deployment",
    "web",
    "--type=strategic",
    "-p",
    JSON.stringify(patch),
  ]);
  assert.equal(res.stdout.trim(), "deployment.apps/web patched");
  const containers = (await getJson(ns, "deployment", "web")).spec.template.spec.containers;
  const byName = Object.fromEntries(containers.map((c: any) => [c.name, c]));
  assert.deepEqual(Object.keys(byName).sort(), ["log", "new", "web"]);
  assert.equal(byName.web.image, "nginx:1.28");
  assert.deepEqual(byName.web.env, [{ name: "MODE", value: "a" }]);
  assert.equal(byName.log.image, "busybox:1.36");

  // $patch: delete removes one element of a merged list.
  const del = { spec: { template: { spec: { containers: [{ name: "log", $patch: "delete" }] } } } };
  await cluster.kubectl(["-n", ns, "patch", "deployment", "web", "-p", JSON.stringify(del)]);
  const after = (await getJson(ns, "deployment", "web")).spec.template.spec.containers.map(
    (c: any) => c.name,
  );
  assert.deepEqual(after.sort(), ["new", "web"]);
});

test("a JSON merge patch replaces lists whole and deletes keys set to null", async () => {
  const ns = await cluster.namespace("patch-merge");
  await cluster.apply(yamlDocs(deployment(ns)));
  const patch = {
    metadata: { labels: { app: null, stage: "canary" } },
    spec: { template: { spec: { containers: [{ name: "only", image: "nginx:1.28" }] } } },
  };
  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "deployment",
    "web",
    "--type=merge",
    "-p",
    JSON.stringify(patch),
  ]);
  const d = await getJson(ns, "deployment", "web");
  assert.deepEqual(d.metadata.labels, { stage: "canary" });
  assert.deepEqual(
    d.spec.template.spec.containers.map((c: any) => c.name),
    ["only"],
  );
});

test("a JSON patch applies its operations in order; a failed test op changes nothing", async () => {
  const ns = await cluster.namespace("patch-json");
  await cluster.apply(yamlDocs(deployment(ns)));
  const ops = [
    { op: "replace", path: "/spec/replicas", value: 4 },
    { op: "add", path: "/metadata/annotations", value: { "example.com/by": "json-patch" } },
    { op: "remove", path: "/spec/template/spec/containers/1" },
  ];
  await cluster.kubectl(["-n", ns, "patch", "deployment", "web", "--type=json", "-p", JSON.stringify(ops)]);
  let d = await getJson(ns, "deployment", "web");
  assert.equal(d.spec.replicas, 4);
  assert.equal(d.metadata.annotations["example.com/by"], "json-patch");
  assert.deepEqual(
    d.spec.template.spec.containers.map((c: any) => c.name),
    ["web"],
  );

  const failing = [
    { op: "replace", path: "/spec/replicas", value: 9 },
    { op: "test", path: "/spec/replicas", value: 1 },
  ];
  const res = await cluster.kubectl(
    ["-n", ns, "patch", "deployment", "web", "--type=json", "-p", JSON.stringify(failing)],
    {
      allowFail: true,
    },
  );
  assert.equal(res.code, 1);
  d = await getJson(ns, "deployment", "web");
  assert.equal(d.spec.replicas, 4);
});

test("patch --subresource=status changes status and ignores spec; a plain patch ignores status", async () => {
  const ns = await cluster.namespace("patch-status");
  await cluster.apply(yamlDocs(deployment(ns)));
  const status = {
    status: { replicas: 2, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2 },
    spec: { replicas: 7 },
  };
  const res = await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "deployment",
    "web",
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify(status),
  ]);
  assert.equal(res.stdout.trim(), "deployment.apps/web patched");
  let d = await getJson(ns, "deployment", "web");
  assert.equal(d.spec.replicas, 2);
  // A controller may have written status meanwhile on a real cluster; ours has none, so the patch shows.
  if (cluster.server) {
    assert.equal(d.status.readyReplicas, 1);
    const row = (await cluster.kubectl(["-n", ns, "get", "deployment", "web", "--no-headers"])).stdout;
    assert.match(row, /^web\s+1\/2\s+2\s+1\s+/);
  }

  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "deployment",
    "web",
    "--type=merge",
    "-p",
    '{"status":{"readyReplicas":0}}',
  ]);
  const before = d.status.readyReplicas;
  d = await getJson(ns, "deployment", "web");
  if (cluster.server) assert.equal(d.status.readyReplicas, before);
});

test("scale sets spec.replicas through the scale subresource", async () => {
  const ns = await cluster.namespace("patch-scale");
  await cluster.apply(yamlDocs(deployment(ns)));
  const res = await cluster.kubectl(["-n", ns, "scale", "deployment", "web", "--replicas=5"]);
  assert.equal(res.stdout.trim(), "deployment.apps/web scaled");
  assert.equal((await getJson(ns, "deployment", "web")).spec.replicas, 5);
});

// With a precondition kubectl PUTs the Scale with no Content-Type at all.
test("scale --current-replicas refuses a wrong current size and scales from the right one", async () => {
  const ns = await cluster.namespace("patch-scale-pre");
  await cluster.apply(yamlDocs(deployment(ns)));
  await cluster.kubectl(["-n", ns, "scale", "deployment", "web", "--replicas=5"]);
  // kubectl checks --current-replicas against what the scale subresource reports.
  const wrong = await cluster.kubectl(
    ["-n", ns, "scale", "deployment", "web", "--current-replicas=2", "--replicas=3"],
    {
      allowFail: true,
    },
  );
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Expected replicas to be 2, was 5/);
  assert.equal((await getJson(ns, "deployment", "web")).spec.replicas, 5);

  await cluster.kubectl(["-n", ns, "scale", "deployment", "web", "--current-replicas=5", "--replicas=0"]);
  assert.equal((await getJson(ns, "deployment", "web")).spec.replicas, 0);
});

test("the scale subresource reports the selector as kube renders it, requirements sorted by key", async () => {
  const ns = await cluster.namespace("patch-scale-selector");
  const d = deployment(ns);
  d.spec.selector = { matchLabels: { tier: "fe", app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }] } as any;
  d.spec.template.metadata.labels = { app: "web", tier: "fe", env: "dev" } as any;
  await cluster.apply(yamlDocs(d));
  const scale = JSON.parse((await cluster.kubectl(["get", "--raw", `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])).stdout);
  assert.equal(scale.status.selector, "app=web,env in (dev,prod),tier=fe");
});
