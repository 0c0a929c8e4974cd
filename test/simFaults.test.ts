// Each fault of a simulated cluster, as a client outside the process sees
// it: connection refused, latency, 500 and 429 answers, 410 Gone after a
// compaction, a dropped watch, and a stopped node going NotReady.
import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, test } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";

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
      { host: s.host, port: s.port, path, ca: s.pki.ca.cert, cert: s.admin.cert, key: s.admin.key, agent: false },
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

test("dropping watches ends every open watch stream", async () => {
  const rv = JSON.parse((await get("/api/v1/namespaces/default/configmaps")).body).metadata.resourceVersion;
  let opened: () => void;
  const started = new Promise<void>((r) => (opened = r));
  const watch = get(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, () => opened());
  await c.client.create(R.configmaps, "default", { metadata: { name: "seen-by-watch" } });
  await started;
  c.faults.dropWatches();
  const ended = await watch;
  assert.equal(ended.status, 200);
  assert.match(ended.body, /seen-by-watch/);
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
