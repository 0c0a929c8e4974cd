// The SQLite text index's name rows (search_fts) in name order. FTS5 gives a
// term's matches in rowid order, a few at a time (ORDER BY rowid LIMIT n). A
// page of a term's many matches sorted by name needs them in name order:
// without it, a page of 50 pods whose term matched 50,000 of 600,000 walked
// the name index past every pod before the first match (bench/search.ts,
// 1M objects: p99 65 ms; with it, 14-17 ms).
//
// So each kind's names are cut into buckets: ranges [lo, the next lo) of at
// most `max` live objects, numbered in name order with room between the
// numbers. An object's name row is (its bucket's number << 32) + its id. The
// first n matches in rowid order are thus the first in name order, bucket by
// bucket, and a page is those plus the rest of the last one's bucket, sorted
// exactly (orderedTextIds). A bucket over `max` splits at its median name;
// the half on the side with more room moves to a new number there. Where no
// number is left on either side, the buckets around are renumbered. A move
// rewrites the moved objects' name rows (labels have a table of their own,
// by id, so as not to move with them): a first sync writes about twice as
// many name rows as it would without the order.
//
// Written by hand: SQLite has no ordered text index, and this is the order-
// maintenance idea (labels with gaps, relabelled locally) over FTS5 rowids.
// Object ids must stay below 2^32 (SqlIndex.open rebuilds an index whose ids
// near it). node:sqlite binds every JS number as a REAL, and a REAL is exact
// to 2^53 only, so rowids are computed in SQL from integers (ROWID).
import type { SqlConn } from "./db.ts";
import { ftsKind } from "./sql.ts";

/** A text row's rowid from two parameters: the bucket's number and the object's id. */
export const ROWID = "((CAST(? AS INTEGER) << 32) + CAST(? AS INTEGER))";
export const MAX_ID = 2 ** 32;

const TOP = 2 ** 31;
const FIRST = 2 ** 30;
/**
 * A bucket split off past a kind's first or last one takes this share of the
 * room beyond it, not half: names often come in ascending order, and each
 * such split would halve the room left (a kind would run out after 30).
 */
const END_SHARE = 64;
/** A renumbering spreads its window out to at least this much room between numbers (12 more halvings). */
const MIN_GAP = 2 ** 12;

type Bucket = { lo: string; no: number; n: number; dirty: boolean; stuckAt?: number };
export type TextRow = { id: number; grp: string; resource: string; name: string; name_lc: string };
export type TextKey = { id: number; grp: string; resource: string; name: string };

/** Byte order of UTF-8 strings (SQLite's BINARY, Go's string order); JS's < compares UTF-16 units, which differs past U+D7FF. */
export function byteCompare(a: string, b: string): number {
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

export class TextOrder {
  private readonly kinds = new Map<string, Bucket[]>();
  private readonly touched = new Set<string>();
  /**
   * What this write changes in the text index, applied at settle(): rows to
   * write (new ones, and moved ones) in the buckets its splits leave them, and
   * (number, id) pairs of rows to delete. Deletes, then inserts, each in rowid
   * order: FTS5 writes out its in-memory segment whenever a rowid comes in
   * below the last one, and rows inserted out of order made a first sync
   * twice as slow.
   */
  private readonly pending = new Map<number, TextRow>();
  private deletes: [number, number][] = [];
  private readonly max: number;

  constructor(max = 1024) {
    this.max = max;
  }

  /** Forgets what it holds in memory, after a write transaction rolled back. */
  reset(): void {
    this.kinds.clear();
    this.touched.clear();
    this.pending.clear();
    this.deletes = [];
  }

  private async bucketsOf(c: SqlConn, grp: string, resource: string): Promise<Bucket[]> {
    const k = `${grp}\u0000${resource}`;
    let b = this.kinds.get(k);
    if (!b) {
      const rows = await c.all("SELECT lo, no, n FROM search_buckets WHERE grp = ? AND resource = ? ORDER BY lo", [grp, resource]);
      b = rows.map((r) => ({ lo: String(r.lo), no: Number(r.no), n: Number(r.n), dirty: false }));
      if (b.length === 0) b.push({ lo: "", no: FIRST, n: 0, dirty: true });
      this.kinds.set(k, b);
    }
    this.touched.add(k);
    return b;
  }

  /** The bucket a name belongs to: the last whose lo is not after it (the first one's lo is ""). */
  private static find(b: Bucket[], name: string): Bucket {
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (byteCompare(b[mid].lo, name) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return b[lo];
  }

  /**
   * Adds the text rows of these live objects, at settle(): a first sync's
   * objects thus go straight to the buckets its splits make, not to the
   * bucket they were about to split off from and then again.
   */
  async insert(c: SqlConn, rows: readonly TextRow[]): Promise<void> {
    for (const r of rows) {
      if (r.id >= MAX_ID) throw new Error(`search index: object id ${r.id} is past the text index's 32 bits`);
      const b = TextOrder.find(await this.bucketsOf(c, r.grp, r.resource), r.name);
      if (!this.pending.has(r.id)) b.n++;
      b.dirty = true;
      this.pending.set(r.id, r);
    }
  }

  /** Removes the text rows of these objects, which must have one (live objects), at settle(). */
  async remove(c: SqlConn, keys: readonly TextKey[]): Promise<void> {
    for (const k of keys) {
      const b = TextOrder.find(await this.bucketsOf(c, k.grp, k.resource), k.name);
      b.n--;
      b.dirty = true;
      if (!this.pending.delete(k.id)) this.deletes.push([b.no, k.id]);
    }
  }

  /** At the end of a write: splits the buckets it made too big, and saves the buckets it changed. */
  async settle(c: SqlConn): Promise<void> {
    for (const k of this.touched) {
      const b = this.kinds.get(k);
      if (!b) continue;
      const [grp, resource] = k.split("\u0000");
      for (let i = 0; i < b.length; i++) {
        // A bucket of one name cannot split; it is tried again once it has doubled.
        while (b[i].n > this.max && !(b[i].stuckAt && b[i].n < 2 * b[i].stuckAt!)) {
          if (!(await this.split(c, grp, resource, b, i))) break;
        }
      }
      const dirty = b.filter((x) => x.dirty);
      for (let i = 0; i < dirty.length; i += 500) {
        const chunk = dirty.slice(i, i + 500);
        await c.run(
          `INSERT INTO search_buckets (grp, resource, lo, no, n) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}
           ON CONFLICT (grp, resource, lo) DO UPDATE SET no = excluded.no, n = excluded.n`,
          chunk.flatMap((x) => [grp, resource, x.lo, x.no, x.n]),
        );
      }
      for (const x of dirty) x.dirty = false;
    }
    this.touched.clear();
    const byRowid = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    await deleteText(c, this.deletes.sort(byRowid).flat());
    this.deletes = [];
    const rows = [...this.pending.values()].map((r) => {
      const b = TextOrder.find(this.kinds.get(`${r.grp}\u0000${r.resource}`)!, r.name);
      return { key: [b.no, r.id] as [number, number], r };
    });
    rows.sort((a, b) => byRowid(a.key, b.key));
    this.pending.clear();
    await insertText(
      c,
      rows.flatMap(({ key, r }) => [...key, r.name_lc, ftsKind(r.grp, r.resource)]),
    );
  }

  /** The live objects of bucket i, by its name range. */
  private range(grp: string, resource: string, b: Bucket[], i: number): { sql: string; params: unknown[] } {
    const hi = b[i + 1]?.lo;
    return {
      sql: `grp = ? AND resource = ? AND deleted = 0 AND name >= ?${hi === undefined ? "" : " AND name < ?"}`,
      params: [grp, resource, b[i].lo, ...(hi === undefined ? [] : [hi])],
    };
  }

  /** Splits bucket i at its median name; false when all its objects share one name. */
  private async split(c: SqlConn, grp: string, resource: string, b: Bucket[], i: number): Promise<boolean> {
    const x = b[i];
    const r = this.range(grp, resource, b, i);
    const [mid] = await c.all(`SELECT name FROM search_objects WHERE ${r.sql} ORDER BY name LIMIT 1 OFFSET ?`, [...r.params, Math.floor(x.n / 2)]);
    let at: string | undefined = mid?.name;
    if (at === undefined || at === x.lo) {
      const [next] = await c.all(`SELECT MIN(name) AS name FROM search_objects WHERE ${r.sql} AND name > ?`, [...r.params, x.lo]);
      at = next?.name ?? undefined;
    }
    if (at === undefined) {
      x.stuckAt = x.n;
      return false;
    }
    // The half on the side with more room between numbers moves to a new number there (a kind's
    // first and last buckets split again and again as names arrive below or above all others).
    let below = x.no - (b[i - 1]?.no ?? 0);
    const above = (b[i + 1]?.no ?? TOP) - x.no;
    if (below < 2 && above < 2) {
      // It leaves room above bucket i.
      await this.renumber(c, grp, resource, b, i);
      below = 0;
    }
    if (below > above) {
      const no = x.no - Math.max(1, Math.floor(below / (i === 0 ? END_SHARE : 2)));
      const lower: Bucket = { lo: x.lo, no, n: 0, dirty: true };
      x.lo = at;
      b.splice(i, 0, lower);
      lower.n = await this.move(c, grp, resource, b, i, x.no, no);
      x.n -= lower.n;
    } else {
      const room = (b[i + 1]?.no ?? TOP) - x.no;
      const no = x.no + Math.max(1, Math.floor(room / (i + 1 === b.length ? END_SHARE : 2)));
      const upper: Bucket = { lo: at, no, n: 0, dirty: true };
      b.splice(i + 1, 0, upper);
      upper.n = await this.move(c, grp, resource, b, i + 1, x.no, no);
      x.n -= upper.n;
    }
    x.dirty = true;
    return true;
  }

  /** Spreads the numbers of a window of buckets around i (growing it until they have room), leaving a free number after i. */
  private async renumber(c: SqlConn, grp: string, resource: string, b: Bucket[], i: number): Promise<void> {
    for (let w = 1; ; w *= 2) {
      const a = Math.max(0, i - w);
      const z = Math.min(b.length - 1, i + w);
      const low = a === 0 ? 0 : b[a - 1].no;
      const high = z === b.length - 1 ? TOP : b[z + 1].no;
      // The window's buckets, and a free number after bucket i.
      const gap = Math.floor((high - low) / (z - a + 3));
      const whole = a === 0 && z === b.length - 1;
      if (gap < MIN_GAP && !whole) continue;
      if (gap < 2) throw new Error(`search index: no text bucket numbers left for ${resource}`);
      let k = 1;
      for (let j = a; j <= z; j++) {
        const no = low + gap * k++;
        if (j === i) k++;
        if (b[j].no !== no) await this.move(c, grp, resource, b, j, b[j].no, no);
      }
      return;
    }
  }

  /** Gives bucket j's objects (all of its range) text rows under number `to` instead of `from`, at settle(); answers how many. */
  private async move(c: SqlConn, grp: string, resource: string, b: Bucket[], j: number, from: number, to: number): Promise<number> {
    const r = this.range(grp, resource, b, j);
    const rows = await c.all(`SELECT id, name, name_lc FROM search_objects WHERE ${r.sql}`, r.params);
    for (const o of rows) {
      const id = Number(o.id);
      // A row this write inserts or moves already is written where it ends up.
      if (this.pending.has(id)) continue;
      this.deletes.push([from, id]);
      this.pending.set(id, { id, grp, resource, name: o.name, name_lc: o.name_lc });
    }
    b[j].no = to;
    b[j].dirty = true;
    return rows.length;
  }
}

/** Inserts text rows from (number, id, name, kind) parameter groups. */
async function insertText(c: SqlConn, params: unknown[]): Promise<void> {
  const per = 500 * 4;
  for (let i = 0; i < params.length; i += per) {
    const chunk = params.slice(i, i + per);
    const rows = new Array(chunk.length / 4).fill(`(${ROWID}, ?, ?)`).join(", ");
    await c.run(`INSERT INTO search_fts (rowid, name, kind) VALUES ${rows}`, chunk);
  }
}

/** Deletes text rows from (number, id) parameter pairs. */
async function deleteText(c: SqlConn, params: unknown[]): Promise<void> {
  const per = 500 * 2;
  for (let i = 0; i < params.length; i += per) {
    const chunk = params.slice(i, i + per);
    await c.run(`DELETE FROM search_fts WHERE rowid IN (${new Array(chunk.length / 2).fill(ROWID).join(", ")})`, chunk);
  }
}

/**
 * The ids of a page's candidates for a term's matches in name order (see the
 * top): the first `want` matches in rowid order (asc or desc) that meet
 * `where` (a condition on o, the objects), and the other matches of the last
 * one's bucket. Every match that sorts among the first `want` is in it.
 */
export async function orderedTextIds(c: SqlConn, match: string, where: { sql: string; params: unknown[] }, desc: boolean, want: number): Promise<number[]> {
  const from = `search_fts f JOIN search_objects o ON o.id = (f.rowid & ${MAX_ID - 1}) WHERE f.search_fts MATCH ?${where.sql ? ` AND ${where.sql}` : ""}`;
  const first = await c.all(`SELECT o.id, f.rowid >> 32 AS no FROM ${from} ORDER BY f.rowid ${desc ? "DESC" : "ASC"} LIMIT ?`, [match, ...where.params, want]);
  const ids = new Set(first.map((r) => Number(r.id)));
  if (first.length === want) {
    const no = Number(first.at(-1)!.no);
    const rest = await c.all(`SELECT o.id FROM ${from} AND f.rowid >= (CAST(? AS INTEGER) << 32) AND f.rowid < ((CAST(? AS INTEGER) + 1) << 32)`, [
      match,
      ...where.params,
      no,
      no,
    ]);
    for (const r of rest) ids.add(Number(r.id));
  }
  return [...ids];
}
