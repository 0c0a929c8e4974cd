// kubectl across clusters: /k8s/search/ answers Kubernetes reads over every
// cluster the caller may see, from the search index, through the kubeconfig
// GET /search/kubeconfig downloads. Three simulated members; the real kubectl.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { patchClusterStatus } from "../../src/platform/clusters/clusterObjects.ts";
import { defaultKubectl, type KubectlResult, runKubectl } from "../harness.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

let t: WithMembers;
const kubeconfigs = new Map<string, string>();

/** Pods per cluster: web pods in shop (web-a in two clusters), a db pod, and a web pod in another namespace. */
const PODS: Record<string, { ns: string; name: string; app: string }[]> = {
  "sim-1": [
    { ns: "shop", name: "web-a", app: "web" },
    { ns: "shop", name: "db-1", app: "db" },
  ],
  "sim-2": [
    { ns: "shop", name: "web-b", app: "web" },
    { ns: "tools", name: "web-c", app: "web" },
  ],
  "sim-3": [{ ns: "shop", name: "web-a", app: "web" }],
};
const WEB = Object.entries(PODS).flatMap(([c, ps]) => ps.filter((p) => p.app === "web").map((p) => `${p.ns}/${c}/${p.name}`));

function manifest(pods: { ns: string; name: string; app: string }[]): string {
  const nss = [...new Set(pods.map((p) => p.ns))].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`);
  const ps = pods.map(
    (p) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${p.name}, namespace: ${p.ns}, labels: {app: ${p.app}}}\nspec: {containers: [{name: c, image: nginx}]}`,
  );
  return [...nss, ...ps].join("\n---\n");
}

/** kubectl through `user`'s downloaded /k8s/search kubeconfig. */
async function search(user: string, args: string[]): Promise<KubectlResult> {
  return runKubectl(["--kubeconfig", kubeconfigs.get(user)!, "--cache-dir", join(t.dir, `search-cache-${user}`), ...args], { allowFail: true });
}

/** A table's rows as objects keyed by the header's column names. */
function rows(stdout: string): Record<string, string>[] {
  const [head, ...lines] = stdout.trim().split("\n");
  const cols = head.split(/\s{2,}/);
  return lines.map((l) => Object.fromEntries(l.split(/\s{2,}/).map((v, i) => [cols[i], v])));
}

async function raw(token: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.platform.url}/k8s/search${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, body: await res.json() };
}

before(async () => {
  t = await startWithMembers({ clusters: 3, nodes: 1 });
  // Integration turns a cluster Running (ClusterLifecycle, after its checks); these were written directly.
  for (const c of t.sim.clusters) await patchClusterStatus(t.platform.ctx.host, c.name, { phase: "Running" });
  for (const [c, pods] of Object.entries(PODS)) await t.direct(c, ["apply", "-f", "-"], { input: manifest(pods) });
  const users: Record<string, string> = {
    admin: await t.adminToken(),
    viewer: await t.addUser("viewer", [{ role: "NSViewer", cluster: "sim-2", namespace: "shop" }]),
  };
  for (const [user, token] of Object.entries(users)) {
    const r = await t.call("GET", "/search/kubeconfig?expirationSeconds=3600", undefined, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const path = join(t.dir, `${user}-search.kubeconfig`);
    await writeFile(path, r.body, { mode: 0o600 });
    kubeconfigs.set(user, path);
  }
  const { index } = t.platform.ctx.search;
  await until("every pod in the index", async () => (await index.query({ group: "", resource: "pods" })).total === 5, 30_000);
});
after(() => t?.close());

describe("kubectl through /k8s/search", () => {
  test("the downloaded kubeconfig points at /k8s/search with kpanda's CA and the caller's own token", async () => {
    const r = await t.call("GET", "/search/kubeconfig", undefined, await t.adminToken());
    assert.match(r.body, /server: https:\/\/127\.0\.0\.1:\d+\/k8s\/search\n/);
    assert.match(r.body, /certificate-authority-data: /);
    assert.ok(r.headers.get("x-kpanda-expires-at"));
    assert.equal((await t.call("GET", "/search/kubeconfig")).status, 401);
    // As the per-cluster download needs a role in its cluster.
    const stranger = await t.addUser("stranger", []);
    const refused = await t.call("GET", "/search/kubeconfig", undefined, stranger);
    assert.deepEqual([refused.status, refused.body.message], [403, 'user "stranger" has no role in any cluster']);
  });

  test("get pods -A -l app=web lists the web pods of every cluster, with a CLUSTER column", async () => {
    const r = await search("admin", ["get", "pods", "-A", "-l", "app=web"]);
    assert.equal(r.code, 0, r.stderr);
    const got = rows(r.stdout);
    // kubectl prepends NAMESPACE for -A; the server's columns follow (Cluster first, then the pod printer's).
    assert.deepEqual(Object.keys(got[0]), ["NAMESPACE", "CLUSTER", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    assert.deepEqual(got.map((x) => `${x.NAMESPACE}/${x.CLUSTER}/${x.NAME}`).sort(), [...WEB].sort());
  });

  test("-o wide adds the pod printer's wide columns", async () => {
    const r = await search("admin", ["get", "pods", "-n", "shop", "-o", "wide"]);
    assert.equal(r.code, 0, r.stderr);
    // printPod's priority-1 columns (pkg/printers/internalversion/printers.go), shown only with -o wide.
    assert.deepEqual(Object.keys(rows(r.stdout)[0]), ["CLUSTER", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    assert.equal(rows(r.stdout).length, 4);
  });

  test("-o json lists every item with the kpanda.io/cluster annotation, apiVersion and kind", async () => {
    const r = await search("admin", ["get", "pods", "-A", "--field-selector", "metadata.namespace=shop", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    const ids = list.items.map((o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.annotations["kpanda.io/cluster"]}/${o.metadata.name}`);
    assert.deepEqual(ids.sort(), ["v1/Pod/sim-1/db-1", "v1/Pod/sim-1/web-a", "v1/Pod/sim-2/web-b", "v1/Pod/sim-3/web-a"]);
  });

  test("--chunk-size=2 pages with continue tokens and returns every pod exactly once", async () => {
    const r = await search("admin", ["get", "pods", "-A", "--chunk-size=2", "-o", "name", "-v=6"]);
    assert.equal(r.code, 0, r.stderr);
    // kubectl -v=6 logs each request: three pages of at most 2 for 5 pods, the later ones with a continue token.
    const requests = r.stderr.split("\n").filter((l) => /GET \S+\/api\/v1\/pods\?/.test(l));
    assert.equal(requests.length, 3, r.stderr);
    assert.equal(requests.filter((l) => l.includes("continue=")).length, 2);
    const table = await search("admin", ["get", "pods", "-A", "--chunk-size=2", "--no-headers"]);
    const ids = table.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(0, 3).join("/"));
    assert.deepEqual([...ids].sort(), ["shop/sim-1/db-1", "shop/sim-1/web-a", "shop/sim-2/web-b", "shop/sim-3/web-a", "tools/sim-2/web-c"]);
  });

  test("get by name answers the one cluster's object, 404 when none has it, and 409 naming the clusters when several do", async () => {
    const one = await search("admin", ["get", "pod", "web-b", "-n", "shop"]);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(rows(one.stdout).map((x) => [x.CLUSTER, x.NAME]), [["sim-2", "web-b"]]);
    const none = await search("admin", ["get", "pod", "nope", "-n", "shop"]);
    // kube-apiserver's NotFound wording (apimachinery errors.NewNotFound).
    assert.match(none.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    const two = await search("admin", ["get", "pod", "web-a", "-n", "shop"]);
    assert.notEqual(two.code, 0);
    assert.match(two.stderr, /\(Conflict\): Operation cannot be fulfilled on pods "web-a": it exists in 2 clusters \(sim-1, sim-3\)/);
  });

  test("an NS Viewer sees only its namespace of its cluster, and no cluster-scoped objects", async () => {
    const r = await search("viewer", ["get", "pods", "-A"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout).map((x) => `${x.NAMESPACE}/${x.CLUSTER}/${x.NAME}`), ["shop/sim-2/web-b"]);
    const paged = await search("viewer", ["get", "pods", "-A", "--chunk-size=1", "-o", "name"]);
    assert.equal(paged.stdout.trim(), "pod/web-b");
    // A watch from now starts with what matches now, as ADDED, within the same scope; timeoutSeconds ends it.
    const watch = await fetch(`${t.platform.url}/k8s/search/api/v1/pods?watch=1&timeoutSeconds=1`, {
      headers: { authorization: `Bearer ${t.platform.ctx.signer.sign("viewer", "kubeconfig", 600).token}` },
    });
    const events = (await watch.text()).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED web-b"]);
    const nodes = await search("viewer", ["get", "nodes"]);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stderr, /No resources found/);
  });

  test("a forged Impersonate-User header changes nothing: the token decides", async () => {
    // kubectl --as sends Impersonate-User (and --as-group Impersonate-Group).
    const r = await search("viewer", ["get", "pods", "-A", "--as", "admin", "--as-group", "system:masters"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout).map((x) => x.NAME), ["web-b"]);
    const token = t.platform.ctx.signer.sign("viewer", "kubeconfig", 600).token;
    const res = await raw(token, "/api/v1/pods", { "impersonate-user": "admin", "impersonate-group": "system:masters" });
    assert.deepEqual(res.body.items.map((o: any) => o.metadata.name), ["web-b"]);
  });

  test("writes answer 405 MethodNotAllowed and leave the member untouched", async () => {
    const del = await search("admin", ["delete", "pod", "web-b", "-n", "shop"]);
    assert.notEqual(del.code, 0);
    // apimachinery errors.NewMethodNotSupported: "<verb> is not supported on resources of kind <resource>".
    assert.match(del.stderr, /Error from server \(MethodNotAllowed\): delete is not supported on resources of kind "pods"/);
    const still = await t.direct("sim-2", ["get", "pod", "web-b", "-n", "shop", "-o", "name"]);
    assert.equal(still.stdout.trim(), "pod/web-b");
    const token = await t.adminToken();
    for (const [method, path] of [
      ["POST", "/api/v1/namespaces/shop/pods"],
      ["PUT", "/api/v1/namespaces/shop/pods/web-b"],
      ["PATCH", "/apis/apps/v1/namespaces/shop/deployments/x"],
      ["DELETE", "/api/v1/namespaces/shop/pods"],
    ]) {
      const res = await raw(token, path, { "content-type": "application/strategic-merge-patch+json" }, method);
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.body.kind, "Status");
      assert.equal(res.body.reason, "MethodNotAllowed");
    }
  });

  test("a Table's rows carry PartialObjectMetadata with the cluster annotation; includeObject=Object the whole object", async () => {
    const token = await t.adminToken();
    const accept = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" };
    const res = await raw(token, "/api/v1/namespaces/tools/pods", accept);
    assert.equal(res.body.kind, "Table");
    assert.equal(res.body.columnDefinitions[0].name, "Cluster");
    const [row] = res.body.rows;
    assert.equal(row.cells[0], "sim-2");
    assert.equal(row.object.kind, "PartialObjectMetadata");
    assert.equal(row.object.metadata.annotations["kpanda.io/cluster"], "sim-2");
    const full = await raw(token, "/api/v1/namespaces/tools/pods?includeObject=Object", accept);
    assert.equal(full.body.rows[0].object.kind, "Pod");
    assert.equal(full.body.rows[0].object.spec.containers[0].image, "nginx");
  });

  test("a continue token resumes right after its item though objects before it went away", async () => {
    const token = await t.adminToken();
    const { index } = t.platform.ctx.search;
    const inIndex = async (n: number) => (await index.query({ group: "", resource: "pods" })).total === n;
    await t.direct("sim-2", ["run", "a-gone", "-n", "shop", "--image=nginx"]);
    await until("a-gone in the index", () => inIndex(6), 30_000);
    const first = await raw(token, "/api/v1/pods?limit=2");
    assert.deepEqual(first.body.items.map((o: any) => o.metadata.name), ["a-gone", "db-1"]);
    await t.direct("sim-2", ["delete", "pod", "a-gone", "-n", "shop", "--grace-period=0", "--force"]);
    await until("a-gone out of the index", () => inIndex(5), 30_000);
    // A page offset would now skip web-a of sim-1 (the list shrank by one before it); the cursor does not.
    const next = await raw(token, `/api/v1/pods?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    assert.deepEqual(next.body.items.map((o: any) => `${o.metadata.annotations["kpanda.io/cluster"]}/${o.metadata.name}`), ["sim-1/web-a", "sim-3/web-a"]);
    const bad = await raw(token, "/api/v1/pods?limit=2&continue=not-a-token");
    assert.equal(bad.status, 400);
  });

  test("get -w follows every cluster: ADDED, MODIFIED, and DELETED when a pod stops matching", async () => {
    const lines: string[] = [];
    const args = ["--kubeconfig", kubeconfigs.get("admin")!, "--cache-dir", join(t.dir, "search-cache-watch")];
    const child = spawn(defaultKubectl(), [...args, "get", "pods", "-A", "-l", "app=web", "-w", "--output-watch-events"]);
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const parts = buf.split("\n");
      buf = parts.pop()!;
      lines.push(...parts);
    });
    const seen = (re: RegExp) => until(`a line like ${re}`, () => lines.some((l) => re.test(l)), 30_000);
    try {
      // The list first (kubectl prints its items as ADDED with --output-watch-events), then the watch from its revision.
      await seen(/^ADDED\s+tools\s+sim-2\s+web-c\s/);
      await t.direct("sim-3", ["run", "late", "-n", "shop", "--image=nginx", "-l", "app=web"]);
      await seen(/^ADDED\s+shop\s+sim-3\s+late\s/);
      await seen(/^MODIFIED\s+shop\s+sim-3\s+late\s+1\/1\s+Running/);
      // A filtered watch reports an object that stops matching as DELETED (kube's cacher: old matched, new does not).
      await t.direct("sim-3", ["label", "pod", "late", "-n", "shop", "app=other", "--overwrite"]);
      await seen(/^DELETED\s+shop\s+sim-3\s+late\s/);
    } finally {
      child.kill();
      await t.direct("sim-3", ["delete", "pod", "late", "-n", "shop", "--grace-period=0", "--force"]);
    }
  });

  test("a watch from a compacted revision ends with an ERROR event, 410 Expired", async () => {
    const { index } = t.platform.ctx.search;
    await index.compact(await index.revision());
    const res = await fetch(`${t.platform.url}/k8s/search/api/v1/pods?watch=true&resourceVersion=1`, {
      headers: { authorization: `Bearer ${await t.adminToken()}` },
    });
    assert.equal(res.status, 200);
    const [event] = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    // kube-apiserver's watch cache: an ERROR event whose Status is 410 Expired "too old resource version".
    assert.equal(event.type, "ERROR");
    assert.deepEqual([event.object.code, event.object.reason], [410, "Expired"]);
    assert.match(event.object.message, /^too old resource version: 1 \(\d+\)$/);
  });

  test("objects a member serves at an older version list with their own apiVersion, which discovery names", async () => {
    const { index } = t.platform.ctx.search;
    // A 1.20 member serves CronJobs at batch/v1beta1 only (batch/v1 CronJob is served from 1.21).
    const cronJob = { metadata: { name: "tick", namespace: "jobs", resourceVersion: "7", creationTimestamp: "2024-01-01T00:00:00Z" }, spec: { schedule: "*/5 * * * *" } };
    await index.apply([{ type: "upsert", cluster: "legacy", group: "batch", version: "v1beta1", resource: "cronjobs", object: cronJob }]);
    try {
      const r = await search("admin", ["get", "cronjobs", "-A", "-o", "jsonpath={.items[*].apiVersion}"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "batch/v1beta1");
      const table = await search("admin", ["get", "cj", "-A"]);
      assert.deepEqual(rows(table.stdout).map((x) => [x.CLUSTER, x.NAME, x.SCHEDULE]), [["legacy", "tick", "*/5 * * * *"]]);
      const res = await raw(await t.adminToken(), "/apis/batch");
      assert.deepEqual(res.body.versions.map((v: any) => v.version), ["v1", "v1beta1"]);
    } finally {
      await index.removeCluster("legacy");
    }
  });

  test("requests without a valid token answer 401 Unauthorized as a Status", async () => {
    const res = await fetch(`${t.platform.url}/k8s/search/api/v1/pods`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { reason: string }).reason, "Unauthorized");
    assert.equal((await raw("not-a-token", "/api")).status, 401);
  });
});

test("a cluster turned unreachable still lists from the cache, with a Warning that it is stale", async () => {
  const { index } = t.platform.ctx.search;
  await t.sim.cluster("sim-3").faults.unreachable();
  try {
    await until("sim-3 stale", async () => (await index.freshness({ group: "", resource: "pods" }, ["sim-3"]))[0]?.state === "stale", 30_000);
    const r = await search("admin", ["get", "pods", "-A", "-l", "app=web"]);
    assert.equal(r.code, 0, r.stderr);
    // kubectl prints a response's Warning headers on stderr as "Warning: <text>".
    assert.match(r.stderr, /Warning: cluster sim-3: pods may be out of date \(the cache is stale since \d{4}-\d\d-\d\dT/);
    assert.ok(rows(r.stdout).some((x) => x.CLUSTER === "sim-3"));
    assert.doesNotMatch(r.stderr, /sim-1|sim-2/);
  } finally {
    await t.sim.cluster("sim-3").faults.reachable();
  }
});
