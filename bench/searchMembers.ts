// The member clusters of bench/search.ts's platform phase: --clusters API
// servers of our own (memory storage) in this one process (numbered from
// --first: the bench starts several such processes, each with a share), each on its own
// loopback port with its admin kubeconfig in DIR/<name>/kubeconfig, filled
// with --objects objects of the realistic mix (searchData.ts) by direct
// creates through each server's in-process client (admission, validation and
// managedFields as over HTTP, without TLS and JSON framing, so the fill is
// quick). Then it prints `{"ready":[names]}` and takes commands on stdin:
//   {"write":{"rate":1000,"seconds":10}}  ConfigMap creates at that rate across
//     the members; one line per answered write: {"w":"<cluster>/<ns>/<name>/<rv>","t":<epoch ms>}
//     (t is this process's clock when the create answered), then {"written":N}.
// Pods keep no ownerReferences here: their ReplicaSets do not exist, and the
// garbage collector would delete them (as kube's does a dependent whose owner
// is gone).
// Usage: node --max-old-space-size=N bench/searchMembers.ts --clusters 25 --first 0 --objects 250000 --dir DIR
//   (--objects is this process's share: PER = objects / clusters per member)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pino from "pino";
import type { KubeClient } from "../src/apiserver/client.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { MIX, makeObject } from "./searchData.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "100" },
    first: { type: "string", default: "0" },
    objects: { type: "string", default: "1000000" },
    dir: { type: "string" },
    // Watch history per member: small, as kpanda sim's (5,000), so 100 fit in one process.
    history: { type: "string", default: "5000" },
  },
});
if (!values.dir) throw new Error("--dir is required");
const CLUSTERS = Number(values.clusters);
const PER = Math.floor(Number(values.objects) / CLUSTERS);
const FIRST = Number(values.first);
const memberName = (c: number) => `member-${String(c).padStart(3, "0")}`;
const now = () => performance.timeOrigin + performance.now();
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const log = pino({ level: "warn" }, pino.destination(2));

type M = { name: string; server: ApiServer; client: KubeClient };

async function start(name: string): Promise<M> {
  const dataDir = join(values.dir!, name);
  mkdirSync(dataDir, { recursive: true });
  // Events live a day: the bench's Events must not expire while it runs.
  const server = await startApiServer({ port: 0, dataDir, storage: "memory", historySize: Number(values.history), eventTTLSeconds: 86_400, logger: log });
  return { name, server, client: server.client({ userAgent: "bench-fill" }) };
}

/** PER objects of the mix into one member, its 20 namespaces first; c numbers the member so names and uids differ across members. */
async function fill(m: M, c: number): Promise<void> {
  for (let t = 0; t < 20; t++) await m.client.create({ group: "", version: "v1", resource: "namespaces" }, "", { metadata: { name: `team-${t}` } });
  for (const kind of MIX) {
    const count = Math.round(PER * kind.share);
    for (let i = 0; i < count; i++) {
      const o = makeObject(kind.resource, c * PER + i, "");
      const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ownerReferences: _o, ...metadata } = o.metadata;
      await m.client.create({ group: kind.group, version: kind.version, resource: kind.resource }, metadata.namespace, { ...o, metadata });
      // Let the servers' watchers and other members' timers run now and then.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
  }
}

/** Writes so far, over every command (names stay new). */
let n = 0;

async function writes(members: M[], rate: number, seconds: number): Promise<void> {
  const interval = 1000 / rate;
  const end = performance.now() + seconds * 1000;
  const inflight = new Set<Promise<void>>();
  const first = n;
  for (const start = performance.now(); performance.now() < end; ) {
    const m = members[n % members.length];
    const name = `lag-${n}`;
    const p = m.client
      .create({ group: "", version: "v1", resource: "configmaps" }, "team-0", { metadata: { name }, data: { n: String(n) } })
      .then((o) => {
        say({ w: `${m.name}/team-0/${name}/${o.metadata?.resourceVersion}`, t: now() });
      })
      .catch((e) => {
        say({ error: `${m.name}/${name}: ${(e as Error).message}` });
      });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    n++;
    const wait = start + (n - first) * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inflight);
  say({ written: n - first });
}

const members: M[] = [];
const t0 = performance.now();
for (let c = 0; c < CLUSTERS; c += 4) {
  members.push(...(await Promise.all(Array.from({ length: Math.min(4, CLUSTERS - c) }, (_, k) => start(memberName(FIRST + c + k))))));
}
say({ started: members.length, seconds: (performance.now() - t0) / 1000 });
const t1 = performance.now();
let done = 0;
await Promise.all(
  members.map(async (m, c) => {
    await fill(m, FIRST + c);
    if (++done % 10 === 0) say({ filled: done, seconds: (performance.now() - t1) / 1000 });
  }),
);
(globalThis as { gc?: () => void }).gc?.();
say({ ready: members.map((m) => m.name), fillSeconds: (performance.now() - t1) / 1000, rss: process.memoryUsage().rss });

createInterface({ input: process.stdin }).on("line", (l) => {
  const cmd = JSON.parse(l);
  if (cmd.write) void writes(members, cmd.write.rate, cmd.write.seconds);
});
process.stdin.on("end", async () => {
  await Promise.allSettled(members.map((m) => m.server.close()));
  process.exit(0);
});
