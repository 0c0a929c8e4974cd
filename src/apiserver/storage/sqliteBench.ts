// Scratch measurement of the SQLite driver (not a test): durable creates per
// second with synchronous FULL and NORMAL, and a paged list of 10,000 keys.
// Usage: node src/apiserver/storage/sqliteBench.ts [creates]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "./sqlite.ts";

const creates = Number(process.argv[2] ?? 10_000);

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

for (const synchronous of ["FULL", "NORMAL"] as const) {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-sqlite-bench-"));
  const st = new SqliteStorage({ path: join(dir, "state.db"), synchronous });
  const t0 = performance.now();
  for (let i = 0; i < creates; i++) {
    const name = `cm-${String(i).padStart(6, "0")}`;
    st.create(`/core/configmaps/default/${name}`, configMap(name));
  }
  const createMs = performance.now() - t0;
  console.log(
    `synchronous=${synchronous}: ${creates} creates in ${createMs.toFixed(0)} ms, ${Math.round(creates / (createMs / 1000))} creates/s`,
  );

  const t1 = performance.now();
  const pageTimes: number[] = [];
  let startKey: string | undefined;
  let seen = 0;
  const rev = st.currentRevision();
  for (;;) {
    const p0 = performance.now();
    const page = st.list("/core/configmaps/", { revision: rev, startKey, limit: 500 });
    pageTimes.push(performance.now() - p0);
    seen += page.items.length;
    if (page.remaining === 0) break;
    startKey = `${page.items.at(-1)!.key}\0`;
  }
  const listMs = performance.now() - t1;
  const worst = Math.max(...pageTimes);
  console.log(
    `  list ${seen} keys in ${pageTimes.length} pages of 500: ${listMs.toFixed(0)} ms total, ` +
      `${(listMs / pageTimes.length).toFixed(1)} ms/page avg, ${worst.toFixed(1)} ms worst`,
  );
  const f0 = performance.now();
  const full = st.list("/core/configmaps/");
  console.log(`  one unpaged list of ${full.items.length} keys: ${(performance.now() - f0).toFixed(0)} ms`);
  st.closeDatabase();
  rmSync(dir, { recursive: true, force: true });
}
