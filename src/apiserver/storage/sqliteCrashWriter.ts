// Child process of the crash test in sqlite.test.ts (not a test itself).
// Usage: node sqliteCrashWriter.ts DBPATH
// Many concurrent writers create, update and delete keys of their own as
// fast as they can, with automatic compaction off, so writes pile up into
// group commits. Once a write is durable (waitDurable), the writer prints
// "<revision> <op> <key>" to stdout: a line the parent reads is an
// acknowledged write. It runs until killed.
import { SqliteStorage } from "./sqlite.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: sqliteCrashWriter.ts DBPATH");
const st = new SqliteStorage({ path, historySize: Number.POSITIVE_INFINITY });
const value = (rev: number) => JSON.stringify({ rev, data: "x".repeat(400) });

async function writer(id: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/crash/w${id}/k${i % 50}`;
    const cur = st.get(key);
    let op: string;
    let rev: number;
    if (!cur) [op, rev] = ["create", st.create(key, value).modRevision];
    else if (i % 7 === 0) [op, rev] = ["delete", st.delete(key, cur.modRevision).modRevision];
    else [op, rev] = ["update", st.update(key, cur.modRevision, value).modRevision];
    await st.waitDurable(rev);
    process.stdout.write(`${rev} ${op} ${key}\n`);
  }
}

await Promise.all(Array.from({ length: 32 }, (_, id) => writer(id)));
