// kubectl 1.32 against a simulated cluster through the API server's proxy
// subresources, beside test/simKubectlStreams.test.ts (exec, port-forward,
// logs, attach, debug and the service proxy): the pod and node proxies with
// `kubectl get --raw`, and `kubectl proxy` to a service.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { type Simulator, startSimulator } from "../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "./harness.ts";
import { httpGet } from "./kubeletStreams.ts";
import { until } from "./simWorkloadsKubelet.ts";

const WEB = `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

describe("the pod and node proxies and kubectl proxy against a simulated cluster", () => {
  let sim: Simulator;
  let dir: string;
  let kc: string;
  let node: string;
  const kubectl = (args: string[], allowFail = false): Promise<KubectlResult> =>
    runKubectl(["--kubeconfig", kc, "--cache-dir", join(dir, "cache"), ...args], { allowFail });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-sproxy-"));
    sim = await startSimulator({ nodes: 1, dataDir: dir });
    kc = sim.clusters[0].kubeconfigPath!;
    await writeFile(join(dir, "web.yaml"), WEB);
    await kubectl(["apply", "-f", join(dir, "web.yaml")]);
    const c = sim.clusters[0];
    const pod = await until(
      "web pod running",
      async () => {
        const p = await c.client.get(R.pods, "default", "web");
        return p.status?.phase === "Running" ? p : undefined;
      },
      20_000,
    );
    node = pod.spec.nodeName;
    await until(
      "web endpoints",
      async () => ((await c.client.get(R.endpoints, "default", "web").catch(() => undefined))?.subsets?.length ? true : undefined),
      20_000,
    );
  });
  after(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("kubectl get --raw reaches a container port through pods/proxy", async () => {
    const { stdout } = await kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/web:80/proxy/x?y=1"]);
    assert.equal(stdout, "pod: default/web\ncontainer: web\nport: 80\nrequest: GET /x?y=1\n");
  });

  it("nodes/proxy reaches the node's kubelet API", async () => {
    assert.equal((await kubectl(["get", "--raw", `/api/v1/nodes/${node}/proxy/healthz`])).stdout, "ok");
    const pods = JSON.parse((await kubectl(["get", "--raw", `/api/v1/nodes/${node}/proxy/pods`])).stdout);
    assert.equal(pods.kind, "PodList");
    assert.ok(pods.items.some((p: { metadata: { name: string } }) => p.metadata.name === "web"));
  });

  it("kubectl proxy serves the service proxy path", async () => {
    const child = spawn("kubectl", ["--kubeconfig", kc, "proxy", "--port=0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let line = "";
      child.stdout.setEncoding("utf8");
      for await (const chunk of child.stdout) {
        line += chunk;
        if (/Starting to serve on [\d.]+:\d+/.test(line)) break;
      }
      const port = /:(\d+)/.exec(line)![1];
      const r = await httpGet(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/web:80/proxy/hello`);
      assert.equal(r.status, 200);
      assert.equal(r.body, "pod: default/web\ncontainer: web\nport: 80\nrequest: GET /hello\n");
    } finally {
      child.kill();
    }
  });
});
