// The SearchIndex over SQL, for SQLite and PostgreSQL alike (the contract is
// in index.ts; the statements in sql.ts and where.ts). Writes go through one
// queue per index object; each is one transaction that first bumps the
// revision in search_meta, so on PostgreSQL writers of several processes are
// ordered too and revisions follow commit order.
import type { SqlConn, SqlDb, SqlRow } from "./db.ts";
import type { Freshness } from "./freshness.ts";
import {
  type Change,
  type ChangesResult,
  CompactedError,
  type FreshnessRow,
  type GVR,
  type IndexedItem,
  type KindRef,
  type KObject,
  type ObjectKey,
  type Query,
  QueryError,
  type QueryResult,
  type SearchIndex,
} from "./index.ts";
import { columnOf, type KindSpec, kindSpec } from "./kinds.ts";
import { Deltas } from "./counts.ts";
import { Mutex } from "./mutex.ts";
import { type Row, toRow } from "./rows.ts";
import { DROP_ALL, ITEM_COLUMNS, ITEM_FROM, marks, SCHEMA_VERSION, schema } from "./sql.ts";
import { MAX_ID, orderedTextIds, TextOrder } from "./textOrder.ts";
import { type Existing, rowKey, tombstone, writeRows } from "./writeRows.ts";
import { afterClause, filterClauseOf, nameMatch, orderBy, paging, parseObject, scopeClause, textCount, usesTextIndex } from "./where.ts";



export type SqlIndexOptions = {
  /** Kinds beyond kinds.ts (custom resources), for their columns. */
  extraKinds?: readonly KindSpec[];
  /** Up to this many fuzzySearch matches, a page is gathered through the trigram index and sorted (default 5000). */
  textDrivenMax?: number;
  /** Up to this many objects in a query's scope, fuzzySearch checks them row by row instead of using the trigram index (default 10,000). */
  scanMax?: number;
  /** SQLite: live objects per name-order bucket of the text index (textOrder.ts; default 1024). */
  textBucketMax?: number;
};

const keyOf = rowKey;

/** A query of a kind everywhere by a term alone: the text index (live objects only) counts it by itself. */
const onlyTerm = (q: Query) => !q.scope && !q.clusters && !q.namespaces && !q.labelSelector && !q.fieldSelector && !q.filters;
/** A page gathered in name order from the text index reaches at most this deep (offset + limit)... */
const ORDERED_DEPTH = 10_000;
/** ...and sorts at most this many candidates (a bucket of one name may hold more than textBucketMax). */
const ORDERED_IDS = 20_000;

type Clause = { sql: string; params: unknown[] };
type PageOf = { viaText: boolean; total: number; counting: Clause; order: string; after: Clause; limit: number; offset: number };

/** A page whose WHERE and ORDER BY read only columns of the name-order index: a name term over a scope, sorted by name. */
const keysOnly = (q: Query) => !!q.fuzzySearch && !q.fuzzyLabels && !q.labelSelector && !q.fieldSelector && !q.filters && (q.sortBy ?? "name") === "name";

function toItem(r: Record<string, any>): IndexedItem {
  return {
    cluster: r.cluster,
    group: r.grp,
    version: r.version,
    resource: r.resource,
    namespace: r.namespace,
    name: r.name,
    resourceVersion: r.rv,
    revision: Number(r.revision),
    object: parseObject(r.object),
  };
}

export class SqlIndex implements SearchIndex {
  private readonly db: SqlDb;
  private readonly extra: readonly KindSpec[];
  private readonly textDrivenMax: number;
  private readonly scanMax: number;
  /** SQLite: the text index's rowids in name order. */
  private readonly text: TextOrder | undefined;
  private readonly writes = new Mutex();
  private readonly listeners = new Set<(revision: number) => void>();

  private constructor(db: SqlDb, opts: SqlIndexOptions) {
    this.db = db;
    this.extra = opts.extraKinds ?? [];
    this.textDrivenMax = opts.textDrivenMax ?? 5000;
    this.text = db.dialect.fts ? new TextOrder(opts.textBucketMax) : undefined;
    this.scanMax = opts.scanMax ?? 10_000;
  }

  static async open(db: SqlDb, opts: SqlIndexOptions = {}): Promise<SqlIndex> {
    await db.migrate(["CREATE TABLE IF NOT EXISTS search_version (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)"]);
    const [v] = await db.read((c) => c.all("SELECT v FROM search_version WHERE id = 1"));
    // The text index holds 32 bits of an object's id (textOrder.ts): an index whose ids near them starts again.
    const [top] = Number(v?.v) === SCHEMA_VERSION && db.dialect.fts ? await db.read((c) => c.all("SELECT MAX(id) AS m FROM search_objects")) : [];
    if (Number(v?.v) !== SCHEMA_VERSION || Number(top?.m ?? 0) >= MAX_ID / 2) await db.migrate(DROP_ALL);
    await db.migrate([
      ...schema(db.dialect),
      `INSERT INTO search_version (id, v) VALUES (1, ${SCHEMA_VERSION}) ON CONFLICT (id) DO UPDATE SET v = excluded.v`,
    ]);
    const index = new SqlIndex(db, opts);
    await db.listen?.((rev) => index.emit(rev));
    return index;
  }

  private emit(revision: number): void {
    for (const fn of this.listeners) fn(revision);
  }

  /** One write transaction: bump the revision, run fn with it, notify. */
  private write(fn: (c: SqlConn, revision: number, counts: Deltas) => Promise<void>): Promise<number> {
    return this.writes.run(async () => {
      const revision = await this.db.write(async (c) => {
        const [row] = await c.all("UPDATE search_meta SET revision = revision + 1 WHERE id = 1 RETURNING revision");
        const rev = Number(row.revision);
        const counts = new Deltas();
        try {
          await fn(c, rev, counts);
          await this.text?.settle(c);
        } catch (e) {
          // The transaction rolls back: what the text order holds in memory may be ahead of it.
          this.text?.reset();
          throw e;
        }
        await counts.flush(c);
        if (this.db.dialect.notify) await c.all(this.db.dialect.notify, [rev]);
        return rev;
      });
      if (!this.db.listen) this.emit(revision);
      return revision;
    });
  }

  apply(changes: readonly Change[]): Promise<number> {
    // The last change of each key wins.
    const last = new Map<string, Change>();
    for (const ch of changes) {
      const k = ch.type === "upsert" ? { ...ch, grp: ch.group, namespace: ch.object.metadata?.namespace ?? "", name: ch.object.metadata?.name ?? "" } : { ...ch, grp: ch.group };
      last.set(keyOf(k), ch);
    }
    const rows: Row[] = [];
    const deletes: ObjectKey[] = [];
    for (const ch of last.values()) {
      if (ch.type === "upsert") rows.push(toRow(ch.cluster, ch, ch.object, this.extra));
      else deletes.push(ch);
    }
    const d = this.db.dialect;
    return this.write(async (c, revision, counts) => {
      await writeRows(c, d, rows, revision, counts, this.text);
      const ids: number[] = [];
      for (const k of deletes) {
        const [row] = await c.all(
          "SELECT id FROM search_objects WHERE grp = ? AND resource = ? AND cluster = ? AND namespace = ? AND name = ? AND version = ?",
          [k.group, k.resource, k.cluster, k.namespace, k.name, k.version],
        );
        if (row) ids.push(Number(row.id));
      }
      await tombstone(c, d, ids, revision, counts, this.text);
    });
  }

  replace(cluster: string, gvr: GVR, objects: readonly KObject[]): Promise<number> {
    const rows = objects.map((o) => toRow(cluster, gvr, o, this.extra));
    const d = this.db.dialect;
    return this.write(async (c, revision, counts) => {
      // Every stored row of the kind in the cluster, tombstones too (a relisted object may revive one).
      const stored = await c.all(
        "SELECT id, cluster, grp, resource, namespace, name, version, rv, deleted, sig FROM search_objects WHERE grp = ? AND resource = ? AND cluster = ?",
        [gvr.group, gvr.resource, cluster],
      );
      const known = new Map<string, Existing>();
      const live = new Map<string, number>();
      for (const e of stored) {
        const k = keyOf(e as never);
        known.set(k, { id: Number(e.id), rv: e.rv, deleted: Number(e.deleted), sig: e.sig });
        if (Number(e.deleted) === 0) live.set(k, Number(e.id));
      }
      for (const r of rows) live.delete(keyOf(r));
      await writeRows(c, d, rows, revision, counts, this.text, known);
      await tombstone(c, d, [...live.values()], revision, counts, this.text);
    });
  }

  removeCluster(cluster: string): Promise<number> {
    return this.write(async (c, revision) => {
      const live = await c.all("SELECT id FROM search_objects WHERE cluster = ? AND deleted = 0", [cluster]);
      // The cluster's counts go whole (below), so its tombstones count nothing.
      const none = { add() {} };
      await tombstone(
        c,
        this.db.dialect,
        live.map((r) => Number(r.id)),
        revision,
        none,
        this.text,
      );
      await c.run("DELETE FROM search_freshness WHERE cluster = ?", [cluster]);
      await c.run("DELETE FROM search_counts WHERE cluster = ?", [cluster]);
    });
  }

  async get(k: ObjectKey): Promise<IndexedItem | undefined> {
    const rows = await this.db.read((c) =>
      c.all(
        `SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM}
         WHERE o.grp = ? AND o.resource = ? AND o.cluster = ? AND o.namespace = ? AND o.name = ? AND o.version = ? AND o.deleted = 0`,
        [k.group, k.resource, k.cluster, k.namespace, k.name, k.version],
      ),
    );
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  /** WHERE and parameters of a query, its fuzzySearch through the trigram index or not. */
  private where(q: Query, viaText: boolean): { sql: string; params: unknown[]; filtered: boolean; scope: { sql: string; params: unknown[] } } {
    const d = this.db.dialect;
    const filter = filterClauseOf(q, d, this.extra, viaText);
    // On SQLite the FTS match drives the query only if the kind's indexes are kept out of it.
    const scope = scopeClause(q, filter.byText && d.fts);
    return {
      sql: filter.sql ? `${scope.sql} AND ${filter.sql}` : scope.sql,
      params: [...scope.params, ...filter.params],
      filtered: !!filter.sql,
      scope,
    };
  }

  async query(q: Query): Promise<QueryResult> {
    const order = orderBy(q, this.extra);
    const after = afterClause(q, this.extra);
    const { limit, offset } = paging(q);
    const namespaces = q.group === "" && q.resource === "namespaces";
    return await this.db.read(async (c) => {
      const [meta] = await c.all("SELECT revision FROM search_meta WHERE id = 1");
      // The objects in the query's scope, from the kept counts (a Namespace's scope is on its name: not kept).
      const inScope = async () => {
        const sc = scopeClause(q);
        const [n] = await c.all(`SELECT COALESCE(SUM(o.n), 0) AS n FROM search_counts o WHERE ${sc.sql.replace(" AND o.deleted = 0", "")}`, sc.params);
        return Number(n.n);
      };
      // A term over a small scope is checked row by row; over a large one, through the trigram index.
      const text = usesTextIndex(q) && (namespaces || (await inScope()) > this.scanMax);
      const counting = this.where(q, text);
      const term = text && onlyTerm(q) ? textCount(q, this.db.dialect) : undefined;
      // The count also decides how a term's page is gathered (below), so skipTotal skips it only without one.
      const [count] =
        q.skipTotal && !text
          ? [{ n: -1 }]
          : !counting.filtered && !namespaces
            ? [{ n: await inScope() }]
            : term
              ? await c.all(term.sql, term.params)
              : await c.all(`SELECT COUNT(*) AS n FROM search_objects o WHERE ${counting.sql}`, counting.params);
      const total = q.skipTotal ? -1 : Number(count.n);
      const rows = await this.pageRows(c, q, { viaText: text, total, counting, order, after, limit, offset });
      return { items: rows.map(toItem), total, revision: Number(meta.revision) };
    });
  }

  /**
   * The rows of q's page. A term's few matches (up to textDrivenMax) are
   * gathered through the text index and sorted. Many, sorted by name on
   * SQLite, come from the text index in name order (textOrder.ts). Otherwise
   * the sort order is walked, matching row by row; on PostgreSQL keys first,
   * where the name index holds everything the walk reads.
   */
  private async pageRows(c: SqlConn, q: Query, p: PageOf): Promise<SqlRow[]> {
    const { limit, offset, order } = p;
    const many = p.viaText && p.total > this.textDrivenMax;
    if (many && this.text && (q.sortBy ?? "name") === "name" && !q.fuzzyLabels && !q.after && offset + limit <= ORDERED_DEPTH) {
      const others = filterClauseOf({ ...q, fuzzySearch: undefined }, this.db.dialect, this.extra);
      // Unindexed scope: the text index drives the query, in its rowid order.
      const sc = scopeClause(q, true);
      const where = { sql: others.sql ? `${sc.sql} AND ${others.sql}` : sc.sql, params: [...sc.params, ...others.params] };
      const ids = await orderedTextIds(c, nameMatch(q), where, q.sortDir === "desc", offset + limit);
      if (ids.length === 0) return [];
      if (ids.length <= ORDERED_IDS) {
        return await c.all(`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE o.id IN ${marks(ids.length)} ORDER BY ${order} LIMIT ? OFFSET ?`, [...ids, limit, offset]);
      }
    }
    const page = many ? this.where(q, false) : p.counting;
    const where = p.after.sql ? `${page.sql} AND ${p.after.sql}` : page.sql;
    const params = [...page.params, ...p.after.params, limit, offset];
    const walk = page !== p.counting || !p.viaText;
    if (walk && this.db.dialect.keysFirst && keysOnly(q)) {
      return await c.all(
        `SELECT ${ITEM_COLUMNS} FROM (SELECT o.cluster, o.namespace, o.name, o.version FROM search_objects o WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?) k
         JOIN ${ITEM_FROM} ON o.grp = ? AND o.resource = ? AND o.cluster = k.cluster AND o.namespace = k.namespace AND o.name = k.name AND o.version = k.version
         ORDER BY ${order}`,
        [...params, q.group, q.resource],
      );
    }
    return await c.all(`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, params);
  }

  async countBy(q: Query, filter: string): Promise<Map<string, number>> {
    const col = columnOf(kindSpec(q, this.extra), filter);
    if (!col || col === "created") throw new QueryError(`unknown filter "${filter}" for ${q.resource}`);
    const { sql, params } = this.where({ ...q, fuzzySearch: undefined }, false);
    const rows = await this.db.read((c) => c.all(`SELECT o.${col} AS v, COUNT(*) AS n FROM search_objects o WHERE ${sql} GROUP BY o.${col}`, params));
    return new Map(rows.map((r) => [String(r.v), Number(r.n)]));
  }

  async sum(q: Query, columns: readonly string[]): Promise<number[]> {
    const spec = kindSpec(q, this.extra);
    const cols = columns.map((name) => {
      const col = columnOf(spec, name);
      if (!col || !/^n\d$/.test(col)) throw new QueryError(`"${name}" of ${q.resource} is not a number to add up`);
      return col;
    });
    const { sql, params } = this.where({ ...q, fuzzySearch: undefined }, false);
    const [row] = await this.db.read((c) => c.all(`SELECT ${cols.map((col, i) => `COALESCE(SUM(o.${col}), 0) AS s${i}`).join(", ")} FROM search_objects o WHERE ${sql}`, params));
    return cols.map((_, i) => Number(row[`s${i}`]));
  }

  async changes(q: Query, since: number, limit = 1000): Promise<ChangesResult> {
    const scope = scopeClause({ ...q });
    // Log entries after `since` that are their object's latest change.
    const base = scope.sql.replace("o.deleted = 0", "l.revision > ? AND o.revision = l.revision");
    const from = "search_log l JOIN search_objects o ON o.id = l.oid";
    const params = [...scope.params.slice(0, 2), since, ...scope.params.slice(2)];
    const filter = filterClauseOf(q, this.db.dialect, this.extra);
    const matches = filter.sql ? `CASE WHEN ${filter.sql} THEN 1 ELSE 0 END` : "1";
    return await this.db.read(async (c) => {
      const [meta] = await c.all("SELECT revision, compact_revision FROM search_meta WHERE id = 1");
      if (since < Number(meta.compact_revision)) throw new CompactedError(since, Number(meta.compact_revision));
      // Stop before the revision of the (limit+1)th change, so no revision is cut in two (unless one alone is over the limit).
      const [cut] = await c.all(`SELECT l.revision FROM ${from} WHERE ${base} ORDER BY l.revision LIMIT 1 OFFSET ?`, [...params, limit]);
      let upto = Number(meta.revision);
      if (cut) upto = Number(cut.revision) - 1 > since ? Number(cut.revision) - 1 : Number(cut.revision);
      const rows = await c.all(
        `SELECT ${ITEM_COLUMNS}, o.deleted, o.created_revision, ${matches} AS matches FROM ${from} JOIN search_bodies b ON b.id = o.id
         WHERE ${base} AND l.revision <= ? ORDER BY l.revision, o.id`,
        [...filter.params, ...params, upto],
      );
      const events = rows.map((r) => ({
        type: r.deleted ? "DELETED" : Number(r.created_revision) > since ? "ADDED" : "MODIFIED",
        matches: Number(r.matches) === 1,
        item: toItem(r),
      })) as ChangesResult["events"];
      return { events, revision: upto };
    });
  }

  async revision(): Promise<number> {
    const [meta] = await this.db.read((c) => c.all("SELECT revision FROM search_meta WHERE id = 1"));
    return Number(meta.revision);
  }

  async compactRevision(): Promise<number> {
    const [meta] = await this.db.read((c) => c.all("SELECT compact_revision FROM search_meta WHERE id = 1"));
    return Number(meta.compact_revision);
  }

  compact(revision: number): Promise<void> {
    return this.writes.run(() =>
      this.db.write(async (c) => {
        const [meta] = await c.all("SELECT revision, compact_revision FROM search_meta WHERE id = 1");
        const upto = Math.min(revision, Number(meta.revision));
        if (upto <= Number(meta.compact_revision)) return;
        const dead = "SELECT id FROM search_objects WHERE deleted = 1 AND revision <= ?";
        await c.run(`DELETE FROM search_labels WHERE oid IN (${dead})`, [upto]);
        await c.run(`DELETE FROM search_fields WHERE oid IN (${dead})`, [upto]);
        await c.run(`DELETE FROM search_bodies WHERE id IN (${dead})`, [upto]);
        await c.run("DELETE FROM search_log WHERE revision <= ?", [upto]);
        await c.run("DELETE FROM search_objects WHERE deleted = 1 AND revision <= ?", [upto]);
        await c.run("UPDATE search_meta SET compact_revision = ? WHERE id = 1", [upto]);
      }),
    );
  }

  subscribe(fn: (revision: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  setFreshness(cluster: string, kind: KindRef, f: Freshness): Promise<void> {
    return this.writes.run(() =>
      this.db.write(async (c) => {
        await c.run(
          `INSERT INTO search_freshness (cluster, grp, resource, state, since) VALUES ${marks(5)}
           ON CONFLICT (cluster, grp, resource) DO UPDATE SET state = excluded.state, since = excluded.since`,
          [cluster, kind.group, kind.resource, f.state, f.state === "stale" ? f.since : ""],
        );
      }),
    );
  }

  async freshness(kind?: KindRef, clusters?: readonly string[]): Promise<FreshnessRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (kind) {
      where.push("grp = ? AND resource = ?");
      params.push(kind.group, kind.resource);
    }
    if (clusters) {
      where.push(clusters.length ? `cluster IN ${marks(clusters.length)}` : "1 = 0");
      params.push(...clusters);
    }
    const rows = await this.db.read((c) =>
      c.all(`SELECT * FROM search_freshness${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY cluster, grp, resource`, params),
    );
    return rows.map((r) => ({
      cluster: r.cluster,
      group: r.grp,
      resource: r.resource,
      ...(r.state === "stale" ? { state: "stale" as const, since: r.since } : { state: "synced" as const }),
    }));
  }

  close(): Promise<void> {
    return this.writes.run(() => this.db.close());
  }
}
