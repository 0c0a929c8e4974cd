// HPA over the simulated metrics API (an aggregated API server behind the
// APIService v1beta1.metrics.k8s.io): scale up when load rises, back down
// only after the scale-down stabilization window, all on a fake clock.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";
import { httpsCall } from "./httpsCall.ts";

let sim: Simulator;
let c: SimulatedCluster;
const clock = new FakeClock();

before(async () => {
  sim = await startSimulator({ clusters: 1, nodes: 3, clock });
  c = sim.clusters[0];
});
after(() => sim.stop());

/** Advances the fake clock in steps until cond holds (or gives up after maxMs of fake time). */
async function advanceUntil(cond: () => Promise<boolean>, maxMs: number, stepMs = 1000): Promise<number> {
  const start = clock.now();
  for (;;) {
    if (await cond()) return clock.now() - start;
    if (clock.now() - start >= maxMs) throw new Error(`condition not met within ${maxMs} ms of fake time`);
    await clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function deployment(name: string, replicas: number): KObject {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" } } }] },
      },
    },
  };
}

const replicas = async (name: string) => (await c.client.get(R.deployments, "default", name)).spec?.replicas;
const hpaOf = (name: string) => c.client.get(R.hpas, "default", name);
const running = async (app: string) =>
  (await c.client.list(R.pods, "default", { labelSelector: `app=${app}` })).items.filter((p) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp).length;

test("metrics.k8s.io serves PodMetrics from the load model, through the cluster's proxy and the API server's aggregation", async () => {
  await c.client.create(R.deployments, "default", deployment("top", 2));
  await advanceUntil(async () => (await running("top")) === 2, 120_000);
  c.load.setLoad({ app: "top" }, 0.5, "default");
  const creds = { ca: c.server.pki.ca.cert, ...c.server.admin };
  const reply = await httpsCall(`${c.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dtop`, creds);
  assert.equal(reply.status, 200, reply.text);
  const list = reply.json();
  assert.equal(list.kind, "PodMetricsList");
  assert.equal(list.items.length, 2);
  for (const m of list.items) {
    assert.equal(m.kind, "PodMetrics");
    assert.equal(m.containers[0].usage.cpu, "50000000n");
  }
  // The in-process client, as the HPA controller reads them: through the aggregator too.
  const nodes = await c.client.list({ group: "metrics.k8s.io", version: "v1beta1", resource: "nodes" }, undefined);
  assert.equal(nodes.items.length, 3);
});

test("an HPA scales a Deployment up when its load rises and down after the stabilization window", async () => {
  await c.client.create(R.deployments, "default", deployment("web", 2));
  await advanceUntil(async () => (await running("web")) === 2, 120_000);
  await c.client.create(R.hpas, "default", {
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
    },
  });
  // At the default 10% of requests, 2 pods are more than enough: ceil(2 * 10/50) = 1 once the window allows.
  const stop = c.load.setLoad({ app: "web" }, 0.9, "default");
  await advanceUntil(async () => (await replicas("web")) === 4, 120_000);
  const hpa = await hpaOf("web");
  assert.equal(hpa.status.desiredReplicas, 4);
  assert.ok(hpa.status.lastScaleTime);
  const cond = (t: string) => hpa.status.conditions.find((x: any) => x.type === t);
  assert.equal(cond("AbleToScale").status, "True");
  assert.equal(cond("ScalingActive").reason, "ValidMetricFound");
  const events = (await c.client.list(R.events, "default")).items.filter((e) => e.involvedObject?.name === "web" && e.reason === "SuccessfulRescale");
  assert.equal(events[0].message, "New size: 4; reason: cpu resource utilization (percentage of request) above target");

  // Load drops: the recommendation falls at once, the scale only after 300 s of lower recommendations.
  stop();
  c.load.setLoad({ app: "web" }, 0.1, "default");
  await advanceUntil(async () => (await running("web")) === 4, 120_000);
  const from = clock.now();
  const waited = await advanceUntil(async () => ((await replicas("web")) ?? 0) < 4, 600_000, 5000);
  assert.ok(clock.now() - from >= 300_000 - 30_000 && waited >= 270_000, `scaled down after ${waited} ms`);
  const down = await hpaOf("web");
  assert.equal(down.status.currentMetrics[0].resource.current.averageUtilization, 10);
  assert.equal(await replicas("web"), 1);
});

test("behavior policies limit the scale-up rate", async () => {
  await c.client.create(R.deployments, "default", deployment("api", 1));
  await advanceUntil(async () => (await running("api")) === 1, 120_000);
  c.load.setLoad({ app: "api" }, 5, "default");
  await c.client.create(R.hpas, "default", {
    metadata: { name: "api" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 1,
      maxReplicas: 20,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
      behavior: { scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
    },
  });
  await advanceUntil(async () => (await replicas("api")) === 2, 60_000);
  const hpa = await hpaOf("api");
  const limited = hpa.status.conditions.find((x: any) => x.type === "ScalingLimited");
  assert.equal(limited.status, "True");
  assert.equal(limited.reason, "ScaleUpLimit");
  // One pod per 60 s (the Pods policy's period): the third replica comes only
  // once the second's scale-up has left the period, at an HPA sync (every 15 s).
  const waited = await advanceUntil(async () => (await replicas("api")) === 3, 120_000);
  assert.ok(waited >= 59_000 && waited <= 76_000, `third replica after ${waited} ms`);
  assert.equal(await replicas("api"), 3);
});
