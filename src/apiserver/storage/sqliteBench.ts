// Scratch measurement of the SQLite driver (not a test): durable creates per
// second with C concurrent writers, each waiting for its write to be durable
// before the next (as HTTP clients do), with batches committed in a worker
// thread or inline on the event loop; then pages of 500 from the cache.
// Usage: node src/apiserver/storage/sqliteBench.ts [creates] [writers]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { SqliteStorage } from "./sqlite.ts";

const creates = Number(process.argv[2] ?? 10_000);
const writers = Number(process.argv[3] ?? 32);

/** A ConfigMap of about 500 bytes, carrying its resourceVersion. */
const configMap = (name: string) => (rev: number) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: "default",
      uid: "0d6f4a2c-3a51-4c61-9a0f-6b1d5e3c2f10",
      resourceVersion: String(rev),
      creationTimestamp: "2025-01-01T00:00:00Z",
      labels: { app: "bench", tier: "backend" },
    },
    data: { "config.yaml": "x".repeat(260) },
  });

const p99 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1];

for (const writer of ["worker", "inline"] as const) {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-sqlite-bench-"));
  const st = new SqliteStorage({ path: join(dir, "state.db"), writer });
  const latency: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < creates) {
        const name = `cm-${String(next++).padStart(6, "0")}`;
        const t = performance.now();
        // A request's worth of other work would sit here; a turn of the loop stands for it.
        await nextTurn();
        await st.waitDurable(st.create(`/core/configmaps/default/${name}`, configMap(name)).modRevision);
        latency.push(performance.now() - t);
      }
    }),
  );
  const ms = performance.now() - t0;
  console.log(
    `${writer} commits, ${writers} writers: ${creates} durable creates in ${ms.toFixed(0)} ms, ` +
      `${Math.round(creates / (ms / 1000))}/s, p99 ${p99(latency).toFixed(1)} ms, ${st.batches} batches`,
  );

  const pageTimes: number[] = [];
  let startKey: string | undefined;
  const rev = st.currentRevision();
  for (;;) {
    const p0 = performance.now();
    const page = st.list("/core/configmaps/", { revision: rev, startKey, limit: 500 });
    pageTimes.push(performance.now() - p0);
    if (page.remaining === 0) break;
    startKey = `${page.items.at(-1)!.key}\0`;
  }
  console.log(`  ${pageTimes.length} pages of 500 from the cache: p99 ${p99(pageTimes).toFixed(2)} ms`);
  const r0 = performance.now();
  st.closeDatabase();
  const again = new SqliteStorage({ path: join(dir, "state.db") });
  console.log(`  reopened (cache filled from the log) in ${(performance.now() - r0).toFixed(0)} ms`);
  again.closeDatabase();
  rmSync(dir, { recursive: true, force: true });
}
