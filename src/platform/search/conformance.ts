// The search index conformance suite: every backend (embedded SQLite,
// PostgreSQL) passes it unchanged. Expected orders and sets come from a plain
// sort or filter of the full set in JavaScript; selector semantics are
// Kubernetes' (k8s.io/apimachinery/pkg/labels and fields).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectedOrder, type Fixture, fixture, ident, NAMESPACES, NODES, PODS, pod, SECRETS } from "./conformanceFixture.ts";
import { CompactedError, type Query, QueryError, type SearchIndex } from "./index.ts";

export { pod };

export type Backend = {
  index: SearchIndex;
  /** Whether `needle` occurs anywhere in the backend's stored bytes (files, or every text column). */
  rawContains(needle: string): Promise<boolean>;
  close(): Promise<void>;
};

async function load(index: SearchIndex, f: Fixture): Promise<void> {
  await index.apply(f.map(({ cluster, obj }) => ({ type: "upsert" as const, cluster, ...PODS, object: obj })));
}


/** Every page of a query, concatenated; checks each page's total. */
async function allPages(index: SearchIndex, q: Query, pageSize: number): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let total = -1;
  for (let page = 1; ; page++) {
    const res = await index.query({ ...q, page, pageSize });
    if (total === -1) total = res.total;
    assert.equal(res.total, total, "total is the same on every page");
    ids.push(...res.items.map(ident));
    if (res.items.length < pageSize) break;
  }
  return { ids, total };
}


export function searchIndexConformance(name: string, make: () => Promise<Backend>): void {
  describe(`search index conformance: ${name}`, () => {
    const withIndex = (fn: (b: Backend) => Promise<void>) => async () => {
      const b = await make();
      try {
        await fn(b);
      } finally {
        await b.close();
      }
    };

    it(
      "sorting and paging agree with a sort of the full set, for every sort key and both directions",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        for (const by of ["name", "namespace", "cluster", "created", "status", "node", "phase", "restarts"]) {
          for (const dir of ["asc", "desc"] as const) {
            const { ids, total } = await allPages(index, { group: "", resource: "pods", sortBy: by, sortDir: dir }, 17);
            assert.equal(total, f.length);
            assert.deepEqual(ids, expectedOrder(f, by, dir), `sortBy=${by} sortDir=${dir}`);
          }
        }
      }),
    );

    it(
      "keyset paging (after) walks each identity order once, both ways, while objects before the cursor come and go",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        for (const by of ["name", "namespace", "cluster"]) {
          for (const dir of ["asc", "desc"] as const) {
            const q: Query = { group: "", resource: "pods", sortBy: by, sortDir: dir, pageSize: 13 };
            const mutate = by === "name" && dir === "asc";
            const ids: string[] = [];
            for (let after: Query["after"]; ; ) {
              const res = await index.query({ ...q, after });
              assert.equal(res.total, f.length - (mutate ? ids.length : 0), "total ignores the cursor");
              ids.push(...res.items.map(ident));
              const last = res.items.at(-1);
              if (res.items.length < 13 || !last) break;
              after = { name: last.name, namespace: last.namespace, cluster: last.cluster, version: last.version };
              // Deleting what was already read moves no cursor (a page number would skip 13 objects).
              if (mutate) await index.apply(res.items.map((i) => ({ type: "delete" as const, ...i })));
            }
            assert.deepEqual(ids, expectedOrder(f, by, dir), `sortBy=${by} sortDir=${dir}`);
            if (mutate) await load(index, f);
          }
        }
        await assert.rejects(index.query({ group: "", resource: "pods", sortBy: "created", after: { name: "a", namespace: "", cluster: "", version: "v1" } }), QueryError);
        const q: Query = { group: "", resource: "pods", labelSelector: "app=web", pageSize: 7, page: 2 };
        const [counted, uncounted] = [await index.query(q), await index.query({ ...q, skipTotal: true })];
        assert.deepEqual([uncounted.items.map(ident), uncounted.total], [counted.items.map(ident), -1], "skipTotal: the same page, no total");
      }),
    );

    it(
      "countBy counts the query's matches per value of a filter column, as a query per value would",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const nodes = ["node-0", "node-1", "node-2", "node-9"];
        const q: Query = { group: "", resource: "pods", clusters: ["c1"], filters: { node: nodes }, fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" };
        const counts = await index.countBy(q, "node");
        for (const node of nodes) {
          const one = await index.query({ ...q, filters: { node: [node] }, pageSize: 1 });
          assert.equal(counts.get(node) ?? 0, one.total, node);
        }
        assert.equal(counts.has("node-9"), false, "a value no object has is absent");
        assert.ok([...counts.values()].every((n) => n > 0));
        await assert.rejects(index.countBy(q, "nope"), QueryError);
      }),
    );

    it(
      "sum adds up pods' requests as kube's PodRequests does, over the query's matches",
      withIndex(async ({ index }) => {
        const withSpec = (name: string, node: string | undefined, phase: string, spec: object) => {
          const o = pod("ns", name, { node, phase });
          o.spec = { ...o.spec, ...spec };
          return o;
        };
        const objects = [
          // max(containers 350m/1088Mi, init 1/128Mi) plus overhead 10m/1Mi: 1010m, 1089Mi.
          withSpec("a", "n1", "Running", {
            containers: [
              { name: "x", image: "i", resources: { requests: { cpu: "250m", memory: "64Mi" } } },
              { name: "y", image: "i", resources: { requests: { cpu: "100m", memory: "1Gi" } } },
            ],
            initContainers: [{ name: "z", image: "i", resources: { requests: { cpu: "1", memory: "128Mi" } } }],
            overhead: { cpu: "10m", memory: "1Mi" },
          }),
          withSpec("b", "n2", "Pending", { containers: [{ name: "x", image: "i", resources: { requests: { cpu: "0.5", memory: "1G" } } }] }),
          // Not scheduled, or finished: left out by the field selector.
          withSpec("c", undefined, "Pending", { containers: [{ name: "x", image: "i", resources: { requests: { cpu: "2", memory: "2Gi" } } }] }),
          withSpec("d", "n1", "Succeeded", { containers: [{ name: "x", image: "i", resources: { requests: { cpu: "4", memory: "4Gi" } } }] }),
        ];
        await index.apply(objects.map((object) => ({ type: "upsert" as const, cluster: "c1", ...PODS, object })));
        const q: Query = { group: "", resource: "pods", clusters: ["c1"], fieldSelector: "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed" };
        assert.deepEqual(await index.sum(q, ["cpuRequest", "memoryRequest"]), [1510, 1089 * 2 ** 20 + 1e9]);
        assert.deepEqual(await index.sum({ ...q, clusters: ["c2"] }, ["cpuRequest"]), [0], "no match adds up to 0");
        await assert.rejects(index.sum(q, ["node"]), QueryError, "a text column is not added up");
      }),
    );

    it(
      "stores objects without managedFields and answers get by key",
      withIndex(async ({ index }) => {
        await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a", { rv: "5" }) }]);
        const got = await index.get({ cluster: "c1", ...PODS, namespace: "ns", name: "a" });
        assert.equal(got?.resourceVersion, "5");
        assert.equal(got?.object.metadata?.managedFields, undefined);
        assert.equal(got?.object.spec.containers[0].image, "nginx");
        assert.equal(await index.get({ cluster: "c2", ...PODS, namespace: "ns", name: "a" }), undefined);
      }),
    );

    it(
      "an NS viewer's and a cluster admin's scope give correct totals and pages",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const scopes = [
          new Map<string, "all" | string[]>([["c0", ["ns-1"]]]),
          new Map<string, "all" | string[]>([["c0", ["ns-1", "ns-3"]], ["c2", "all"]]),
          new Map<string, "all" | string[]>([["c1", []]]),
          new Map<string, "all" | string[]>(),
        ];
        for (const scope of scopes) {
          const want = f.filter(({ cluster, obj }) => {
            const s = scope.get(cluster);
            return s === "all" || !!s?.includes(obj.metadata!.namespace!);
          });
          const { ids, total } = await allPages(index, { group: "", resource: "pods", scope }, 9);
          assert.equal(total, want.length);
          assert.deepEqual(ids, expectedOrder(want, "name", "asc"));
        }
        // Filters and scope together: the total counts only what the scope admits.
        const res = await index.query({ group: "", resource: "pods", scope: scopes[1], clusters: ["c2"], namespaces: ["ns-0"] });
        assert.equal(res.total, f.filter((x) => x.cluster === "c2" && x.obj.metadata!.namespace === "ns-0").length);
      }),
    );

    it(
      "label selectors follow Kubernetes semantics (!= and notin admit objects without the label)",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const labels = (x: Fixture[number]) => x.obj.metadata!.labels!;
        const cases: [string, (l: Record<string, string>) => boolean][] = [
          ["app=web", (l) => l.app === "web"],
          ["app==api", (l) => l.app === "api"],
          ["tier!=front", (l) => l.tier !== "front"],
          ["app in (web,api)", (l) => l.app === "web" || l.app === "api"],
          ["tier notin (back)", (l) => l.tier !== "back"],
          ["tier", (l) => "tier" in l],
          ["!tier", (l) => !("tier" in l)],
          ["app=web,tier=front", (l) => l.app === "web" && l.tier === "front"],
        ];
        for (const [sel, fn] of cases) {
          const { ids } = await allPages(index, { group: "", resource: "pods", labelSelector: sel }, 500);
          assert.deepEqual(ids, expectedOrder(f.filter((x) => fn(labels(x))), "name", "asc"), sel);
        }
        await assert.rejects(index.query({ group: "", resource: "pods", labelSelector: "app=(" }), QueryError);
      }),
    );

    it(
      "field selectors: the kind's Kubernetes fields, an empty value meaning unset, unsupported fields refused",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const node = (x: Fixture[number]) => x.obj.spec.nodeName ?? "";
        const cases: [string, (x: Fixture[number]) => boolean][] = [
          ["spec.nodeName=node-1", (x) => node(x) === "node-1"],
          ["spec.nodeName=", (x) => node(x) === ""],
          ["spec.nodeName!=", (x) => node(x) !== ""],
          ["status.phase=Running,spec.nodeName!=node-2", (x) => x.obj.status.phase === "Running" && node(x) !== "node-2"],
          ["spec.restartPolicy=Always", () => true],
          ["spec.restartPolicy!=Always", () => false],
          ["spec.schedulerName=", () => true],
          ["metadata.namespace=ns-2", (x) => x.obj.metadata!.namespace === "ns-2"],
          ["metadata.name==web-3", (x) => x.obj.metadata!.name === "web-3"],
        ];
        for (const [sel, fn] of cases) {
          const { ids } = await allPages(index, { group: "", resource: "pods", fieldSelector: sel }, 500);
          assert.deepEqual(ids, expectedOrder(f.filter(fn), "name", "asc"), sel);
        }
        // kube-apiserver: "field label not supported: spec.image" (400).
        await assert.rejects(index.query({ group: "", resource: "pods", fieldSelector: "spec.image=x" }), QueryError);
      }),
    );

    it(
      "fuzzySearch is a case-insensitive substring of the name, of labels only when asked, with % and _ literal",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const by = async (q: Partial<Query>) => (await allPages(index, { group: "", resource: "pods", ...q }, 500)).ids;
        const nameHas = (s: string) => f.filter((x) => x.obj.metadata!.name!.toLowerCase().includes(s));
        assert.deepEqual(await by({ fuzzySearch: "WEB" }), expectedOrder(nameHas("web"), "name", "asc"));
        assert.deepEqual(await by({ fuzzySearch: "b-ca" }), expectedOrder(nameHas("b-ca"), "name", "asc"));
        assert.deepEqual(await by({ fuzzySearch: "%" }), expectedOrder(nameHas("%"), "name", "asc"));
        assert.deepEqual(await by({ fuzzySearch: "_" }), expectedOrder(nameHas("_"), "name", "asc"));
        assert.deepEqual(await by({ fuzzySearch: "tier=fr" }), []);
        // Small pages, both ways, agree with a sort of every match.
        for (const dir of ["asc", "desc"] as const) {
          const { ids, total } = await allPages(index, { group: "", resource: "pods", fuzzySearch: "WEB", sortBy: "name", sortDir: dir }, 7);
          assert.deepEqual(ids, expectedOrder(nameHas("web"), "name", dir), dir);
          assert.equal(total, nameHas("web").length);
        }
        const withLabels = f.filter(
          (x) => x.obj.metadata!.name!.toLowerCase().includes("fro") || Object.entries(x.obj.metadata!.labels!).some(([k, v]) => `${k}=${v}`.includes("fro")),
        );
        assert.ok(withLabels.length > 0);
        assert.deepEqual(await by({ fuzzySearch: "FRO", fuzzyLabels: true }), expectedOrder(withLabels, "name", "asc"));
      }),
    );

    it(
      "per-kind filters: pod phase and node, node readiness; unknown filters and sort keys refused",
      withIndex(async ({ index }) => {
        const f = fixture();
        await load(index, f);
        const { ids } = await allPages(index, { group: "", resource: "pods", filters: { phase: ["Pending", "Failed"], node: ["node-0"] } }, 500);
        const want = f.filter((x) => ["Pending", "Failed"].includes(x.obj.status.phase) && x.obj.spec.nodeName === "node-0");
        assert.deepEqual(ids, expectedOrder(want, "name", "asc"));
        const nodeObj = (name: string, ready: string, unschedulable = false) => ({
          metadata: { name, resourceVersion: "1" },
          spec: { unschedulable },
          status: { conditions: [{ type: "Ready", status: ready }] },
        });
        await index.apply(
          [nodeObj("n1", "True"), nodeObj("n2", "False"), nodeObj("n3", "Unknown"), nodeObj("n4", "True", true)].map((object) => ({
            type: "upsert" as const,
            cluster: "c0",
            ...NODES,
            object,
          })),
        );
        const nodes = async (q: Partial<Query>) => (await index.query({ group: "", resource: "nodes", ...q })).items.map((i) => i.name);
        assert.deepEqual(await nodes({ filters: { ready: ["True"] } }), ["n1", "n4"]);
        // kubectl get nodes: STATUS "Ready,SchedulingDisabled" for a cordoned ready node.
        assert.deepEqual(await nodes({ filters: { status: ["Ready"] } }), ["n1"]);
        assert.deepEqual(await nodes({ fieldSelector: "spec.unschedulable=true" }), ["n4"]);
        await assert.rejects(index.query({ group: "", resource: "pods", filters: { color: ["red"] } }), QueryError);
        await assert.rejects(index.query({ group: "", resource: "pods", sortBy: "color" }), QueryError);
      }),
    );

    it(
      "pageSize is capped at 500 and pages past the end are empty with the right total",
      withIndex(async ({ index }) => {
        const objs = Array.from({ length: 520 }, (_, i) => pod("ns", `p-${String(i).padStart(4, "0")}`));
        await index.apply(objs.map((object) => ({ type: "upsert" as const, cluster: "c0", ...PODS, object })));
        const res = await index.query({ group: "", resource: "pods", pageSize: 10_000 });
        assert.equal(res.items.length, 500);
        assert.equal(res.total, 520);
        const past = await index.query({ group: "", resource: "pods", page: 99, pageSize: 50 });
        assert.deepEqual([past.items.length, past.total], [0, 520]);
      }),
    );

    it(
      "a relist replaces a cluster's kind in one revision: nothing lost, nothing duplicated, unchanged objects keep their revision",
      withIndex(async ({ index }) => {
        const r1 = await index.replace("c1", PODS, [pod("ns", "keep"), pod("ns", "change"), pod("ns", "gone")]);
        await index.replace("c2", PODS, [pod("ns", "gone")]);
        const before = await index.query({ group: "", resource: "pods", clusters: ["c1"] });
        const r2 = await index.replace("c1", PODS, [pod("ns", "keep"), pod("ns", "change", { rv: "2" }), pod("ns", "new")]);
        const after = await index.query({ group: "", resource: "pods", pageSize: 100 });
        assert.deepEqual(after.items.map(ident), ["c1/ns/change", "c2/ns/gone", "c1/ns/keep", "c1/ns/new"]);
        assert.equal(after.total, 4);
        assert.equal((await index.query({ group: "", resource: "pods", clusters: ["c1"], fuzzySearch: "e" })).total, 3);
        const rev = Object.fromEntries(after.items.map((i) => [ident(i), i.revision]));
        assert.equal(rev["c1/ns/keep"], r1);
        assert.equal(rev["c1/ns/change"], r2);
        const ch = await index.changes({ group: "", resource: "pods" }, before.revision);
        assert.deepEqual(
          ch.events.map((e) => `${e.type} ${ident(e.item)}`).sort(),
          ["ADDED c1/ns/new", "DELETED c1/ns/gone", "MODIFIED c1/ns/change"],
        );
        assert.equal(ch.revision, r2);
        // The same relist again changes nothing.
        await index.replace("c1", PODS, [pod("ns", "keep"), pod("ns", "change", { rv: "2" }), pod("ns", "new")]);
        assert.equal((await index.changes({ group: "", resource: "pods" }, r2)).events.length, 0);
      }),
    );

    it(
      "delete removes an object from queries, and a re-created object is ADDED again",
      withIndex(async ({ index }) => {
        await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a") }]);
        const r1 = await index.apply([{ type: "delete", cluster: "c1", ...PODS, namespace: "ns", name: "a" }]);
        const res = await index.query({ group: "", resource: "pods" });
        assert.deepEqual([res.items.length, res.total], [0, 0]);
        assert.equal(await index.get({ cluster: "c1", ...PODS, namespace: "ns", name: "a" }), undefined);
        await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a", { rv: "9" }) }]);
        const ch = await index.changes({ group: "", resource: "pods" }, r1);
        assert.deepEqual(ch.events.map((e) => e.type), ["ADDED"]);
        // In one batch the last change of a key wins.
        await index.apply([
          { type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "b") },
          { type: "delete", cluster: "c1", ...PODS, namespace: "ns", name: "b" },
        ]);
        assert.equal((await index.query({ group: "", resource: "pods" })).total, 1);
        // A deleted object is out of fuzzySearch, and back when it is created again.
        const term = { group: "", resource: "pods", fuzzySearch: "gone-pod" };
        await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "gone-pod") }]);
        await index.apply([{ type: "delete", cluster: "c1", ...PODS, namespace: "ns", name: "gone-pod" }]);
        assert.deepEqual([(await index.query(term)).total, (await index.query(term)).items.length], [0, 0]);
        await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "gone-pod", { rv: "7" }) }]);
        assert.deepEqual([(await index.query(term)).total, (await index.query(term)).items.length], [1, 1]);
      }),
    );

    it(
      "Secrets are stored as metadata only: their data never reaches the stored bytes",
      withIndex(async ({ index, rawContains }) => {
        const secret = {
          apiVersion: "v1",
          kind: "Secret",
          type: "Opaque",
          metadata: {
            name: "db-password",
            namespace: "ns",
            resourceVersion: "1",
            annotations: {
              "kubectl.kubernetes.io/last-applied-configuration": '{"stringData":{"pw":"TOPSECRET-annotation-7f3a"}}',
              note: "kept",
            },
          },
          data: { pw: Buffer.from("TOPSECRET-data-91c2").toString("base64") },
          stringData: { pw2: "TOPSECRET-string-5e1d" },
        };
        await index.apply([{ type: "upsert", cluster: "c1", ...SECRETS, object: secret }]);
        await index.replace("c2", SECRETS, [secret]);
        const got = await index.get({ cluster: "c1", ...SECRETS, namespace: "ns", name: "db-password" });
        assert.deepEqual(Object.keys(got!.object).sort(), ["apiVersion", "kind", "metadata", "type"]);
        assert.deepEqual(got!.object.metadata?.annotations, { note: "kept" });
        for (const needle of [secret.data.pw, "TOPSECRET-data-91c2", "TOPSECRET-string-5e1d", "TOPSECRET-annotation-7f3a"]) {
          assert.equal(await rawContains(needle), false, needle);
        }
        assert.equal(await rawContains("db-password"), true, "the check itself sees stored bytes");
      }),
    );

    it(
      "revisions order every write, a list's revision is a changes() cursor, and compacted revisions are refused",
      withIndex(async ({ index }) => {
        const seen: number[] = [];
        const unsubscribe = index.subscribe((r) => seen.push(r));
        const r1 = await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a") }]);
        const list = await index.query({ group: "", resource: "pods" });
        assert.equal(list.revision, r1);
        const r2 = await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "b", { labels: { app: "x" } }) }]);
        const r3 = await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a", { rv: "2", labels: { app: "x" } }) }]);
        const r4 = await index.apply([{ type: "delete", cluster: "c1", ...PODS, namespace: "ns", name: "b" }]);
        assert.ok(r1 < r2 && r2 < r3 && r3 < r4);
        const ch = await index.changes({ group: "", resource: "pods", labelSelector: "app=x" }, list.revision);
        assert.deepEqual(
          ch.events.map((e) => [e.type, e.item.name, e.matches, e.item.revision]),
          // One event per changed object, in its latest state: b, added and deleted since, is DELETED.
          [
            ["MODIFIED", "a", true, r3],
            ["DELETED", "b", true, r4],
          ],
        );
        const added = await index.changes({ group: "", resource: "pods" }, r1, 10);
        assert.deepEqual(added.events.map((e) => [e.type, e.item.name]), [["MODIFIED", "a"], ["DELETED", "b"]]);
        assert.deepEqual((await index.changes({ group: "", resource: "pods" }, r2)).events.map((e) => e.type), ["MODIFIED", "DELETED"]);
        // A limit never cuts a revision in two, and the cursor resumes after what was read.
        const first = await index.changes({ group: "", resource: "pods" }, list.revision, 1);
        assert.deepEqual([first.events.length, first.revision], [1, r3]);
        const rest = await index.changes({ group: "", resource: "pods" }, first.revision);
        assert.deepEqual(rest.events.map((e) => e.item.revision), [r4]);
        // A filter that an object stops passing is reported, not applied.
        const r5 = await index.apply([{ type: "upsert", cluster: "c1", ...PODS, object: pod("ns", "a", { rv: "3", labels: { app: "y" } }) }]);
        const moved = await index.changes({ group: "", resource: "pods", labelSelector: "app=x" }, r4);
        assert.deepEqual(moved.events.map((e) => [e.type, e.matches, e.item.revision]), [["MODIFIED", false, r5]]);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(seen.slice(0, 5), [r1, r2, r3, r4, r5]);
        unsubscribe();
        await index.compact(r4);
        assert.equal(await index.compactRevision(), r4);
        await assert.rejects(index.changes({ group: "", resource: "pods" }, r3), CompactedError);
        assert.equal((await index.changes({ group: "", resource: "pods" }, r4)).events.length, 1);
      }),
    );

    it(
      "a Namespace list is scoped by the namespace names an NS role grants; other cluster-scoped kinds are invisible to it",
      withIndex(async ({ index }) => {
        const ns = (name: string) => ({ metadata: { name, resourceVersion: "1" }, status: { phase: "Active" } });
        await index.replace("c1", NAMESPACES, [ns("a"), ns("b"), ns("c")]);
        await index.replace("c1", NODES, [{ metadata: { name: "n1", resourceVersion: "1" } }]);
        const scope = new Map([["c1", ["b", "c"]]]);
        const res = await index.query({ group: "", resource: "namespaces", scope });
        assert.deepEqual([res.items.map((i) => i.name), res.total], [["b", "c"], 2]);
        assert.equal((await index.query({ group: "", resource: "nodes", scope })).total, 0);
        assert.equal((await index.query({ group: "", resource: "nodes", scope: new Map([["c1", "all"]]) })).total, 1);
      }),
    );

    it(
      "freshness is kept per cluster and kind, and a removed cluster's objects and freshness go",
      withIndex(async ({ index }) => {
        await index.setFreshness("c1", { group: "", resource: "pods" }, { state: "synced" });
        await index.setFreshness("c2", { group: "", resource: "pods" }, { state: "stale", since: "2024-01-01T00:00:00.000Z" });
        await index.setFreshness("c1", { group: "", resource: "pods" }, { state: "stale", since: "2024-01-02T00:00:00.000Z" });
        await index.setFreshness("c1", { group: "", resource: "nodes" }, { state: "synced" });
        assert.deepEqual(await index.freshness({ group: "", resource: "pods" }), [
          { cluster: "c1", group: "", resource: "pods", state: "stale", since: "2024-01-02T00:00:00.000Z" },
          { cluster: "c2", group: "", resource: "pods", state: "stale", since: "2024-01-01T00:00:00.000Z" },
        ]);
        await index.replace("c1", PODS, [pod("ns", "a")]);
        const r = await index.replace("c2", PODS, [pod("ns", "a")]);
        await index.removeCluster("c1");
        const gone = await index.changes({ group: "", resource: "pods" }, r);
        assert.deepEqual(gone.events.map((e) => [e.type, ident(e.item)]), [["DELETED", "c1/ns/a"]]);
        const left = await index.query({ group: "", resource: "pods" });
        assert.deepEqual([left.items.map(ident), left.total], [["c2/ns/a"], 1]);
        assert.equal((await index.query({ group: "", resource: "pods", clusters: ["c1"] })).total, 0);
        assert.deepEqual((await index.freshness()).map((f) => f.cluster), ["c2"]);
      }),
    );
  });
}
