// A list followed live (watch=true) as the console follows it: fetch with the
// bearer token and Accept: text/event-stream, events read by the console's
// own parser (web/src/api/sse.ts).
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
  const ctl = new AbortController();
  const url = `${t.platform.url}${API}${path}${path.includes("?") ? "&" : "?"}watch=true`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, signal: ctl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`watch ${path}: ${res.status} ${await res.text()}`);
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) throw new Error(`watch ${path}: ${res.headers.get("content-type")}`);
  const events: StreamEvent[] = [];
  let done = false;
  let wake: () => void = () => {};
  void (async () => {
    try {
      for await (const e of readEvents(res.body!)) {
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
    close: () => ctl.abort(),
  };
}
