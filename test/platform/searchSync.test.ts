// The sync from member clusters into the search index, against three
// simulated clusters over real HTTPS with their admin credentials (as kpanda
// reaches members through Member), into an embedded index on a file.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { R } from "../../src/apiserver/client.ts";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import { CompactedError, type Query, type SearchIndex } from "../../src/platform/search/index.ts";
import { type ClusterSource, SearchSync } from "../../src/platform/search/SearchSync.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";

const NAMES = ["alpha", "beta", "gamma"];
let sim: Simulator;
let index: SearchIndex;
let sync: SearchSync;
let dir: string;
const logLines: string[] = [];
const phases = new Map(NAMES.map((n) => [n, "Running"]));
const listeners: (() => void)[] = [];
const source: ClusterSource = {
  list: () => [...phases].map(([name, phase]) => ({ name, phase })),
  onChange: (fn) => listeners.push(fn),
};
const setPhase = (name: string, phase?: string) => {
  if (phase) phases.set(name, phase);
  else phases.delete(name);
  for (const fn of listeners) fn();
};

/** Polls until fn answers true; answers the milliseconds it took. */
async function until(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = performance.now();
  while (!(await fn())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

const names = async (q: Query) => (await index.query({ pageSize: 500, ...q })).items.map((i) => `${i.cluster}/${i.namespace}/${i.name}`);
const freshness = async (cluster: string) => (await index.freshness(undefined, [cluster])).map((f) => f.state);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "kpanda-search-sync-"));
  sim = await startSimulator({ names: NAMES, nodes: 1 });
  index = await SqlIndex.open(new SqliteDb({ path: join(dir, "index.db") }));
  const members = new Map(sim.clusters.map((c) => [c.name, new Member(c.name, parseKubeconfig(c.kubeconfig()))]));
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  );
  sync = new SearchSync({ index, clusters: source, member: async (n) => members.get(n), log, backoff: { initialMs: 100, maxMs: 500 } });
  sync.start();
  // First full sync: every cluster's node and every kind synced.
  await until(async () => (await index.query({ group: "", resource: "nodes" })).total === NAMES.length, 20_000, "nodes of every cluster");
  for (const n of NAMES) await until(async () => (await freshness(n)).every((s) => s === "synced"), 20_000, `${n} synced`);
});

after(async () => {
  await sync?.stop();
  await index?.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("search sync", () => {
  it("caches every kind of every Running cluster, each marked synced", async () => {
    const f = await index.freshness();
    // 22 kinds per cluster, each served by the simulated (current) API server.
    assert.equal(f.length, NAMES.length * 22);
    assert.ok(f.every((x) => x.state === "synced"));
    const ns = await names({ group: "", resource: "namespaces", clusters: ["beta"] });
    assert.ok(ns.includes("beta//default") && ns.includes("beta//kube-system"), ns.join(","));
  });

  it("a change in a member is searchable within 1 s, and a delete leaves it within 1 s", async () => {
    const c = sim.cluster("beta");
    await c.client.create(R.configmaps, "default", { metadata: { name: "fresh-config", labels: { app: "web" } }, data: { a: "1" } });
    const q: Query = { group: "", resource: "configmaps", fuzzySearch: "fresh-con", labelSelector: "app=web" };
    const ms = await until(async () => (await names(q)).includes("beta/default/fresh-config"), 1000, "the new ConfigMap");
    assert.ok(ms < 1000);
    await c.client.delete(R.configmaps, "default", "fresh-config");
    await until(async () => (await names(q)).length === 0, 1000, "the ConfigMap gone");
  });

  it("a relist after a compaction (410 Gone) loses nothing and duplicates nothing", async () => {
    const c = sim.cluster("gamma");
    for (let i = 0; i < 5; i++) await c.client.create(R.configmaps, "default", { metadata: { name: `keep-${i}` } });
    const q: Query = { group: "", resource: "configmaps", clusters: ["gamma"], namespaces: ["default"] };
    await until(async () => (await names(q)).filter((n) => n.includes("keep-")).length === 5, 2000, "five ConfigMaps");
    const relists = logLines.filter((l) => l.includes("watch expired; relisting")).length;
    // While gamma is unreachable: changes the watch cannot see, then a compaction past them.
    await c.faults.unreachable();
    await c.client.delete(R.configmaps, "default", "keep-0");
    await c.client.create(R.configmaps, "default", { metadata: { name: "while-away" } });
    await c.client.update(R.configmaps, "default", { ...(await c.client.get(R.configmaps, "default", "keep-1")), data: { v: "2" } });
    await c.faults.compact();
    await c.faults.reachable();
    const want = (await c.client.list(R.configmaps, "default")).items.map((o) => `gamma/default/${o.metadata?.name}`).sort();
    await until(async () => JSON.stringify((await names(q)).sort()) === JSON.stringify(want), 10_000, "the index equal to the member");
    assert.ok(logLines.filter((l) => l.includes("watch expired; relisting")).length > relists, "the watch got 410 and relisted");
    const kept = await index.get({ cluster: "gamma", group: "", version: "v1", resource: "configmaps", namespace: "default", name: "keep-1" });
    assert.deepEqual(kept?.object.data, { v: "2" });
  });

  it("an unreachable cluster is stale in every kind, the others stay current, and it recovers by itself", async () => {
    const a = sim.cluster("alpha");
    await a.faults.unreachable();
    setPhase("alpha", "Unknown");
    await until(async () => (await freshness("alpha")).every((s) => s === "stale"), 2000, "alpha stale");
    const stale = (await index.freshness(undefined, ["alpha"]))[0];
    assert.ok(stale.state === "stale" && Date.now() - Date.parse(stale.since) < 5000);
    // One cluster's failure never delays another's.
    await sim.cluster("beta").client.create(R.configmaps, "default", { metadata: { name: "during-outage" } });
    await until(async () => (await names({ group: "", resource: "configmaps", fuzzySearch: "during-outage" })).length === 1, 1000, "beta's change");
    assert.ok((await freshness("beta")).every((s) => s === "synced"));
    await a.client.create(R.configmaps, "default", { metadata: { name: "made-while-away" } });
    await a.faults.reachable();
    setPhase("alpha", "Running");
    await until(async () => (await freshness("alpha")).every((s) => s === "synced"), 10_000, "alpha synced again");
    await until(async () => (await names({ group: "", resource: "configmaps", fuzzySearch: "made-while-away" })).length === 1, 10_000, "alpha's change");
  });

  it("Secrets' data never reaches the index's database file", async () => {
    const c = sim.cluster("beta");
    await c.client.create({ group: "", version: "v1", resource: "secrets" }, "default", {
      metadata: { name: "api-key" },
      type: "Opaque",
      stringData: { key: "SYNC-SECRET-5f0c9e" },
    });
    await until(async () => (await names({ group: "", resource: "secrets", fuzzySearch: "api-key" })).length === 1, 1000, "the Secret");
    const got = await index.get({ cluster: "beta", group: "", version: "v1", resource: "secrets", namespace: "default", name: "api-key" });
    assert.equal(got?.object.data, undefined);
    const encoded = Buffer.from("SYNC-SECRET-5f0c9e").toString("base64");
    for (const f of [join(dir, "index.db"), join(dir, "index.db-wal")].filter(existsSync)) {
      const bytes = readFileSync(f);
      assert.equal(bytes.includes("SYNC-SECRET-5f0c9e"), false, f);
      assert.equal(bytes.includes(encoded), false, f);
    }
  });

  it("a removed cluster's objects leave the index", async () => {
    setPhase("gamma");
    await until(async () => (await index.query({ group: "", resource: "nodes", clusters: ["gamma"] })).total === 0, 5000, "gamma gone");
    assert.deepEqual(await index.freshness(undefined, ["gamma"]), []);
  });
});

describe("search sync compaction", () => {
  it("drops change history beyond the kept window, so older cursors answer CompactedError", async () => {
    const d = mkdtempSync(join(tmpdir(), "kpanda-search-compact-"));
    const idx = await SqlIndex.open(new SqliteDb({ path: join(d, "index.db") }));
    const s = new SearchSync({ index: idx, clusters: { list: () => [], onChange: () => {} }, member: async () => undefined, log: pino({ level: "silent" }), historyRevisions: 2 });
    try {
      const gvr = { group: "", version: "v1", resource: "configmaps" };
      const revs: number[] = [];
      for (let i = 0; i < 5; i++) revs.push(await idx.apply([{ type: "upsert", cluster: "c", ...gvr, object: { metadata: { name: `cm-${i}`, namespace: "ns", resourceVersion: "1" } } }]));
      await s.compact();
      assert.equal(await idx.compactRevision(), revs[4] - 2);
      await assert.rejects(idx.changes({ group: "", resource: "configmaps" }, revs[0]), CompactedError);
      assert.equal((await idx.changes({ group: "", resource: "configmaps" }, revs[2])).events.length, 2);
    } finally {
      await idx.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("search sync discovery", () => {
  it("syncs a kind only at a version that serves it, not merely one its group serves", async () => {
    // As a 1.20 member serves batch/v1 (Jobs) without CronJobs, which are in batch/v1beta1 there.
    const d = mkdtempSync(join(tmpdir(), "kpanda-search-disc-"));
    const idx = await SqlIndex.open(new SqliteDb({ path: join(d, "index.db") }));
    const c = sim.cluster("beta");
    const m = new Member(c.name, parseKubeconfig(c.kubeconfig()));
    const s = new SearchSync({
      index: idx,
      clusters: { list: () => [{ name: "beta", phase: "Running" }], onChange: () => {} },
      member: async () => m,
      log: pino({ level: "silent" }),
      kinds: [
        { group: "", resource: "jobs", versions: ["v1"], namespaced: true },
        { group: "batch", resource: "jobs", versions: ["v1"], namespaced: true },
      ],
    });
    try {
      s.start();
      await until(async () => (await idx.freshness()).some((f) => f.state === "synced"), 10_000, "jobs synced");
      assert.deepEqual((await idx.freshness()).map((f) => `${f.group}/${f.resource}`), ["batch/jobs"]);
    } finally {
      await s.stop();
      await idx.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
