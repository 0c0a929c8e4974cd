// The health loop and the summaries against simulated clusters, over real
// HTTP: an unreachable cluster turns Unknown (within 30 s; here within a few
// seconds, with short intervals) while its last summary is still served,
// marked stale; the other clusters keep answering at normal speed; and it
// turns Running by itself once reachable again. Summaries are served from
// memory and status writes stay few.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let sim: Simulator;
let t: TestPlatform;
let admin: string;
let simDir: string;

const NAMES = ["east", "west", "north"];

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const summary = async (name: string) => (await t.call("GET", `/clusters/${name}/summary`, undefined, admin)).body;

before(async () => {
  simDir = await mkdtemp(join(tmpdir(), "kpanda-health-"));
  sim = await startSimulator({ names: NAMES, nodes: 3, dataDir: simDir });
  t = await startTestPlatform({
    health: { intervalMs: 300, timeoutMs: 1000, summaryIntervalMs: 1000, lastSeenWriteMs: 1500, failureThreshold: 2 },
  });
  admin = await t.adminToken();
  for (const name of NAMES) {
    const r = await t.call("POST", "/clusters", { name, kubeconfig: sim.cluster(name).kubeconfig() }, admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  for (const name of NAMES) await until(`${name}'s first summary`, async () => (await summary(name)).computedAt);
});

after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(simDir, { recursive: true, force: true });
});

describe("cluster summaries", () => {
  it("sums nodes, capacity, allocatable and pod requests, counts pods and namespaces, and reads usage from metrics.k8s.io", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(sim.cluster("east").kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = (await core.listNode()).items;
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "web" },
        spec: {
          // The effective request is the larger of the containers' sum and the largest init container (kube's PodRequests).
          initContainers: [{ name: "init", image: "busybox", resources: { requests: { cpu: "2", memory: "64Mi" } } }],
          containers: [
            { name: "a", image: "nginx", resources: { requests: { cpu: "250m", memory: "128Mi" } } },
            { name: "b", image: "nginx", resources: { requests: { cpu: "500m", memory: "128Mi" } } },
          ],
        },
      },
    });
    // A pod no node fits: not counted as requested (kubectl describe node counts the pods on a node), and the
    // scheduler's FailedScheduling warning shows among the recent events.
    await core.createNamespacedPod({
      namespace: "default",
      body: { metadata: { name: "huge" }, spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "1000" } } }] } },
    });
    const s = await until("a summary with the pod's requests and the warning", async () => {
      const x = await summary("east");
      // A summary is several reads made at once; one begun just before "huge" was made can hold its
      // scheduler's warning (read a moment later) but not the pod itself: wait for one with both pods.
      return x.cpu?.requested === 2 && x.pods >= 2 && x.warningEvents?.some((e: any) => e.reason === "FailedScheduling") ? x : undefined;
    });
    const warning = s.warningEvents.find((e: any) => e.reason === "FailedScheduling");
    assert.deepEqual([warning.namespace, warning.kind, warning.name], ["default", "Pod", "huge"]);
    assert.equal(s.memory.requested, 256 * 2 ** 20);
    assert.equal(s.nodes.total, nodes.length);
    assert.equal(s.nodes.ready, nodes.length);
    // allocatable and capacity are the nodes' own, summed (cpu in cores).
    const cpuOf = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
    assert.equal(s.cpu.allocatable, nodes.reduce((a, n) => a + cpuOf(n.status!.allocatable!.cpu), 0));
    assert.equal(s.cpu.capacity, nodes.reduce((a, n) => a + cpuOf(n.status!.capacity!.cpu), 0));
    assert.ok(s.pods >= 2);
    assert.equal(s.namespaces, (await core.listNamespace()).items.length);
    assert.equal(s.metricsAvailable, true);
    assert.ok(s.cpu.usage > 0 && s.memory.usage > 0);
    // The simulator's nodes carry providerID kpanda-sim://...
    assert.equal(s.provider, "kpanda-sim");
    assert.equal(s.stale, false);
    assert.match(s.version, /^v1\./);
  });

  it("lists every visible cluster's summary, paged, from memory", async () => {
    const r = await t.call("GET", "/clustersummary?pageSize=2", undefined, admin);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.pagination, { total: 3, page: 1, pageSize: 2 });
    assert.deepEqual(r.body.items.map((s: any) => s.cluster), ["east", "north"]);
    // Never a fan-out per request: with every member slowed past the probe timeout, the list still answers at once.
    for (const name of NAMES) sim.cluster(name).faults.latency(1500);
    try {
      const t0 = performance.now();
      const slow = await t.call("GET", "/clustersummary", undefined, admin);
      assert.equal(slow.status, 200);
      assert.equal(slow.body.items.length, 3);
      assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
    } finally {
      for (const name of NAMES) sim.cluster(name).faults.latency(0);
    }
  });
});

describe("cluster health", () => {
  it("records how many of a cluster's nodes are ready (NodesReady), also once kpanda's cache holds its nodes", async () => {
    const got = await until("east's nodes in the cache", async () => {
      const synced = (await t.call("GET", "/asl/nodes?cluster=east&pageSize=1", undefined, admin)).body;
      return synced?.pagination?.total === 3 && synced.freshness?.every((f: any) => f.state === "synced") ? synced : undefined;
    });
    assert.equal(got.pagination.total, 3);
    const lastSeen = (await t.call("GET", "/clusters/east", undefined, admin)).body.status.lastSeen;
    const seen = await until("east probed again", async () => {
      const r = (await t.call("GET", "/clusters/east", undefined, admin)).body;
      return r.status.lastSeen > lastSeen ? r : undefined;
    });
    const cond = seen.status.conditions.find((c: any) => c.type === "NodesReady");
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: "True", reason: "AllNodesReady", message: "3 of 3 nodes are ready" });
  });

  it("turns an unreachable cluster Unknown within 30 s, serves its stale summary, keeps the others at normal speed, and recovers", async () => {
    const before = await summary("west");
    const west = sim.cluster("west");
    await west.faults.unreachable();
    const t0 = Date.now();
    try {
      const got = await until("west Unknown", async () => {
        const r = await t.call("GET", "/clusters/west", undefined, admin);
        return r.body.status.phase === "Unknown" ? r.body : undefined;
      }, 30_000);
      assert.ok(Date.now() - t0 < 30_000);
      const ready = got.status.conditions.find((c: any) => c.type === "Ready");
      assert.equal(ready.status, "False");
      assert.equal(ready.reason, "Unreachable");
      assert.match(ready.message, /connection refused/);
      const stale = await summary("west");
      assert.equal(stale.stale, true);
      assert.equal(stale.phase, "Unknown");
      assert.equal(stale.nodes.total, before.nodes.total);
      assert.ok(Date.parse(stale.computedAt) <= Date.now());
      // Meanwhile the others stay Running, keep being probed, and answer quickly.
      const eastSeen = (await t.call("GET", "/clusters/east", undefined, admin)).body.status.lastSeen;
      await until("east seen again", async () => (await t.call("GET", "/clusters/east", undefined, admin)).body.status.lastSeen > eastSeen, 10_000);
      for (const name of ["east", "north"]) {
        const t1 = performance.now();
        const s = await summary(name);
        assert.ok(performance.now() - t1 < 200);
        assert.equal(s.stale, false);
        assert.equal(s.phase, "Running");
      }
    } finally {
      await west.faults.reachable();
    }
    const back = await until("west Running again", async () => {
      const r = await t.call("GET", "/clusters/west", undefined, admin);
      return r.body.status.phase === "Running" ? r.body : undefined;
    });
    assert.equal(back.status.conditions.find((c: any) => c.type === "Ready").status, "True");
    const fresh = await until("a fresh summary", async () => {
      const s = await summary("west");
      return !s.stale && Date.parse(s.computedAt) > t0 ? s : undefined;
    });
    assert.equal(fresh.phase, "Running");
  });

  it("turns a cluster that answers slower than the probe timeout Unknown, and back once it is fast again", async () => {
    const north = sim.cluster("north");
    north.faults.latency(1500);
    try {
      const got = await until("north Unknown", async () => {
        const r = await t.call("GET", "/clusters/north", undefined, admin);
        return r.body.status.phase === "Unknown" ? r.body : undefined;
      });
      const ready = got.status.conditions.find((c: any) => c.type === "Ready");
      assert.equal(ready.reason, "Unreachable");
      assert.match(ready.message, /timed out after 1000 ms/);
    } finally {
      north.faults.latency(0);
    }
    await until("north Running again", async () => (await t.call("GET", "/clusters/north", undefined, admin)).body.status.phase === "Running");
  });

  it("writes a cluster's status only on change or to move lastSeen, not on every probe", async () => {
    const { host } = t.platform.ctx;
    const rv = async () =>
      ((await host.custom.getClusterCustomObject({ group: "kpanda.io", version: "v1alpha1", plural: "clusters", name: "north" })) as any).metadata
        .resourceVersion;
    const seen = new Set<string>([await rv()]);
    // 3 s at a 300 ms interval is about 10 probes; lastSeen moves every 1.5 s, so 2 or 3 writes.
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      seen.add(await rv());
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(seen.size <= 4, `${seen.size} versions in 3 s`);
  });

  it("keeps the last summary in the Cluster's status, so another replica or a restart can serve it", async () => {
    const obj = t.platform.ctx.members.cluster("east");
    assert.ok(obj?.status?.summary?.computedAt);
    assert.equal(obj.status.summary.nodes.total, 3);
  });

  it("turns a recovered cluster Running on its probe alone: the status write does not wait for a new summary", async () => {
    const east = sim.cluster("east");
    await east.faults.unreachable();
    try {
      await until("east Unknown", () => (t.platform.ctx.members.cluster("east")?.status?.phase === "Unknown" ? true : undefined), 30_000);
    } finally {
      await east.faults.reachable();
    }
    const recovered = Date.now();
    // The first Running status (seen in the host's cache as it changes) still carries the summary made
    // before the outage: the summary of every pod and event comes after the cluster is Running.
    const running = await until("east Running", async () => {
      const o = t.platform.ctx.members.cluster("east");
      if (o?.status?.phase === "Running") return o;
      await new Promise((r) => setTimeout(r, 10));
      return undefined;
    });
    assert.ok(Date.parse(running.status.summary.computedAt) < recovered, `${running.status.summary.computedAt} is after the recovery`);
    await until("a summary made after the recovery", async () => Date.parse((await summary("east")).computedAt) > recovered);
  });
});

describe("health under leader changes", () => {
  it("runs one probe loop per cluster after stop and start in quick succession (a flapping Lease)", async () => {
    const { health } = t.platform.ctx;
    // Slow probes, so that stop() finds one under way; it must not start a second loop when start() follows.
    sim.cluster("north").faults.latency(250);
    try {
      for (let i = 0; i < 12; i++) {
        await health.stop();
        health.start();
        await new Promise((r) => setTimeout(r, 150));
      }
      const before = health.probes.get("north") ?? 0;
      await new Promise((r) => setTimeout(r, 3000));
      const probes = (health.probes.get("north") ?? 0) - before;
      // One loop: a probe of at least 250 ms, then 300 ms until the next, so at most 6 in 3 s.
      assert.ok(probes <= 6, `${probes} probes in 3 s`);
      assert.ok(probes >= 1, "the loop goes on");
    } finally {
      sim.cluster("north").faults.latency(0);
    }
  });

  it("writes no status from a probe under way when it stops (the lead lost): the next leader's stays", async () => {
    const { health, host, members } = t.platform.ctx;
    // Slow probes, so that stop() finds one under way; a probe's status write is due every other probe
    // or so (lastSeenWriteMs), so a few rounds make a late write near certain to show.
    sim.cluster("north").faults.latency(600);
    try {
      for (let round = 0; round < 5; round++) {
        const before = health.probes.get("north") ?? 0;
        await until("a probe of north under way", () => ((health.probes.get("north") ?? 0) > before ? true : undefined), 5000);
        await health.stop();
        const marker = { ...members.cluster("north")?.status?.summary, pods: 54321 + round };
        await host.custom.patchClusterCustomObjectStatus(
          { group: "kpanda.io", version: "v1alpha1", plural: "clusters", name: "north", body: { status: { summary: marker } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        );
        // The probe under way ends within its 600 ms.
        await new Promise((r) => setTimeout(r, 1000));
        const obj: any = await host.custom.getClusterCustomObject({ group: "kpanda.io", version: "v1alpha1", plural: "clusters", name: "north" });
        assert.equal(obj.status.summary.pods, 54321 + round, `round ${round}: a stopped controller wrote the status`);
        health.start();
      }
    } finally {
      sim.cluster("north").faults.latency(0);
      health.start();
    }
  });

  it("serves the newer of its own summary and the one another leader kept in status", async () => {
    const { health, host, members } = t.platform.ctx;
    await health.stop();
    try {
      const kept = { ...members.cluster("north")?.status?.summary, pods: 12345, computedAt: new Date(Date.now() + 1000).toISOString() };
      await host.custom.patchClusterCustomObjectStatus(
        { group: "kpanda.io", version: "v1alpha1", plural: "clusters", name: "north", body: { status: { summary: kept } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await until("the other leader's summary served", async () => (await summary("north")).pods === 12345);
    } finally {
      health.start();
    }
  });
});
