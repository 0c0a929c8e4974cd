// Child process of the crash test in sqlite.test.ts (not a test itself).
// Usage: node sqliteCrashWriter.ts DBPATH
// Several interleaved writers create, update and delete keys as fast as they
// can, with automatic compaction off. After each write returns, the writer
// prints "<revision> <op> <key>" with a synchronous write to stdout: a line
// the parent reads is an acknowledged write. It runs until killed.
import { writeSync } from "node:fs";
import { setImmediate as yieldTurn } from "node:timers/promises";
import { SqliteStorage } from "./sqlite.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: sqliteCrashWriter.ts DBPATH");
const st = new SqliteStorage({ path, historySize: Number.POSITIVE_INFINITY });
const value = (rev: number) => JSON.stringify({ rev, data: "x".repeat(400) });
const ack = (rev: number, op: string, key: string) => writeSync(1, `${rev} ${op} ${key}\n`);

async function writer(id: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/crash/w${id}/k${i % 50}`;
    const cur = st.get(key);
    if (!cur) {
      ack(st.create(key, value).modRevision, "create", key);
    } else if (i % 7 === 0) {
      ack(st.delete(key, cur.modRevision).modRevision, "delete", key);
    } else {
      ack(st.update(key, cur.modRevision, value).modRevision, "update", key);
    }
    if (i % 3 === 0) await yieldTurn();
  }
}

await Promise.all([0, 1, 2, 3].map(writer));
