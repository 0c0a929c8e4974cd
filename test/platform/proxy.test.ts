// kubectl through kpanda's Kubernetes proxy (/k8s/clusters/{cluster}/…) to a
// simulated member: the kpanda user is impersonated as kpanda:<user>, so the
// member's RBAC decides; watches stream; exec upgrades pass through;
// forged Impersonate-* headers are dropped; failures of kpanda's own answer
// as Kubernetes Status objects; and mutations are audited with the user.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { freePort, httpGet } from "../kubeletStreams.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const C = "sim-1";
const NS = "team-a";
const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" };

let t: WithMembers;
let ownerToken: string;

/** Member-side grants, as kpanda keeps them (access/memberRbac.ts), made directly so these tests stand alone. */
const MEMBER_RBAC = `
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: test-kpanda-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: "kpanda:admin"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: test-editor, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: "kpanda:editor"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: test-viewer, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: "kpanda:viewer"}]
---
apiVersion: v1
kind: Pod
metadata: {name: shell, namespace: ${NS}}
spec:
  containers:
  - {name: main, image: busybox:1.36, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${NS}}
spec:
  containers:
  - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
`;

/** A raw request to the proxy. */
async function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.platform.url}/k8s/clusters/${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

before(async () => {
  t = await startWithMembers({ clusters: 1, nodes: 2 });
  ownerToken = await t.adminToken();
  await t.addUser("editor", [{ role: "NSEditor", cluster: C, namespace: NS }]);
  await t.addUser("viewer", [{ role: "NSViewer", cluster: C, namespace: NS }]);
  await t.addUser("stranger", []);
  await t.direct(C, ["apply", "-f", "-"], { input: MEMBER_RBAC });
  await until("pods shell and web Running", async () => {
    const r = await t.direct(C, ["get", "pods", "-n", NS, "-o", "jsonpath={.items[*].status.phase}"]);
    return r.stdout === "Running Running";
  });
});
after(() => t?.close());

describe("kubectl through the proxy", () => {
  test("get answers as the member's RBAC decides for kpanda:<user>", async () => {
    const nodes = await t.proxied("admin", C, ["get", "nodes", "-o", "name"]);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.deepEqual(nodes.stdout.trim().split("\n"), ["node/node-0", "node/node-1"]);
    const mine = await t.proxied("viewer", C, ["get", "pods", "-n", NS, "-o", "name"]);
    assert.equal(mine.code, 0, mine.stderr);
    assert.deepEqual(mine.stdout.trim().split("\n"), ["pod/shell", "pod/web"]);
    // The member's RBAC wording (kube's authorizer): the impersonated user is named.
    const other = await t.proxied("viewer", C, ["get", "pods", "-n", "default"]);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /User "kpanda:viewer" cannot list resource "pods" in API group "" in the namespace "default"/);
  });

  test("apply creates then patches, delete deletes, and each is audited with the user, cluster, namespace, resource and name", async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${NS}}\ndata: {mode: "${v}"}\n`;
    const created = await t.proxied("editor", C, ["apply", "-f", "-"], { input: cm("one") });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /configmap\/settings created/);
    const changed = await t.proxied("editor", C, ["apply", "-f", "-"], { input: cm("two") });
    assert.match(changed.stdout, /configmap\/settings configured/);
    const got = await t.direct(C, ["get", "configmap", "settings", "-n", NS, "-o", "jsonpath={.data.mode}"]);
    assert.equal(got.stdout, "two");
    // kubectl delete sends DeleteOptions as a body: it streams through too.
    const deleted = await t.proxied("editor", C, ["delete", "configmap", "settings", "-n", NS, "--grace-period=0"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const mine = (await t.auditEntries()).filter((e) => e.via === "proxy" && e.user === "editor" && e.resource === "configmaps");
    assert.deepEqual(
      mine.map((e) => [e.verb, e.cluster, e.namespace, e.name, e.code]),
      [
        ["create", C, NS, "settings", 201],
        ["patch", C, NS, "settings", 200],
        ["delete", C, NS, "settings", 200],
      ],
    );
    // Reads are not audited.
    assert.ok(!(await t.auditEntries()).some((e) => e.via === "proxy" && ["get", "list", "watch"].includes(e.verb)));
  });

  test("get -w streams each change as it happens", async () => {
    const kubeconfig = await t.proxyKubeconfig("editor", C);
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "get", "configmaps", "-n", NS, "-w", "-o", "name"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    try {
      await until("the initial list", () => out.includes("configmap/kube-root-ca.crt"));
      for (const name of ["live-1", "live-2"]) {
        await t.direct(C, ["create", "configmap", name, "-n", NS]);
        // Within a second: the proxy does not hold the watch's chunks back.
        await until(`${name} in the watch`, () => out.includes(`configmap/${name}`), 2_000);
      }
    } finally {
      child.kill();
    }
  });

  test("exec runs in a simulated pod over WebSocket and over SPDY, audited as pods/exec", async () => {
    const ws = await t.proxied("editor", C, ["exec", "shell", "-n", NS, "--", "echo", "over-websocket"]);
    assert.equal(ws.code, 0, ws.stderr);
    assert.equal(ws.stdout.trim(), "over-websocket");
    const spdy = await t.proxied("editor", C, ["exec", "shell", "-n", NS, "--", "echo", "over-spdy"], { env: SPDY });
    assert.equal(spdy.code, 0, spdy.stderr);
    assert.equal(spdy.stdout.trim(), "over-spdy");
    const execs = (await t.auditEntries()).filter((e) => e.user === "editor" && e.resource === "pods/exec");
    // A WebSocket upgrade kubectl saw fail makes it try again over SPDY: the entries and its words say why.
    assert.equal(execs.length, 2, JSON.stringify({ execs: execs.map((e) => [e.code, e.time]), ws: ws.stderr, spdy: spdy.stderr }));
    for (const e of execs) assert.deepEqual([e.verb, e.cluster, e.namespace, e.name, e.code, e.via], ["create", C, NS, "shell", 101, "proxy"]);
  });

  for (const [name, env] of [
    ["kubectl's default (the WebSocket tunnel, else SPDY)", {}],
    ["SPDY", { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }],
  ] as const) {
    test(`port-forward reaches the container's port over ${name}`, async () => {
      const port = await freePort();
      const kubeconfig = await t.proxyKubeconfig("editor", C);
      const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "port-forward", "-n", NS, "pod/web", `${port}:80`], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...env },
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      try {
        await until("kubectl forwarding", () => out.includes("Forwarding from 127.0.0.1"));
        const r = await httpGet(`http://127.0.0.1:${port}/through-kpanda`);
        // The simulated container's answer names itself and the request (src/simulator: container ports answer HTTP).
        assert.equal(r.body, `pod: ${NS}/web\ncontainer: web\nport: 80\nrequest: GET /through-kpanda\n`);
      } finally {
        child.kill();
      }
    });
  }

  test("port-forwards are audited as pods/portforward", async () => {
    const pf = (await t.auditEntries()).filter((e) => e.user === "editor" && e.resource === "pods/portforward");
    for (const e of pf) assert.deepEqual([e.verb, e.cluster, e.namespace, e.name], ["create", C, NS, "web"]);
    // One switch per kubectl run. (The simulated kubelet refuses the tunnel's WebSocket subprotocol today,
    // directly as through kpanda, so kubectl's first attempt answers 400 and it falls back to SPDY.)
    assert.equal(pf.filter((e) => e.code === 101).length, 2);
  });

  test("a viewer's exec is refused by the member, and the refusal is audited", async () => {
    const r = await t.proxied("viewer", C, ["exec", "shell", "-n", NS, "--", "echo", "no"], { env: SPDY });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "kpanda:viewer" cannot create resource "pods\/exec"/);
    const refused = (await t.auditEntries()).filter((e) => e.user === "viewer" && e.resource === "pods/exec");
    assert.deepEqual(
      refused.map((e) => e.code),
      [403],
    );
  });

  test("a forged Impersonate-User header changes nothing", async () => {
    // kubectl --as sends Impersonate-User; the proxy drops it, so the viewer stays the viewer.
    const r = await t.proxied("viewer", C, ["--as", "kpanda:admin", "--as-group", "system:masters", "get", "secrets", "-n", NS]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "kpanda:viewer" cannot list resource "secrets"/);
    const token = t.platform.ctx.signer.sign("viewer", "kubeconfig", 60).token;
    const forged = await raw(`${C}/api/v1/namespaces/${NS}/secrets`, {
      authorization: `Bearer ${token}`,
      "impersonate-user": "admin",
      "impersonate-group": "system:masters",
    });
    assert.equal(forged.status, 403);
    assert.match(forged.body.message, /User "kpanda:viewer" cannot list resource "secrets"/);
  });
});

test("each proxied request's latency is recorded per cluster in /metrics", async () => {
  const res = await fetch(`${t.platform.url}/metrics`, { headers: { authorization: `Bearer ${ownerToken}` } });
  assert.equal(res.status, 200);
  const count = /^kpanda_proxy_request_duration_seconds_count\{cluster="sim-1"\} (\d+)$/m.exec(await res.text());
  assert.ok(count && Number(count[1]) > 10, "the kubectl calls above were counted");
});

describe("the proxy's own answers are Kubernetes Status objects", () => {
  test("no token or a bad one answers 401 Unauthorized, as kube-apiserver does", async () => {
    const none = await raw(`${C}/api/v1/pods`);
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    const bad = await raw(`${C}/api/v1/pods`, { authorization: "Bearer kp1.forged.token" });
    assert.equal(bad.status, 401);
  });

  test("a user with no role in the cluster gets 403, and an unknown cluster 404", async () => {
    const stranger = t.platform.ctx.signer.sign("stranger", "kubeconfig", 60).token;
    const r = await raw(`${C}/api/v1/namespaces`, { authorization: `Bearer ${stranger}` });
    assert.equal(r.status, 403);
    assert.equal(r.body.kind, "Status");
    assert.equal(r.body.reason, "Forbidden");
    assert.match(r.body.message, /user "stranger" has no role in cluster "sim-1"/);
    const missing = await raw("nowhere/api/v1/namespaces", { authorization: `Bearer ${ownerToken}` });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, "NotFound");
    assert.match(missing.body.message, /cluster "nowhere" not found/);
  });

  test("an unreachable member answers 503 ServiceUnavailable, and the next request after recovery goes through", async () => {
    const c = t.sim.cluster(C);
    const path = `${C}/api/v1/namespaces/${NS}/pods/shell`;
    assert.equal((await raw(path, { authorization: `Bearer ${ownerToken}` })).status, 200);
    await c.faults.unreachable();
    try {
      const down = await raw(path, { authorization: `Bearer ${ownerToken}` });
      assert.equal(down.status, 503);
      assert.deepEqual([down.body.kind, down.body.reason], ["Status", "ServiceUnavailable"]);
      assert.match(down.body.message, /^cluster "sim-1" is unreachable: /);
    } finally {
      await c.faults.reachable();
    }
    assert.equal((await raw(path, { authorization: `Bearer ${ownerToken}` })).status, 200);
  });

  test("kubectl prints the 401 as kube-apiserver's", async () => {
    const r = await t.proxied("nobody-such", C, ["get", "pods"]);
    assert.notEqual(r.code, 0);
    // client-go's wording for a 401 (errors.go: "You must be logged in to the server").
    assert.match(r.stderr, /You must be logged in to the server/);
  });
});

describe("shutdown", () => {
  test("closing the platform ends the watches open through the proxy instead of waiting for them", async () => {
    const res = await fetch(`${t.platform.url}/k8s/clusters/${C}/api/v1/namespaces/${NS}/configmaps?watch=1`, {
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const ended = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {}
    })();
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("the platform did not close within 10 s of an open watch")), 10_000);
    });
    try {
      await Promise.race([Promise.all([t.closePlatform(), ended]), stuck]);
    } finally {
      clearTimeout(timer);
    }
  });
});
