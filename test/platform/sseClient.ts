// A list followed live (watch=true) as the console follows it: the bearer
// token and Accept: text/event-stream, events read by the console's own
// parser (web/src/api/sse.ts). Over node:https rather than fetch: an aborted
// fetch leaves undici opening a spare connection that sends no request, and
// such a connection holds the server's close until its headers timeout
// (about a minute), which the tests that close the platform would wait for.
import type { IncomingMessage } from "node:http";
import { request } from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { readEvents, type StreamEvent } from "../../web/src/api/sse.ts";
import { API, type TestPlatform } from "./fixture.ts";

export type Watch = {
  /** Every event so far, in order. */
  events: StreamEvent[];
  /** The next event (after those already taken) that pred accepts; throws after ms. */
  next(pred?: (e: StreamEvent) => boolean, ms?: number): Promise<StreamEvent>;
  /** True once the server ended the stream. */
  ended(): boolean;
  close(): void;
};

/** Opens `path` (with its query) plus watch=true; throws with the status and body when it does not answer 200. */
export async function openWatch(t: TestPlatform, path: string, token: string): Promise<Watch> {
  const url = new URL(`${t.platform.url}${API}${path}${path.includes("?") ? "&" : "?"}watch=true`);
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    request(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } }, resolve)
      .on("error", reject)
      .end(),
  );
  if (res.statusCode !== 200) throw new Error(`watch ${path}: ${res.statusCode} ${(await res.toArray()).join("")}`);
  if (!res.headers["content-type"]?.startsWith("text/event-stream")) throw new Error(`watch ${path}: ${res.headers["content-type"]}`);
  const events: StreamEvent[] = [];
  let done = false;
  let wake: () => void = () => {};
  void (async () => {
    try {
      for await (const e of readEvents(Readable.toWeb(res) as ReadableStream<Uint8Array>)) {
        events.push(e);
        wake();
      }
    } catch {}
    done = true;
    wake();
  })();
  let taken = 0;
  return {
    events,
    ended: () => done,
    async next(pred = () => true, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        while (taken < events.length) {
          const e = events[taken++];
          if (pred(e)) return e;
        }
        if (done) throw new Error(`watch ${path} ended; events: ${JSON.stringify(events)}`);
        const left = end - Date.now();
        if (left <= 0) throw new Error(`no such event on ${path} within ${ms} ms; events: ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, left);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    },
    close: () => res.destroy(),
  };
}
