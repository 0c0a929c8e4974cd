import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { BatchWriter } from "./BatchWriter.ts";
import type { Change, SearchIndex } from "./index.ts";

test("while a batch is being written the next one gathers every change that arrives (group commit)", async () => {
  // An index whose every write takes 100 ms, as a distant database under load may.
  const batches: number[] = [];
  const index = {
    async apply(changes: readonly Change[]) {
      batches.push(changes.length);
      await new Promise((r) => setTimeout(r, 100));
      return batches.length;
    },
  } as unknown as SearchIndex;
  const w = new BatchWriter(index, pino({ level: "silent" }), { flushMs: 5 });
  const change = (i: number): Change => ({ type: "delete", cluster: "c", group: "", version: "v1", resource: "pods", namespace: "ns", name: `p${i}` });
  // 1,000 changes a second for 0.5 s: 500 changes.
  for (let i = 0; i < 500; i++) {
    w.push(change(i));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
  }
  await w.flush();
  assert.equal(batches.reduce((a, b) => a + b, 0), 500);
  // A batch per flush interval would be about 100 writes of 100 ms: 10 s behind. Gathered, a handful.
  assert.ok(batches.length <= 10, `batches: ${batches.join(",")}`);
});
