// The API server side of exec, attach and the proxies, with the real kubectl
// and @kubernetes/client-node: what reaches the stand-in kubelet and pod of
// test/fakeKubelet.ts, kube's checks of pod and container, authorization,
// and kube's errors when the backend cannot be reached.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { request } from "node:https";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ConnectCluster, startConnectCluster } from "./connectCluster.ts";
import { NODE } from "./fakeKubelet.ts";
import { runKubectl } from "./harness.ts";

let c: ConnectCluster;

before(async () => {
  c = await startConnectCluster();
});

after(async () => {
  await c?.close();
});

function sink(): { stream: Writable; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
}

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  return kc;
}

/** A request as the admin, without following redirects. */
function adminGet(path: string): Promise<{ status: number; location?: string; body: string }> {
  const url = new URL(c.server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, ...c.server.admin, ca: c.server.pki.ca.cert },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("exec and attach", () => {
  test("kubectl exec passes the WebSocket upgrade through to the kubelet's /exec", async () => {
    const out = await c.kubectl(["exec", "web", "--", "echo", "hi"]);
    assert.equal(out.stdout, "hello from exec\n");
    const seen = c.fake.kubelet.at(-1)!;
    // ExecLocation: the container in the path, the options in url.Values.Encode's sorted order.
    assert.equal(seen.url, "/exec/default/web/app?command=echo&command=hi&stderr=1&stdout=1");
    assert.equal(seen.method, "GET");
    assert.equal(seen.cn, "kube-apiserver-kubelet-client");
  });

  test("client-node's Exec and Attach reach /exec and /attach", async () => {
    const out = sink();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kubeConfig()).exec("default", "web", "app", ["ls", "/"], out.stream, null, null, false, resolve).catch(reject);
    });
    assert.equal(status.status, "Success");
    assert.equal(out.text(), "hello from exec\n");
    assert.equal(c.fake.kubelet.at(-1)!.url, "/exec/default/web/app?command=ls&command=%2F&stdout=1");
    const attached = sink();
    const ws = await new k8s.Attach(kubeConfig()).attach("default", "web", "app", attached.stream, null, null, false);
    await new Promise((resolve) => ws.once("close", resolve));
    assert.equal(attached.text(), "hello from exec\n");
    assert.equal(c.fake.kubelet.at(-1)!.url, "/attach/default/web/app?stdout=1");
  });

  test("checks the pod and container as kube's pod storage does", async () => {
    const raw = async (path: string) => (await c.kubectl(["get", "--raw", path], true)).stderr;
    // strategy.go validateContainer, streamLocation and PortForwardLocation.
    assert.match(await raw("/api/v1/namespaces/default/pods/two/exec?command=ls"), /\(BadRequest\): a container name must be specified for pod two, choose one of: \[a b\]/);
    assert.match(await raw("/api/v1/namespaces/default/pods/web/exec?command=ls&container=nope"), /\(BadRequest\): container nope is not valid for pod web/);
    assert.match(await raw("/api/v1/namespaces/default/pods/pending/attach?stdout=1"), /\(BadRequest\): pod pending does not have a host assigned/);
    assert.match(await raw("/api/v1/namespaces/default/pods/pending/portforward?ports=80"), /\(BadRequest\): pod pending does not have a host assigned/);
    assert.match(await raw("/api/v1/namespaces/default/pods/nope/exec?command=ls"), /\(NotFound\): pods "nope" not found/);
    // UpgradeAwareHandler with UpgradeRequired, once the location is known.
    assert.match(await raw("/api/v1/namespaces/default/pods/web/exec?command=ls"), /\(BadRequest\): Upgrade request required/);
  });

  test("an identity with only the view ClusterRole may not exec", async () => {
    const args = ["--kubeconfig", c.viewerKubeconfig, "exec", "web", "--", "ls"];
    const out = await runKubectl(args, { allowFail: true });
    assert.notEqual(out.code, 0);
    // view grants no verb on pods/exec (bootstrappolicy aggregate-to-view).
    assert.match(out.stderr, /\(Forbidden\): pods "web" is forbidden: User "viewer" cannot (get|create) resource "pods\/exec" in API group "" in the namespace "default"/);
    const canI = await runKubectl(["--kubeconfig", c.viewerKubeconfig, "auth", "can-i", "create", "pods/exec"], { allowFail: true });
    assert.equal(canI.stdout.trim(), "no");
  });

  test("an unreachable kubelet is kube's error dialing backend", async () => {
    const out = await c.kubectl(["exec", "orphan", "--", "ls"], true);
    assert.match(out.stderr, /error dialing backend: dial tcp 10\.0\.0\.9:10250: connect: connection refused/);
  });
});

describe("logs from an unreachable kubelet", () => {
  test("are http.Client's error in a 500 Status without a reason", async () => {
    const answer = await adminGet("/api/v1/namespaces/default/pods/orphan/log");
    // LocationStreamer returns the *url.Error; ErrorToAPIStatus gives it code 500 and StatusReasonUnknown (""), omitted.
    assert.equal(answer.status, 500);
    assert.deepEqual(JSON.parse(answer.body), {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Get "https://10.0.0.9:10250/containerLogs/default/orphan/app": dial tcp 10.0.0.9:10250: connect: connection refused',
      code: 500,
    });
  });
});

describe("proxies", () => {
  test("services/proxy reaches a ready endpoint of the service port", async () => {
    const out = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/web:80/proxy/hello?x=1"]);
    assert.equal(out.stdout, "pod web port 8080 GET /hello?x=1 forwarded-uri=/api/v1/namespaces/default/services/web:80/proxy/hello\n");
    assert.match((await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/http:web:/proxy/"])).stdout, /GET \/ /);
  });

  test("services/proxy answers 503 without a ready endpoint or service port", async () => {
    const empty = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/empty/proxy/"], true);
    assert.match(empty.stderr, /\(ServiceUnavailable\): no endpoints available for service "empty"/);
    const port = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/web:81/proxy/"], true);
    assert.match(port.stderr, /\(ServiceUnavailable\): no service port 81 found for service "web"/);
  });

  test("a proxy path without a trailing slash is redirected to one", async () => {
    const answer = await adminGet("/api/v1/namespaces/default/services/web:80/proxy?a=b");
    assert.deepEqual(
      { status: answer.status, location: answer.location },
      { status: 301, location: "/api/v1/namespaces/default/services/web:80/proxy/?a=b" },
    );
  });

  test("pods/proxy reaches the pod's first container port, and a closed port is 503", async () => {
    assert.match((await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/web/proxy/x"])).stdout, /^pod web port 8080 GET \/x /);
    const closed = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/web:9999/proxy/"], true);
    // apimachinery's proxy Transport wraps a failed round trip.
    assert.match(closed.stderr, /\(ServiceUnavailable\): error trying to reach service: dial tcp 10\.244\.0\.5:9999: connect: connection refused/);
    const pending = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/pending/proxy/"], true);
    assert.match(pending.stderr, /\(BadRequest\): address not allowed/);
  });

  test("nodes/proxy reaches the kubelet with the kubelet client certificate", async () => {
    assert.equal((await c.kubectl(["get", "--raw", `/api/v1/nodes/${NODE}/proxy/healthz`])).stdout, "ok");
    assert.deepEqual(c.fake.kubelet.at(-1), { method: "GET", url: "/healthz", cn: "kube-apiserver-kubelet-client" });
  });

  test("kubectl proxy serves a service-proxy path", async () => {
    const child = spawn("kubectl", ["--kubeconfig", c.kubeconfig, "proxy", "--port=0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let line = "";
      child.stdout.setEncoding("utf8");
      for await (const chunk of child.stdout) {
        line += chunk;
        if (/Starting to serve on [\d.]+:\d+/.test(line)) break;
      }
      const port = /:(\d+)/.exec(line)![1];
      const body = await new Promise<string>((resolve, reject) => {
        httpGet(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/web:80/proxy/`, (res) => {
          let text = "";
          res.on("data", (d) => {
            text += d;
          });
          res.on("end", () => resolve(text));
        }).on("error", reject);
      });
      assert.match(body, /^pod web port 8080 GET \/ /);
    } finally {
      child.kill();
    }
  });
});
