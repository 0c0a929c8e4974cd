// The search sync's first syncs take turns: with `firstSyncs: 1`, a cluster's
// discovery starts only once the cluster before it has listed every kind, so
// a start with many clusters does not open every watch and read every list
// at the same moment (the health probes that turn clusters Running would
// time out behind them). Three simulated clusters over real HTTPS.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import pino from "pino";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import type { SearchIndex } from "../../src/platform/search/index.ts";
import { SearchSync } from "../../src/platform/search/SearchSync.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";

const NAMES = ["one", "two", "three"];
let sim: Simulator;
let index: SearchIndex;
let sync: SearchSync | undefined;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "kpanda-first-sync-"));
  sim = await startSimulator({ names: NAMES, nodes: 1 });
  index = await SqlIndex.open(new SqliteDb({ path: join(dir, "index.db") }));
});

after(async () => {
  await sync?.stop();
  await index?.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("with firstSyncs 1, each cluster's discovery waits until the one before has listed every kind", async () => {
  const members = new Map(sim.clusters.map((c) => [c.name, new Member(c.name, parseKubeconfig(c.kubeconfig()))]));
  sync = new SearchSync({
    index,
    clusters: { list: () => NAMES.map((name) => ({ name, phase: "Running" })), onChange: () => {} },
    member: async (n) => members.get(n),
    log: pino({ level: "silent" }),
    firstSyncs: 1,
  });
  // When each cluster's freshness rows first appear (the end of its discovery) and when all of them are synced.
  const discovered = new Map<string, number>();
  const synced = new Map<string, number>();
  sync.start();
  const t0 = Date.now();
  while (synced.size < NAMES.length) {
    assert.ok(Date.now() - t0 < 60_000, `synced only ${[...synced.keys()]} within 60 s`);
    for (const n of NAMES) {
      const rows = await index.freshness(undefined, [n]);
      if (rows.length && !discovered.has(n)) discovered.set(n, performance.now());
      if (rows.length && rows.every((r) => r.state === "synced") && !synced.has(n)) synced.set(n, performance.now());
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const order = [...discovered.keys()];
  assert.equal(order.length, NAMES.length);
  for (let i = 1; i < order.length; i++) {
    const before = synced.get(order[i - 1])!;
    assert.ok(discovered.get(order[i])! >= before, `${order[i]} discovered ${(before - discovered.get(order[i])!).toFixed(0)} ms before ${order[i - 1]} was synced`);
  }
});
