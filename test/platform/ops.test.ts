// Operations endpoints over real HTTP: /readyz, /metrics, GET /audit, and
// the OpenAPI document with its /docs page.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance, RouteOptions } from "fastify";
import { startApiServer } from "../../src/apiserver/server.ts";
import { patchClusterStatus } from "../../src/platform/clusters/clusterObjects.ts";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import { buildApp, ROUTE_MODULES } from "../../src/platform/http/app.ts";
import { until } from "./accessFixture.ts";
import { API, startTestPlatform, type TestPlatform } from "./fixture.ts";

async function raw(t: TestPlatform, path: string, token?: string) {
  const res = await fetch(`${t.platform.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}

/** A Cluster object with a phase, written straight into the host (no member behind it). */
async function clusterObject(t: TestPlatform, name: string, phase: string): Promise<void> {
  const { host, members } = t.platform.ctx;
  await host.custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: "clusters",
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: "Cluster", metadata: { name }, spec: {} },
  });
  await patchClusterStatus(host, name, { phase: phase as "Running" });
  await until(`cluster ${name} ${phase} in the cache`, () => members.cluster(name)?.status?.phase === phase);
}

describe("platform operations endpoints", () => {
  let t: TestPlatform;
  let admin: string;
  before(async () => {
    t = await startTestPlatform();
    admin = await t.adminToken();
  });
  after(() => t?.close());

  it("GET /readyz answers ok when the host answers and the caches are synced, and lists the checks with ?verbose", async () => {
    const r = await raw(t, "/readyz");
    assert.equal(r.status, 200);
    assert.equal(r.text, "ok");
    const v = await raw(t, "/readyz?verbose");
    assert.equal(v.status, 200);
    // kube-apiserver's verbose form: one [+] line per check, then "readyz check passed".
    assert.equal(v.text, "[+]host ok\n[+]informer-sync ok\nreadyz check passed\n");
  });

  it("GET /metrics answers 401 without a token and 403 for a user who is not an Owner", async () => {
    assert.equal((await raw(t, "/metrics")).status, 401);
    await t.call("POST", "/users", { name: "metrics-viewer", password: "viewer-password" }, admin);
    const viewer = await t.login("metrics-viewer", "viewer-password");
    const r = await raw(t, "/metrics", viewer);
    assert.equal(r.status, 403);
    assert.match(JSON.parse(r.text).message, /not an Owner/);
  });

  it("GET /metrics has request latency by method, route pattern and code, each cluster's phase, and proxy latency per cluster", async () => {
    await clusterObject(t, "metrics-a", "Running");
    await clusterObject(t, "metrics-b", "Unknown");
    await t.call("GET", "/clusters/metrics-a", undefined, admin);
    await t.call("GET", "/clusters/no-such-cluster", undefined, admin);
    t.platform.ctx.metrics.observeProxy("metrics-a", 0.02);
    const r = await raw(t, "/metrics", admin);
    assert.equal(r.status, 200);
    // Prometheus' text exposition format 0.0.4.
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const route = `${API}/clusters/:name`;
    assert.match(r.text, new RegExp(`kpanda_http_request_duration_seconds_count\\{method="GET",route="${route}",code="200"\\} 1\\n`));
    assert.match(r.text, new RegExp(`kpanda_http_request_duration_seconds_count\\{method="GET",route="${route}",code="404"\\} 1\\n`));
    assert.doesNotMatch(r.text, /no-such-cluster/, "the route pattern is the label, never the URL");
    assert.match(r.text, /kpanda_cluster_phase\{cluster="metrics-a",phase="Running"\} 1\n/);
    assert.match(r.text, /kpanda_cluster_phase\{cluster="metrics-a",phase="Unknown"\} 0\n/);
    assert.match(r.text, /kpanda_cluster_phase\{cluster="metrics-b",phase="Unknown"\} 1\n/);
    assert.match(r.text, /kpanda_proxy_request_duration_seconds_bucket\{le="0\.025",cluster="metrics-a"\} 1\n/);
    assert.match(r.text, /kpanda_proxy_request_duration_seconds_count\{cluster="metrics-a"\} 1\n/);
    assert.match(r.text, /kpanda_leader 1\n/);
    assert.match(r.text, /kpanda_process_resident_memory_bytes \d+/);
  });

  it("GET /audit filters by user, cluster, verb and time range, newest first and paged", async () => {
    const start = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await clusterObject(t, "audit-a", "Running");
    await t.call("POST", "/users", { name: "audit-bob", password: "audit-bob-password" }, admin);
    await t.call("PUT", "/clusters/audit-a/labels", { labels: { team: "a" } }, admin);
    await t.login("audit-bob", "audit-bob-password");
    await t.call("DELETE", "/users/audit-bob", undefined, admin);
    const mine = await t.call("GET", `/audit?user=admin&since=${encodeURIComponent(start)}`, undefined, admin);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(
      mine.body.items.map((e: any) => [e.verb, e.resource, e.name ?? null, e.code]),
      [
        ["delete", "users", "audit-bob", 204],
        ["update", "clusters", "audit-a", 200],
        // A create names the object it made (its body's name).
        ["create", "users", "audit-bob", 201],
      ],
    );
    const onCluster = await t.call("GET", `/audit?cluster=audit-a`, undefined, admin);
    assert.deepEqual(
      onCluster.body.items.map((e: any) => [e.user, e.verb, e.cluster]),
      [["admin", "update", "audit-a"]],
    );
    const logins = await t.call("GET", `/audit?verb=login&user=audit-bob`, undefined, admin);
    assert.deepEqual(logins.body.items.map((e: any) => [e.user, e.via, e.code]), [["audit-bob", "login", 200]]);
    const paged = await t.call("GET", `/audit?user=admin&since=${encodeURIComponent(start)}&pageSize=2&page=2`, undefined, admin);
    assert.deepEqual(paged.body.pagination, { total: 3, page: 2, pageSize: 2 });
    assert.equal(paged.body.items[0].resource, "users");
    const none = await t.call("GET", `/audit?user=admin&until=${encodeURIComponent(start)}&since=${encodeURIComponent(start)}`, undefined, admin);
    assert.equal(none.body.pagination.total, 0);
    const bad = await t.call("GET", "/audit?since=yesterday", undefined, admin);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /RFC 3339/);
  });

  it("GET /audit shows a ClusterAdmin only its clusters' entries, and answers 403 to a user without such a role", async () => {
    await clusterObject(t, "audit-b", "Running");
    await clusterObject(t, "audit-c", "Running");
    await t.call("PUT", "/clusters/audit-b/labels", { labels: { team: "b" } }, admin);
    await t.call("PUT", "/clusters/audit-c/labels", { labels: { team: "c" } }, admin);
    await t.call("POST", "/users", { name: "audit-carol", password: "audit-carol-password" }, admin);
    const bound = await t.call("POST", "/rolebindings", { user: "audit-carol", role: "ClusterAdmin", cluster: "audit-b" }, admin);
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    const carol = await t.login("audit-carol", "audit-carol-password");
    const r = await until("carol's binding in the cache", async () => {
      const x = await t.call("GET", "/audit", undefined, carol);
      return x.status === 200 && x;
    });
    assert.ok(r.body.items.length > 0);
    assert.ok(r.body.items.every((e: any) => e.cluster === "audit-b"), JSON.stringify(r.body.items));
    const other = await t.call("GET", "/audit?cluster=audit-c", undefined, carol);
    assert.equal(other.status, 403);
    await t.call("POST", "/users", { name: "audit-dave", password: "audit-dave-password" }, admin);
    const dave = await t.login("audit-dave", "audit-dave-password");
    const refused = await t.call("GET", "/audit", undefined, dave);
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /Owner/);
  });

  it("/openapi.json describes every REST route, /readyz and /metrics, and /docs serves the interactive page", async () => {
    const routes: RouteOptions[] = [];
    const app: FastifyInstance = await buildApp(t.platform.ctx, [
      async (api, ctx) => {
        api.addHook("onRoute", (r) => void routes.push(r));
        for (const m of ROUTE_MODULES) await m(api, ctx);
      },
    ]);
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    await app.close();
    assert.ok(routes.length > 10);
    for (const r of routes) {
      // OpenAPI writes path parameters as {name}, without a regexp; "::" is a literal colon (an :action).
      const path = r.url
        .replace(/\(.*?\)/g, "")
        .replace(/::/g, "\0")
        .replace(/:([A-Za-z_]+)/g, "{$1}")
        .replaceAll("\0", ":");
      for (const m of [r.method].flat()) {
        if (m === "HEAD") continue;
        assert.ok(doc.paths[path]?.[m.toLowerCase()], `${m} ${path} is in /openapi.json`);
      }
    }
    const served = JSON.parse((await raw(t, "/openapi.json")).text);
    assert.ok(served.paths["/readyz"]?.get && served.paths["/metrics"]?.get);
    assert.ok(served.paths[`${API}/audit`]?.get);
    const docs = await fetch(`${t.platform.url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger-ui/i);
  });
});

describe("platform readiness without its host", () => {
  it("GET /readyz answers 503 naming the failing check when the host stops answering", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kpanda-readyz-"));
    const host = await startApiServer({ port: 0, dataDir: join(dir, "host"), storage: "memory" });
    const t = await startTestPlatform({ hostKubeconfig: join(dir, "host", "kubeconfig") });
    try {
      assert.equal((await raw(t, "/readyz")).status, 200);
      await host.close();
      const r = await raw(t, "/readyz");
      assert.equal(r.status, 503);
      // As kube-apiserver, the reason is withheld from the caller (it goes to the log).
      assert.match(r.text, /^\[-\]host failed: reason withheld\n/);
      assert.match(r.text, /readyz check failed\n$/);
    } finally {
      await t.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });
});
