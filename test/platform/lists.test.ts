// The REST lists from the search cache (routes/lists.ts, the list contract)
// against two simulated members, on the embedded index and on PostgreSQL:
// what each role may see counts in totals and pages, sorting and paging
// agree with a sort of everything the members themselves list, Secrets'
// data never shows, and the cross-cluster lists take a cluster filter.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { postgresSkipReason, startPostgres } from "../postgres.ts";
import { startWithMembers, type WithMembers } from "./members.ts";
import { openWatch } from "./sseClient.ts";

const A = "sim-1";
const B = "sim-2";
type Obj = { cluster: string; metadata: { name: string; namespace: string; labels?: Record<string, string> } };

/** The same ConfigMaps (names shuffled) in team-a and team-b of both clusters, and a Secret in team-a. */
async function fill(t: WithMembers): Promise<void> {
  for (const c of [A, B]) {
    const items: object[] = [];
    for (const ns of ["team-a", "team-b"]) {
      items.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      for (const i of [7, 3, 11, 0, 5, 9, 1, 12, 4]) {
        const name = `cm-${String((i * 7) % 13).padStart(2, "0")}`;
        items.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: { app: i % 2 ? "web" : "db" } }, data: { i: String(i) } });
      }
    }
    // kubectl apply keeps the whole object, the Secret's data included, in an annotation: neither may show.
    items.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "db-pass", namespace: "team-a" }, stringData: { password: "s3cr3t-value" } });
    await t.direct(c, ["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items }) });
  }
}

/** Everything of a kind the member lists itself (kubectl with its admin kubeconfig). */
async function memberList(t: WithMembers, c: string, kind: string): Promise<Obj[]> {
  const list = JSON.parse((await t.direct(c, ["get", kind, "-A", "-o", "json"])).stdout);
  return list.items.map((o: Obj) => ({ ...o, cluster: c }));
}

/** Every page of a list, concatenated. */
async function allPages(t: WithMembers, path: string, token: string, pageSize: number): Promise<{ items: Obj[]; total: number }> {
  const items: Obj[] = [];
  let total = -1;
  for (let page = 1; ; page++) {
    const r = await t.call("GET", `${path}${path.includes("?") ? "&" : "?"}pageSize=${pageSize}&page=${page}`, undefined, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (total < 0) total = r.body.pagination.total;
    assert.equal(r.body.pagination.total, total, "the total is the same on every page");
    items.push(...r.body.items);
    if (r.body.items.length < pageSize) return { items, total };
  }
}

const ident = (o: Obj) => `${o.cluster}/${o.metadata.namespace}/${o.metadata.name}`;

/** The index's order: the sort key, then name, namespace and cluster, all one way (where.ts orderBy). */
function sorted(objs: Obj[], key: (o: Obj) => string, dir: "asc" | "desc"): string[] {
  const keys = (o: Obj) => [key(o), o.metadata.name, o.metadata.namespace, o.cluster];
  const cmp = (x: Obj, y: Obj) => {
    const [a, b] = [keys(x), keys(y)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  };
  const out = [...objs].sort(cmp);
  return (dir === "desc" ? out.reverse() : out).map(ident);
}

function listSuite(backend: string, searchDb?: string, skip: string | false = false) {
  describe(`REST lists from the cache (${backend})`, { timeout: 300_000, skip }, () => {
    let t: WithMembers;
    let owner: string;
    let viewer: string;
    let editor: string;
    before(async () => {
      t = await startWithMembers({ clusters: 2, nodes: 1 }, { searchDb });
      owner = await t.adminToken();
      viewer = await t.addUser("viewer", [{ role: "NSViewer", cluster: A, namespace: "team-a" }]);
      editor = await t.addUser("editor", [{ role: "NSEditor", cluster: A, namespace: "team-a" }]);
      await fill(t);
      // Everything the members hold is in the cache (it follows them within a second).
      const want = (await memberList(t, A, "configmaps")).length + (await memberList(t, B, "configmaps")).length;
      const end = Date.now() + 10_000;
      while ((await t.call("GET", "/asl/configmaps?pageSize=1", undefined, owner)).body.pagination.total !== want) {
        assert.ok(Date.now() < end, "the cache caught up with the members");
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    after(() => t?.close());

    test("an NS Viewer's totals and pages cover its namespace only; elsewhere it gets 403 or nothing", async () => {
      const theirs = (await memberList(t, A, "configmaps")).filter((o) => o.metadata.namespace === "team-a");
      const want = sorted(theirs, (o) => o.metadata.name, "asc");
      for (const path of [`/clusters/${A}/configmaps`, `/clusters/${A}/namespaces/team-a/configmaps`, "/asl/configmaps"]) {
        const got = await allPages(t, path, viewer, 4);
        assert.equal(got.total, want.length, path);
        assert.deepEqual(got.items.map(ident), want, path);
      }
      const asl = await t.call("GET", "/asl/configmaps", undefined, viewer);
      assert.deepEqual(asl.body.freshness.map((f: { cluster: string }) => f.cluster), [A], "only the cluster it sees is concerned");
      // Kubernetes' view role reads no Secrets (bootstrappolicy): none are counted for a viewer; an editor's are.
      assert.equal((await t.call("GET", `/clusters/${A}/secrets`, undefined, viewer)).body.pagination.total, 0);
      assert.equal((await t.call("GET", `/clusters/${A}/namespaces/team-a/secrets`, undefined, viewer)).status, 403);
      assert.equal((await t.call("GET", `/clusters/${A}/namespaces/team-a/secrets`, undefined, editor)).body.pagination.total, 1);
      for (const path of [`/clusters/${A}/namespaces/team-b/configmaps`, `/clusters/${B}/configmaps`, `/clusters/${A}/persistentvolumes`]) {
        const r = await t.call("GET", path, undefined, viewer);
        assert.equal(r.status, 403, path);
        assert.equal(r.body.reason, "Forbidden");
      }
      assert.equal((await t.call("GET", "/clusters/nowhere/configmaps", undefined, owner)).status, 404);
    });

    test("sorting and paging agree with a sort of the full set the members list", async () => {
      const all = [...(await memberList(t, A, "configmaps")), ...(await memberList(t, B, "configmaps"))];
      const keys: Record<string, (o: Obj) => string> = {
        name: (o) => o.metadata.name,
        namespace: (o) => o.metadata.namespace,
        cluster: (o) => o.cluster,
      };
      for (const [by, key] of Object.entries(keys)) {
        for (const dir of ["asc", "desc"] as const) {
          const got = await allPages(t, `/asl/configmaps?sortBy=${by}&sortDir=${dir}`, owner, 7);
          assert.equal(got.total, all.length);
          assert.deepEqual(got.items.map(ident), sorted(all, key, dir), `sortBy=${by} sortDir=${dir}`);
        }
      }
      // A filter and a search narrow the set the same way on every page.
      const web = all.filter((o) => o.cluster === A && o.metadata.labels?.app === "web" && o.metadata.name.includes("cm-1"));
      const got = await allPages(t, `/clusters/${A}/configmaps?labelSelector=app%3Dweb&fuzzySearch=CM-1&sortDir=desc`, owner, 2);
      assert.deepEqual(got.items.map(ident), sorted(web, (o) => o.metadata.name, "desc"));
    });

    test("a Secret's data shows in no list nor watch event", async () => {
      const paths = [`/clusters/${A}/secrets`, `/clusters/${A}/namespaces/team-a/secrets?fuzzySearch=db-pass`, "/asl/secrets?fuzzyLabels=true"];
      for (const path of paths) {
        const r = await t.call("GET", path, undefined, owner);
        assert.equal(r.status, 200);
        const mine = r.body.items.filter((s: Obj) => s.metadata.name === "db-pass");
        assert.ok(mine.length > 0, path);
        // A Secret in a list: its metadata and type (secretItem in lists.ts), never data or stringData.
        const allowed = new Set(["apiVersion", "cluster", "kind", "metadata", "type", "immutable"]);
        for (const s of mine) for (const k of Object.keys(s)) assert.ok(allowed.has(k), `${path}: ${k}`);
        const text = JSON.stringify(r.body);
        for (const needle of ["s3cr3t-value", Buffer.from("s3cr3t-value").toString("base64")]) assert.ok(!text.includes(needle), path);
      }
      const list = await t.call("GET", `/clusters/${B}/namespaces/team-a/secrets`, undefined, owner);
      const w = await openWatch(t, `/clusters/${B}/namespaces/team-a/secrets?revision=${list.body.revision}`, owner);
      try {
        await t.direct(B, ["create", "secret", "generic", "more", "-n", "team-a", "--from-literal=token=an0ther-s3cr3t"]);
        const ev = await w.next((e) => e.event === "ADDED" && JSON.parse(e.data).metadata.name === "more");
        assert.equal(JSON.parse(ev.data).data, undefined);
        assert.ok(!ev.data.includes(Buffer.from("an0ther-s3cr3t").toString("base64")) && !ev.data.includes("an0ther-s3cr3t"));
      } finally {
        w.close();
      }
    });

    test("the cross-cluster lists take a cluster filter, repeated or comma-separated", async () => {
      const one = await t.call("GET", `/asl/configmaps?cluster=${B}&pageSize=500`, undefined, owner);
      assert.equal(one.status, 200);
      assert.deepEqual([...new Set(one.body.items.map((o: Obj) => o.cluster))], [B]);
      assert.equal(one.body.pagination.total, (await memberList(t, B, "configmaps")).length);
      assert.deepEqual(one.body.freshness, [{ cluster: B, state: "synced" }]);
      for (const q of [`cluster=${A},${B}`, `cluster=${A}&cluster=${B}`, ""]) {
        const both = await t.call("GET", `/asl/namespaces?${q}&pageSize=500&fieldSelector=metadata.name%3Dteam-b`, undefined, owner);
        assert.deepEqual(
          both.body.items.map((o: Obj) => o.cluster),
          [A, B],
          q,
        );
        assert.deepEqual(both.body.freshness.map((f: { cluster: string }) => f.cluster), [A, B]);
      }
      const none = await t.call("GET", "/asl/pods?cluster=nowhere", undefined, owner);
      assert.deepEqual([none.body.pagination.total, none.body.freshness], [0, []]);
    });

    test("a bad sort key, filter value or selector answers 400 BadRequest", async () => {
      for (const q of ["sortBy=restarts", "sortDir=up", "labelSelector=a%20in", "fieldSelector=spec.nodeName%3Dx", "pageSize=501", "restarts=x"]) {
        const path = q === "restarts=x" ? `/asl/pods?${q}` : `/asl/configmaps?${q}`;
        const r = await t.call("GET", path, undefined, owner);
        assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.reason, "BadRequest");
      }
    });

    test("the node and namespace lists sort and filter on the cache's columns, in their own item shapes", async () => {
      const desc = await t.call("GET", `/clusters/${A}/namespaces?sortBy=name&sortDir=desc&pageSize=500`, undefined, owner);
      const names = desc.body.items.map((n: { name: string }) => n.name);
      assert.deepEqual(names, [...names].sort().reverse());
      assert.deepEqual(Object.keys(desc.body.items[0]).sort(), ["creationTimestamp", "labels", "name", "status"]);
      assert.ok(desc.body.revision && desc.body.freshness[0].state === "synced");
      const active = await t.call("GET", `/clusters/${A}/namespaces?status=Terminating`, undefined, owner);
      assert.equal(active.body.pagination.total, 0);
      const ready = await t.call("GET", `/clusters/${A}/nodes?ready=True&sortBy=creationTimestamp`, undefined, owner);
      assert.deepEqual([ready.body.pagination.total, ready.body.items[0].status], [1, "Ready"]);
      assert.equal((await t.call("GET", `/clusters/${A}/nodes?ready=False`, undefined, owner)).body.pagination.total, 0);
      // The simulated nodes carry no node-role label.
      assert.equal((await t.call("GET", `/clusters/${A}/nodes?role=control-plane`, undefined, owner)).body.pagination.total, 0);
    });
  });
}

listSuite("embedded SQLite");

const pg = await startPostgres();
after(() => pg?.stop());
if (!pg) process.stderr.write(`\n*** REST list tests on PostgreSQL skipped: ${postgresSkipReason()} ***\n\n`);
listSuite("PostgreSQL", pg ? await pg.createDatabase() : undefined, !pg && `PostgreSQL did not start: ${postgresSkipReason()}`);
