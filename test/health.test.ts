// /healthz, /livez and /readyz of a running server: the checks it lists,
// under kube-apiserver's names. Runs against a real cluster too
// (KPANDA_TEST_KUBECONFIG); a real v1.20.2 kube-apiserver lists every check
// named here among its own (and more: log, the priority-and-fairness and
// aggregator hooks, shutdown).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster } from "./harness.ts";
import { type KubeHttp, kubeHttp } from "./kubeHttp.ts";

let cluster: Cluster;
let http: KubeHttp;
before(async () => {
  cluster = await startCluster();
  http = await kubeHttp(cluster.kubeconfigPath);
});
after(() => cluster.close());

const SHARED_HOOKS = [
  "poststarthook/generic-apiserver-start-informers",
  "poststarthook/start-apiextensions-controllers",
  "poststarthook/crd-informer-synced",
  "poststarthook/start-cluster-authentication-info-controller",
  "poststarthook/rbac/bootstrap-roles",
  "poststarthook/bootstrap-controller",
];

function checkNames(body: string, endpoint: string): string[] {
  const lines = body.trimEnd().split("\n");
  assert.equal(lines.pop(), `${endpoint} check passed`);
  return lines.map((l) => {
    const m = /^\[\+\](\S+) ok$/.exec(l);
    assert.ok(m, l);
    return m[1];
  });
}

test("/readyz?verbose lists ping, etcd, informer-sync and the post-start hooks, all ok", async () => {
  const r = await http("GET", "/readyz?verbose");
  assert.equal(r.status, 200);
  const names = checkNames(r.body, "readyz");
  assert.equal(names[0], "ping");
  for (const n of ["ping", "etcd", "informer-sync", ...SHARED_HOOKS]) assert.ok(names.includes(n), n);
  if (cluster.server) assert.ok(names.includes("poststarthook/start-system-namespaces-controller"));
});

test("/livez and /healthz list the same checks without informer-sync", async () => {
  for (const endpoint of ["livez", "healthz"]) {
    const r = await http("GET", `/${endpoint}?verbose`);
    assert.equal(r.status, 200);
    const names = checkNames(r.body, endpoint);
    for (const n of ["ping", "etcd", ...SHARED_HOOKS]) assert.ok(names.includes(n), `${endpoint} ${n}`);
    assert.ok(!names.includes("informer-sync"), endpoint);
    assert.equal((await http("GET", `/${endpoint}`)).body, "ok");
  }
});

test("/readyz/<check> runs one check; exclude skips one and warns about names that match none", async () => {
  for (const path of ["/readyz/etcd", "/readyz/informer-sync", "/livez/poststarthook/rbac/bootstrap-roles", "/healthz/ping"]) {
    const r = await http("GET", path);
    assert.deepEqual([r.status, r.body], [200, "ok"], path);
  }
  const r = await http("GET", "/readyz?verbose&exclude=etcd&exclude=nope");
  assert.equal(r.status, 200);
  assert.match(r.body, /^\[\+\]etcd excluded: ok$/m);
  assert.match(r.body, /^warn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n$/m);
});

test("an unknown check below /healthz is 404", async () => {
  const r = await http("GET", "/healthz/nope");
  assert.equal(r.status, 404);
  // v1.32's notfoundhandler answers http.NotFound's text; v1.20 listed its paths.
  if (cluster.server) assert.equal(r.body, "404 page not found\n");
});
