// The namespaces REST API against a simulated member: each role sees the
// namespaces it may (a namespace-scoped user gets its own, never a 403),
// ClusterAdmins create and delete them, and labels are replaced by a
// ClusterAdmin or the namespace's NSAdmin (Pod Security labels by a
// ClusterAdmin only, as in Kpanda). Checks read the member directly with kubectl.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWithMembers, until, type WithMembers } from "./members.ts";

const C = "sim-1";
let t: WithMembers;
let owner: string;
let ops: string;
let nsAdmin: string;
let viewer: string;
let stranger: string;

const names = (body: { items: { name: string }[] }) => body.items.map((n) => n.name);
const labelsOf = async (ns: string) => JSON.parse((await t.direct(C, ["get", "namespace", ns, "-o", "json"])).stdout).metadata.labels;

before(async () => {
  t = await startWithMembers({ clusters: 1, nodes: 1 });
  owner = await t.adminToken();
  ops = await t.addUser("ops", [{ role: "ClusterAdmin", cluster: C }]);
  nsAdmin = await t.addUser("nsadmin", [{ role: "NSAdmin", cluster: C, namespace: "team-a" }]);
  viewer = await t.addUser("viewer", [
    { role: "NSViewer", cluster: C, namespace: "team-a" },
    { role: "NSViewer", cluster: C, namespace: "team-b" },
    // A binding to a namespace that does not exist (yet) lists nothing for it.
    { role: "NSViewer", cluster: C, namespace: "team-later" },
  ]);
  stranger = await t.addUser("stranger", []);
  for (const ns of ["team-a", "team-b", "team-c"]) await t.direct(C, ["create", "namespace", ns]);
});
after(() => t?.close());

describe("listing namespaces", () => {
  test("an Owner and a ClusterAdmin see every namespace, paged and sorted by name", async () => {
    const all = (await t.direct(C, ["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ").sort();
    for (const token of [owner, ops]) {
      const r = await t.call("GET", `/clusters/${C}/namespaces?pageSize=500`, undefined, token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(names(r.body), all);
      assert.equal(r.body.pagination.total, all.length);
    }
    const page2 = await t.call("GET", `/clusters/${C}/namespaces?pageSize=2&page=2`, undefined, ops);
    assert.deepEqual(names(page2.body), all.slice(2, 4));
    const a = (await t.call("GET", `/clusters/${C}/namespaces?fuzzySearch=team-a`, undefined, ops)).body.items[0];
    assert.deepEqual([a.name, a.status, a.labels["kubernetes.io/metadata.name"]], ["team-a", "Active", "team-a"]);
  });

  test("a namespace role sees only its own namespaces, never a 403", async () => {
    const r = await t.call("GET", `/clusters/${C}/namespaces`, undefined, viewer);
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ["team-a", "team-b"]);
    assert.equal(r.body.pagination.total, 2);
    const searched = await t.call("GET", `/clusters/${C}/namespaces?fuzzySearch=B`, undefined, viewer);
    assert.deepEqual(names(searched.body), ["team-b"]);
    assert.deepEqual(names((await t.call("GET", `/clusters/${C}/namespaces`, undefined, nsAdmin)).body), ["team-a"]);
  });

  test("a user with no role in the cluster gets 403, and an unknown cluster 404", async () => {
    const r = await t.call("GET", `/clusters/${C}/namespaces`, undefined, stranger);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /has no role in cluster "sim-1"/);
    const missing = await t.call("GET", "/clusters/nowhere/namespaces", undefined, owner);
    assert.equal(missing.status, 404);
  });
});

describe("changing namespaces", () => {
  test("a ClusterAdmin creates and deletes namespaces; a namespace role may not", async () => {
    const refused = await t.call("POST", `/clusters/${C}/namespaces`, { name: "made" }, nsAdmin);
    assert.equal(refused.status, 403);
    const made = await t.call("POST", `/clusters/${C}/namespaces`, { name: "made", labels: { env: "dev" } }, ops);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual([made.body.name, made.body.status, made.body.labels.env], ["made", "Active", "dev"]);
    assert.equal((await labelsOf("made")).env, "dev");
    // The member's answers, kept: AlreadyExists, and its validation of the name.
    const again = await t.call("POST", `/clusters/${C}/namespaces`, { name: "made" }, ops);
    assert.deepEqual([again.status, again.body.reason, again.body.cluster], [409, "AlreadyExists", C]);
    assert.equal(again.body.message, 'namespaces "made" already exists');
    const invalid = await t.call("POST", `/clusters/${C}/namespaces`, { name: "Not_A_Label" }, ops);
    assert.deepEqual([invalid.status, invalid.body.reason], [422, "Invalid"]);
    assert.equal((await t.call("DELETE", `/clusters/${C}/namespaces/made`, undefined, nsAdmin)).status, 403);
    const gone = await t.call("DELETE", `/clusters/${C}/namespaces/made`, undefined, ops);
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    assert.equal(gone.body.status, "Terminating");
    await until("namespace made gone", async () => (await t.direct(C, ["get", "namespace", "made"], { allowFail: true })).code !== 0);
    const audited = (await t.auditEntries()).filter((e) => e.user === "ops" && e.resource === "namespaces");
    assert.deepEqual(
      audited.map((e) => [e.verb, e.code]),
      [
        ["create", 201],
        ["create", 409],
        ["create", 422],
        ["delete", 200],
      ],
    );
  });

  test("the namespace's NSAdmin replaces its labels but not the Pod Security ones, which a ClusterAdmin changes; GET /me says the same", async () => {
    const labels = { ...(await labelsOf("team-a")), owner: "team-a-lead" };
    // As in Kpanda: an NSAdmin edits its namespace's labels, not another's; a viewer none.
    const r = await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels }, nsAdmin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await labelsOf("team-a")).owner, "team-a-lead");
    assert.equal((await t.call("PUT", `/clusters/${C}/namespaces/team-b/labels`, { labels: {} }, nsAdmin)).status, 403);
    assert.equal((await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels }, viewer)).status, 403);
    // The Pod Security Admission labels (pod-security.kubernetes.io/*) set every pod's allowed level: ClusterAdmin only.
    const psa = { ...labels, "pod-security.kubernetes.io/enforce": "privileged" };
    const lifted = await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels: psa }, nsAdmin);
    assert.equal(lifted.status, 403);
    assert.match(lifted.body.message, /pod-security\.kubernetes\.io\/\* labels of namespace "team-a": that is namespace\.podSecurity, which needs ClusterAdmin/);
    const byOps = await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels: psa }, ops);
    assert.equal(byOps.status, 200, JSON.stringify(byOps.body));
    assert.equal((await labelsOf("team-a"))["pod-security.kubernetes.io/enforce"], "privileged");
    // Removing one is a change too; keeping it while editing another label is not.
    assert.equal((await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels }, nsAdmin)).status, 403);
    const kept = await t.call("PUT", `/clusters/${C}/namespaces/team-a/labels`, { labels: { ...psa, owner: "someone" } }, nsAdmin);
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    // GET /me offers exactly that: namespace.edit in team-a, namespace.podSecurity nowhere for the NSAdmin.
    const me = (await t.call("GET", "/me", undefined, nsAdmin)).body;
    const teamA = me.namespaces.find((n: any) => n.cluster === C && n.namespace === "team-a");
    assert.ok(teamA.actions.includes("namespace.edit"), JSON.stringify(teamA));
    assert.ok(!teamA.actions.includes("namespace.podSecurity"), JSON.stringify(teamA));
    const opsMe = (await t.call("GET", "/me", undefined, ops)).body;
    assert.ok(opsMe.clusters.find((c: any) => c.name === C).actions.includes("namespace.podSecurity"));
  });
});
