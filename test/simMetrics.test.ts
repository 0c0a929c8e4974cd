// The simulated metrics-server as an aggregated API server: registered as a
// real one is (Service, Endpoints, APIService), Available, read with kubectl
// through the cluster's proxy and the API server's aggregation, and trusting
// identity headers only from the API server's front-proxy certificate.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { connect } from "node:tls";
import { R } from "../src/apiserver/client.ts";
import { METRICS_ENDPOINT, metricsServerTls } from "../src/simulator/hpa/metricsRegistration.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";
import { runKubectl } from "./harness.ts";

let sim: Simulator;
let c: SimulatedCluster;
let dir: string;

before(async () => {
  sim = await startSimulator({ clusters: 1, nodes: 2 });
  c = sim.clusters[0];
  dir = await mkdtemp(join(tmpdir(), "kpanda-metrics-"));
  await writeFile(join(dir, "kubeconfig"), c.kubeconfig());
  await c.client.create(R.pods, "default", { metadata: { name: "p1", labels: { app: "m" } }, spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "200m", memory: "100Mi" } } }] } });
  for (let i = 0; i < 500 && (await c.client.get(R.pods, "default", "p1")).status?.phase !== "Running"; i++) await new Promise((r) => setTimeout(r, 20));
});
after(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const kubectl = async (...args: string[]) => (await runKubectl(["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args])).stdout;

async function available(): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const out = await kubectl("get", "apiservice", "v1beta1.metrics.k8s.io");
    if (/\sTrue\s/.test(out)) return out;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("v1beta1.metrics.k8s.io never became Available");
}

test("the metrics-server is registered as in a real cluster and its APIService is Available", async () => {
  const out = (await available()).trim().split("\n");
  assert.match(out[1], /^v1beta1\.metrics\.k8s\.io\s+kube-system\/metrics-server\s+True\s+/);
  const eps = await c.client.get(R.endpoints, "kube-system", "metrics-server");
  assert.deepEqual(eps.subsets, [{ addresses: [{ ip: METRICS_ENDPOINT.ip }], ports: [{ name: "https", port: METRICS_ENDPOINT.port, protocol: "TCP" }] }]);
});

test("kubectl get --raw reads the group-version's discovery and PodMetrics through the aggregator", async () => {
  await available();
  const list = JSON.parse(await kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1"));
  // metrics-server's discovery: nodes and pods, get and list.
  assert.deepEqual(
    list.resources.map((r: any) => [r.name, r.kind, r.namespaced, r.verbs]),
    [
      ["nodes", "NodeMetrics", false, ["get", "list"]],
      ["pods", "PodMetrics", true, ["get", "list"]],
    ],
  );
  const pod = JSON.parse(await kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/p1"));
  assert.equal(pod.kind, "PodMetrics");
  // 10% of the 200m request at the default load.
  assert.equal(pod.containers[0].usage.cpu, "20000000n");
});

test("kubectl get podmetrics prints metrics-server's table: NAME, each usage, WINDOW", async () => {
  await available();
  const out = (await kubectl("get", "podmetrics.metrics.k8s.io", "-n", "default", "-l", "app=m")).trim().split("\n");
  assert.match(out[0], /^NAME\s+CPU\s+MEMORY\s+WINDOW$/);
  assert.match(out[1], /^p1\s+20m\s+30Mi\s+30s$/);
});

test("the metrics-server ignores X-Remote-User from a client without the front-proxy certificate", async () => {
  const { ca } = await metricsServerTls();
  const call = (cert: { cert: string; key: string }, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: METRICS_ENDPOINT.ip,
          path: "/apis/metrics.k8s.io/v1beta1/nodes",
          headers,
          createConnection: () => connect({ socket: c.network.connect(METRICS_ENDPOINT.ip, METRICS_ENDPOINT.port), ca: ca.cert, servername: "metrics-server.kube-system.svc", ...cert }),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
  // The cluster admin's own certificate is not the front proxy's: the header is not trusted (401).
  assert.equal(await call(c.server.admin, { "X-Remote-User": "system:admin" }), 401);
  assert.equal(await call(c.server.pki.frontProxy.client, { "X-Remote-User": "system:admin" }), 200);
});
