// The storage conformance suite: every driver must pass it unchanged.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, NotFoundError } from "./errors.ts";
import type { Storage, StorageEvent } from "./interface.ts";

const val = (s: string) => (rev: number) => JSON.stringify({ s, rev });

export function storageConformance(name: string, make: (opts: { historySize?: number }) => Storage): void {
  describe(`storage conformance: ${name}`, () => {
    it("every write takes the next global revision", () => {
      const st = make({});
      const a = st.create("/a/1", val("x"));
      const b = st.create("/b/1", val("y"));
      const c = st.update("/a/1", a.modRevision, val("z"));
      assert.equal(b.modRevision, a.modRevision + 1);
      assert.equal(c.modRevision, b.modRevision + 1);
      assert.equal(c.createRevision, a.modRevision);
      assert.equal(st.currentRevision(), c.modRevision);
      assert.equal(JSON.parse(c.value).rev, c.modRevision);
    });

    it("create of an existing key fails with KeyExists", () => {
      const st = make({});
      st.create("/a/1", val("x"));
      assert.throws(() => st.create("/a/1", val("y")), KeyExistsError);
    });

    it("update with a stale revision fails with Conflict and changes nothing", () => {
      const st = make({});
      const a = st.create("/a/1", val("x"));
      st.update("/a/1", a.modRevision, val("y"));
      assert.throws(() => st.update("/a/1", a.modRevision, val("z")), ConflictError);
      assert.equal(JSON.parse(st.get("/a/1")!.value).s, "y");
    });

    it("update and delete of a missing key fail with NotFound", () => {
      const st = make({});
      assert.throws(() => st.update("/a/1", 1, val("z")), NotFoundError);
      assert.throws(() => st.delete("/a/1"), NotFoundError);
    });

    it("a deleted key can be created again and old revisions still read the old value", () => {
      const st = make({});
      const a = st.create("/a/1", val("x"));
      st.delete("/a/1");
      assert.equal(st.get("/a/1"), undefined);
      st.create("/a/1", val("y"));
      assert.equal(JSON.parse(st.get("/a/1", a.modRevision)!.value).s, "x");
    });

    it("list is ordered by key, pages with a limit, and reads one consistent revision", () => {
      const st = make({});
      for (let i = 0; i < 10; i++) st.create(`/p/k${i}`, val(String(i)));
      st.create("/q/other", val("q"));
      const first = st.list("/p/", { limit: 4 });
      assert.deepEqual(
        first.items.map((i) => i.key),
        ["/p/k0", "/p/k1", "/p/k2", "/p/k3"],
      );
      assert.equal(first.remaining, 6);
      // Changes after the first page must not show in the next page read at its revision.
      st.delete("/p/k5");
      st.create("/p/k45", val("new"));
      const next = st.list("/p/", { revision: first.revision, startKey: "/p/k4", limit: 100 });
      assert.deepEqual(
        next.items.map((i) => i.key),
        ["/p/k4", "/p/k5", "/p/k6", "/p/k7", "/p/k8", "/p/k9"],
      );
      assert.equal(next.remaining, 0);
    });

    it("watch replays history after a revision, then delivers live events in order", () => {
      const st = make({});
      const a = st.create("/w/a", val("1"));
      st.update("/w/a", a.modRevision, val("2"));
      st.create("/x/b", val("other prefix"));
      const seen: StorageEvent[] = [];
      const w = st.watch("/w/", a.modRevision - 1, (e) => seen.push(e));
      st.delete("/w/a");
      w.stop();
      st.create("/w/c", val("after stop"));
      assert.deepEqual(
        seen.map((e) => e.type),
        ["ADDED", "MODIFIED", "DELETED"],
      );
      assert.equal(JSON.parse(seen[2].value).s, "2");
      assert.equal(JSON.parse(seen[1].prevValue!).s, "1");
    });

    it("watch or read below the compact revision fails with Compacted", () => {
      const st = make({ historySize: 4 });
      let rev = st.create("/c/a", val("0")).modRevision;
      for (let i = 1; i < 20; i++) rev = st.update("/c/a", rev, val(String(i))).modRevision;
      assert.ok(st.compactRevision() > 1);
      assert.throws(() => st.watch("/c/", 1, () => {}), CompactedError);
      assert.throws(() => st.list("/c/", { revision: 2 }), CompactedError);
      const seen: number[] = [];
      st.watch("/c/", st.compactRevision(), (e) => seen.push(e.revision)).stop();
      assert.equal(seen.at(-1), rev);
    });

    it("explicit compaction keeps the current state", () => {
      const st = make({});
      const a = st.create("/c/a", val("0"));
      st.create("/c/b", val("1"));
      st.delete("/c/b");
      st.update("/c/a", a.modRevision, val("2"));
      st.compact(st.currentRevision());
      assert.deepEqual(
        st.list("/c/").items.map((i) => JSON.parse(i.value).s),
        ["2"],
      );
    });

    it("a build that throws writes nothing and takes no revision", () => {
      const st = make({});
      const a = st.create("/b/a", val("x"));
      const boom = () => {
        throw new Error("build failed");
      };
      assert.throws(() => st.create("/b/new", boom), /build failed/);
      assert.throws(() => st.update("/b/a", a.modRevision, boom), /build failed/);
      assert.equal(st.currentRevision(), a.modRevision);
      assert.equal(st.get("/b/new"), undefined);
      assert.equal(st.create("/b/next", val("y")).modRevision, a.modRevision + 1);
    });

    it("list and watch of a prefix leave out keys that only share its first characters", () => {
      const st = make({});
      st.create("/ns/a/1", val("in"));
      st.create("/ns/ab/1", val("sibling"));
      st.create("/ns/a0", val("sibling"));
      const seen: string[] = [];
      st.watch("/ns/a/", 0, (e) => seen.push(e.key)).stop();
      assert.deepEqual(seen, ["/ns/a/1"]);
      assert.deepEqual(
        st.list("/ns/a/").items.map((i) => i.key),
        ["/ns/a/1"],
      );
      assert.equal(st.list("/ns/a/", { startKey: "/ns/a/2" }).items.length, 0);
    });

    it("read or watch at a future revision fails with FutureRevision", () => {
      const st = make({});
      st.create("/f/a", val("x"));
      assert.throws(() => st.get("/f/a", st.currentRevision() + 1), FutureRevisionError);
      assert.throws(() => st.watch("/f/", st.currentRevision() + 1, () => {}), FutureRevisionError);
    });

    it("a watcher whose handler throws is dropped and the write still succeeds", () => {
      const st = make({});
      let closed = 0;
      const good: number[] = [];
      st.watch(
        "/t/",
        0,
        () => {
          throw new Error("handler failed");
        },
        () => closed++,
      );
      st.watch("/t/", 0, (e) => good.push(e.revision));
      const a = st.create("/t/a", val("x"));
      const b = st.update("/t/a", a.modRevision, val("y"));
      assert.equal(closed, 1);
      assert.deepEqual(good, [a.modRevision, b.modRevision]);
    });

    it("a write is durable once waitDurable of its revision resolves, and never before the write", async () => {
      const st = make({});
      const a = st.create("/d/a", val("x"));
      const b = st.update("/d/a", a.modRevision, val("y"));
      assert.ok(st.durableRevision() <= st.currentRevision());
      await st.waitDurable(b.modRevision);
      assert.ok(st.durableRevision() >= b.modRevision);
      await st.waitDurable(a.modRevision); // already durable: resolves at once
      assert.equal(st.durableRevision(), st.currentRevision());
    });

    it("close ends every watcher", () => {
      const st = make({});
      let closed = 0;
      st.watch("/", 0, () => {}, () => closed++);
      st.watch("/a", 0, () => {}, () => closed++);
      st.close();
      assert.equal(closed, 2);
    });
  });
}
