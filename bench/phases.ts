// The four measurements of bench/apiserver.ts. Each takes a client and a
// namespace that the caller created, and returns its figures.
import type { KubeClient, WatchStream } from "./client.ts";
import { runConcurrent, Samples } from "./stats.ts";

const pad = (i: number) => String(i).padStart(5, "0");
const cmPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

function configMap(name: string, annotations?: Record<string, string>, data = "0"): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: annotations ? { name, annotations } : { name },
    data: { "app.properties": `color=blue\nrevision=${data}\n`, mode: "bench" },
  });
}

function pod(name: string): string {
  // A scheduling gate keeps a real cluster's scheduler (and kubelets) away
  // from these pods; our server has no scheduler either way.
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: "kpanda-bench" } },
    spec: {
      containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }],
      schedulingGates: [{ name: "bench.kpanda.io/hold" }],
    },
  });
}

/**
 * Brings namespace ns to at least n ConfigMaps (fill-00000...), creating
 * only what is missing, so a database of n objects is built once and reused
 * across runs against the same cluster.
 */
export async function fillConfigMaps(c: KubeClient, ns: string, n: number, concurrency: number) {
  // Everything in the namespace counts (its kube-root-ca.crt too): only a short fill is topped up.
  const page = await c.json("GET", `${cmPath(ns)}?limit=1`);
  const have = page.items.length + (page.metadata.remainingItemCount ?? 0);
  if (have >= n) return { created: 0, have, seconds: 0 };
  let created = 0;
  const run = await runConcurrent(n, concurrency, async (i) => {
    const name = `fill-${String(i).padStart(6, "0")}`;
    if (have > 1 && (await c.status("GET", `${cmPath(ns)}/${name}`)) === 200) return;
    await c.request("POST", cmPath(ns), configMap(name));
    created++;
  });
  return { created, have: n, seconds: run.seconds };
}

export async function createConfigMaps(c: KubeClient, ns: string, n: number, concurrency: number) {
  const run = await runConcurrent(n, concurrency, (i) => c.request("POST", cmPath(ns), configMap(`cm-${pad(i)}`)));
  return { perSecond: n / run.seconds, seconds: run.seconds, latency: run.latency.summary() };
}

/** GETs of configmaps picked at random (fixed seed) among the first `among`. */
export async function getConfigMaps(c: KubeClient, ns: string, n: number, concurrency: number, among: number) {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const run = await runConcurrent(n, concurrency, () => c.request("GET", `${cmPath(ns)}/cm-${pad(Math.floor(rand() * among))}`));
  return { perSecond: n / run.seconds, latency: run.latency.summary() };
}

export async function createPods(c: KubeClient, ns: string, n: number, concurrency: number) {
  const run = await runConcurrent(n, concurrency, (i) => c.request("POST", `/api/v1/namespaces/${ns}/pods`, pod(`pod-${pad(i)}`)));
  return { perSecond: n / run.seconds, seconds: run.seconds, latency: run.latency.summary() };
}

/**
 * Full passes over the namespace's pods in pages of `limit`; each page is
 * timed from sending the request to having read its whole body. The first
 * pass warms up and is not counted.
 */
export async function listPods(c: KubeClient, ns: string, expected: number, limit: number, passes: number) {
  const pages = new Samples();
  for (let pass = 0; pass <= passes; pass++) {
    let token = "";
    let seen = 0;
    for (let page = 0; page < Math.ceil(expected / limit) + 2; page++) {
      const q = `limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
      const t = performance.now();
      const r = await c.request("GET", `/api/v1/namespaces/${ns}/pods?${q}`);
      if (pass > 0) pages.add(performance.now() - t);
      const list = JSON.parse(r.text) as { items: unknown[]; metadata: { continue?: string } };
      seen += list.items.length;
      token = list.metadata.continue ?? "";
      if (!token) break;
    }
    if (seen !== expected) throw new Error(`list pass ${pass} saw ${seen} pods, expected ${expected}`);
  }
  return { pages: pages.summary(), pageSize: limit, passes };
}

export type WatchOptions = { watchers: number; events: number; rate: number; drainMs: number };

const SENT = "bench.kpanda.io/sent-ms";

/**
 * `watchers` watches on one namespace's configmaps, each on its own
 * connection; then a writer creates events/2 configmaps and updates each once
 * (PUT), one write every 1/rate s, without waiting for replies. Each object
 * carries its send time (this process's performance.now()) in an annotation;
 * delivery latency is the arrival time of the chunk that completes the event
 * minus that send time, over all watchers × events.
 */
export async function watchDelivery(c: KubeClient, ns: string, o: WatchOptions) {
  const rv = (await c.json("GET", `${cmPath(ns)}?limit=1`)).metadata.resourceVersion as string;
  const abort = new AbortController();
  const latency = new Samples(o.watchers * o.events);
  let delivered = 0;
  let watchError: Error | undefined;
  const watchPath = `${cmPath(ns)}?watch=1&resourceVersion=${encodeURIComponent(rv)}&timeoutSeconds=900`;
  const streams: WatchStream[] = [];
  try {
    for (let i = 0; i < o.watchers; i++) {
      let buf = "";
      const onChunk = (chunk: string, at: number) => {
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const ev = JSON.parse(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          const sent = ev.object?.metadata?.annotations?.[SENT];
          if (ev.type === "ERROR") throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
          if (sent === undefined || (ev.type !== "ADDED" && ev.type !== "MODIFIED")) continue;
          latency.add(at - Number(sent));
          delivered++;
        }
      };
      const stream = await c.watch(watchPath, abort.signal, onChunk);
      stream.done.catch((e) => {
        watchError ??= e as Error;
      });
      streams.push(stream);
    }
    const writes = await writer(c, ns, o);
    const deadline = performance.now() + o.drainMs;
    while (delivered < o.watchers * o.events && performance.now() < deadline) await sleep(20);
    return {
      watchers: o.watchers,
      events: o.events,
      rate: o.rate,
      achievedRate: o.events / writes.seconds,
      expected: o.watchers * o.events,
      delivered,
      watchError: watchError?.message,
      delivery: latency.summary(),
      write: writes.latency.summary(),
    };
  } finally {
    abort.abort();
    await Promise.allSettled(streams.map((s) => s.close()));
    await Promise.allSettled(streams.map((s) => s.done));
  }
}

async function writer(c: KubeClient, ns: string, o: WatchOptions) {
  const half = Math.ceil(o.events / 2);
  const latency = new Samples(o.events);
  const inflight = new Set<Promise<unknown>>();
  const start = performance.now();
  let failure: unknown;
  for (let k = 0; k < o.events && failure === undefined; k++) {
    const due = start + (k * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    while (inflight.size >= 256) await Promise.race(inflight);
    const sent = performance.now();
    const ann = { [SENT]: sent.toFixed(3) };
    const name = `w-${pad(k % half)}`;
    const p =
      k < half
        ? c.request("POST", cmPath(ns), configMap(name, ann))
        : c.request("PUT", `${cmPath(ns)}/${name}`, configMap(name, ann, String(k)));
    const tracked = p.then(
      () => latency.add(performance.now() - sent),
      (e) => {
        failure = e;
      },
    );
    inflight.add(tracked);
    tracked.finally(() => inflight.delete(tracked));
  }
  await Promise.all(inflight);
  if (failure !== undefined) throw failure;
  return { seconds: (performance.now() - start) / 1000, latency };
}

export const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
