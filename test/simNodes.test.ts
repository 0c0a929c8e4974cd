// Nodes, scheduler, kubelet and node lifecycle on a simulated cluster with a
// fake clock: pods are scheduled and run, unschedulable pods say why, taints,
// selectors and cordons are honoured, a silent node is tainted and its pods
// evicted, and the image conventions show in `kubectl get pods`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { type NodeSim, nodeControllers } from "../src/simulator/nodes/index.ts";
import { kubectlFor } from "./simWorkloadsKubelet.ts";

const NS = "default";

describe("simulated nodes, scheduler and kubelet", () => {
  const clock = new FakeClock(Math.ceil(Date.now() / 1000) * 1000);
  let c: SimCluster;
  let sim: NodeSim;
  let k: Awaited<ReturnType<typeof kubectlFor>>;

  before(async () => {
    sim = nodeControllers({
      profiles: [
        { count: 3, cpu: "4", memory: "8Gi" },
        { namePrefix: "gpu-", count: 1, labels: { pool: "gpu" }, taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }] },
      ],
    });
    c = await startSimCluster({ name: "simnodes", clock, controllers: sim.controllers });
    k = await kubectlFor(c);
  });
  after(async () => {
    await k.close();
    await c.stop();
  });

  /** Advances fake time in steps until fn holds. */
  async function tickUntil<T>(what: string, fn: () => Promise<T | false | undefined>, maxSteps = 600, stepMs = 1000): Promise<T> {
    for (let i = 0; i < maxSteps; i++) {
      const v = await fn();
      if (v) return v;
      await clock.advance(stepMs);
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const pod = (name: string, spec: KObject = {}, meta: KObject = {}): KObject => ({
    metadata: { name, ...meta },
    spec: { containers: [{ name: "app", image: "nginx:1.27" }], ...spec },
  });
  const get = (name: string) => c.client.get(R.pods, NS, name);
  const events = async (name: string) =>
    (await c.client.list(R.events, NS, { fieldSelector: `involvedObject.name=${name}` })).items.map((e) => `${e.reason}: ${e.message}`);

  it("registers nodes with standard labels, capacity, nodeInfo and a lease", async () => {
    const n = await c.client.get(R.nodes, "", "node-1");
    assert.equal(n.metadata?.labels?.["kubernetes.io/hostname"], "node-1");
    assert.equal(n.metadata?.labels?.["topology.kubernetes.io/zone"], "zone-b");
    assert.equal(n.metadata?.labels?.["node.kubernetes.io/instance-type"], "sim.large");
    assert.equal(n.status?.capacity?.cpu, "4");
    assert.equal(n.status?.allocatable?.cpu, "3900m");
    assert.equal(n.status?.nodeInfo?.kubeletVersion, "v1.32.0");
    assert.deepEqual(
      n.status?.conditions?.map((x: KObject) => `${x.type}=${x.status}`),
      ["MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"],
    );
    const lease = await c.client.get(R.leases, "kube-node-lease", "node-1");
    const before = lease.spec?.renewTime;
    await clock.advance(11_000);
    assert.notEqual((await c.client.get(R.leases, "kube-node-lease", "node-1")).spec?.renewTime, before);
  });

  it("schedules pods and runs them: ContainerCreating, then Running and Ready with an IP", async () => {
    await c.client.create(R.pods, NS, pod("web"));
    const creating = await tickUntil("ContainerCreating", async () => {
      const p = await get("web");
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ContainerCreating" && p;
    }, 20, 0);
    assert.match(creating.spec?.nodeName ?? "", /^node-\d$/);
    assert.match(creating.status?.hostIP ?? "", /^10\.0\.0\.\d+$/);
    const running = await tickUntil("Running", async () => {
      const p = await get("web");
      return p.status?.phase === "Running" && p;
    });
    assert.match(running.status?.podIP ?? "", /^10\.128\.\d+\.\d+$/);
    assert.equal(running.status?.containerStatuses?.[0]?.ready, true);
    assert.match(running.status?.containerStatuses?.[0]?.containerID ?? "", /^containerd:\/\//);
    assert.ok(running.status?.conditions?.some((x: KObject) => x.type === "Ready" && x.status === "True"));
    const evs = await events("web");
    assert.ok(evs.includes(`Scheduled: Successfully assigned default/web to ${running.spec?.nodeName}`), evs.join("\n"));
    for (const r of ["Pulled", "Created", "Started"]) assert.ok(evs.some((e) => e.startsWith(`${r}:`)), r);
    const logs = (await k.kubectl(["logs", "web"])).stdout;
    assert.match(logs, /^starting app \(image nginx:1\.27\)\npod default\/web on node node-\d, IP 10\.128\./);
    assert.match((await k.kubectl(["logs", "web", "--timestamps", "--tail=1"])).stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z app is running\n$/);
  });

  it("a pod with a readiness probe turns Ready after initialDelaySeconds", async () => {
    await c.client.create(R.pods, NS, pod("probed", { containers: [{ name: "app", image: "nginx:1.27", readinessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 20 } }] }));
    await tickUntil("Running", async () => (await get("probed")).status?.phase === "Running");
    const ready = (p: KObject) => p.status?.conditions?.find((x: KObject) => x.type === "Ready")?.status;
    assert.equal(ready(await get("probed")), "False");
    // Ready comes initialDelaySeconds after the container started (within the 1 s steps), not before.
    const runningAt = clock.now();
    await tickUntil("Ready", async () => ready(await get("probed")) === "True", 30);
    assert.ok(clock.now() - runningAt >= 19_000, `Ready after ${clock.now() - runningAt} ms`);
  });

  it("a pod that fits nowhere gets PodScheduled=False and a FailedScheduling event", async () => {
    await c.client.create(R.pods, NS, pod("huge", { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "64" } } }] }));
    const msg = "0/4 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.";
    const cond = await tickUntil("Unschedulable", async () => (await get("huge")).status?.conditions?.find((x: KObject) => x.type === "PodScheduled" && x.status === "False"), 50, 0);
    assert.equal(cond.reason, "Unschedulable");
    assert.equal(cond.message, msg);
    assert.ok((await events("huge")).includes(`FailedScheduling: ${msg}`));
    await c.client.delete(R.pods, NS, "huge");
  });

  it("nodeSelector and taints: only a tolerating pod lands on the tainted pool", async () => {
    await c.client.create(R.pods, NS, pod("gpu-no-toleration", { nodeSelector: { pool: "gpu" } }));
    await c.client.create(R.pods, NS, pod("gpu-ok", { nodeSelector: { pool: "gpu" }, tolerations: [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }] }));
    const ok = await tickUntil("gpu-ok bound", async () => (await get("gpu-ok")).spec?.nodeName, 50, 0);
    assert.equal(ok, "gpu-0");
    const cond = await tickUntil("unschedulable", async () => (await get("gpu-no-toleration")).status?.conditions?.find((x: KObject) => x.type === "PodScheduled"), 50, 0);
    assert.equal(cond.status, "False");
    assert.match(cond.message, /^0\/4 nodes are available: 1 node\(s\) had untolerated taint \{gpu: true\}, 3 node\(s\) didn't match Pod's node affinity\/selector\./);
    await c.client.delete(R.pods, NS, "gpu-no-toleration");
  });

  it("required anti-affinity on the hostname spreads pods one per node", async () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "spread" } }, topologyKey: "kubernetes.io/hostname" }] } };
    for (const n of ["s1", "s2", "s3", "s4"]) await c.client.create(R.pods, NS, pod(n, { affinity: anti }, { labels: { app: "spread" } }));
    const nodes = await tickUntil("three bound", async () => {
      const ps = await Promise.all(["s1", "s2", "s3", "s4"].map(get));
      const bound = ps.map((p) => p.spec?.nodeName).filter(Boolean);
      return bound.length === 3 && bound;
    }, 50, 0);
    assert.equal(new Set(nodes).size, 3);
    const left = (await Promise.all(["s1", "s2", "s3", "s4"].map(get))).find((p) => !p.spec?.nodeName)!;
    const cond = await tickUntil("anti-affinity reason", async () => (await get(left.metadata!.name!)).status?.conditions?.find((x: KObject) => x.type === "PodScheduled"), 50, 0);
    // Existing pods' anti-affinity is checked first (InterPodAffinity's Filter order).
    assert.match(cond.message, /3 node\(s\) didn't satisfy existing pods anti-affinity rules/);
    for (const n of ["s1", "s2", "s3", "s4"]) await c.client.delete(R.pods, NS, n, { gracePeriodSeconds: 0 });
  });

  it("kubectl cordon keeps new pods off every node; uncordon lets them schedule", async () => {
    for (const n of ["node-0", "node-1", "node-2"]) await k.kubectl(["cordon", n]);
    await c.client.create(R.pods, NS, pod("after-cordon"));
    const cond = await tickUntil("unschedulable", async () => (await get("after-cordon")).status?.conditions?.find((x: KObject) => x.type === "PodScheduled"), 50, 0);
    assert.equal((await get("after-cordon")).spec?.nodeName, undefined);
    assert.match(cond.message, /3 node\(s\) were unschedulable/);
    await k.kubectl(["uncordon", "node-2"]);
    const node = await tickUntil("bound after uncordon", async () => (await get("after-cordon")).spec?.nodeName, 50, 0);
    assert.equal(node, "node-2");
    for (const n of ["node-0", "node-1"]) await k.kubectl(["uncordon", n]);
  });

  it("image conventions show ErrImagePull, ImagePullBackOff and CrashLoopBackOff in kubectl get pods", async () => {
    await c.client.create(R.pods, NS, pod("pull-fail", { containers: [{ name: "app", image: "nginx:notfound" }] }));
    await c.client.create(R.pods, NS, pod("crasher", { containers: [{ name: "app", image: "example/crashloop:1" }] }));
    const status = async (name: string) => {
      const out = (await k.kubectl(["get", "pod", name, "--no-headers"])).stdout.trim().split(/\s+/);
      return { status: out[2], restarts: out[3] };
    };
    await tickUntil("ErrImagePull", async () => (await status("pull-fail")).status === "ErrImagePull", 10);
    await tickUntil("ImagePullBackOff", async () => (await status("pull-fail")).status === "ImagePullBackOff", 5);
    await tickUntil("CrashLoopBackOff", async () => (await status("crasher")).status === "CrashLoopBackOff", 10);
    const first = (await get("crasher")).status?.containerStatuses?.[0];
    assert.equal(first.restartCount, 1);
    assert.equal(first.lastState?.terminated?.reason, "Error");
    await tickUntil("a second restart", async () => (await get("crasher")).status?.containerStatuses?.[0]?.restartCount === 2, 60);
    assert.ok((await events("crasher")).some((e) => e.startsWith("BackOff: Back-off restarting failed container app in pod crasher_default")));
    assert.ok((await events("pull-fail")).includes("Failed: Error: ErrImagePull"));
  });

  it("a Job's pod succeeds after its run time with a Completed container", async () => {
    await c.client.create(R.pods, NS, pod("batch", { restartPolicy: "Never" }, { annotations: { "sim.kpanda.io/run-seconds": "7" } }));
    await tickUntil("Running", async () => (await get("batch")).status?.phase === "Running", 10);
    // It succeeds its run time after it started (within the 1 s steps), not before.
    const runningAt = clock.now();
    const done = await tickUntil("Succeeded", async () => {
      const p = await get("batch");
      return p.status?.phase === "Succeeded" && p;
    }, 15);
    assert.ok(clock.now() - runningAt >= 6000, `Succeeded after ${clock.now() - runningAt} ms`);
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, "Completed");
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  });

  it("graceful deletion: the kubelet removes a deleted pod after its shutdown", async () => {
    await c.client.create(R.pods, NS, pod("bye"));
    await tickUntil("Running", async () => (await get("bye")).status?.phase === "Running", 10);
    await c.client.delete(R.pods, NS, "bye");
    assert.ok((await get("bye")).metadata?.deletionTimestamp);
    await tickUntil("gone", async () => !(await get("bye").catch(() => undefined)), 5);
    assert.ok((await events("bye")).includes("Killing: Stopping container app"));
  });

  it("a stopped node goes Unknown, is tainted unreachable, and its pods are evicted after tolerationSeconds", async () => {
    await c.client.create(R.pods, NS, pod("victim", { nodeName: "node-0" }));
    await c.client.create(R.pods, NS, pod("quick", { nodeName: "node-0", tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }] }));
    await tickUntil("Running", async () => (await get("victim")).status?.phase === "Running" && (await get("quick")).status?.phase === "Running", 10);
    sim.stopNode("node-0");
    const node = await tickUntil("Unknown", async () => {
      const n = await c.client.get(R.nodes, "", "node-0");
      return n.spec?.taints?.length === 2 && n;
    }, 70);
    const ready = node.status?.conditions?.find((x: KObject) => x.type === "Ready");
    assert.equal(ready.status, "Unknown");
    assert.equal(ready.reason, "NodeStatusUnknown");
    assert.equal(ready.message, "Kubelet stopped posting node status.");
    assert.deepEqual(node.spec?.taints.map((t: KObject) => `${t.key}:${t.effect}`).sort(), ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    const nodeEvents = (await c.client.list(R.events, NS, { fieldSelector: "involvedObject.name=node-0" })).items.map((e) => e.reason);
    assert.ok(nodeEvents.includes("NodeNotReady"));
    // The pod's Ready condition is cleared, as MarkPodsNotReady does.
    assert.equal((await get("victim")).status?.conditions?.find((x: KObject) => x.type === "Ready")?.status, "False");
    // 30 s toleration: evicted first; the default 300 s for the other.
    await tickUntil("quick evicted", async () => (await get("quick")).metadata?.deletionTimestamp, 40);
    assert.equal((await get("victim")).metadata?.deletionTimestamp, undefined);
    await tickUntil("victim evicted", async () => (await get("victim")).metadata?.deletionTimestamp, 300);
    assert.ok((await events("victim")).includes("TaintManagerEviction: Marking for deletion Pod default/victim"));
    // A new pod avoids the tainted node.
    await c.client.create(R.pods, NS, pod("elsewhere"));
    const placed = await tickUntil("bound", async () => (await get("elsewhere")).spec?.nodeName, 20, 0);
    assert.notEqual(placed, "node-0");
    // The node comes back: taints go, and its kubelet finishes the evicted pods.
    await sim.startNode("node-0");
    await tickUntil("untainted", async () => !(await c.client.get(R.nodes, "", "node-0")).spec?.taints, 20);
    await tickUntil("evicted pods gone", async () => !(await get("victim").catch(() => undefined)) && !(await get("quick").catch(() => undefined)), 20);
  });
});
