// kpanda's RBAC in member clusters: the four kpanda ClusterRoles in every
// Running member, one member binding per kpanda RoleBinding (subject
// kpanda:<user>, as the proxy impersonates), removed with it, repaired when
// deleted or edited, and what each role then lets a user do in the member
// (asked of the member itself, impersonating the user as kpanda's proxy does).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { CLUSTER_ROLES, clusterRoleDrifts } from "../../src/platform/access/memberRbac.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";
import { grant, integrateDirect, kubectlAs, makeUser, until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

const KPANDA_ROLES = ["kpanda-cluster-admin", "kpanda-ns-admin", "kpanda-ns-edit", "kpanda-ns-view"];

let t: TestPlatform;
let sim: Simulator;
let dir: string;
const bindings: Record<string, string> = {};

/** kubectl on a member as its admin (setup and checks). */
const direct = (cluster: string, args: string[], input?: string) =>
  runKubectl(["--kubeconfig", sim.cluster(cluster).kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args], { input, allowFail: true });
const as = (user: string, cluster: string, args: string[]) => kubectlAs(sim.cluster(cluster), dir, `kpanda:${user}`, args);
const json = async (cluster: string, args: string[]) => JSON.parse((await direct(cluster, [...args, "-o", "json"])).stdout || "null");
const kpandaRoles = async (cluster: string) =>
  (await direct(cluster, ["get", "clusterroles", "-l", "app.kubernetes.io/managed-by=kpanda", "-o", "name"])).stdout.split("\n").filter(Boolean).sort();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-memberrbac-"));
  sim = await startSimulator({ names: ["dev", "prod", "late"], nodes: 1, dataDir: dir, logger: pino({ level: "silent" }) });
  t = await startTestPlatform();
  await integrateDirect(t, sim.cluster("dev"));
  await integrateDirect(t, sim.cluster("prod"));
  for (const u of ["ca", "nsadmin", "editor", "viewer"]) await makeUser(t, u);
  bindings.ca = await grant(t, { user: "ca", role: "ClusterAdmin", cluster: "dev" });
  bindings.nsadmin = await grant(t, { user: "nsadmin", role: "NSAdmin", cluster: "dev", namespace: "team-a" });
  bindings.editor = await grant(t, { user: "editor", role: "NSEditor", cluster: "dev", namespace: "team-a" });
  bindings.viewer = await grant(t, { user: "viewer", role: "NSViewer", cluster: "dev", namespace: "team-a" });
  const pod = (ns: string) => `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"shell","namespace":"${ns}"},"spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","3600"]}]}}`;
  for (const ns of ["team-a", "team-b"]) {
    await direct("dev", ["create", "namespace", ns]);
    await direct("dev", ["apply", "-f", "-"], pod(ns));
  }
  const running = async () => (await direct("dev", ["get", "pods", "-A", "--field-selector", "status.phase=Running", "-o", "name"])).stdout;
  await until("both pods Running", async () => (await running()).split("\n").filter((l) => l === "pod/shell").length === 2, 30_000);
});
after(async () => {
  await t?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("member RBAC objects", () => {
  it("gives every Running member kpanda's four ClusterRoles, labelled as kpanda's", async () => {
    for (const c of ["dev", "prod"]) {
      await until(`kpanda ClusterRoles in ${c}`, async () => (await kpandaRoles(c)).length === 4, 15_000);
      assert.deepEqual(await kpandaRoles(c), KPANDA_ROLES.map((r) => `clusterrole.rbac.authorization.k8s.io/${r}`));
    }
    // As the member stores them, they match what kpanda wants (else every resync would rewrite them).
    for (const want of CLUSTER_ROLES) assert.ok(!clusterRoleDrifts(want, await json("dev", ["get", "clusterrole", want.metadata!.name!])));
    // edit has pods/exec and Secrets; view has neither (kube's aggregate-to-edit and aggregate-to-view).
    const can = (role: any, resource: string, verb: string) =>
      role.rules.some((r: any) => r.apiGroups?.includes("") && r.resources?.includes(resource) && r.verbs.includes(verb));
    const edit = await json("dev", ["get", "clusterrole", "kpanda-ns-edit"]);
    const view = await json("dev", ["get", "clusterrole", "kpanda-ns-view"]);
    assert.ok(can(edit, "pods/exec", "create") && can(edit, "secrets", "get"));
    assert.ok(!can(view, "pods/exec", "create") && !can(view, "pods/exec", "get") && !can(view, "secrets", "get") && can(view, "pods", "list"));
  });

  it("gives a cluster that turns Running its ClusterRoles at once, not at the next resync", async () => {
    await integrateDirect(t, sim.cluster("late"));
    await until("kpanda ClusterRoles in late", async () => (await kpandaRoles("late")).length === 4, 5_000);
  });

  it("makes each kpanda RoleBinding a member binding of kpanda:<user>, in the clusters it reaches", async () => {
    const crb = (c: string, name: string) => json(c, ["get", "clusterrolebinding", `kpanda-${name}`, "--ignore-not-found"]);
    const ca = await until("ClusterAdmin binding in dev", () => crb("dev", bindings.ca));
    assert.deepEqual(ca.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kpanda-cluster-admin" });
    assert.deepEqual(ca.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kpanda:ca" }]);
    assert.equal(ca.metadata.labels["app.kubernetes.io/managed-by"], "kpanda");
    assert.equal(ca.metadata.labels["kpanda.io/rolebinding"], bindings.ca);
    assert.equal(await crb("prod", bindings.ca), null);
    // The Owner (admin) is cluster-admin in every member.
    for (const c of ["dev", "prod"]) await until(`Owner binding in ${c}`, () => crb(c, "admin-owner"));
    const rb = await until("viewer RoleBinding", () => json("dev", ["get", "rolebinding", "-n", "team-a", `kpanda-${bindings.viewer}`, "--ignore-not-found"]));
    assert.equal(rb.roleRef.name, "kpanda-ns-view");
    assert.deepEqual(rb.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kpanda:viewer" }]);
  });

  it("removes the member binding when its kpanda RoleBinding is deleted", async () => {
    await makeUser(t, "temp");
    const name = await grant(t, { user: "temp", role: "NSViewer", cluster: "dev", namespace: "team-b" });
    const get = () => json("dev", ["get", "rolebinding", "-n", "team-b", `kpanda-${name}`, "--ignore-not-found"]);
    await until("temp's RoleBinding", get);
    assert.equal((await t.call("DELETE", `/rolebindings/${name}`, undefined, await t.adminToken())).status, 204);
    await until("temp's RoleBinding gone", async () => (await get()) === null);
  });

  it("brings back a deleted kpanda-ns-view within 30 s, and repairs an edited ClusterRole and a deleted binding", async () => {
    await until("kpanda ClusterRoles in dev", async () => (await kpandaRoles("dev")).length === 4);
    const t0 = Date.now();
    assert.equal((await direct("dev", ["delete", "clusterrole", "kpanda-ns-view"])).code, 0);
    await direct("dev", ["patch", "clusterrole", "kpanda-ns-edit", "--type=json", "-p", '[{"op":"replace","path":"/rules","value":[]}]']);
    await direct("dev", ["delete", "rolebinding", "-n", "team-a", `kpanda-${bindings.editor}`]);
    await until("kpanda-ns-view back", async () => (await kpandaRoles("dev")).includes("clusterrole.rbac.authorization.k8s.io/kpanda-ns-view"), 30_000);
    assert.ok(Date.now() - t0 < 30_000);
    await until("kpanda-ns-edit rules back", async () => (await json("dev", ["get", "clusterrole", "kpanda-ns-edit"])).rules.length > 0, 30_000);
    await until("editor's RoleBinding back", () => json("dev", ["get", "rolebinding", "-n", "team-a", `kpanda-${bindings.editor}`, "--ignore-not-found"]), 30_000);
  });
});

describe("what each role may do in the member (impersonated as kpanda:<user>)", () => {
  const canI = async (user: string, cluster: string, args: string[]) => (await as(user, cluster, ["auth", "can-i", ...args])).stdout.trim();

  before(async () => {
    // Every binding in place (the repair test above may have just recreated some).
    await until("member bindings", async () => (await canI("editor", "dev", ["create", "pods/exec", "-n", "team-a"])) === "yes", 30_000);
  });

  it("an NS Viewer lists pods in its namespace, but cannot delete them, exec, or see another namespace", async () => {
    const list = await as("viewer", "dev", ["get", "pods", "-n", "team-a", "-o", "name"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim(), "pod/shell");
    const del = await as("viewer", "dev", ["delete", "pod", "shell", "-n", "team-a"]);
    assert.notEqual(del.code, 0);
    // kube's RBAC denial: `User "kpanda:viewer" cannot delete resource "pods" ... in the namespace "team-a"`.
    assert.match(del.stderr, /Forbidden.*User "kpanda:viewer" cannot delete resource "pods"/);
    const other = await as("viewer", "dev", ["get", "pods", "-n", "team-b"]);
    assert.match(other.stderr, /cannot list resource "pods".*in the namespace "team-b"/);
    const exec = await as("viewer", "dev", ["exec", "shell", "-n", "team-a", "--", "echo", "hi"]);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /Forbidden|forbidden/);
    assert.equal(await canI("viewer", "dev", ["get", "secrets", "-n", "team-a"]), "no");
  });

  it("an NS Editor execs into a pod of its namespace and reads Secrets there, but manages no RBAC", async () => {
    const exec = await as("editor", "dev", ["exec", "shell", "-n", "team-a", "--", "echo", "hi"]);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, "hi\n");
    assert.equal(await canI("editor", "dev", ["get", "secrets", "-n", "team-a"]), "yes");
    assert.equal(await canI("editor", "dev", ["create", "rolebindings", "-n", "team-a"]), "no");
    assert.equal(await canI("editor", "dev", ["create", "pods/exec", "-n", "team-b"]), "no");
  });

  it("an NS Admin manages RBAC in its namespace only; a ClusterAdmin has all of its cluster and nothing of another", async () => {
    assert.equal(await canI("nsadmin", "dev", ["create", "rolebindings", "-n", "team-a"]), "yes");
    assert.equal(await canI("nsadmin", "dev", ["create", "rolebindings", "-n", "team-b"]), "no");
    assert.equal(await canI("nsadmin", "dev", ["list", "nodes"]), "no");
    assert.equal(await canI("ca", "dev", ["delete", "nodes"]), "yes");
    assert.equal(await canI("ca", "dev", ["create", "pods/exec", "-n", "team-b"]), "yes");
    assert.equal(await canI("ca", "prod", ["list", "pods", "-n", "default"]), "no");
  });
});
