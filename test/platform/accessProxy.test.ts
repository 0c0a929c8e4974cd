// For each kpanda role, kubectl with the user's downloaded kubeconfig does
// through kpanda's proxy exactly what the role allows: the member's RBAC
// decides, with the ClusterRoles and bindings kpanda keeps there (nothing
// in these tests makes member RBAC by hand). A forged Impersonate-User from
// a viewer changes nothing, and an API token works in a kubeconfig too.
// kpanda serves HTTPS with its generated CA, which the downloaded
// kubeconfigs carry: kubectl runs with no CA flag and no insecure flag.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { parse, stringify } from "yaml";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "../harness.ts";
import { grant, integrateDirect, makeUser, until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" };

let t: TestPlatform;
let sim: Simulator;
let dir: string;
const kubeconfigs = new Map<string, string>();

const direct = (cluster: string, args: string[], input?: string) =>
  runKubectl(["--kubeconfig", sim.cluster(cluster).kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args], { input, allowFail: true });

/** kubectl through kpanda as `user`, with the kubeconfig GET /clusters/{c}/kubeconfig gave it. */
async function kubectl(user: string, cluster: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<KubectlResult> {
  const path = kubeconfigs.get(`${user}@${cluster}`);
  assert.ok(path, `no kubeconfig for ${user}@${cluster}`);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await runKubectl(["--kubeconfig", path, "--cache-dir", join(dir, `cache-${user}`), ...args], { allowFail: true });
  } finally {
    process.env = saved;
  }
}
const canI = async (user: string, cluster: string, args: string[]) => (await kubectl(user, cluster, ["auth", "can-i", ...args])).stdout.trim();

async function download(user: string, token: string, cluster: string): Promise<void> {
  const r = await fetch(`${t.platform.url}/apis/kpanda.io/v1alpha1/clusters/${cluster}/kubeconfig?expirationSeconds=3600`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(r.status, 200, `${user}@${cluster}: ${await r.clone().text()}`);
  const path = join(dir, `${user}-${cluster}.kubeconfig`);
  await writeFile(path, await r.text(), { mode: 0o600 });
  kubeconfigs.set(`${user}@${cluster}`, path);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-accessproxy-"));
  sim = await startSimulator({ names: ["dev", "prod"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }) });
  t = await startTestPlatform();
  for (const c of sim.clusters) await integrateDirect(t, c);
  const roles: [string, object][] = [
    ["viewer", { role: "NSViewer", cluster: "dev", namespace: "team-a" }],
    ["editor", { role: "NSEditor", cluster: "dev", namespace: "team-a" }],
    ["nsadmin", { role: "NSAdmin", cluster: "dev", namespace: "team-a" }],
    ["ca", { role: "ClusterAdmin", cluster: "dev" }],
  ];
  for (const [user, role] of roles) {
    const token = await makeUser(t, user);
    await grant(t, { user, ...role } as never);
    await download(user, token, "dev");
  }
  await download("admin", await t.adminToken(), "dev");
  await download("admin", await t.adminToken(), "prod");
  const pod = (ns: string) => `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"shell","namespace":"${ns}"},"spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","3600"]}]}}`;
  for (const ns of ["team-a", "team-b"]) {
    await direct("dev", ["create", "namespace", ns]);
    await direct("dev", ["apply", "-f", "-"], pod(ns));
  }
  const running = async () => (await direct("dev", ["get", "pods", "-A", "--field-selector", "status.phase=Running", "-o", "name"])).stdout;
  await until("both pods Running", async () => (await running()).split("\n").filter((l) => l === "pod/shell").length === 2, 30_000);
  // kpanda's member bindings are made by its controller: wait until the last user's is in place.
  await until("member RBAC in place", async () => (await canI("ca", "dev", ["list", "nodes"])) === "yes" && (await canI("viewer", "dev", ["list", "pods", "-n", "team-a"])) === "yes", 30_000);
});
after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("kubectl through kpanda, per role", () => {
  it("an NS Viewer lists pods in its namespace but cannot delete them, see another namespace, or exec", async () => {
    const list = await kubectl("viewer", "dev", ["get", "pods", "-n", "team-a", "-o", "name"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, "pod/shell\n");
    const del = await kubectl("viewer", "dev", ["delete", "pod", "shell", "-n", "team-a"]);
    assert.notEqual(del.code, 0);
    // The member's RBAC denial names the impersonated user (kube's authorizer message).
    assert.match(del.stderr, /User "kpanda:viewer" cannot delete resource "pods" in API group "" in the namespace "team-a"/);
    const other = await kubectl("viewer", "dev", ["get", "pods", "-n", "team-b"]);
    assert.match(other.stderr, /User "kpanda:viewer" cannot list resource "pods" in API group "" in the namespace "team-b"/);
    const all = await kubectl("viewer", "dev", ["get", "namespaces"]);
    assert.match(all.stderr, /cannot list resource "namespaces" in API group "" at the cluster scope/);
    for (const env of [{}, SPDY]) {
      const exec = await kubectl("viewer", "dev", ["exec", "shell", "-n", "team-a", "--", "echo", "hi"], env);
      assert.notEqual(exec.code, 0, JSON.stringify(env));
      assert.match(exec.stderr, /forbidden|Forbidden/);
      assert.equal(exec.stdout, "");
    }
  });

  it("a forged Impersonate-User: admin from the viewer changes nothing", async () => {
    for (const as of ["admin", "kpanda:admin", "system:admin"]) {
      const r = await kubectl("viewer", "dev", ["--as", as, "--as-group", "system:masters", "get", "pods", "-n", "team-b"]);
      assert.notEqual(r.code, 0, as);
      assert.match(r.stderr, /User "kpanda:viewer" cannot list resource "pods"/, as);
      assert.equal((await kubectl("viewer", "dev", ["--as", as, "delete", "pod", "shell", "-n", "team-a"])).code !== 0, true);
    }
  });

  it("an NS Editor execs into a pod of its namespace (WebSocket and SPDY) and edits workloads there only", async () => {
    for (const env of [{}, SPDY]) {
      const exec = await kubectl("editor", "dev", ["exec", "shell", "-n", "team-a", "--", "echo", "hi"], env);
      assert.equal(exec.code, 0, exec.stderr);
      assert.equal(exec.stdout, "hi\n");
    }
    const made = await kubectl("editor", "dev", ["create", "deployment", "web", "--image=nginx", "-n", "team-a"]);
    assert.equal(made.code, 0, made.stderr);
    const elsewhere = await kubectl("editor", "dev", ["create", "deployment", "web", "--image=nginx", "-n", "team-b"]);
    assert.match(elsewhere.stderr, /cannot create resource "deployments" in API group "apps" in the namespace "team-b"/);
    assert.equal(await canI("editor", "dev", ["create", "rolebindings", "-n", "team-a"]), "no");
  });

  it("an NS Admin manages RBAC in its namespace, not nodes", async () => {
    const rb = await kubectl("nsadmin", "dev", ["create", "rolebinding", "helpers", "--clusterrole=kpanda-ns-view", "--user=kpanda:viewer", "-n", "team-a"]);
    assert.equal(rb.code, 0, rb.stderr);
    assert.match((await kubectl("nsadmin", "dev", ["get", "nodes"])).stderr, /cannot list resource "nodes"/);
  });

  it("a ClusterAdmin has all of its cluster; only an Owner has every cluster", async () => {
    assert.equal((await kubectl("ca", "dev", ["get", "nodes", "-o", "name"])).code, 0);
    const ns = await kubectl("ca", "dev", ["create", "namespace", "made-by-ca"]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.equal(await canI("ca", "dev", ["create", "pods/exec", "-n", "team-b"]), "yes");
    // ca has no role in prod: kpanda refuses its kubeconfig download there.
    const r = await t.call("GET", "/clusters/prod/kubeconfig", undefined, await t.login("ca", "ca-password"));
    assert.equal(r.status, 403);
    for (const c of ["dev", "prod"]) {
      const nodes = await kubectl("admin", c, ["get", "nodes", "-o", "name"]);
      assert.equal(nodes.code, 0, nodes.stderr);
      assert.equal(await canI("admin", c, ["*", "*"]), "yes");
    }
  });

  it("an API token authenticates kubectl through kpanda as its user", async () => {
    const session = await t.login("viewer", "viewer-password");
    const { body } = await t.call("POST", "/tokens", { name: "kubectl" }, session);
    // The viewer's downloaded kubeconfig (server and CA) with the API token as its credential.
    const doc = parse(await readFile(kubeconfigs.get("viewer@dev")!, "utf8"));
    doc.users[0].user.token = body.token;
    const path = join(dir, "viewer-apitoken.kubeconfig");
    await writeFile(path, stringify(doc), { mode: 0o600 });
    const viaToken = (args: string[]) => runKubectl(["--kubeconfig", path, "--cache-dir", join(dir, "cache-token"), ...args], { allowFail: true });
    const list = await viaToken(["get", "pod", "shell", "-n", "team-a", "-o", "name"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, "pod/shell\n");
    await t.call("DELETE", "/tokens/kubectl", undefined, session);
    const after = await viaToken(["get", "pods", "-n", "team-a"]);
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /Unauthorized|must be logged in/);
  });
});
