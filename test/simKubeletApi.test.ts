// The simulated kubelet API reached directly through the cluster's network,
// as the API server reaches it: the dialer's routing and refusals, TLS with
// client certificates from the cluster's CA, /healthz and /pods,
// containerLogs (follow on the cluster's clock), and the exec WebSocket's
// protocol negotiation and statuses.
import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, describe, it } from "node:test";
import { connect } from "node:tls";
import WebSocket from "ws";
import { type KObject, R } from "../src/apiserver/client.ts";
import { createAuthority, issueClientCert, type KeyPairPem } from "../src/apiserver/tls/pki.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { nodeControllers } from "../src/simulator/nodes/index.ts";

const NS = "default";

describe("simulated kubelet API", () => {
  const clock = new FakeClock(Math.ceil(Date.now() / 1000) * 1000);
  let c: SimCluster;
  let cert: KeyPairPem;
  let web: KObject;

  const dialKubelet = (node: string | undefined, creds: Partial<KeyPairPem> = cert) => connect({ socket: c.network.connect(String(node), 10250), ...creds, rejectUnauthorized: false });
  const get = (node: string | undefined, path: string, creds?: Partial<KeyPairPem>, onData?: (s: string) => void) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: String(node), port: 10250, path, createConnection: () => dialKubelet(node, creds) }, (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
          onData?.(String(d));
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });

  async function tickUntil<T>(what: string, fn: () => Promise<T | false | undefined>): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const v = await fn();
      if (v) return v;
      await clock.advance(500);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const running = (name: string | undefined) => tickUntil(`${name} running`, async () => {
    const p = await c.client.get(R.pods, NS, String(name));
    return p.status?.phase === "Running" && p;
  });

  before(async () => {
    c = await startSimCluster({ name: "kubeletapi", clock, controllers: nodeControllers({ profiles: [{ count: 2 }] }).controllers });
    cert = await issueClientCert(c.server.pki.ca, "kube-apiserver-kubelet-client", ["system:masters"]);
    await c.client.create({ group: "", version: "v1", resource: "configmaps" }, NS, { metadata: { name: "cfg" }, data: { color: "blue" } });
    await c.client.create(R.pods, NS, {
      metadata: { name: "web", annotations: { "sim.kpanda.io/log-lines-per-second": "1" } },
      spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 8080 }], env: [{ name: "COLOR", valueFrom: { configMapKeyRef: { name: "cfg", key: "color" } } }] }] },
    });
    web = await running("web");
  });
  after(() => c?.stop());

  it("the network routes a pod IP's declared port to its container and refuses anything else", async () => {
    const s = c.network.connect(web.status?.podIP, 8080);
    s.end("GET /x HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n");
    let got = "";
    for await (const d of s) got += d;
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(got.endsWith("\r\n\r\npod: default/web\ncontainer: app\nport: 8080\nrequest: GET /x\n"), got);
    for (const [host, port] of [[web.status?.podIP, 81], ["10.200.0.1", 80], [web.spec?.nodeName, 10255]] as const) {
      assert.throws(() => c.network.connect(host, port), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
      await assert.rejects(c.network.dial(host, port), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
    }
  });

  it("answers at the node's InternalIP and Hostname, and asks for a client certificate from the cluster's CA", async () => {
    const node = await c.client.get(R.nodes, "", web.spec?.nodeName);
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    for (const a of node.status?.addresses ?? []) assert.deepEqual(await get(a.address, "/healthz"), { status: 200, body: "ok" });
    assert.equal((await get(node.metadata?.name, "/healthz", {})).status, 401);
    const stranger = await issueClientCert(await createAuthority("other-ca"), "mallory", ["system:masters"]);
    assert.deepEqual(await get(node.metadata?.name, "/healthz", stranger), { status: 401, body: "Unauthorized\n" });
  });

  it("/pods lists the pods bound to that node only", async () => {
    const list = JSON.parse((await get(web.spec?.nodeName, "/pods")).body);
    assert.equal(list.kind, "PodList");
    assert.deepEqual(list.items.map((p: KObject) => p.metadata?.name), ["web"]);
    const other = web.spec?.nodeName === "node-0" ? "node-1" : "node-0";
    assert.deepEqual(JSON.parse((await get(other, "/pods")).body).items, []);
  });

  it("containerLogs answers the kubelet's errors for a missing pod or container", async () => {
    const node = web.spec?.nodeName;
    assert.deepEqual(await get(node, "/containerLogs/default/nope/app"), { status: 404, body: 'pod "nope" does not exist\n' });
    assert.deepEqual(await get(node, "/containerLogs/default/web/other"), { status: 404, body: 'container "other" not found in pod "web"\n' });
    assert.deepEqual(await get(node, "/containerLogs/default/web/app?previous=true"), { status: 400, body: 'previous terminated container "app" in pod "web" not found\n' });
  });

  it("containerLogs follow writes each new line when the cluster's clock reaches it", async () => {
    const seen: string[] = [];
    const done = get(web.spec?.nodeName, "/containerLogs/default/web/app?follow=true&tailLines=1", undefined, (s) => seen.push(s));
    await tickUntil("the first line", async () => seen.length > 0);
    const base = Number(/tick (\d+)/.exec(seen.join(""))?.[1] ?? 0);
    await clock.advance(3000);
    await tickUntil("three more ticks", async () => seen.join("").includes(`app: tick ${base + 3}\n`));
    // The container stops: the follower gets its last lines and the stream ends.
    await c.client.delete(R.pods, NS, "web", { gracePeriodSeconds: 0 });
    await tickUntil("the stream's end", async () => !!(await Promise.race([done, new Promise((r) => setTimeout(() => r(false), 10))])));
  });

  it("exec over WebSocket: v4 status JSON with the exit code; an unknown subprotocol is refused naming ours", async () => {
    const pod = await c.client.create(R.pods, NS, { metadata: { name: "shell" }, spec: { containers: [{ name: "app", image: "busybox", env: [{ name: "COLOR", valueFrom: { configMapKeyRef: { name: "cfg", key: "color" } } }] }] } });
    const p = await running(pod.metadata?.name);
    const url = `wss://${p.spec?.nodeName}:10250/exec/default/shell/app?command=sh&command=-c&command=echo%20%24COLOR%3B%20exit%205&stdout=1&stderr=1`;
    const ws = new WebSocket(url, ["v4.channel.k8s.io"], { createConnection: () => dialKubelet(p.spec?.nodeName) } as object);
    const frames: [number, string][] = [];
    ws.on("message", (m: Buffer) => frames.push([m[0], m.subarray(1).toString()]));
    await new Promise((r) => ws.on("close", r));
    assert.deepEqual(frames.slice(0, 2), [[1, ""], [1, "blue\n"]]);
    // remotecommand's v4 status for a non-zero exit (CRI streaming server over containerd's error).
    assert.deepEqual(JSON.parse(frames[2][1]), {
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: error executing command [sh -c echo $COLOR; exit 5], exit code 5",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "5" }] },
    });
    const refused = await new Promise<{ status?: number; body: string }>((resolve) => {
      const bad = new WebSocket(url, ["v9.channel.k8s.io"], { createConnection: () => dialKubelet(p.spec?.nodeName) } as object);
      bad.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      });
    });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /^unable to upgrade: requested protocol\(s\) are not supported: \[v9\.channel\.k8s\.io\]; supports \[v5\.channel\.k8s\.io v4\.channel\.k8s\.io/);
  });
  it("port-forward over WebSocket accepts KEP-4006's SPDY/3.1+portforward.k8s.io subprotocol, which is not an RFC 7230 token", async () => {
    // kubectl 1.31+ offers exactly this name (client-go's portforward/tunneling_connection.go).
    await c.client.create(R.pods, NS, { metadata: { name: "pf" }, spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }] }] } });
    const pf = await running("pf");
    const head = await new Promise<{ status?: number; protocol?: string }>((resolve, reject) => {
      const req = request({
        host: String(pf.spec?.nodeName),
        port: 10250,
        path: "/portForward/default/pf",
        createConnection: () => dialKubelet(pf.spec?.nodeName),
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Protocol": "SPDY/3.1+portforward.k8s.io",
        },
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode, protocol: String(res.headers["sec-websocket-protocol"]) });
      });
      req.on("response", (res) => resolve({ status: res.statusCode }));
      req.on("error", reject);
      req.end();
    });
    assert.deepEqual(head, { status: 101, protocol: "SPDY/3.1+portforward.k8s.io" });
  });
});
