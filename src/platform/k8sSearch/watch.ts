// A Kubernetes watch over the search index (/k8s/search/…?watch=true): lines
// of {"type","object"}, as kube-apiserver streams them, from index.changes()
// after a revision and followed as the index announces writes (subscribe).
//
// Start. With resourceVersion unset or "0", the objects that match now come
// first as ADDED (kube's "get state and start at most recent"); otherwise the
// changes after that revision (a list's metadata.resourceVersion). A revision
// the index has compacted is an ERROR event, 410 Expired "too old resource
// version", as kube-apiserver's watch cache answers, and the stream ends.
//
// Objects. Each event's object is the object as listed (kpanda.io/cluster
// annotation), but its metadata.resourceVersion is the index revision of the
// change, so a client resuming from the last event's version resumes here; or
// a one-row Table (column definitions on the first event only) when the
// client asked for Tables (kubectl get -w).
//
// Filters. The index keeps each object's last state, not its steps, so the
// event type comes from that state and what the client has been shown, as a
// filtered Kubernetes watch decides from old and new: an object that stops
// matching is DELETED, one that matches again ADDED. Started at "0", the
// client's objects are known exactly; resumed from a revision, an object not
// mentioned yet may be on the client's list, so its first non-matching change
// is a DELETED (at most one needless DELETED per object).
//
// Flow. One read at a time; a slow client stops the reads (the socket's
// drain); the stream ends after timeoutSeconds (default 1800, kube's
// --min-request-timeout), or when the index compacts past its cursor.
import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { ApiError, badRequest } from "../../apiserver/registry/errors.ts";
import { type ChangeEvent, type ChangesResult, CompactedError, type IndexedItem, type SearchIndex } from "../search/index.ts";
import { baseQuery, collect, type ReadRequest, served } from "./listing.ts";
import { type Rendering, table } from "./render.ts";

const BATCH = 500;
const DEFAULT_TIMEOUT_SECONDS = 1800;

type EventType = "ADDED" | "MODIFIED" | "DELETED";

const keyOf = (i: IndexedItem) => `${i.cluster}\u0000${i.namespace}\u0000${i.name}\u0000${i.version}`;

/** Starts the watch on `res` (a 400 Status is thrown before anything is written). */
export async function serveWatch(index: SearchIndex, r: ReadRequest, rendering: Rendering, res: ServerResponse, log: Logger): Promise<void> {
  const q = baseQuery(r);
  const rv = r.query.get("resourceVersion") ?? "";
  const timeout = Number(r.query.get("timeoutSeconds") ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isInteger(timeout) || timeout < 0) throw badRequest(`timeoutSeconds: invalid value "${r.query.get("timeoutSeconds")}"`);
  const fromNow = rv === "" || rv === "0";
  if (!fromNow && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: invalid value "${rv}": a revision of kpanda's search index`);
  const w = new Watch(index, r, rendering, res, log);
  // Subscribed before the first read, so no write between the two goes unannounced.
  w.subscribe();
  let initial: IndexedItem[] = [];
  let first: ChangesResult | undefined;
  let expired: CompactedError | undefined;
  try {
    let since = Number(rv);
    if (fromNow) ({ items: initial, revision: since } = await collect(index, q, undefined, 0));
    first = await index.changes(q, since, BATCH);
  } catch (e) {
    if (!(e instanceof CompactedError)) {
      w.close();
      throw e;
    }
    expired = e;
  }
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache, private" });
  res.flushHeaders();
  if (expired) {
    const gone = new ApiError(410, "Expired", `too old resource version: ${rv} (${expired.compactRevision})`);
    w.close();
    res.end(`${JSON.stringify({ type: "ERROR", object: gone.toStatus() })}\n`);
    return;
  }
  w.start(initial, first!, fromNow, timeout);
}

class Watch {
  private readonly index: SearchIndex;
  private readonly r: ReadRequest;
  private readonly rendering: Rendering;
  private readonly res: ServerResponse;
  private readonly log: Logger;
  private readonly shown = new Set<string>();
  private readonly absent = new Set<string>();
  /** Whether the client's objects are known exactly (started at "0"): then unknown ones are absent. */
  private exact = false;
  private headersSent = false;
  private cursor = 0;
  private latest = 0;
  private busy = false;
  private started = false;
  private closed = false;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(index: SearchIndex, r: ReadRequest, rendering: Rendering, res: ServerResponse, log: Logger) {
    this.index = index;
    this.r = r;
    this.rendering = rendering;
    this.res = res;
    this.log = log;
  }

  subscribe(): void {
    this.unsubscribe = this.index.subscribe((rev) => {
      if (rev > this.latest) this.latest = rev;
      if (this.started) void this.run();
    });
  }

  start(initial: IndexedItem[], first: ChangesResult, exact: boolean, timeoutSeconds: number): void {
    this.started = true;
    this.exact = exact;
    this.res.once("close", () => this.close());
    // The client may have gone while the start was read.
    if (!this.res.socket || this.res.socket.destroyed) {
      this.close();
      return;
    }
    if (timeoutSeconds > 0) this.timer = setTimeout(() => this.close(), timeoutSeconds * 1000);
    this.timer?.unref();
    for (const i of initial) this.shown.add(keyOf(i));
    void this.write(initial.map((item) => ({ type: "ADDED" as const, item }))).then(() => this.run(first));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    if (this.started && !this.res.destroyed) this.res.end();
  }

  private async run(first?: ChangesResult): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      let batch = first;
      while (!this.closed) {
        if (!batch) {
          if (this.latest <= this.cursor) break;
          batch = await this.index.changes(baseQuery(this.r), this.cursor, BATCH);
        }
        await this.write(this.visible(batch.events));
        this.cursor = Math.max(this.cursor, batch.revision);
        batch = undefined;
      }
    } catch (err) {
      // Compacted past the cursor (a slow client), or the index failed: the client watches again.
      if (!(err instanceof CompactedError)) this.log.error({ err }, "k8s search watch failed");
      this.close();
    } finally {
      this.busy = false;
    }
    if (!this.closed && this.latest > this.cursor) void this.run();
  }

  /** The events the client should see, typed from each object's last state and what the client was shown. */
  private visible(events: ChangeEvent[]): { type: EventType; item: IndexedItem }[] {
    const out: { type: EventType; item: IndexedItem }[] = [];
    for (const ev of events) {
      const key = keyOf(ev.item);
      // An object created after the start (ADDED) cannot be on the client's list.
      const has = this.shown.has(key) || (!this.exact && !this.absent.has(key) && ev.type !== "ADDED");
      if (ev.type !== "DELETED" && ev.matches) {
        out.push({ type: has ? "MODIFIED" : "ADDED", item: ev.item });
        this.shown.add(key);
        this.absent.delete(key);
        continue;
      }
      if (has) out.push({ type: "DELETED", item: ev.item });
      this.shown.delete(key);
      this.absent.add(key);
    }
    return out;
  }

  private object(item: IndexedItem): unknown {
    const o = served(this.r.kind, item);
    o.metadata = { ...o.metadata, resourceVersion: String(item.revision) };
    if (this.rendering.as !== "Table") return o;
    const t = table(this.r.kind, [o], this.rendering, this.r.query, { resourceVersion: String(item.revision), noHeaders: this.headersSent });
    this.headersSent = true;
    return t;
  }

  private async write(events: { type: EventType; item: IndexedItem }[]): Promise<void> {
    if (!events.length || this.closed) return;
    const text = events.map((e) => `${JSON.stringify({ type: e.type, object: this.object(e.item) })}\n`).join("");
    if (this.res.write(text)) return;
    // Back-pressure: no more reads until the client has taken this.
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }
}
