// The embedded index's text rows in name order (src/platform/search/textOrder.ts):
// with buckets of 2 objects, every write splits buckets and the numbers between
// them run out, and a fuzzySearch page sorted by name must still be the page
// of a plain sort of every match. Expected orders come from a byte-wise sort
// of the names (Go's string order, which Kubernetes lists use).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { it } from "node:test";
import { pod } from "../../src/platform/search/conformance.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";

const PODS = { group: "", version: "v1", resource: "pods" };
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Names in the orders that strain numbering: ascending after the rest, ascending into one gap, descending, scattered. */
function batches(): string[][] {
  const pad = (n: number) => String(n).padStart(4, "0");
  return [
    Array.from({ length: 40 }, (_, i) => `pod-m-${pad(i * 100)}`),
    Array.from({ length: 60 }, (_, i) => `pod-z-${pad(i)}`),
    // Between pod-m-0100 and pod-m-0200, in ascending order: each lands right after the last.
    Array.from({ length: 90 }, (_, i) => `pod-m-0100-${pad(i)}`),
    // The same one write at a time (as a watch brings them): the bucket at the end splits
    // again and again, halving the numbers left after it until the buckets around are renumbered.
    ...Array.from({ length: 120 }, (_, i) => [`pod-m-0300-${pad(i)}`]),
    Array.from({ length: 50 }, (_, i) => `pod-a-${pad(1000 - i)}`),
    Array.from({ length: 60 }, (_, i) => `pod-${((i * 7919) % 1000).toString(36)}-x`),
    // Past U+D7FF JavaScript's < and UTF-8 byte order disagree.
    ["pod-\u00e9", "pod-\u65e5\u672c", "pod-\ud83d\ude00", "pod-\uff21", "pod-~"],
  ];
}

it("a term's pages sorted by name agree with a sort of every match while names arrive in any order and go", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-textorder-"));
  const path = join(dir, "index.db");
  const index = await SqlIndex.open(new SqliteDb({ path }), { scanMax: 0, textDrivenMax: 0, textBucketMax: 2 });
  const live = new Set<string>();
  const check = async (when: string) => {
    const want = [...live].filter((n) => n.includes("pod")).sort(byBytes);
    for (const dir of ["asc", "desc"] as const) {
      const got: string[] = [];
      for (let page = 1; ; page++) {
        const r = await index.query({ ...PODS, fuzzySearch: "pod", sortBy: "name", sortDir: dir, page, pageSize: 7 });
        assert.equal(r.total, want.length, `${when}: total`);
        got.push(...r.items.map((x) => x.name));
        if (r.items.length < 7) break;
      }
      assert.deepEqual(got, dir === "asc" ? want : [...want].reverse(), `${when}, ${dir}`);
    }
  };
  try {
    for (const [i, names] of batches().entries()) {
      await index.apply(names.map((n) => ({ type: "upsert" as const, cluster: "c1", ...PODS, object: pod("ns", n) })));
      for (const n of names) live.add(n);
      await check(`after batch ${i}`);
    }
    // Every third object goes, then half of those come back.
    const gone = [...live].filter((_, i) => i % 3 === 0);
    await index.apply(gone.map((name) => ({ type: "delete" as const, cluster: "c1", ...PODS, namespace: "ns", name })));
    for (const n of gone) live.delete(n);
    await check("after deletes");
    const back = gone.filter((_, i) => i % 2 === 0);
    await index.apply(back.map((n) => ({ type: "upsert" as const, cluster: "c1", ...PODS, object: pod("ns", n, { rv: "2" }) })));
    for (const n of back) live.add(n);
    await check("after re-creates");
    // A relist that keeps a quarter of the names.
    const kept = [...live].filter((_, i) => i % 4 === 0);
    await index.replace("c1", PODS, kept.map((n) => pod("ns", n, { rv: "3" })));
    live.clear();
    for (const n of kept) live.add(n);
    await check("after a relist");
  } finally {
    await index.close();
  }
  // Each bucket counts the live objects of its name range.
  const db = new DatabaseSync(path, { readOnly: true });
  const buckets = db.prepare("SELECT lo, no, n FROM search_buckets WHERE grp = '' AND resource = 'pods' ORDER BY lo").all() as { lo: string; no: number; n: number }[];
  const names = [...live].sort(byBytes);
  assert.ok(buckets.length > 10, `buckets: ${buckets.length}`);
  for (const [i, b] of buckets.entries()) {
    const next = buckets[i + 1]?.lo;
    const inRange = names.filter((n) => byBytes(n, b.lo) >= 0 && (next === undefined || byBytes(n, next) < 0));
    assert.equal(b.n, inRange.length, `bucket ${JSON.stringify(b.lo)}`);
    if (i > 0) assert.ok(b.no > buckets[i - 1].no, "bucket numbers rise with their names");
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
