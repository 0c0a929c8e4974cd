// The write path of SqlIndex: rows in, in few statements per chunk, touching
// as few pages as it can, since a watch mostly reports status changes of
// objects already stored:
//   - rows whose resourceVersion is stored already are skipped;
//   - an update rewrites the object row's changing columns only (no indexed
//     column: the sort indexes stay as they are) and its JSON;
//   - labels, selectable fields and the text index are rewritten only when
//     their signature changed;
//   - every changed or deleted object appends (revision, id) to search_log,
//     an append-only change log that changes() reads (kine's design: the log
//     grows at its end, so a write touches its last page only).
import type { SqlConn } from "./db.ts";
import type { Row } from "./rows.ts";
import { type Dialect, ftsKind, marks, OBJECT_COLUMNS, rowsPerStatement } from "./sql.ts";
import type { TextOrder } from "./textOrder.ts";

export type Existing = { id: number; rv: string; deleted: number; sig: string };

type Counts = { add(r: { grp: string; resource: string; cluster: string; namespace: string }, n: number): void };

export const rowKey = (k: { cluster: string; grp: string; resource: string; namespace: string; name: string; version: string }) =>
  `${k.cluster}\u0000${k.grp}\u0000${k.resource}\u0000${k.namespace}\u0000${k.name}\u0000${k.version}`;

const values = (rows: number, width: number) => new Array(rows).fill(marks(width)).join(", ");

/** Stored rows (live or tombstones) of these keys. */
async function existingOf(c: SqlConn, rows: readonly Row[]): Promise<Map<string, Existing>> {
  const found = await c.all(
    `SELECT id, cluster, grp, resource, namespace, name, version, rv, deleted, sig FROM search_objects
     WHERE (grp, resource, cluster, namespace, name, version) IN (VALUES ${values(rows.length, 6)})`,
    rows.flatMap((r) => [r.grp, r.resource, r.cluster, r.namespace, r.name, r.version]),
  );
  return new Map(found.map((e) => [rowKey(e as never), { id: Number(e.id), rv: e.rv, deleted: Number(e.deleted), sig: e.sig }]));
}

const UPSERT_COLUMNS = [...OBJECT_COLUMNS, "revision", "created_revision", "deleted"];
// Columns an update may change; no sort index holds any of them.
const UPDATED = ["name_lc", "rv", "status", "s1", "s2", "n1", "n2", "n3", "labels_lc", "sig", "revision"];

function upsertSql(n: number): string {
  return `INSERT INTO search_objects AS o (${UPSERT_COLUMNS.join(", ")}) VALUES ${values(n, UPSERT_COLUMNS.length)}
    ON CONFLICT (grp, resource, cluster, namespace, name, version) DO UPDATE SET ${UPDATED.map((c) => `${c} = excluded.${c}`).join(", ")}
    RETURNING id, cluster, grp, version, resource, namespace, name`;
}

async function insertRows(c: SqlConn, d: Dialect, into: string, width: number, rows: unknown[][]): Promise<void> {
  const per = rowsPerStatement(d, width, 1000);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await c.run(`INSERT INTO ${into} VALUES ${values(chunk.length, width)}`, chunk.flat());
  }
}

/**
 * Writes rows at `revision`. `known` holds the stored rows of (at least) these
 * keys when the caller has read them already (a relist); else they are read here.
 */
export async function writeRows(
  c: SqlConn,
  d: Dialect,
  rows: readonly Row[],
  revision: number,
  counts: Counts,
  text: TextOrder | undefined,
  known?: Map<string, Existing>,
): Promise<void> {
  const per = rowsPerStatement(d, UPSERT_COLUMNS.length, 200);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const existing = known ?? (await existingOf(c, chunk));
    const todo = chunk.filter((r) => {
      const e = existing.get(rowKey(r));
      return !e || e.deleted === 1 || e.rv !== r.rv;
    });
    if (todo.length === 0) continue;
    const params: unknown[] = [];
    for (const r of todo) {
      for (const col of OBJECT_COLUMNS) params.push(r[col as keyof Row]);
      params.push(revision, revision, 0);
    }
    const written = await c.all(upsertSql(todo.length), params);
    const byKey = new Map(todo.map((r) => [rowKey(r), r]));
    const revived: number[] = [];
    const relabel: Relabel[] = [];
    const bodies: unknown[] = [];
    for (const x of written) {
      const key = rowKey(x as never);
      const r = byKey.get(key)!;
      const e = existing.get(key);
      const id = Number(x.id);
      if (!e || e.deleted === 1) counts.add(r, 1);
      if (e?.deleted === 1) revived.push(id);
      // A revived tombstone is out of the text index: put it back.
      if (!e || e.deleted === 1 || e.sig !== r.sig) relabel.push({ id, r, fresh: !e, inText: e?.deleted === 0 });
      bodies.push(id, r.object);
    }
    if (revived.length) {
      await c.run(`UPDATE search_objects SET deleted = 0, created_revision = ? WHERE id IN ${marks(revived.length)}`, [revision, ...revived]);
    }
    await c.run(`INSERT INTO search_bodies AS b (id, object) VALUES ${values(bodies.length / 2, 2)} ON CONFLICT (id) DO UPDATE SET object = excluded.object`, bodies);
    await insertRows(c, d, "search_log (revision, oid)", 2, written.map((x) => [revision, Number(x.id)]));
    await relabelRows(c, d, relabel, text);
  }
}

/** A written row whose labels, fields and text changed: new (fresh), or live already, its text rows there (inText). */
type Relabel = { id: number; r: Row; fresh: boolean; inText: boolean };

/** Labels, selectable fields and the text index of rows whose signature changed. */
async function relabelRows(c: SqlConn, d: Dialect, rows: Relabel[], text: TextOrder | undefined): Promise<void> {
  if (rows.length === 0) return;
  const old = rows.filter((x) => !x.fresh).map((x) => x.id);
  if (old.length) {
    await c.run(`DELETE FROM search_labels WHERE oid IN ${marks(old.length)}`, old);
    await c.run(`DELETE FROM search_fields WHERE oid IN ${marks(old.length)}`, old);
  }
  // A live object's name is its key's: its name's text row stays; new and revived objects get one.
  const inText = rows.filter((x) => x.inText);
  if (d.fts && inText.length) await c.run(`DELETE FROM search_fts_labels WHERE rowid IN ${marks(inText.length)}`, inText.map((x) => x.id));
  await insertRows(c, d, "search_labels (oid, key, value)", 3, rows.flatMap(({ id, r }) => r.labels.map(([k, v]) => [id, k, v])));
  await insertRows(c, d, "search_fields (oid, field, value)", 3, rows.flatMap(({ id, r }) => r.fields.map(([f, v]) => [id, f, v])));
  await text?.insert(
    c,
    rows.filter((x) => !x.inText).map(({ id, r }) => ({ id, grp: r.grp, resource: r.resource, name: r.name, name_lc: r.name_lc })),
  );
  if (d.fts) {
    // In rowid order: FTS5 writes out its in-memory segment whenever a rowid comes in below the last one.
    const byId = [...rows].sort((a, b) => a.id - b.id);
    await insertRows(c, d, "search_fts_labels (rowid, labels, kind)", 3, byId.map(({ id, r }) => [id, r.labels_lc, ftsKind(r.grp, r.resource)]));
  }
}

/** Tombstones these object ids at `revision` (those still live), logging each. */
export async function tombstone(c: SqlConn, d: Dialect, ids: readonly number[], revision: number, counts: Counts, text: TextOrder | undefined): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const gone = await c.all(
      `UPDATE search_objects SET deleted = 1, revision = ? WHERE id IN ${marks(chunk.length)} AND deleted = 0 RETURNING id, grp, resource, cluster, namespace, name`,
      [revision, ...chunk],
    );
    for (const g of gone) counts.add(g as never, -1);
    await text?.remove(
      c,
      gone.map((g) => ({ id: Number(g.id), grp: g.grp, resource: g.resource, name: g.name })),
    );
    if (d.fts && gone.length) await c.run(`DELETE FROM search_fts_labels WHERE rowid IN ${marks(gone.length)}`, gone.map((g) => Number(g.id)));
    await insertRows(c, d, "search_log (revision, oid)", 2, gone.map((g) => [revision, Number(g.id)]));
  }
}
