import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { storageConformance } from "./conformance.ts";
import { CompactedError, ConflictError } from "./errors.ts";
import type { Storage, StorageEvent } from "./interface.ts";
import { MemoryStorage } from "./memory.ts";
import { SqliteStorage } from "./sqlite.ts";

const dirs: string[] = [];
const opened: SqliteStorage[] = [];
after(() => {
  for (const st of opened) st.closeDatabase();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-sqlite-"));
  dirs.push(dir);
  return join(dir, "state.db");
}

function open(
  path: string,
  historySize?: number,
  synchronous?: "FULL" | "NORMAL",
  writer?: "worker" | "inline",
): SqliteStorage {
  const st = new SqliteStorage({ path, historySize, synchronous, writer });
  opened.push(st);
  return st;
}

const val = (s: string) => (rev: number) => JSON.stringify({ s, rev });

storageConformance("sqlite", (opts) => open(tempDb(), opts.historySize));
storageConformance("sqlite, committing on the event loop", (opts) => open(tempDb(), opts.historySize, "FULL", "inline"));

describe("sqlite storage", () => {
  it("a reopened database keeps every object and revisions keep rising", () => {
    const path = tempDb();
    const st = open(path);
    let last = 0;
    for (let i = 0; i < 20; i++) last = st.create(`/r/k${i}`, val(String(i))).modRevision;
    st.delete("/r/k19");
    const before = st.list("/r/");
    st.closeDatabase();

    const again = open(path);
    assert.equal(again.currentRevision(), last + 1);
    assert.deepEqual(again.list("/r/"), before);
    const next = again.create("/r/new", val("after restart"));
    assert.equal(next.modRevision, last + 2);
    assert.equal(JSON.parse(next.value).rev, next.modRevision);
  });

  it("a revision freed by compaction is never given out again, even after a restart", () => {
    const path = tempDb();
    const st = open(path);
    const a = st.create("/r/a", val("1"));
    const gone = st.delete("/r/a", a.modRevision);
    st.compact(gone.modRevision); // removes every row, the newest id included
    assert.equal(st.compactRevision(), gone.modRevision);
    st.closeDatabase();

    const again = open(path);
    assert.equal(again.compactRevision(), gone.modRevision);
    assert.equal(again.create("/r/a", val("2")).modRevision, gone.modRevision + 1);
  });

  it("a watch from a revision taken before a restart replays every event since", () => {
    const path = tempDb();
    const st = open(path);
    const a = st.create("/w/a", val("1"));
    const from = st.currentRevision();
    const a2 = st.update("/w/a", a.modRevision, val("2"));
    st.create("/x/other", val("not watched"));
    st.create("/w/b", val("3"));
    st.closeDatabase();

    const again = open(path);
    again.delete("/w/b");
    const seen: StorageEvent[] = [];
    const w = again.watch("/w/", from, (e) => seen.push(e));
    const live = again.update("/w/a", a2.modRevision, val("4"));
    w.stop();
    assert.deepEqual(
      seen.map((e) => [e.type, e.key, e.revision]),
      [
        ["MODIFIED", "/w/a", a2.modRevision],
        ["ADDED", "/w/b", a2.modRevision + 2],
        ["DELETED", "/w/b", a2.modRevision + 3],
        ["MODIFIED", "/w/a", live.modRevision],
      ],
    );
    assert.equal(JSON.parse(seen[0].prevValue!).s, "1");
    assert.equal(JSON.parse(seen[2].value).s, "3");
    assert.equal(JSON.parse(seen[3].prevValue!).s, "2");
  });

  it("a watch from below the compact revision fails with Compacted after a restart", () => {
    const path = tempDb();
    const st = open(path);
    let rev = st.create("/c/a", val("0")).modRevision;
    for (let i = 0; i < 5; i++) rev = st.update("/c/a", rev, val(String(i))).modRevision;
    st.compact(rev - 2);
    st.closeDatabase();

    const again = open(path);
    assert.throws(() => again.watch("/c/", 1, () => {}), CompactedError);
    assert.throws(() => again.get("/c/a", 1), CompactedError);
    const seen: string[] = [];
    again.watch("/c/", rev - 2, (e) => seen.push(e.prevValue!)).stop();
    assert.equal(seen.length, 2, "both events above the compact revision, prevValue intact");
    assert.ok(seen.every((p) => typeof p === "string"));
  });

  it("replay longer than one chunk with writes from the handler loses and repeats nothing", () => {
    const st = open(tempDb(), undefined, "NORMAL"); // bulk setup; durability is not the point here
    for (let i = 0; i < 2500; i++) st.create(`/big/k${String(i).padStart(4, "0")}`, val(String(i)));
    const revs: number[] = [];
    let wrote = 0;
    st.watch("/big/", 0, (e) => {
      revs.push(e.revision);
      // A handler that writes during replay and during live delivery.
      if (wrote < 3 && e.revision % 1000 === 0) {
        wrote++;
        st.create(`/big/extra${wrote}`, val("x"));
      }
    });
    st.create("/big/last", val("y"));
    assert.equal(revs.length, 2500 + wrote + 1);
    assert.deepEqual(
      revs,
      revs.map((_, i) => i + 1),
    );
  });

  it("a handler that writes does not reorder events for other watchers", () => {
    const st = open(tempDb());
    const first: number[] = [];
    const second: number[] = [];
    st.watch("/o/", 0, (e) => {
      first.push(e.revision);
      if (e.key === "/o/a") st.create("/o/b", val("from handler"));
    });
    st.watch("/o/", 0, (e) => second.push(e.revision));
    const a = st.create("/o/a", val("x"));
    assert.deepEqual(first, [a.modRevision, a.modRevision + 1]);
    assert.deepEqual(second, first);
  });

  it("a random workload with compactions reads and watches like the memory driver, before and after a reopen", async () => {
    const path = tempDb();
    const sq = open(path, Number.POSITIVE_INFINITY, "NORMAL");
    const mem = new MemoryStorage({ historySize: Number.POSITIVE_INFINITY });
    let seed = 42;
    const rand = (n: number) => {
      // mulberry32: a small seeded generator, so a failure replays exactly.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const outcome = (st: Storage, f: (st: Storage) => unknown) => {
      try {
        return f(st);
      } catch (err) {
        return (err as Error).constructor.name;
      }
    };
    for (let step = 0; step < 1500; step++) {
      const key = `/f/${["a", "b", "c"][rand(3)]}/${rand(8)}`;
      const cur = mem.get(key);
      const expected = rand(4) === 0 ? rand(mem.currentRevision() + 2) : cur?.modRevision;
      const op = rand(10);
      const back = rand(20);
      const run = (st: Storage) =>
        op < 4
          ? st.create(key, val(`c${step}`))
          : op < 7
            ? st.update(key, expected ?? 1, val(`u${step}`))
            : op < 9
              ? st.delete(key, expected)
              : st.compact(st.currentRevision() - back);
      assert.deepEqual(outcome(sq, run), outcome(mem, run), `step ${step}`);
      assert.equal(sq.compactRevision(), mem.compactRevision());
      if (step % 25 === 0) {
        const low = mem.compactRevision();
        const at = low + rand(mem.currentRevision() - low + 1);
        const prefix = ["/f/", "/f/a/", "/f/b/"][rand(3)];
        const limit = rand(5);
        const read = (st: Storage) => st.list(prefix, { revision: at, limit });
        assert.deepEqual(outcome(sq, read), outcome(mem, read), `list at ${at}`);
        const replay = (st: Storage) => {
          const seen: StorageEvent[] = [];
          st.watch(prefix, at, (e) => seen.push(e)).stop();
          return seen;
        };
        assert.deepEqual(replay(sq), replay(mem), `watch from ${at}`);
      }
    }
    // The workload did exercise writes and compaction.
    assert.ok(mem.currentRevision() > 300 && mem.compactRevision() > 200, `${mem.currentRevision()}`);
    // The file, once durable and read back, holds the same history: every
    // row the cache kept, recreated keys included, committed without a clash.
    await sq.waitDurable(sq.currentRevision());
    sq.closeDatabase();
    const back = open(path, Number.POSITIVE_INFINITY, "NORMAL");
    assert.equal(back.currentRevision(), mem.currentRevision());
    assert.equal(back.compactRevision(), mem.compactRevision());
    assert.deepEqual(back.list("/f/"), mem.list("/f/"));
    const replay = (st: Storage) => {
      const seen: StorageEvent[] = [];
      st.watch("/f/", st.compactRevision(), (e) => seen.push(e)).stop();
      return seen;
    };
    assert.deepEqual(replay(back), replay(mem));
  });

  it("paged list of many keys matches one full list", () => {
    const st = open(tempDb(), undefined, "NORMAL"); // bulk setup; durability is not the point here
    for (let i = 0; i < 1200; i++) st.create(`/p/k${String(i).padStart(5, "0")}`, val(String(i)));
    const full = st.list("/p/");
    const keys: string[] = [];
    let startKey: string | undefined;
    let remaining = -1;
    while (remaining !== 0) {
      const page = st.list("/p/", { revision: full.revision, startKey, limit: 500 });
      keys.push(...page.items.map((i) => i.key));
      remaining = page.remaining;
      assert.equal(remaining, full.items.length - keys.length);
      startKey = `${page.items.at(-1)!.key}\0`;
    }
    assert.deepEqual(
      keys,
      full.items.map((i) => i.key),
    );
  });

  it("two rows built on the same previous row cannot both commit", async () => {
    const path = tempDb();
    const st = open(path);
    const a = st.create("/u/a", val("1"));
    await st.waitDurable(st.update("/u/a", a.modRevision, val("2")).modRevision);
    // A second connection racing on the same previous revision loses on the index.
    const other = new DatabaseSync(path);
    try {
      assert.throws(
        () =>
          other
            .prepare(
              "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES (?, 0, 0, ?, ?, ?)",
            )
            .run("/u/a", a.modRevision, a.modRevision, "stale"),
        /UNIQUE/,
      );
    } finally {
      other.close();
    }
    assert.throws(() => st.update("/u/a", a.modRevision, val("3")), ConflictError);
  });

  it("every write acknowledged before SIGKILL survives, and the log has no gap", async () => {
    const path = tempDb();
    const child = spawn(process.execPath, [join(import.meta.dirname, "sqliteCrashWriter.ts"), path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const acked: { rev: number; op: string; key: string }[] = [];
    let buf = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_c, sig) => resolve(sig)),
    );
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop()!; // a partial line is no acknowledgement
      for (const l of lines) {
        const [rev, op, key] = l.split(" ");
        acked.push({ rev: Number(rev), op, key });
      }
      if (acked.length >= 600) child.kill("SIGKILL");
    });
    assert.equal(await exited, "SIGKILL");
    assert.ok(acked.length >= 600);

    const st = open(path, Number.POSITIVE_INFINITY);
    for (const a of acked) {
      const at = st.get(a.key, a.rev);
      if (a.op === "delete") {
        assert.equal(at, undefined, `${a.key} deleted at ${a.rev}`);
        assert.ok(st.get(a.key, a.rev - 1), `${a.key} existed before ${a.rev}`);
      } else {
        assert.equal(at?.modRevision, a.rev, `${a.op} ${a.key} at ${a.rev}`);
        assert.equal(JSON.parse(at.value).rev, a.rev);
      }
    }
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const { n, lo, hi } = db
        .prepare("SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM kine")
        .get() as {
        n: number;
        lo: number;
        hi: number;
      };
      assert.equal(lo, 1);
      assert.equal(n, hi, "ids are contiguous from 1");
      assert.ok(hi >= Math.max(...acked.map((a) => a.rev)));
      assert.equal(st.currentRevision(), hi);
    } finally {
      db.close();
    }
  });
});
