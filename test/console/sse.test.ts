// The console's server-sent events reader and list helpers, run in Node (they
// use only web standards: streams, TextDecoder).
import assert from "node:assert/strict";
import { test } from "node:test";
import { readEvents } from "../../web/src/api/sse.ts";

function stream(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(typeof ch === "string" ? enc.encode(ch) : ch);
      c.close();
    },
  });
}

async function all(chunks: (string | Uint8Array)[]) {
  const out = [];
  for await (const e of readEvents(stream(chunks))) out.push(e);
  return out;
}

test("events are read across chunk boundaries, multi-byte characters included", async () => {
  const text = 'event: ADDED\ndata: {"name":"命名空间"}\n\nevent: DELETED\nid: 7\ndata: {"a":1}\ndata: {"b":2}\n\n';
  const bytes = new TextEncoder().encode(text);
  // Cut inside the UTF-8 bytes of a Chinese character (bytes 28 to 30 are 命), and elsewhere.
  const cuts = [0, 3, 18, 29, 30, 40, bytes.length - 1, bytes.length];
  const chunks = cuts.slice(1).map((c, i) => bytes.slice(cuts[i], c));
  assert.deepEqual(await all(chunks), [
    { event: "ADDED", data: '{"name":"命名空间"}', id: undefined },
    { event: "DELETED", data: '{"a":1}\n{"b":2}', id: "7" },
  ]);
});

test("comments and events without data are skipped; the default type is message; CRLF ends lines", async () => {
  assert.deepEqual(await all([": keep-alive\r\n\r\n", "data: x\r\n\r\n", "event: BOOKMARK\r\n\r\n"]), [{ event: "message", data: "x", id: undefined }]);
});
