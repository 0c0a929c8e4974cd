// Group commit in the SQLite driver: writes that arrive together share one
// transaction (one fsync), each is acknowledged (waitDurable) only once its
// batch is in the file, and a write that fails fails alone.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { ConflictError, KeyExistsError, StorageError } from "./errors.ts";
import { SqliteStorage, type SqliteStorageOptions } from "./sqlite.ts";

const dirs: string[] = [];
const opened: SqliteStorage[] = [];
after(() => {
  for (const st of opened) st.closeDatabase();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-group-commit-"));
  dirs.push(dir);
  return join(dir, "state.db");
}

function open(path: string, opts: Partial<SqliteStorageOptions> = {}): SqliteStorage {
  const st = new SqliteStorage({ path, ...opts });
  opened.push(st);
  return st;
}

const val = (s: string) => (rev: number) => JSON.stringify({ s, rev });

/** The rows in the file, as another process reads them. */
function fileRows(path: string): { id: number; name: string }[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT id, name FROM kine ORDER BY id").all() as { id: number; name: string }[];
  } finally {
    db.close();
  }
}

for (const writer of ["worker", "inline"] as const) {
  describe(`sqlite group commit (${writer} writer)`, () => {
    it("writes made in one turn of the event loop commit as one batch, and none is in the file before it", async () => {
      const path = tempDb();
      const st = open(path, { writer });
      await st.waitDurable(st.create("/g/first", val("0")).modRevision);
      const before = st.batches;
      let last = 0;
      for (let i = 0; i < 200; i++) last = st.create(`/g/k${i}`, val(String(i))).modRevision;
      assert.ok(st.durableRevision() < last, "applied, not yet durable");
      assert.equal(fileRows(path).length, 1, "nothing of the batch is in the file before it commits");
      await st.waitDurable(last);
      assert.equal(st.durableRevision(), last);
      assert.equal(st.batches - before, 1, "200 writes, one transaction");
      assert.equal(fileRows(path).length, 201);
    });

    it("a conflict inside a batch fails only its own write", async () => {
      const path = tempDb();
      const st = open(path, { writer });
      const a = st.create("/c/a", val("a1"));
      const b = st.create("/c/b", val("b1"));
      const a2 = st.update("/c/a", a.modRevision, val("a2"));
      // Checked against the newest state, pending writes included, as the unique (name, prev_revision) index would.
      assert.throws(() => st.update("/c/a", a.modRevision, val("stale")), ConflictError);
      assert.throws(() => st.create("/c/b", val("again")), KeyExistsError);
      const b2 = st.update("/c/b", b.modRevision, val("b2"));
      await st.waitDurable(b2.modRevision);
      st.closeDatabase();

      const back = open(path, { writer });
      assert.equal(back.currentRevision(), b2.modRevision, "the failed writes took no revision");
      assert.deepEqual(
        back.list("/c/").items.map((i) => [i.key, JSON.parse(i.value).s, i.modRevision]),
        [
          ["/c/a", "a2", a2.modRevision],
          ["/c/b", "b2", b2.modRevision],
        ],
      );
    });

    it("closing the database commits what is pending before it returns", () => {
      const path = tempDb();
      const st = open(path, { writer });
      let last = 0;
      for (let i = 0; i < 50; i++) last = st.create(`/z/k${i}`, val(String(i))).modRevision;
      st.closeDatabase();
      assert.equal(st.durableRevision(), last);
      assert.equal(fileRows(path).length, 50);
      assert.throws(() => st.get("/z/k0"), StorageError, "a closed storage answers no more reads");
    });

    it("a batch the file refuses fails every wait on it, and the storage refuses reads and writes after it", async () => {
      const path = tempDb();
      const st = open(path, { writer });
      await st.waitDurable(st.create("/f/a", val("1")).modRevision);
      const pending = st.create("/f/b", val("2"));
      // Another process takes the revision the pending batch is about to write: one process owns the file.
      const other = new DatabaseSync(path);
      other
        .prepare("INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, '/f/x', 1, 0, ?, 0, 'x')")
        .run(pending.modRevision, pending.modRevision);
      other.close();
      await assert.rejects(st.waitDurable(pending.modRevision), StorageError);
      assert.throws(() => st.get("/f/a"), StorageError);
      assert.throws(() => st.create("/f/c", val("3")), StorageError);
      await assert.rejects(st.waitDurable(pending.modRevision), StorageError);
    });
  });
}
