// API server benchmark: creates/s, GET latency, paginated list latency and
// watch delivery latency, over HTTPS exactly as any client would see them.
//
//   node bench/apiserver.ts                        our server (memory storage) in a child process
//   node bench/apiserver.ts --storage sqlite       the same on durable SQLite storage
//   node bench/apiserver.ts --kubeconfig FILE      any cluster, e.g. a real kube-apiserver
//   node bench/apiserver.ts --fill 50000 ...       the same on a database already holding 50,000 objects
//
// It works in fresh namespaces named kpanda-bench-<random>-* and deletes them
// at the end. Plain-text figures first, then one JSON line with all of them.
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { KubeClient } from "./client.ts";
import { createConfigMaps, createPods, fillConfigMaps, getConfigMaps, listPods, sleep, watchDelivery } from "./phases.ts";
import { ms, round } from "./stats.ts";
import { openTarget, type Target } from "./target.ts";

const USAGE = `Usage: node bench/apiserver.ts [flags]

Without --kubeconfig, starts "kpanda apiserver" (memory storage unless
--storage says otherwise) in a child process on a free loopback port and
benchmarks it over HTTPS.

Flags:
  --kubeconfig FILE      benchmark the cluster of FILE's current context instead
  --context NAME         kubeconfig context to use
  --server-pid PID       with --kubeconfig: count this process's CPU as the server's (repeat it,
                         e.g. for kube-apiserver and etcd), for CPU per operation as for our child
  --storage KIND         our server's storage: memory (default) or sqlite (durable, in a temp dir)
  --in-process           run our server inside this process instead of a child
  --server-cpu-prof DIR  run the server child with --cpu-prof, writing to DIR
  --kpanda PATH          the bin/kpanda to start as the child (default: this checkout's)
  --configmaps N         configmaps to create (default 20000)
  --concurrency N        concurrent creates (default 32)
  --gets N               single-object GETs (default 5000) at --get-concurrency (default 8)
  --pods N               pods to create and list (default 10000)
  --page N               list page size (default 500)
  --passes N             measured list passes (default 5, after one warm-up pass)
  --watchers N           concurrent watches (default 100)
  --watch-events N       writes seen by each watcher (default 1000: half creates, half updates)
  --watch-rate N         writes per second (default 100)
  --fill N               first bring namespace --fill-namespace to N ConfigMaps (default 0: none),
                         so the figures are taken on a database that holds N more objects; a
                         cluster's fill is kept for the next run unless --drop-fill
  --fill-namespace NAME  where the fill lives (default kpanda-bench-fill)
  --drop-fill            delete the fill namespace at the end
  --warmup N             unmeasured creates, GETs and a list first, in a namespace of their own
                         (default 500; 0 for none), so a server process just started is warm
  --timeout SECONDS      hard limit for the whole run (default 900)
  -h, --help             show this help
`;

const TARGETS = { createsPerSecond: 3000, listPageP99Ms: 20, watchDeliveryP99Ms: 50 };

type Options = ReturnType<typeof options>;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: "string" },
      context: { type: "string" },
      "server-pid": { type: "string", multiple: true },
      storage: { type: "string", default: "memory" },
      "in-process": { type: "boolean", default: false },
      "server-cpu-prof": { type: "string" },
      kpanda: { type: "string" },
      configmaps: { type: "string", default: "20000" },
      concurrency: { type: "string", default: "32" },
      gets: { type: "string", default: "5000" },
      "get-concurrency": { type: "string", default: "8" },
      pods: { type: "string", default: "10000" },
      page: { type: "string", default: "500" },
      passes: { type: "string", default: "5" },
      watchers: { type: "string", default: "100" },
      "watch-events": { type: "string", default: "1000" },
      "watch-rate": { type: "string", default: "100" },
      fill: { type: "string", default: "0" },
      "fill-namespace": { type: "string", default: "kpanda-bench-fill" },
      "drop-fill": { type: "boolean", default: false },
      warmup: { type: "string", default: "500" },
      timeout: { type: "string", default: "900" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const num = (k: keyof typeof values, min = 1) => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be an integer of at least ${min}`);
    return v;
  };
  if (values.storage !== "memory" && values.storage !== "sqlite") throw new Error("--storage must be memory or sqlite");
  return {
    help: values.help === true,
    storage: values.storage as "memory" | "sqlite",
    kubeconfig: values.kubeconfig,
    context: values.context,
    serverPids: (values["server-pid"] ?? []).map((p) => {
      if (!/^\d+$/.test(p)) throw new Error("--server-pid must be a process id");
      return Number(p);
    }),
    inProcess: values["in-process"] === true,
    serverCpuProf: values["server-cpu-prof"],
    kpanda: values.kpanda,
    configmaps: num("configmaps"),
    concurrency: num("concurrency"),
    gets: num("gets"),
    getConcurrency: num("get-concurrency"),
    pods: num("pods"),
    page: num("page"),
    passes: num("passes"),
    watchers: num("watchers"),
    watchEvents: num("watch-events"),
    watchRate: num("watch-rate"),
    fill: num("fill", 0),
    fillNamespace: values["fill-namespace"] as string,
    dropFill: values["drop-fill"] === true,
    warmup: num("warmup", 0),
    timeout: num("timeout"),
  };
}

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  let o: Options;
  try {
    o = options(argv);
  } catch (e) {
    process.stderr.write(`bench/apiserver: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    print(USAGE);
    return 0;
  }
  let target: Target | undefined;
  const hard = setTimeout(() => {
    process.stderr.write(`bench/apiserver: hard timeout of ${o.timeout} s reached, giving up\n`);
    if (target?.pid) process.kill(target.pid, "SIGKILL");
    process.exit(3);
  }, o.timeout * 1000);
  hard.unref();
  target = await openTarget(o);
  const client = new KubeClient(target.access, Math.max(o.concurrency, o.getConcurrency));
  try {
    await run(o, target, client);
    return 0;
  } catch (e) {
    process.stderr.write(`bench/apiserver: ${(e as Error).stack ?? e}\n`);
    return 1;
  } finally {
    await client.close().catch(() => {});
    await target.stop();
  }
}

async function run(o: Options, target: Target, c: KubeClient): Promise<void> {
  const version = (await c.json("GET", "/version")).gitVersion as string;
  print(`setup: ${target.setup}`);
  print(`server version: ${version}; node ${process.version}; ${cpus().length} CPUs`);
  const prefix = `kpanda-bench-${randomBytes(3).toString("hex")}`;
  const ns = { cm: `${prefix}-cm`, pods: `${prefix}-pods`, watch: `${prefix}-watch`, warm: `${prefix}-warm` };
  const created: string[] = [];
  let figures: Awaited<ReturnType<typeof measure>>;
  try {
    for (const name of Object.values(ns)) {
      await c.json("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
      created.push(name);
    }
    await waitForServiceAccount(c, ns.pods);
    await waitForServiceAccount(c, ns.warm);
    if (o.fill > 0) await fill(o, c);
    if (o.warmup > 0) await warmUp(o, c, ns.warm);
    figures = await measure(o, c, ns, () => target.cpuSeconds());
  } finally {
    if (o.dropFill) {
      const status = await c.status("DELETE", `/api/v1/namespaces/${o.fillNamespace}`).catch(() => 0);
      print(`cleanup: DELETE namespace ${o.fillNamespace} answered ${status}`);
    }
    for (const name of created) {
      const status = await c.status("DELETE", `/api/v1/namespaces/${name}`).catch(() => 0);
      if (status !== 200 && status !== 202) process.stderr.write(`cleanup: DELETE namespace ${name} answered ${status}\n`);
    }
    if (created.length) print(`cleanup: deleted namespaces ${created.join(", ")} (finalization continues on the server)`);
  }
  print(JSON.stringify({ bench: "apiserver", setup: target.setup, version, cpus: cpus().length, ...figures }));
}

type Namespaces = { cm: string; pods: string; watch: string; warm: string };

/**
 * The same kinds of requests as measured, in a namespace of their own and
 * not measured: a server process that has just started (our child) loads
 * modules and compiles code on its first requests, a long-running one did
 * that long ago.
 */
async function warmUp(o: Options, c: KubeClient, ns: string): Promise<void> {
  const t = performance.now();
  await createConfigMaps(c, ns, o.warmup, o.concurrency);
  await getConfigMaps(c, ns, o.warmup, o.getConcurrency, o.warmup);
  await createPods(c, ns, o.warmup, o.concurrency);
  await listPods(c, ns, o.warmup, Math.max(1, Math.floor(o.warmup / 3)), 1);
  print(`warm-up: ${o.warmup} configmap creates and GETs, ${o.warmup} pod creates and a paged list, in ${((performance.now() - t) / 1000).toFixed(1)} s (not measured)`);
}

/** Brings the fill namespace to o.fill ConfigMaps; what a cluster has already is kept. */
async function fill(o: Options, c: KubeClient): Promise<void> {
  const path = `/api/v1/namespaces/${o.fillNamespace}`;
  if ((await c.status("GET", path)) === 404) {
    await c.json("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: o.fillNamespace } });
  }
  const r = await fillConfigMaps(c, o.fillNamespace, o.fill, 64);
  const how = r.created ? `created ${r.created} in ${r.seconds.toFixed(1)} s` : "already there";
  print(`fill: ${r.have} ConfigMaps in namespace ${o.fillNamespace} (${how})`);
}

async function measure(o: Options, c: KubeClient, ns: Namespaces, cpuSeconds: () => number | undefined) {
  // Server CPU per operation (when the server is our child) stays meaningful
  // when other work on the machine makes the wall-clock figures noisy.
  const cpu: Record<string, number> = {};
  const timed = async <T>(key: string, ops: number, fn: () => Promise<T>): Promise<T> => {
    const before = cpuSeconds();
    const r = await fn();
    const after = cpuSeconds();
    if (before !== undefined && after !== undefined) cpu[key] = Math.round(((after - before) * 1e6) / ops);
    return r;
  };
  const cpuNote = (key: string, what: string) => (cpu[key] === undefined ? "" : `; server CPU ${cpu[key]} µs per ${what}`);
  print(`load average at start: ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs`);

  const creates = await timed("create", o.configmaps, () => createConfigMaps(c, ns.cm, o.configmaps, o.concurrency));
  print(`configmap creates/s: ${Math.round(creates.perSecond)} (${o.configmaps} in ${creates.seconds.toFixed(2)} s at concurrency ${o.concurrency}${cpuNote("create", "create")})`);
  print(`configmap create p99: ${ms(creates.latency.p99)} (p50 ${ms(creates.latency.p50)}, max ${ms(creates.latency.max)})`);

  const gets = await timed("get", o.gets, () => getConfigMaps(c, ns.cm, o.gets, o.getConcurrency, o.configmaps));
  const getHow = `${o.gets} GETs of random configmaps among ${o.configmaps}, concurrency ${o.getConcurrency}, ${Math.round(gets.perSecond)}/s${cpuNote("get", "GET")}`;
  print(`configmap get p50: ${ms(gets.latency.p50)} (${getHow})`);
  print(`configmap get p99: ${ms(gets.latency.p99)}`);

  const pods = await timed("podCreate", o.pods, () => createPods(c, ns.pods, o.pods, o.concurrency));
  print(`pod creates/s: ${Math.round(pods.perSecond)} (${o.pods} at concurrency ${o.concurrency}; request p99 ${ms(pods.latency.p99)}${cpuNote("podCreate", "create")})`);
  const pages = Math.ceil(o.pods / o.page) * (o.passes + 1);
  const list = await timed("listPage", pages, () => listPods(c, ns.pods, o.pods, o.page, o.passes));
  print(`pod list page p99: ${ms(list.pages.p99)} (${o.pods} pods, limit=${o.page} + continue, ${list.pages.count} pages over ${o.passes} passes after 1 warm-up; p50 ${ms(list.pages.p50)}, max ${ms(list.pages.max)}${cpuNote("listPage", "page")})`);

  const watchOpts = { watchers: o.watchers, events: o.watchEvents, rate: o.watchRate, drainMs: 15_000 };
  const watch = await timed("watchEvent", o.watchEvents, () => watchDelivery(c, ns.watch, watchOpts));
  const lost = watch.expected - watch.delivered;
  print(`watch delivery p99: ${ms(watch.delivery.p99)} (${o.watchers} watchers × ${o.watchEvents} writes at ${o.watchRate}/s [achieved ${watch.achievedRate.toFixed(0)}/s]; p50 ${ms(watch.delivery.p50)}, max ${ms(watch.delivery.max)}; write p50 ${ms(watch.write.p50)}${cpuNote("watchEvent", "write fanned out to all watchers")})`);
  print(`load average at end: ${loadavg()[0].toFixed(2)}`);
  if (lost > 0) print(`watch events missing: ${lost} of ${watch.expected}${watch.watchError ? ` (${watch.watchError})` : ""}`);

  const verdict = (ok: boolean) => (ok ? "meets" : "MISSES");
  print(
    `targets: creates/s >= ${TARGETS.createsPerSecond} ${verdict(creates.perSecond >= TARGETS.createsPerSecond)}; ` +
      `list page p99 <= ${TARGETS.listPageP99Ms} ms ${verdict(list.pages.p99 <= TARGETS.listPageP99Ms)}; ` +
      `watch p99 <= ${TARGETS.watchDeliveryP99Ms} ms ${verdict(watch.delivery.p99 <= TARGETS.watchDeliveryP99Ms && lost === 0)}`,
  );
  return {
    configmapCreatesPerSecond: Math.round(creates.perSecond),
    configmapCreateP50Ms: round(creates.latency.p50),
    configmapCreateP99Ms: round(creates.latency.p99),
    configmapGetP50Ms: round(gets.latency.p50),
    configmapGetP99Ms: round(gets.latency.p99),
    podCreatesPerSecond: Math.round(pods.perSecond),
    podListPageP50Ms: round(list.pages.p50),
    podListPageP99Ms: round(list.pages.p99),
    watchDeliveryP50Ms: round(watch.delivery.p50),
    watchDeliveryP99Ms: round(watch.delivery.p99),
    watchEventsExpected: watch.expected,
    watchEventsDelivered: watch.delivered,
    serverCpuUsPer: cpu,
    loadAverage1m: round(loadavg()[0]),
    params: {
      configmaps: o.configmaps,
      concurrency: o.concurrency,
      gets: o.gets,
      getConcurrency: o.getConcurrency,
      pods: o.pods,
      page: o.page,
      passes: o.passes,
      watchers: o.watchers,
      watchEvents: o.watchEvents,
      watchRate: o.watchRate,
      fill: o.fill,
      warmup: o.warmup,
    },
  };
}

/** A real cluster refuses pods until the namespace's default ServiceAccount exists. */
async function waitForServiceAccount(c: KubeClient, ns: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await c.status("GET", `/api/v1/namespaces/${ns}/serviceaccounts/default`)) === 200) return;
    await sleep(100);
  }
  process.stderr.write(`warning: no default ServiceAccount in ${ns} after 10 s; pod creates may fail\n`);
}

process.exitCode = await main(process.argv.slice(2));
