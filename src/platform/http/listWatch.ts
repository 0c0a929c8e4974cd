// A cached list followed live (the list contract's watch=true&revision=N):
// text/event-stream of `event: ADDED|MODIFIED|DELETED`, `id:` the index
// revision, `data:` the item in the list's shape. It starts with the changes
// after N to objects in the list's scope (not its page) and follows new ones
// as the index announces them (SearchIndex.subscribe), reading them with
// changes() from a cursor; a comment `: keepalive` every 15 s.
//
// Filters. The index keeps each object's last state, not its history, so a
// filtered stream decides from that state, as a filtered Kubernetes watch
// does from old and new: an object that stops matching is DELETED for the
// client; one that matches again is ADDED. An object the stream has not
// mentioned yet may be on the client's page, so its first non-matching change
// is a DELETED (at most one needless DELETED per object); an object created
// after N that never matched is never mentioned. The stream remembers only
// the live objects it has hidden, so its memory is bounded by the scope.
//
// Flow. One read at a time; notifications during a read only raise the
// revision to reach. A client that reads slowly stops the reads (the socket's
// drain), so nothing queues here; if the index compacts past its cursor
// meanwhile the stream ends and the client lists again (410 on reconnect).
// A revision already compacted answers 410 Expired before the stream starts.
import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { type ChangeEvent, type ChangesResult, CompactedError, type IndexedItem, type Query, type SearchIndex } from "../search/index.ts";
import type { Render } from "./cacheList.ts";
import type { PlatformContext } from "./context.ts";
import { PlatformError } from "./errors.ts";

export const KEEPALIVE_MS = 15_000;
/** Changes read (and written to the socket) at a time. */
const BATCH = 500;

const streamsOf = new WeakMap<PlatformContext, Set<ServerResponse>>();

function streams(ctx: PlatformContext): Set<ServerResponse> {
  let s = streamsOf.get(ctx);
  if (!s) {
    s = new Set();
    streamsOf.set(ctx, s);
  }
  return s;
}

/** Ends the open list streams when the app closes (they would hold it open for as long as they run). */
export function endStreamsOnClose(app: FastifyInstance, ctx: PlatformContext): void {
  app.addHook("preClose", async () => {
    for (const res of streams(ctx)) res.destroy();
  });
}

const keyOf = (i: IndexedItem) => `${i.cluster}\u0000${i.group}\u0000${i.resource}\u0000${i.namespace}\u0000${i.name}\u0000${i.version}`;

/** Starts the event stream of `query` after `revision` (default: now); 410 Expired when that revision is compacted. */
export async function streamList(
  ctx: PlatformContext,
  req: FastifyRequest,
  reply: FastifyReply,
  query: Query,
  revision: string | undefined,
  render: Render,
): Promise<FastifyReply> {
  const { index } = ctx.search;
  const stream = new ListStream(index, query, render, reply.raw, req.log);
  // Subscribed before the first read, so no write between the two goes unannounced.
  stream.subscribe();
  let first: ChangesResult;
  let since: number;
  try {
    since = revision === undefined ? await index.revision() : Number(revision);
    first = await index.changes(query, since, BATCH);
  } catch (e) {
    stream.close();
    if (e instanceof CompactedError) {
      throw new PlatformError(410, "Expired", `revision ${revision} is compacted (the oldest kept is ${e.compactRevision}): list again`);
    }
    throw e;
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  // The headers go at once, so a client knows the stream started before the first change.
  res.flushHeaders();
  const open = streams(ctx);
  open.add(res);
  res.once("close", () => open.delete(res));
  stream.start(since, first);
  return reply;
}

class ListStream {
  private readonly index: SearchIndex;
  private readonly query: Query;
  private readonly render: Render;
  private readonly res: ServerResponse;
  private readonly log: Logger;
  /** Live objects the client has been told are gone (or never had): their non-matching changes are not sent. */
  private readonly hidden = new Set<string>();
  private cursor = 0;
  /** The newest revision announced. */
  private latest = 0;
  private busy = false;
  private started = false;
  private closed = false;
  private unsubscribe?: () => void;
  private keepalive?: NodeJS.Timeout;

  constructor(index: SearchIndex, query: Query, render: Render, res: ServerResponse, log: FastifyRequest["log"]) {
    this.index = index;
    this.query = query;
    this.render = render;
    this.res = res;
    this.log = log as unknown as Logger;
  }

  subscribe(): void {
    this.unsubscribe = this.index.subscribe((rev) => {
      if (rev > this.latest) this.latest = rev;
      if (this.started) void this.run();
    });
  }

  /** Sends `first` (the changes after `since`), then follows. */
  start(since: number, first: ChangesResult): void {
    this.started = true;
    this.cursor = since;
    this.res.once("close", () => this.close());
    this.keepalive = setInterval(() => {
      if (!this.res.writableNeedDrain) this.res.write(": keepalive\n\n");
    }, KEEPALIVE_MS);
    this.keepalive.unref();
    void this.run(first);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.keepalive);
    // Before start() the reply is Fastify's still (an error answers it).
    if (this.started && !this.res.destroyed) this.res.end();
  }

  private async run(first?: ChangesResult): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      let batch = first;
      // After a read with changes, read again: the read may have stopped at its limit short of the newest revision.
      let more = true;
      while (!this.closed) {
        if (!batch) {
          if (!more && this.latest <= this.cursor) break;
          batch = await this.index.changes(this.query, this.cursor, BATCH);
        }
        more = batch.events.length > 0;
        await this.send(batch.events);
        this.cursor = Math.max(this.cursor, batch.revision);
        batch = undefined;
      }
    } catch (err) {
      // Compacted past the cursor (a slow client), or the index failed: the client lists again.
      if (!(err instanceof CompactedError)) this.log.error({ err }, "list watch failed");
      this.close();
    } finally {
      this.busy = false;
    }
    // Announced during the last read: read again.
    if (!this.closed && this.latest > this.cursor) void this.run();
  }

  /** The events the client should see, with their types as a filtered watch gives them. */
  private visible(events: ChangeEvent[]): { type: ChangeEvent["type"]; item: IndexedItem }[] {
    const out: { type: ChangeEvent["type"]; item: IndexedItem }[] = [];
    for (const ev of events) {
      const key = keyOf(ev.item);
      const known = this.hidden.has(key);
      // Gone from the index: it comes back (if ever) as ADDED, so nothing need be remembered of it.
      if (ev.type === "DELETED") {
        this.hidden.delete(key);
        if (ev.matches || !known) out.push({ type: "DELETED", item: ev.item });
        continue;
      }
      if (ev.matches) {
        this.hidden.delete(key);
        out.push({ type: ev.type === "MODIFIED" && known ? "ADDED" : ev.type, item: ev.item });
        continue;
      }
      this.hidden.add(key);
      if (!known && ev.type !== "ADDED") out.push({ type: "DELETED", item: ev.item });
    }
    return out;
  }

  private async send(events: ChangeEvent[]): Promise<void> {
    const shown = this.visible(events);
    if (!shown.length || this.closed) return;
    const data = await this.render(
      shown.map((e) => e.item),
      "watch",
    );
    const text = shown.map((e, i) => `id: ${e.item.revision}\nevent: ${e.type}\ndata: ${JSON.stringify(data[i])}\n\n`).join("");
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
