// The API server side of pods/log and the discovery of the connect
// subresources, with the real kubectl, through an egressDial to an in-memory
// stand-in kubelet (test/fakeKubelet.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { type ConnectCluster, startConnectCluster } from "./connectCluster.ts";
import { NODE } from "./fakeKubelet.ts";

let c: ConnectCluster;
const kubectl = (args: string[], allowFail = false) => c.kubectl(args, allowFail);

before(async () => {
  c = await startConnectCluster();
});

after(async () => {
  await c?.close();
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
    const seen = c.fake.kubelet.at(-1)!;
    // LogLocation's query, in url.Values.Encode's sorted order.
    assert.equal(seen.url, "/containerLogs/default/web/app?limitBytes=100&tailLines=5&timestamps=true");
    assert.equal(seen.cn, "kube-apiserver-kubelet-client");
    assert.ok(c.fake.dialed.includes(`${NODE}:10250`));
  });

  test("follows until the client goes away", async () => {
    const child = spawn("kubectl", ["--kubeconfig", c.kubeconfig, "logs", "-f", "web"], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.setEncoding("utf8");
    for await (const chunk of child.stdout) {
      text += chunk;
      if (text.includes("line 4\n")) break;
    }
    child.kill("SIGINT");
    await c.fake.followClosed();
    assert.match(text, /^line 1\nline 2\nline 3\nline 4\n/);
    assert.equal(c.fake.kubelet.at(-1)!.url, "/containerLogs/default/web/app?follow=true");
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
