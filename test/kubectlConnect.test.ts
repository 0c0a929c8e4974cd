// The API server side of the connect subresources with the real kubectl and
// @kubernetes/client-node: discovery, authorization, kube's validation of
// pod and container, and what reaches the kubelet and the pod, through an
// egressDial to an in-memory stand-in kubelet (test/fakeKubelet.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { type FakeCluster, fakeCluster, NODE, POD_IP, POD_PORT } from "./fakeKubelet.ts";
import { runKubectl } from "./harness.ts";

let server: ApiServer;
let fake: FakeCluster;
let dir: string;
let kubeconfig: string;
const VIEWER_TOKEN = "viewer-token-1234";

const kubectl = (args: string[], allowFail = false) => runKubectl(["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], { allowFail });

function pod(name: string, containers: string[], extra: { nodeName?: string } = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      ...extra,
      containers: containers.map((c) => ({ name: c, image: "nginx", ports: [{ name: "http", containerPort: POD_PORT }] })),
    },
  };
}

async function runningPod(name: string, containers: string[]): Promise<void> {
  const client = server.client();
  await client.create(R.pods, "default", pod(name, containers, { nodeName: NODE }));
  const current = await client.get(R.pods, "default", name);
  await client.update(
    R.pods,
    "default",
    { ...current, status: { phase: "Running", podIP: POD_IP, podIPs: [{ ip: POD_IP }] } },
    "status",
  );
}

before(async () => {
  fake = fakeCluster();
  server = await startApiServer({
    egressDial: fake.dial,
    tokens: new Map([[VIEWER_TOKEN, { name: "viewer", groups: ["system:authenticated"] }]]),
  });
  fake.attach(server);
  dir = await mkdtemp(join(tmpdir(), "kpanda-connect-"));
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, server.kubeconfig());
  const client = server.client();
  await client.create(R.nodes, "", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: NODE },
  });
  const node = await client.get(R.nodes, "", NODE);
  await client.update(
    R.nodes,
    "",
    {
      ...node,
      status: {
        // InternalIP first: kube-apiserver still prefers Hostname (--kubelet-preferred-address-types).
        addresses: [
          { type: "InternalIP", address: "10.0.0.1" },
          { type: "Hostname", address: NODE },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    },
    "status",
  );
  await runningPod("web", ["app"]);
  await runningPod("two", ["a", "b"]);
  await runningPod("waiting", ["app"]);
  await client.create(R.pods, "default", pod("pending", ["app"]));
});

after(async () => {
  fake?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("discovery", () => {
  test("lists the connect subresources with kube-apiserver's kinds and verbs", async () => {
    const list = JSON.parse((await kubectl(["get", "--raw", "/api/v1"])).stdout);
    const of = (name: string) => {
      const r = list.resources.find((x: { name: string }) => x.name === name);
      return r && { kind: r.kind, verbs: r.verbs };
    };
    // As a real kube-apiserver's /api/v1 lists them (checked against v1.20.2; unchanged in v1.32).
    const proxyVerbs = ["create", "delete", "get", "patch", "update"];
    assert.deepEqual(of("pods/exec"), { kind: "PodExecOptions", verbs: ["create", "get"] });
    assert.deepEqual(of("pods/attach"), { kind: "PodAttachOptions", verbs: ["create", "get"] });
    assert.deepEqual(of("pods/portforward"), { kind: "PodPortForwardOptions", verbs: ["create", "get"] });
    assert.deepEqual(of("pods/proxy"), { kind: "PodProxyOptions", verbs: proxyVerbs });
    assert.deepEqual(of("services/proxy"), { kind: "ServiceProxyOptions", verbs: proxyVerbs });
    assert.deepEqual(of("nodes/proxy"), { kind: "NodeProxyOptions", verbs: proxyVerbs });
    assert.deepEqual(of("pods/log"), { kind: "Pod", verbs: ["get"] });
    assert.deepEqual(of("pods/ephemeralcontainers"), { kind: "Pod", verbs: ["get", "patch", "update"] });
  });
});

describe("pods/log", () => {
  test("is the kubelet's containerLogs, reached at the node's Hostname with the kubelet client certificate", async () => {
    const out = await kubectl(["logs", "web", "--tail=5", "--timestamps", "--limit-bytes=100"]);
    assert.equal(out.stdout, "line 1\nline 2\n");
    const seen = fake.kubelet.at(-1)!;
    // LogLocation's query, in url.Values.Encode's sorted order.
    assert.equal(seen.url, "/containerLogs/default/web/app?limitBytes=100&tailLines=5&timestamps=true");
    assert.equal(seen.cn, "kube-apiserver-kubelet-client");
    assert.ok(fake.dialed.includes(`${NODE}:10250`));
  });

  test("follows until the client goes away", async () => {
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "logs", "-f", "web"], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.setEncoding("utf8");
    for await (const chunk of child.stdout) {
      text += chunk;
      if (text.includes("line 4\n")) break;
    }
    child.kill("SIGINT");
    await fake.followClosed();
    assert.match(text, /^line 1\nline 2\nline 3\nline 4\n/);
    assert.equal(fake.kubelet.at(-1)!.url, "/containerLogs/default/web/app?follow=true");
  });

  test("passes the kubelet's 400 back as BadRequest", async () => {
    const out = await kubectl(["logs", "waiting"], true);
    // GenericHttpResponseChecker: a 400 from the kubelet is NewBadRequest(body).
    assert.match(out.stderr, /Error from server \(BadRequest\): container "app" in pod "waiting" is waiting to start: ContainerCreating/);
  });

  test("is empty for a pod without a node", async () => {
    assert.equal((await kubectl(["logs", "pending"])).stdout, "");
  });

  test("rejects options ValidatePodLogOptions rejects", async () => {
    const out = await kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/web/log?limitBytes=0"], true);
    assert.match(out.stderr, /PodLogOptions "web" is invalid: limitBytes: Invalid value: 0: must be greater than 0/);
  });
});
