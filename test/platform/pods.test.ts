// One pod through the REST API, as the caller (the member's RBAC decides):
// get, containers, delete, logs (followed as a stream, and downloaded), and
// the terminal WebSocket a console's xterm.js attaches to.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import WebSocket from "ws";
import { TERMINAL_SUBPROTOCOL } from "../../src/platform/pods/terminal.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runKubectl, yamlDocs } from "../harness.ts";
import { grant, integrateDirect, makeUser, until } from "./accessFixture.ts";
import { API, startTestPlatform, type TestPlatform } from "./fixture.ts";

let t: TestPlatform;
let sim: Simulator;
let dir: string;
let admin: string;
let editor: string;
let viewer: string;
const POD = "/clusters/dev/namespaces/shop/pods/app";

const direct = (args: string[], input?: string) =>
  runKubectl(["--kubeconfig", sim.cluster("dev").kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args], { input });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-pods-"));
  sim = await startSimulator({ names: ["dev"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }) });
  t = await startTestPlatform();
  await integrateDirect(t, sim.cluster("dev"));
  admin = await t.adminToken();
  editor = await makeUser(t, "editor");
  viewer = await makeUser(t, "viewer");
  await grant(t, { user: "editor", role: "NSEditor", cluster: "dev", namespace: "shop" });
  await grant(t, { user: "viewer", role: "NSViewer", cluster: "dev", namespace: "shop" });
  await direct(["create", "namespace", "shop"]);
  const objects = yamlDocs(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { greeting: "hello-from-configmap" } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "app", namespace: "shop", annotations: { "sim.kpanda.io/log-lines-per-second": "10" } },
      spec: {
        containers: [
          {
            name: "main",
            image: "busybox:1.36",
            command: ["sleep", "3600"],
            env: [{ name: "GREETING", valueFrom: { configMapKeyRef: { name: "settings", key: "greeting" } } }],
          },
        ],
      },
    },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "doomed", namespace: "shop" }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } },
  );
  const made = await direct(["apply", "-f", "-"], objects);
  assert.equal(made.code, 0, made.stderr);
  await until("pod app Running", async () => (await direct(["get", "pod", "app", "-n", "shop", "-o", "jsonpath={.status.phase}"])).stdout === "Running", 30_000);
  // kpanda's member RBAC is made by its controller: wait for the last user's.
  await until("member RBAC in place", async () => (await t.call("GET", POD, undefined, viewer)).status === 200, 30_000);
});

after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a pod", () => {
  it("is read from the member with its containers and their states", async () => {
    const pod = await t.call("GET", POD, undefined, viewer);
    assert.equal(pod.status, 200);
    assert.equal(pod.body.metadata.name, "app");
    assert.equal(pod.body.metadata.managedFields, undefined);
    const cs = await t.call("GET", `${POD}/containers`, undefined, viewer);
    assert.deepEqual(
      cs.body.items.map((c: any) => [c.name, c.image, c.type, c.state, c.ready]),
      [["main", "busybox:1.36", "container", "Running", true]],
    );
  });

  it("is deleted by an NS Editor; an NS Viewer is refused by the member's RBAC", async () => {
    const refused = await t.call("DELETE", "/clusters/dev/namespaces/shop/pods/doomed", undefined, viewer);
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /User "kpanda:viewer" cannot delete resource "pods" in API group "" in the namespace "shop"/);
    const gone = await t.call("DELETE", "/clusters/dev/namespaces/shop/pods/doomed?gracePeriodSeconds=0", undefined, editor);
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    const audit = t.platform.ctx.audit.query({ user: "editor" }).find((e) => e.resource === "pods" && e.name === "doomed");
    assert.equal(audit?.verb, "delete");
  });
});

describe("logs", () => {
  const url = (q: string) => `${t.platform.url}${API}${POD}/logs?${q}`;

  it("answer the container's log as text, the last lines with tailLines", async () => {
    const r = await fetch(url("container=main&tailLines=1"), { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await r.text();
    assert.equal(text.split("\n").filter(Boolean).length, 1);
  });

  it("follow as a stream: lines written after the call arrive until the client stops", async () => {
    const ac = new AbortController();
    const r = await fetch(url("container=main&follow=true&tailLines=0"), { headers: { authorization: `Bearer ${viewer}` }, signal: ac.signal });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    let text = "";
    const ticks = () => (text.match(/main: tick \d+/g) ?? []).length;
    // The simulated container writes ten lines a second (its log-lines-per-second annotation).
    while (ticks() < 3) {
      const { value, done } = await reader.read();
      assert.ok(!done, `the stream ended early: ${text}`);
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    assert.ok(ticks() >= 3);
  });

  it("download as an attachment named after the pod and container", async () => {
    const r = await fetch(url("container=main&download=true"), { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(r.headers.get("content-disposition"), 'attachment; filename="app-main.log"');
    assert.match(await r.text(), /starting main \(image busybox:1\.36\)/);
  });

  it("of a container the pod lacks answer the member's 400", async () => {
    const r = await t.call("GET", `${POD}/logs?container=nope`, undefined, viewer);
    assert.equal(r.status, 400);
    assert.match(r.body.message, /container nope is not valid for pod app/);
  });
});

/** Opens the terminal as `token` (in the subprotocol, as a browser must); resolves once open, or with the refusal's status and body. */
function openTerminal(token: string): Promise<WebSocket | { status: number; body: any }> {
  const wsUrl = `${t.platform.url.replace(/^https/, "wss")}${API}${POD}/containers/main/terminal`;
  const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString("base64url")}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, [TERMINAL_SUBPROTOCOL, bearer], { ca: t.platform.caCert });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    ws.once("error", reject);
  });
}

describe("terminal", () => {
  it("runs env in the container's shell and shows the value its ConfigMap gave it", async () => {
    const ws = await openTerminal(editor);
    assert.ok(ws instanceof WebSocket);
    assert.equal(ws.protocol, TERMINAL_SUBPROTOCOL);
    let out = "";
    ws.on("message", (d: Buffer) => (out += d.toString("utf8")));
    const closed = new Promise<[number, string]>((resolve) => ws.once("close", (code, reason) => resolve([code, reason.toString()])));
    ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
    // The image has no bash: the terminal falls back to sh, whose prompt shows under the tty.
    await until("the shell's prompt", () => out.includes("# "));
    ws.send("env\r");
    await until("env's output", () => out.includes("GREETING=hello-from-configmap"));
    ws.send("exit 3\r");
    assert.deepEqual(await closed, [1000, "exit 3"]);
  });

  it("is refused to an NS Viewer by the member's RBAC, at the handshake", async () => {
    const r = await openTerminal(viewer);
    assert.ok(!(r instanceof WebSocket));
    assert.equal(r.status, 403);
    assert.match(r.body.message, /User "kpanda:viewer" cannot (get|create) resource "pods\/exec" in API group "" in the namespace "shop"/);
  });

  it("closes with 1011 when the connection to the member breaks", async () => {
    const ws = await openTerminal(editor);
    assert.ok(ws instanceof WebSocket);
    let out = "";
    ws.on("message", (d: Buffer) => (out += d.toString("utf8")));
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await until("the shell's prompt", () => out.includes("# "));
    const { faults } = sim.cluster("dev");
    await faults.unreachable();
    try {
      assert.equal(await closed, 1011);
    } finally {
      await faults.reachable();
    }
  });

  it("without a token answers 401, and a plain GET 426", async () => {
    const wsUrl = `${t.platform.url.replace(/^https/, "wss")}${API}${POD}/containers/main/terminal`;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, [TERMINAL_SUBPROTOCOL], { ca: t.platform.caCert });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => reject(new Error("opened without a token")));
    });
    assert.equal(status, 401);
    assert.equal((await t.call("GET", `${POD}/containers/main/terminal`, undefined, admin)).status, 426);
  });
});
