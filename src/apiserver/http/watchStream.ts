// Streams a watch as newline-delimited JSON WatchEvents over a chunked
// response. The connection ends at timeoutSeconds (default: a random time
// between 30 and 60 minutes, as kube-apiserver spreads its min-request-timeout),
// when the client goes away, or when the storage drops its watchers.
import type { ApiError } from "../registry/errors.ts";
import { badRequest } from "../registry/errors.ts";
import { parseFieldSelector } from "../registry/selectors.ts";
import type { Item } from "../registry/store.ts";
import { supportsField } from "../registry/strategy.ts";
import { startWatch, type WatchEventType } from "../registry/watch.ts";
import { negotiate } from "./codec.ts";
import { DurableStream } from "./durable.ts";
import { listOptions, timeoutSeconds } from "./params.ts";
import { type Call, partialMeta } from "./call.ts";
import { tableForWatch } from "./table.ts";

export function serveWatch(call: Call, namespace: string | undefined, name: string | undefined): void {
  const { res, req, query } = call;
  const rendering = negotiate(req.headers.accept);
  if (rendering.as === "object" && rendering.format === "yaml") {
    throw badRequest("watch is only served as JSON");
  }
  const opts = listOptions(query, call.info);
  if (name !== undefined) {
    // A watch on /<resource>/<name> is a watch with a metadata.name field selector.
    const byName = parseFieldSelector(`metadata.name=${name}`, (f) => supportsField(call.info, f));
    opts.fieldSelector = { terms: [...(opts.fieldSelector?.terms ?? []), ...byName!.terms] };
  }
  const timeout = timeoutSeconds(query) ?? 1800 + Math.floor(Math.random() * 1800);

  let first = true;
  const encode = (type: WatchEventType, item: Item): string => {
    if (rendering.as === "Table" && type !== "BOOKMARK") {
      const table = tableForWatch(call, rendering, item.obj(), first);
      first = false;
      return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
    }
    if (rendering.as === "PartialObjectMetadata" && type !== "BOOKMARK") {
      return `{"type":"${type}","object":${JSON.stringify(partialMeta(item.obj(), rendering.version))}}\n`;
    }
    return `{"type":"${type}","object":${item.raw}}\n`;
  };

  // Each event goes out once its write is durable (durable.ts).
  const out = new DurableStream(res);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    handle?.stop();
    out.end();
  };
  const writeHead = () => {
    if (!res.headersSent) {
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Cache-Control": "no-cache, private",
        "Transfer-Encoding": "chunked",
      });
      res.flushHeaders();
    }
  };
  const sink = {
    event(type: WatchEventType, item: Item, revision?: number) {
      if (ended) return;
      writeHead();
      out.write(encode(type, item), revision);
    },
    error(err: ApiError) {
      if (ended) return;
      writeHead();
      out.write(`{"type":"ERROR","object":${JSON.stringify(err.toStatus())}}\n`);
      end();
    },
    close: end,
  };
  const timer = setTimeout(end, timeout * 1000);
  let handle: { stop(): void } | undefined;
  req.socket.setTimeout(0);
  res.on("close", () => {
    out.discard();
    end();
  });
  handle = startWatch(call.core.store, call.info, namespace, opts, sink);
  if (ended) handle.stop();
  writeHead();
}
