// `serve --demo`: dev, staging and prod simulated in the platform's process,
// integrated and Running, with sample workloads (some deliberately
// unhealthy), and a restart with the same data dir that reconnects them.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { DEMO_CLUSTERS } from "../../src/platform/demo/index.ts";
import { until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

function core(dataDir: string, cluster: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(join(dataDir, "demo", cluster, "kubeconfig"));
  return kc.makeApiClient(CoreV1Api);
}

async function podOf(api: CoreV1Api, namespace: string, app: string): Promise<V1Pod | undefined> {
  return (await api.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items[0];
}

const waiting = (p: V1Pod | undefined) => p?.status?.containerStatuses?.[0]?.state?.waiting?.reason;

describe("serve --demo", () => {
  let dir: string;
  let t: TestPlatform;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-demo-"));
    t = await startTestPlatform({ dataDir: join(dir, "kpanda"), demo: true, health: { intervalMs: 1000 } });
  });
  after(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("integrates dev, staging and prod as Running clusters of 3, 5 and 12 nodes", async () => {
    const admin = await t.adminToken();
    const list = await t.call("GET", "/clusters", undefined, admin);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((c: any) => [c.metadata.name, c.status.phase, c.spec.provider, c.metadata.labels.environment]),
      [
        ["dev", "Running", "kpanda-simulator", "dev"],
        ["prod", "Running", "kpanda-simulator", "prod"],
        ["staging", "Running", "kpanda-simulator", "staging"],
      ],
    );
    for (const [name, nodes] of [["dev", 3], ["staging", 5], ["prod", 12]] as const) {
      const items = (await core(t.dataDir, name).listNode()).items;
      assert.equal(items.length, nodes, name);
    }
  });

  it("spreads prod's 12 nodes evenly over three zones (topology.kubernetes.io/zone)", async () => {
    const zones = new Map<string, number>();
    for (const n of (await core(t.dataDir, "prod").listNode()).items) {
      const z = n.metadata?.labels?.["topology.kubernetes.io/zone"] ?? "";
      zones.set(z, (zones.get(z) ?? 0) + 1);
    }
    assert.deepEqual([...zones].sort(), [["zone-a", 4], ["zone-b", 4], ["zone-c", 4]]);
  });

  it("runs the healthy sample workloads, and shows an image that never pulls, a crash loop and a pod that fits no node", async () => {
    const dev = core(t.dataDir, "dev");
    await until("the shop's web pods Running", async () => {
      const pods = (await dev.listNamespacedPod({ namespace: "shop", labelSelector: "app=web" })).items;
      return pods.length === 3 && pods.every((p) => p.status?.phase === "Running");
    }, 30_000);
    await until("the cache StatefulSet's pods", async () => (await dev.readNamespacedPod({ name: "cache-1", namespace: "shop" })).status?.phase === "Running", 30_000);
    // kubelet's image pull failures: ErrImagePull, then ImagePullBackOff.
    await until("the ledger's image pull failure", async () => ["ErrImagePull", "ImagePullBackOff"].includes(waiting(await podOf(dev, "payments", "ledger")) ?? ""), 30_000);
    // A container that keeps exiting: CrashLoopBackOff, with restarts counted.
    await until("the report worker's crash loop", async () => waiting(await podOf(dev, "batch", "report-worker")) === "CrashLoopBackOff", 60_000);
    // The scheduler's verdict on a pod no node can hold: PodScheduled False, reason Unschedulable.
    const trainer = await until("the trainer's unschedulable pod", async () => {
      const p = await podOf(dev, "batch", "trainer");
      return p?.status?.conditions?.find((c) => c.type === "PodScheduled" && c.reason === "Unschedulable") && p;
    }, 30_000);
    assert.equal(trainer.status?.phase, "Pending");
    assert.match(trainer.status!.conditions!.find((c) => c.type === "PodScheduled")!.message!, /Insufficient cpu/);
  });

  it("reconnects the clusters after a restart with the same data dir: new ports, new credentials, workloads again", async () => {
    const before = new Map((await t.call("GET", "/clusters", undefined, await t.adminToken())).body.items.map((c: any) => [c.metadata.name, c]));
    await t.platform.close();
    const restartedAt = Date.now();
    t = await startTestPlatform({ dataDir: t.dataDir, demo: true, health: { intervalMs: 1000 } });
    const admin = await t.login("admin", t.adminPassword);
    for (const d of DEMO_CLUSTERS) {
      // The health loop reaches it with the new credential: Running, seen after the restart.
      await until(`${d.name} seen after the restart`, async () => {
        const c = (await t.call("GET", `/clusters/${d.name}`, undefined, admin)).body;
        return c.status.phase === "Running" && Date.parse(c.status.lastSeen) >= restartedAt;
      }, 30_000);
      const c = (await t.call("GET", `/clusters/${d.name}`, undefined, admin)).body;
      assert.equal(c.metadata.uid, (before.get(d.name) as any).metadata.uid, "the same Cluster, not a new one");
    }
    const pods = (await core(t.dataDir, "staging").listNamespacedPod({ namespace: "payments" })).items;
    assert.ok(pods.some((p) => p.metadata?.labels?.app === "api"));
  });
});
