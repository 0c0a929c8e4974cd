// What each audited REST call names: the object it acted on and the cluster
// (and namespace) it is in, as kube's audit names objectRef. A create names
// the object created (from its body, or the name the server made); a call on
// a Cluster itself is on that cluster; a role binding is in its cluster and
// namespace, whether granted or revoked.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AuditEntry } from "../../src/platform/http/context.ts";
import { startWithMembers, type WithMembers } from "./members.ts";

let t: WithMembers;
let admin: string;
const C = "sim-1";

before(async () => {
  t = await startWithMembers({ clusters: 1 });
  admin = await t.adminToken();
});
after(() => t?.close());

/** The entries written since `mark` (a count of entries), as [verb, resource, cluster, namespace, name, code]. */
async function since(mark: number): Promise<(string | number | undefined)[][]> {
  const all: AuditEntry[] = await t.auditEntries();
  return all.slice(mark).map((e) => [e.verb, e.resource, e.cluster, e.namespace, e.name, e.code]);
}

describe("audit entries name their object and cluster", () => {
  test("POST /tokens, /users, /rolebindings and namespaces name what they created; revoking a binding names its cluster", async () => {
    const mark = (await t.auditEntries()).length;
    assert.equal((await t.call("POST", "/users", { name: "aud-ann", password: "aud-ann-password" }, admin)).status, 201);
    assert.equal((await t.call("POST", "/tokens", { name: "ci" }, admin)).status, 201);
    const ns = await t.call("POST", `/clusters/${C}/namespaces`, { name: "aud-shop" }, admin);
    assert.equal(ns.status, 201, JSON.stringify(ns.body));
    const bound = await t.call("POST", "/rolebindings", { user: "aud-ann", role: "NSViewer", cluster: C, namespace: "aud-shop" }, admin);
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    assert.equal((await t.call("DELETE", `/rolebindings/${bound.body.name}`, undefined, admin)).status, 204);
    assert.equal((await t.call("DELETE", "/tokens/ci", undefined, admin)).status, 204);
    assert.deepEqual(await since(mark), [
      ["create", "users", undefined, undefined, "aud-ann", 201],
      ["create", "tokens", undefined, undefined, "ci", 201],
      ["create", "namespaces", C, undefined, "aud-shop", 201],
      // The binding's name is made by the server; its cluster and namespace come from the grant.
      ["create", "rolebindings", C, "aud-shop", bound.body.name, 201],
      ["delete", "rolebindings", C, "aud-shop", bound.body.name, 204],
      ["delete", "tokens", undefined, undefined, "ci", 204],
    ]);
  });

  test("a refused grant still names the cluster and namespace it asked for", async () => {
    const viewer = await t.addUser("aud-vic", [{ role: "NSViewer", cluster: C, namespace: "default" }]);
    const mark = (await t.auditEntries()).length;
    const r = await t.call("POST", "/rolebindings", { user: "aud-vic", role: "NSAdmin", cluster: C, namespace: "default" }, viewer);
    assert.equal(r.status, 403);
    assert.deepEqual(await since(mark), [["create", "rolebindings", C, "default", undefined, 403]]);
  });

  test("calls on /clusters/{name} are on that cluster: the entry's cluster is it, and so is the object's name", async () => {
    const mark = (await t.auditEntries()).length;
    assert.equal((await t.call("PUT", `/clusters/${C}/labels`, { labels: { team: "a" } }, admin)).status, 200);
    assert.equal((await t.call("PUT", `/clusters/${C}`, { alias: "Sim one" }, admin)).status, 200);
    assert.equal((await t.call("POST", `/clusters/${C}/nodes/node-1/cordon`, undefined, admin)).status, 200);
    assert.deepEqual(await since(mark), [
      ["update", "clusters", C, undefined, C, 200],
      ["update", "clusters", C, undefined, C, 200],
      // A node's calls name the node, in its cluster.
      ["cordon", "nodes", C, undefined, `node-1`, 200],
    ]);
  });
});
