// kubectl against authentication and RBAC: auth can-i (and --list), whoami,
// impersonation with --as/--as-group, a namespaced user bound to edit or
// admin, escalation prevention, and create token.
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Cluster, startCluster } from "./harness.ts";

let cluster: Cluster;
let tokenFile: string;
before(async () => {
  tokenFile = join(tmpdir(), `kpanda-tokens-${process.pid}.csv`);
  await writeFile(tokenFile, 'carol-token,carol,uid-carol,"carol-team,auditors"\n', { mode: 0o600 });
  cluster = await startCluster({ tokenAuthFile: tokenFile });
});
after(async () => {
  await cluster.close();
  await rm(tokenFile, { force: true });
});

/** A ServiceAccount in ns bound to a ClusterRole there, and a token for it. */
async function serviceAccountUser(ns: string, name: string, clusterRole?: string): Promise<string> {
  await cluster.kubectl(["create", "serviceaccount", name, "-n", ns]);
  if (clusterRole) {
    await cluster.kubectl(["create", "rolebinding", `${name}-${clusterRole}`, `--clusterrole=${clusterRole}`, `--serviceaccount=${ns}:${name}`, "-n", ns]);
  }
  return (await cluster.kubectl(["create", "token", name, "-n", ns])).stdout.trim();
}

test("auth can-i answers yes for the admin and no, exit 1, for a user without bindings", async () => {
  const ns = await cluster.namespace("cani");
  const yes = await cluster.kubectl(["auth", "can-i", "create", "deployments", "-n", ns]);
  assert.equal(yes.stdout.trim(), "yes");
  const token = await serviceAccountUser(ns, "nobody");
  const no = await cluster.kubectlWithToken(token, ["auth", "can-i", "get", "pods", "-n", ns], { allowFail: true });
  assert.equal(no.code, 1);
  assert.equal(no.stdout.trim(), "no");
  const discovery = await cluster.kubectlWithToken(token, ["auth", "can-i", "get", "/apis"]);
  assert.equal(discovery.stdout.trim(), "yes");
});

test("auth can-i --list prints the rules that apply in the namespace", async () => {
  const ns = await cluster.namespace("canlist");
  const admin = await cluster.kubectl(["auth", "can-i", "--list", "-n", ns]);
  assert.match(admin.stdout, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]\n\s+\[\*\]\s+\[\]\s+\[\*\]\n/);
  const token = await serviceAccountUser(ns, "viewer", "view");
  const viewer = await cluster.kubectlWithToken(token, ["auth", "can-i", "--list", "-n", ns]);
  assert.match(viewer.stdout, /\npods\s+\[\]\s+\[\]\s+\[get list watch\]\n/);
  assert.match(viewer.stdout, /\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]\n/);
  assert.match(viewer.stdout, /\n\s+\[\/version\]\s+\[\]\s+\[get\]\n/);
  assert.doesNotMatch(viewer.stdout, /\nsecrets\s/);
});

test("the admin may impersonate with --as and --as-group; the impersonated user is what RBAC sees", async () => {
  const ns = await cluster.namespace("imp");
  const who = await cluster.kubectl(["auth", "whoami", "--as", "alice", "--as-group", "devs", "-o", "jsonpath={.status.userInfo}"]);
  assert.deepEqual(JSON.parse(who.stdout), { username: "alice", groups: ["devs", "system:authenticated"] });
  const denied = await cluster.kubectl(["get", "pods", "-n", ns, "--as", "alice"], { allowFail: true });
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, new RegExp(`pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "${ns}"`));
  await cluster.kubectl(["create", "rolebinding", "devs-view", "--clusterrole=view", "--group=devs", "-n", ns]);
  await cluster.kubectl(["get", "pods", "-n", ns, "--as", "alice", "--as-group", "devs"]);
  const canI = await cluster.kubectl(["auth", "can-i", "list", "pods", "-n", ns, "--as", "alice", "--as-group", "devs"]);
  assert.equal(canI.stdout.trim(), "yes");
});

test("a user without the impersonate verb is refused with kube's message", async () => {
  const ns = await cluster.namespace("noimp");
  const token = await serviceAccountUser(ns, "editor", "edit");
  const user = await cluster.kubectlWithToken(token, ["get", "pods", "-n", ns, "--as", "alice"], { allowFail: true });
  assert.equal(user.code, 1);
  assert.match(user.stderr, new RegExp(`users "alice" is forbidden: User "system:serviceaccount:${ns}:editor" cannot impersonate resource "users" in API group "" at the cluster scope`));
  const group = await cluster.kubectlWithToken(token, ["get", "pods", "-n", ns, "--as", `system:serviceaccount:${ns}:editor`, "--as-group", "system:masters"], { allowFail: true });
  assert.match(group.stderr, /groups "system:masters" is forbidden: .* cannot impersonate resource "groups" in API group "" at the cluster scope/);
  // edit grants impersonate on serviceaccounts in its namespace, as in kube.
  await cluster.kubectlWithToken(token, ["get", "configmaps", "-n", ns, "--as", `system:serviceaccount:${ns}:editor`]);
});

test("a namespaced editor works in its namespace, gets 403 elsewhere and cannot bind itself cluster-admin", async () => {
  const ns = await cluster.namespace("edit");
  const other = await cluster.namespace("elsewhere");
  const token = await serviceAccountUser(ns, "dev", "edit");
  const kubectl = (args: string[]) => cluster.kubectlWithToken(token, args, { allowFail: true });
  assert.equal((await kubectl(["create", "configmap", "c1", "--from-literal=a=b", "-n", ns])).code, 0);
  assert.equal((await kubectl(["create", "deployment", "web", "--image=nginx", "-n", ns])).code, 0);
  assert.equal((await kubectl(["scale", "deployment", "web", "--replicas=2", "-n", ns])).code, 0);
  const elsewhere = await kubectl(["get", "configmaps", "-n", other]);
  assert.equal(elsewhere.code, 1);
  assert.match(elsewhere.stderr, new RegExp(`Error from server \\(Forbidden\\): configmaps is forbidden: User "system:serviceaccount:${ns}:dev" cannot list resource "configmaps" in API group "" in the namespace "${other}"`));
  const bind = await kubectl(["create", "rolebinding", "mine", "--clusterrole=cluster-admin", `--serviceaccount=${ns}:dev`, "-n", ns]);
  assert.equal(bind.code, 1);
  assert.match(bind.stderr, /rolebindings\.rbac\.authorization\.k8s\.io is forbidden: User .* cannot create resource "rolebindings" in API group "rbac\.authorization\.k8s\.io"/);
  const crb = await kubectl(["create", "clusterrolebinding", `mine-${ns}`, "--clusterrole=cluster-admin", `--serviceaccount=${ns}:dev`]);
  assert.equal(crb.code, 1);
  assert.match(crb.stderr, /cannot create resource "clusterrolebindings" in API group "rbac\.authorization\.k8s\.io" at the cluster scope/);
});

test("a namespace admin may bind what it holds, but escalation to cluster-admin or wider roles is refused", async () => {
  const ns = await cluster.namespace("nsadmin");
  const token = await serviceAccountUser(ns, "boss", "admin");
  const kubectl = (args: string[]) => cluster.kubectlWithToken(token, args, { allowFail: true });
  assert.equal((await kubectl(["create", "rolebinding", "v", "--clusterrole=view", "--user=someone", "-n", ns])).code, 0);
  const esc = await kubectl(["create", "rolebinding", "mine", "--clusterrole=cluster-admin", `--serviceaccount=${ns}:boss`, "-n", ns]);
  assert.equal(esc.code, 1);
  assert.ok(
    esc.stderr.includes(
      `rolebindings.rbac.authorization.k8s.io "mine" is forbidden: user "system:serviceaccount:${ns}:boss" (groups=["system:serviceaccounts" "system:serviceaccounts:${ns}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}`,
    ),
    esc.stderr,
  );
  const role = await kubectl(["create", "role", "nodes", "--verb=get", "--resource=secrets,nodes", "-n", ns]);
  assert.equal(role.code, 1);
  assert.match(role.stderr, /roles\.rbac\.authorization\.k8s\.io "nodes" is forbidden: .* not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get"\]\}/);
  assert.equal((await kubectl(["create", "role", "readers", "--verb=get,list", "--resource=pods", "-n", ns])).code, 0);
  // `bind` on a role lets a user bind it without holding its rules.
  await cluster.kubectl(["create", "clusterrole", `bind-ca-${ns}`, "--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
  await cluster.kubectl(["create", "rolebinding", "may-bind", `--clusterrole=bind-ca-${ns}`, `--serviceaccount=${ns}:boss`, "-n", ns]);
  assert.equal((await kubectl(["create", "rolebinding", "mine", "--clusterrole=cluster-admin", "--user=someone", "-n", ns])).code, 0);
});

test("create token returns a token that authenticates as the ServiceAccount; a garbled token is 401", async () => {
  const ns = await cluster.namespace("tok");
  const token = await serviceAccountUser(ns, "robot");
  const who = await cluster.kubectlWithToken(token, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"]);
  assert.equal(who.stdout, `system:serviceaccount:${ns}:robot ["system:serviceaccounts","system:serviceaccounts:${ns}","system:authenticated"]`);
  const [header, payload] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  assert.equal(claims.sub, `system:serviceaccount:${ns}:robot`);
  assert.equal(claims.exp - claims.iat, 3600);
  assert.equal(claims["kubernetes.io"].namespace, ns);
  const garbled = await cluster.kubectlWithToken(`${header}.${payload}.AAAA`, ["get", "pods", "-n", ns], { allowFail: true });
  assert.equal(garbled.code, 1);
  assert.match(garbled.stderr, /You must be logged in to the server \(Unauthorized\)/);
  const long = await cluster.kubectl(["create", "token", "robot", "-n", ns, "--duration=2h"]);
  const longClaims = JSON.parse(Buffer.from(long.stdout.trim().split(".")[1], "base64url").toString());
  assert.equal(longClaims.exp - longClaims.iat, 7200);
  const short = await cluster.kubectl(["create", "token", "robot", "-n", ns, "--duration=5m"], { allowFail: true });
  assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
  await cluster.kubectl(["delete", "serviceaccount", "robot", "-n", ns]);
  // kube-apiserver remembers a token's success for 10 s (TokenSuccessCacheTTL), so the
  // deleted ServiceAccount's token is refused within that, not necessarily at once.
  const deleted = Date.now();
  for (;;) {
    const gone = await cluster.kubectlWithToken(token, ["auth", "whoami"], { allowFail: true });
    if (/Unauthorized/.test(gone.stderr)) break;
    assert.ok(Date.now() - deleted < 15_000, `the deleted ServiceAccount's token still works after 15 s: ${gone.stdout}${gone.stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test("an expired ServiceAccount token is 401", { skip: process.env.KPANDA_TEST_KUBECONFIG ? "needs the in-process server" : false }, async () => {
  const ns = await cluster.namespace("expired");
  await cluster.kubectl(["create", "serviceaccount", "old", "-n", ns]);
  const uid = (await cluster.kubectl(["get", "sa", "old", "-n", ns, "-o", "jsonpath={.metadata.uid}"])).stdout;
  const sa = cluster.server!.access.serviceAccounts;
  const { token } = sa.issue({ namespace: ns, name: "old", uid }, sa.apiAudiences, 600, Date.now() - 3600_000);
  const r = await cluster.kubectlWithToken(token, ["auth", "whoami"], { allowFail: true });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unauthorized/);
});

test("a token-file user authenticates with its groups plus system:authenticated", { skip: process.env.KPANDA_TEST_KUBECONFIG ? "needs the in-process server" : false }, async () => {
  const who = await cluster.kubectlWithToken("carol-token", ["auth", "whoami", "-o", "jsonpath={.status.userInfo}"]);
  assert.deepEqual(JSON.parse(who.stdout), { username: "carol", uid: "uid-carol", groups: ["carol-team", "auditors", "system:authenticated"] });
  const denied = await cluster.kubectlWithToken("carol-token", ["get", "nodes"], { allowFail: true });
  assert.match(denied.stderr, /nodes is forbidden: User "carol" cannot list resource "nodes" in API group "" at the cluster scope/);
  await cluster.kubectl(["create", "clusterrolebinding", "auditors-view", "--clusterrole=view", "--group=auditors"]);
  await cluster.kubectlWithToken("carol-token", ["get", "pods", "-A"]);
  await cluster.kubectl(["delete", "clusterrolebinding", "auditors-view"]);
});
