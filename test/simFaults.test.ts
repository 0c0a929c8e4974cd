// Each fault of a simulated cluster, as a client outside the process sees
// it through the cluster's fault proxy: connection refused, latency, 500 and
// 429 answers, 410 Gone after a compaction, a dropped watch, and a stopped
// node going NotReady; and the proxy's identities: client certificates
// become request headers the API server trusts, tokens pass, and X-Remote-*
// headers from clients are dropped.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { type AddressInfo, connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { startSimCluster } from "../src/simulator/cluster.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";
import { runKubectl } from "./harness.ts";
import { httpsCall } from "./httpsCall.ts";

let sim: Simulator;
let c: SimulatedCluster;

before(async () => {
  sim = await startSimulator({ clusters: 1, nodes: 1 });
  c = sim.clusters[0];
});
after(() => sim.stop());

type Answer = { status: number; body: string };

function get(path: string, onData?: (chunk: string) => void): Promise<Answer> {
  const s = c.server;
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.url}${path}`,
      { ca: s.pki.ca.cert, cert: s.admin.cert, key: s.admin.key, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
          onData?.(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("an unreachable cluster refuses connections, then serves again on the same port", async () => {
  await c.faults.unreachable();
  await assert.rejects(get("/version"), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
  await c.faults.reachable();
  assert.equal((await get("/version")).status, 200);
});

test("unreachable for a while comes back by itself", async () => {
  await c.faults.unreachable(150);
  await assert.rejects(get("/version"), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await get("/version")).status, 200);
});

test("injected errors answer 500 InternalError and 429 TooManyRequests as Status objects", async () => {
  c.faults.errors(1, 500);
  const e500 = await get("/api/v1/namespaces");
  assert.equal(e500.status, 500);
  assert.equal(JSON.parse(e500.body).reason, "InternalError");
  c.faults.errors(1, 429);
  const e429 = await get("/api/v1/namespaces");
  assert.equal(e429.status, 429);
  assert.equal(JSON.parse(e429.body).reason, "TooManyRequests");
  await c.faults.clear();
  assert.equal((await get("/api/v1/namespaces")).status, 200);
});

test("added latency delays every answer", async () => {
  c.faults.latency(200);
  const t0 = Date.now();
  assert.equal((await get("/version")).status, 200);
  assert.ok(Date.now() - t0 >= 190, `answered in ${Date.now() - t0} ms`);
  c.faults.latency(0);
});

test("after a forced compaction a watch from an older resourceVersion gets 410 Gone", async () => {
  const list = JSON.parse((await get("/api/v1/namespaces/default/configmaps")).body);
  await c.client.create(R.configmaps, "default", { metadata: { name: "after-list" } });
  await c.faults.compact();
  const w = await get(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
  const ev = JSON.parse(w.body.trim().split("\n")[0]);
  assert.equal(ev.type, "ERROR");
  assert.equal(ev.object.code, 410);
  assert.equal(ev.object.reason, "Expired");
});

test("kubeconfigs point at the proxy, not at the API server's own port", () => {
  assert.notEqual(c.proxy.port, c.server.port);
  assert.match(c.kubeconfig(), new RegExp(`server: ${c.url}`));
});

test("dropping watches ends every open watch stream through the proxy, cleanly", async () => {
  const rv = JSON.parse((await get("/api/v1/namespaces/default/configmaps")).body).metadata.resourceVersion;
  let opened: () => void;
  const started = new Promise<void>((r) => (opened = r));
  const watch = get(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, () => opened());
  await c.client.create(R.configmaps, "default", { metadata: { name: "seen-by-watch" } });
  await started;
  assert.equal(c.faults.dropWatches(), 1);
  const ended = await watch;
  assert.equal(ended.status, 200);
  assert.match(ended.body, /seen-by-watch/);
});

test("dropping watches leaves in-process watchers running", async () => {
  const rv = (await c.client.list(R.configmaps, "default")).resourceVersion;
  const seen: string[] = [];
  let closed = false;
  const w = c.client.watch(R.configmaps, "default", { resourceVersion: rv }, (_t, o) => seen.push(String(o.metadata?.name)), () => (closed = true));
  c.faults.dropWatches();
  await c.client.create(R.configmaps, "default", { metadata: { name: "after-drop" } });
  await new Promise((r) => setImmediate(r));
  w.stop();
  assert.deepEqual(seen, ["after-drop"]);
  assert.equal(closed, false);
});

/** Who the API server takes a caller through the proxy for (a SelfSubjectReview), or the failing status. */
function whoAmI(creds: { cert?: string; key?: string; token?: string }, headers: Record<string, string> = {}): Promise<any> {
  const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
  const auth = creds.token ? { Authorization: `Bearer ${creds.token}` } : {};
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      { method: "POST", ca: c.server.pki.ca.cert, cert: creds.cert, key: creds.key, agent: false, headers: { "Content-Type": "application/json", ...auth, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve(res.statusCode === 201 ? JSON.parse(text).status.userInfo : res.statusCode));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("a client certificate's user and groups reach the API server through the proxy", async () => {
  const who = await whoAmI(c.server.admin);
  assert.equal(who.username, "kubernetes-admin");
  assert.deepEqual(who.groups, ["system:masters", "system:authenticated"]);
});

test("X-Remote-User sent by a client to the proxy is dropped, not trusted", async () => {
  // Without a certificate or token the request is anonymous to the API server: 401 (no anonymous auth).
  assert.equal(await whoAmI({}, { "X-Remote-User": "system:admin", "X-Remote-Group": "system:masters" }), 401);
  assert.equal((await whoAmI(c.server.admin, { "X-Remote-User": "mallory" })).username, "kubernetes-admin");
});

test("a bearer token passes through the proxy unchanged", async () => {
  const admin = { ca: c.server.pki.ca.cert, ...c.server.admin };
  const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} });
  const tr = await httpsCall(`${c.url}/api/v1/namespaces/default/serviceaccounts/default/token`, admin, { method: "POST", body });
  const who = await whoAmI({ token: tr.json().status.token });
  assert.equal(who.username, "system:serviceaccount:default:default");
});

test("a stopped node goes NotReady and comes back when started", async () => {
  const clock = new FakeClock();
  const s2 = await startSimulator({ names: ["faults-node"], nodes: 2, clock });
  try {
    const fc = s2.clusters[0];
    const ready = async (n: string) =>
      (await fc.client.get(R.nodes, "", n)).status?.conditions?.find((x: any) => x.type === "Ready")?.status;
    const until = async (cond: () => Promise<boolean>) => {
      for (let i = 0; i < 300 && !(await cond()); i++) {
        await clock.advance(1000);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.ok(await cond());
    };
    await until(async () => (await ready("node-0")) === "True");
    fc.faults.stopNode("node-0");
    assert.deepEqual(fc.faults.state().stoppedNodes, ["node-0"]);
    await until(async () => (await ready("node-0")) === "Unknown");
    assert.equal(await ready("node-1"), "True");
    await fc.faults.startNode("node-0");
    await until(async () => (await ready("node-0")) === "True");
  } finally {
    await s2.stop();
  }
});

test("kubectl exec upgrades pass through the proxy byte for byte", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-faults-"));
  try {
    await writeFile(join(dir, "kubeconfig"), c.kubeconfig());
    const kubectl = (...args: string[]) => runKubectl(["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args], { allowFail: true });
    await c.client.create(R.pods, "default", { metadata: { name: "sh" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    for (let i = 0; i < 500 && (await c.client.get(R.pods, "default", "sh")).status?.phase !== "Running"; i++) await new Promise((r) => setTimeout(r, 20));
    const out = await kubectl("exec", "sh", "--", "echo", "through-the-proxy");
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "through-the-proxy\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a cluster that fails to start leaves no listener on its port", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const broken = { name: "broken", start: async () => Promise.reject(new Error("cannot start")), stop: () => {} };
  await assert.rejects(startSimCluster({ name: "fails-to-start", port, controllers: [broken] }), /cannot start/);
  await assert.rejects(
    new Promise((resolve, reject) => connect(port, "127.0.0.1").on("connect", resolve).on("error", reject)),
    (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED",
  );
});
