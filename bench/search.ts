// Search index benchmark. Prints, per backend (embedded SQLite on a file,
// SQLite in memory, PostgreSQL):
//   platform phase (the default; searchPlatformPhase.ts, issue 11's
//   acceptance): --objects objects over --clusters member API servers, in
//   --member-processes child processes (searchMembers.ts) filled by direct creates; kpanda
//   (startPlatform here, the index on the backend) integrates them through
//   POST /clusters; the time to first full sync; p50/p99 of a page of 50 by
//   name over HTTPS from /clusters/{c}/pods and /asl/pods, with and without
//   fuzzySearch; the lag from a member write to the index's change feed at
//   --write-rate writes/s; kpanda's RSS after GC per cached pod; database
//   size. The members are filled once and serve every backend in turn. Ends
//   with one JSON line of the figures.
//   index phase: --objects objects over --clusters clusters loaded straight
//   into the index (a relist per cluster and kind, as a first full sync
//   writes it): the load time; p50/p99 of a page of 50 sorted by name, from
//   one cluster's list and across all clusters (/asl/), with and without
//   fuzzySearch; write batches at --write-rate writes/s and queries meanwhile;
//   this process's RSS (after GC) per object and per pod, and the database size.
//   sync phase (searchSyncPhase.ts): --sync-objects objects over
//   --sync-clusters member API servers, each a process of its own, filled by
//   creates; the first full sync through kpanda's SearchSync; the lag from a
//   member write to the index at --write-rate writes/s; RSS; database size.
// Usage: node --expose-gc bench/search.ts [--backends sqlite,memory,postgres] [--phases platform,index,sync]
//          [--objects 1000000] [--clusters 100] [--queries 200] [--postgres-url URL]
//          [--sync-objects 100000] [--sync-clusters 10] [--write-rate 1000] [--members-heap 14000 (MiB, over all)] [--member-processes 4]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Query, SearchIndex } from "../src/platform/search/index.ts";
import { PostgresDb } from "../src/platform/search/PostgresDb.ts";
import { SqliteDb } from "../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../src/platform/search/SqlIndex.ts";
import { startPostgres, type TestPostgres } from "../test/postgres.ts";
import { MIX, makeObject, nameOf } from "./searchData.ts";
import { loadAvg, type Members, platformPhase, startMembers } from "./searchPlatformPhase.ts";
import { syncPhase } from "./searchSyncPhase.ts";
import { Samples } from "./stats.ts";

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: "sqlite,postgres" },
    objects: { type: "string", default: "1000000" },
    clusters: { type: "string", default: "100" },
    queries: { type: "string", default: "200" },
    "write-rate": { type: "string", default: "1000" },
    "write-seconds": { type: "string", default: "10" },
    "postgres-url": { type: "string" },
    phases: { type: "string", default: "platform" },
    "members-heap": { type: "string", default: "14000" },
    // Member API servers of the platform phase are shared out over this many processes.
    "member-processes": { type: "string", default: "4" },
    // Member API servers are processes of their own: 1M objects over 100 of them needs more memory than a 24 GiB machine shares.
    "sync-clusters": { type: "string", default: "10" },
    "sync-objects": { type: "string", default: "100000" },
  },
});
const OBJECTS = Number(values.objects);
const CLUSTERS = Number(values.clusters);
const QUERIES = Number(values.queries);
const perCluster = Math.floor(OBJECTS / CLUSTERS);
const clusterName = (c: number) => `member-${String(c).padStart(3, "0")}`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const ms = (s: { p50: number; p99: number }) => `p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms`;

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

async function load(index: SearchIndex): Promise<{ seconds: number; pods: number }> {
  const t0 = performance.now();
  let pods = 0;
  for (let c = 0; c < CLUSTERS; c++) {
    for (const kind of MIX) {
      const n = Math.round(perCluster * kind.share);
      const objs = Array.from({ length: n }, (_, i) => makeObject(kind.resource, c * perCluster + i, "1"));
      await index.replace(clusterName(c), kind, objs);
      if (kind.resource === "pods") pods += n;
    }
    if ((c + 1) % 10 === 0) process.stdout.write(`  loaded ${c + 1}/${CLUSTERS} clusters (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  return { seconds: (performance.now() - t0) / 1000, pods };
}

/** Search terms: half an app-name fragment (many matches), half a fragment of one pod's hash (few). */
function term(i: number): string {
  if (i % 2 === 0) return ["check", "PAY", "gate", "inv", "mail", "sear"][i % 6];
  const { name } = nameOf("pods", (i * 7919) % (perCluster * CLUSTERS));
  return name.slice(-9, -4);
}

async function timeQueries(index: SearchIndex, make: (i: number) => Query): Promise<{ p50: number; p99: number }> {
  const s = new Samples();
  for (let i = 0; i < QUERIES; i++) {
    const q = make(i);
    const t = performance.now();
    await index.query(q);
    s.add(performance.now() - t);
  }
  return s.summary();
}

const shapes: [string, (i: number) => Query][] = [
  ["one cluster, by name", (i) => ({ group: "", resource: "pods", clusters: [clusterName(i % CLUSTERS)], sortBy: "name", page: 1 + (i % 10), pageSize: 50 })],
  ["all clusters (asl), by name", (i) => ({ group: "", resource: "pods", sortBy: "name", page: 1 + (i % 10), pageSize: 50 })],
  ["one cluster, fuzzySearch", (i) => ({ group: "", resource: "pods", clusters: [clusterName(i % CLUSTERS)], fuzzySearch: term(i), sortBy: "name", pageSize: 50 })],
  ["all clusters (asl), fuzzySearch", (i) => ({ group: "", resource: "pods", fuzzySearch: term(i), sortBy: "name", pageSize: 50 })],
  [
    "NS viewer (2 namespaces), by name",
    (i) => ({ group: "", resource: "pods", scope: new Map([[clusterName(i % CLUSTERS), ["team-3", "team-7"]]]), sortBy: "name", pageSize: 50 }),
  ],
];

/** Pod updates at `rate`/s in batches every 50 ms for `seconds`, with queries meanwhile. */
async function writes(index: SearchIndex, rate: number, seconds: number): Promise<{ batch: Samples; query: Samples; done: number }> {
  const batch = new Samples();
  const query = new Samples();
  const perBatch = Math.max(1, Math.round(rate / 20));
  let done = 0;
  let stop = false;
  const reader = (async () => {
    for (let i = 0; !stop; i++) {
      const t = performance.now();
      await index.query(shapes[i % 2][1](i));
      query.add(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const end = performance.now() + seconds * 1000;
  for (let b = 0; performance.now() < end; b++) {
    const t = performance.now();
    const changes = Array.from({ length: perBatch }, (_, k) => {
      const c = (b * perBatch + k) % CLUSTERS;
      const i = c * perCluster + ((b * 31 + k) % Math.round(perCluster * 0.6));
      return { type: "upsert" as const, cluster: clusterName(c), group: "", version: "v1", resource: "pods", object: makeObject("pods", i, `w${b}`) };
    });
    await index.apply(changes);
    batch.add(performance.now() - t);
    done += perBatch;
    const wait = t + 50 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  stop = true;
  await reader;
  return { batch, query, done };
}

async function bench(name: string, open: () => Promise<{ index: SearchIndex; size(): Promise<number>; close(): Promise<void> }>): Promise<void> {
  console.log(`\n== ${name}: ${OBJECTS} objects over ${CLUSTERS} clusters`);
  const before = rss();
  const b = await open();
  const { seconds, pods } = await load(b.index);
  const after = rss();
  console.log(`load (first full sync into the index): ${seconds.toFixed(1)} s, ${Math.round(OBJECTS / seconds)} objects/s`);
  console.log(`RSS ${mb(after)} (+${mb(after - before)} over the empty process): ${((after - before) / OBJECTS).toFixed(0)} B per object, ${((after - before) / pods).toFixed(0)} B per pod`);
  console.log(`database size ${mb(await b.size())}`);
  for (const [label, make] of shapes) console.log(`page of 50, ${label}: ${ms(await timeQueries(b.index, make))}`);
  const rate = Number(values["write-rate"]);
  const w = await writes(b.index, rate, Number(values["write-seconds"]));
  console.log(`writes at ${rate}/s (batches every 50 ms): ${w.done} written, batch ${ms(w.batch.summary())}; queries meanwhile ${ms(w.query.summary())}`);
  console.log(`RSS after writes ${mb(rss())}`);
  await b.close();
}

/** A SQLite database's size with its WAL. */
function fileSize(path: string): number {
  return statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}

async function pgSize(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query("SELECT pg_database_size(current_database()) AS n");
  await c.end();
  return Number(r.rows[0].n);
}

type Opened = { index: SearchIndex; size(): Promise<number>; close(): Promise<void> };

let server: TestPostgres | undefined;
let databases = 0;

/** A fresh, empty index of the backend; undefined when PostgreSQL is not available. */
async function openBackend(backend: string): Promise<Opened | undefined> {
  if (backend === "sqlite" || backend === "memory") {
    const dir = mkdtempSync(join(tmpdir(), "kpanda-search-bench-"));
    const path = backend === "sqlite" ? join(dir, "index.db") : ":memory:";
    const index = await SqlIndex.open(new SqliteDb({ path }));
    return {
      index,
      size: async () => (backend === "memory" ? 0 : fileSize(path)),
      async close() {
        await index.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!values["postgres-url"]) server ??= await startPostgres();
  const url = values["postgres-url"] ?? (await server?.createDatabase(`bench${++databases}`));
  if (!url) return undefined;
  const index = await SqlIndex.open(new PostgresDb(url));
  return {
    index,
    size: () => pgSize(url),
    close: () => index.close(),
  };
}

/** The platform phase on one backend (a data dir of its own, removed after); undefined when the backend is not available. */
async function platformBackend(members: Members, backend: string, label: string): Promise<unknown> {
  const dataDir = mkdtempSync(join(tmpdir(), "kpanda-search-platform-"));
  try {
    if (backend === "postgres" && !values["postgres-url"]) server ??= await startPostgres();
    const pgUrl = backend === "postgres" ? (values["postgres-url"] ?? (await server?.createDatabase(`platform${++databases}`))) : undefined;
    const searchDb = backend === "postgres" ? pgUrl : backend === "memory" ? ":memory:" : join(dataDir, "search", "index.db");
    if (!searchDb) {
      console.log(`\n== ${label}: not available, skipped`);
      return undefined;
    }
    const size = pgUrl ? () => pgSize(pgUrl) : async () => (searchDb === ":memory:" ? 0 : fileSize(searchDb));
    const o = { clusters: CLUSTERS, objects: OBJECTS, queries: QUERIES, writeRate: Number(values["write-rate"]), writeSeconds: Number(values["write-seconds"]) };
    return await platformPhase(members, label, dataDir, searchDb, size, o);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const LABELS: Record<string, string> = { sqlite: "embedded SQLite (file, WAL)", memory: "embedded SQLite (in memory)", postgres: "PostgreSQL" };
const phases = new Set(String(values.phases).split(","));
let members: Members | undefined;
const membersDir = mkdtempSync(join(tmpdir(), "kpanda-search-members-"));
const figures: unknown[] = [];
try {
  for (const backend of String(values.backends).split(",")) {
    const label = LABELS[backend] ?? backend;
    if (phases.has("platform")) {
      members ??= await startMembers(membersDir, CLUSTERS, OBJECTS, Number(values["members-heap"]), Number(values["member-processes"]));
      const f = await platformBackend(members, backend, label);
      if (f) figures.push(f);
    }
    if (phases.has("index")) {
      const b = await openBackend(backend);
      if (b) await bench(label, async () => b);
      else console.log(`\n== ${label}: not available, skipped`);
    }
    if (phases.has("sync")) {
      const b = await openBackend(backend);
      if (!b) continue;
      try {
        const o = { clusters: Number(values["sync-clusters"]), objects: Number(values["sync-objects"]), writeRate: Number(values["write-rate"]), writeSeconds: Number(values["write-seconds"]) };
        await syncPhase(b.index, label, o, () => b.size());
      } finally {
        await b.close();
      }
    }
  }
  if (figures.length) console.log(JSON.stringify({ bench: "search", load: loadAvg(), figures }));
} finally {
  await members?.stop();
  rmSync(membersDir, { recursive: true, force: true });
  await server?.stop();
}
