// Applications benchmark (issue 13). Prints:
//   1. p50 and p99 of a workload list page: GET /asl/deployments sorted by
//      name, 50 a page, at random pages, over 10,000 Deployments of 10
//      clusters (target: p99 <= 50 ms);
//   2. p50 and p99 of a workload's timeline (its first page of 50, and the
//      whole of it in one page of 500 for reference) for a Deployment with
//      50 revisions and 1,000 events (target: p99 <= 100 ms).
// kpanda runs in this process (startPlatform, as the tests run it), so its
// figures include this process's other work; the sequential requests go
// over HTTPS on loopback. For part 1 the Deployments are written straight
// into kpanda's search index (what the list reads), under 10 cluster names,
// since making 10,000 through simulated members would take the machine
// minutes and measure the sync, not the list. Part 2 uses a real simulated
// member: 50 rollouts of the Deployment through kpanda's REST API, 1,000
// Events written to the member (they reach the index through its watch),
// and the audit entries of those REST calls.
// Usage: node bench/apps.ts [--deployments 10000] [--clusters 10] [--requests 500] [--only 1,2]
//        [--profile FILE] (a CPU profile of the timeline requests)
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { addUser } from "../test/platform/members.ts";
import { integrateDirect, until } from "../test/platform/accessFixture.ts";
import { startTestPlatform } from "../test/platform/fixture.ts";
import { callerJson, KPANDA } from "../src/platform/apps/callAs.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { makeObject } from "./searchData.ts";
import { ms, Samples } from "./stats.ts";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "10000" },
    clusters: { type: "string", default: "10" },
    requests: { type: "string", default: "500" },
    only: { type: "string", default: "1,2" },
    /** A CPU profile (.cpuprofile) of part 2's measured timeline requests. */
    profile: { type: "string" },
  },
});
const DEPLOYMENTS = Number(values.deployments);
const CLUSTERS = Number(values.clusters);
const REQUESTS = Number(values.requests);
const parts = new Set(String(values.only).split(","));
const API = "/apis/kpanda.io/v1alpha1";

const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-apps-"));
const t = await startTestPlatform({ dataDir: join(dir, "platform"), logger: pino({ level: "silent" }) });
const admin = await t.adminToken();
const get = async (path: string, token = admin) => {
  const start = performance.now();
  const r = await fetch(`${t.platform.url}${API}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.text();
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${body.slice(0, 300)}`);
  return { ms: performance.now() - start, body: JSON.parse(body) };
};
/**
 * Prints the latencies, and this process's CPU time per request (kpanda's
 * work, plus the simulated member's in part 2), which the machine's load
 * does not inflate as it does the wall-clock figures.
 */
const report = (label: string, s: Samples, cpu: NodeJS.CpuUsage, target?: number) => {
  const { count, p50, p99, max } = s.summary();
  const verdict = target === undefined ? "" : p99 <= target ? `  (target p99 <= ${target} ms: met)` : `  (target p99 <= ${target} ms: MISSED)`;
  const cpuMs = (cpu.user + cpu.system) / 1000 / count;
  console.log(`${label}: n=${count} p50=${ms(p50)} p99=${ms(p99)} max=${ms(max)} cpu/request=${ms(cpuMs)}${verdict}`);
};

async function listPart(): Promise<void> {
  const { index } = t.platform.ctx.search;
  const per = Math.ceil(DEPLOYMENTS / CLUSTERS);
  for (let c = 0; c < CLUSTERS; c++) {
    const objects = Array.from({ length: per }, (_, i) => makeObject("deployments", c * per + i, String(i + 1)));
    await index.replace(`bench-${c + 1}`, { group: "apps", version: "v1", resource: "deployments" }, objects);
  }
  const pages = Math.ceil(DEPLOYMENTS / 50);
  const first = await get("/asl/deployments?pageSize=50&sortBy=name");
  console.log(`list: ${first.body.pagination.total} Deployments over ${CLUSTERS} clusters, ${pages} pages of 50`);
  for (let i = 0; i < 20; i++) await get(`/asl/deployments?pageSize=50&sortBy=name&page=${1 + (i % pages)}`);
  const s = new Samples();
  const cpu = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) s.add((await get(`/asl/deployments?pageSize=50&sortBy=name&page=${1 + Math.floor(Math.random() * pages)}`)).ms);
  report("1. workload list page (50 of them, sorted by name, random page)", s, process.cpuUsage(cpu), 50);
}

async function timelinePart(): Promise<void> {
  const sim = await startSimulator({ names: ["dev"], nodes: 1, dataDir: join(dir, "sim"), logger: pino({ level: "silent" }) });
  try {
    await integrateDirect(t, sim.cluster("dev"));
    const dev = await addUser(t, "dev1", [{ role: "NSEditor", cluster: "dev", namespace: "shop" }]);
    const m = (await t.platform.ctx.members.get("dev"))!;
    const member = (method: string, path: string, body?: unknown) => callerJson(m, KPANDA, { method, path, body });
    await member("POST", "/api/v1/namespaces", { metadata: { name: "shop" } });
    const NS = "/clusters/dev/namespaces/shop";
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${t.platform.url}${API}${NS}${path}`, {
        method,
        headers: { authorization: `Bearer ${dev}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    await until("member RBAC for dev1", async () => (await fetch(`${t.platform.url}${API}${NS}/deployments/none/timeline`, { headers: { authorization: `Bearer ${dev}` } })).status === 404, 60_000);
    const image = (n: number) => `registry.example/web:1.${n}`;
    await call("POST", "/deployments/json", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 0, revisionHistoryLimit: 60, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: image(1) }] } } },
    });
    const revisions = async () => ((await member("GET", "/apis/apps/v1/namespaces/shop/replicasets?labelSelector=app%3Dweb")).items ?? []).length;
    for (let n = 2; n <= 50; n++) {
      // The deployment controller writes the Deployment's status meanwhile: read again on a conflict.
      for (let attempt = 0; ; attempt++) {
        const d: any = await call("GET", "/deployments/web/json");
        d.spec.template.spec.containers[0].image = image(n);
        try {
          await call("PUT", "/deployments/web/json", d);
          break;
        } catch (e) {
          if (attempt > 5 || !/: 409 /.test(String(e))) throw e;
        }
      }
      await call("PUT", "/deployments/web/scale", { replicas: n % 2 });
      await until(`revision ${n}`, async () => (await revisions()) >= n, 30_000);
    }
    for (let i = 0; i < 1000; i++) {
      const time = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      await member("POST", "/api/v1/namespaces/shop/events", {
        metadata: { name: `web.${randomBytes(8).toString("hex")}` },
        involvedObject: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
        type: i % 10 ? "Normal" : "Warning",
        reason: "BenchEvent",
        message: `bench event ${i}`,
        source: { component: "bench" },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      });
    }
    const whole = await until(
      "1,000 events in the timeline",
      async () => {
        const r = await get(`${NS}/deployments/web/timeline?pageSize=500&page=1`, dev);
        const total = r.body.pagination.total;
        const all = [];
        for (let p = 1; p <= Math.ceil(total / 500); p++) all.push(...(await get(`${NS}/deployments/web/timeline?pageSize=500&page=${p}`, dev)).body.items);
        return all.filter((e: any) => e.reason === "BenchEvent").length >= 1000 ? all : undefined;
      },
      120_000,
    );
    const count = (source: string) => whole.filter((e: any) => e.source === source).length;
    console.log(`timeline: ${whole.length} entries (${count("revision")} revisions, ${count("event")} events, ${count("audit")} audit entries)`);
    for (const [label, q] of [
      ["2. timeline, first page of 50", "pageSize=50"],
      ["   timeline, a page of 500", "pageSize=500"],
    ] as const) {
      for (let i = 0; i < 10; i++) await get(`${NS}/deployments/web/timeline?${q}`, dev);
      const s = new Samples();
      const profiling = values.profile && q === "pageSize=50" ? await startProfile() : undefined;
      const cpu = process.cpuUsage();
      for (let i = 0; i < Math.min(REQUESTS, 200); i++) s.add((await get(`${NS}/deployments/web/timeline?${q}`, dev)).ms);
      report(label, s, process.cpuUsage(cpu), q === "pageSize=50" ? 100 : undefined);
      if (profiling) await writeFile(values.profile!, JSON.stringify(await profiling()));
    }
  } finally {
    await sim.stop();
  }
}

/** Starts the V8 CPU profiler in this process; the function returned stops it and answers the profile. */
async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<any>((resolve, reject) => session.post(method, (err, r) => (err ? reject(err) : resolve(r))));
  await post("Profiler.enable");
  await post("Profiler.start");
  return async () => {
    const { profile } = await post("Profiler.stop");
    session.disconnect();
    return profile;
  };
}

try {
  const load = (await readFile("/proc/loadavg", "utf8").catch(() => "")).split(" ").slice(0, 3).join(" ");
  console.log(`load average: ${load}`);
  if (parts.has("1")) await listPart();
  if (parts.has("2")) await timelinePart();
} finally {
  await t.close();
  await rm(dir, { recursive: true, force: true });
}
