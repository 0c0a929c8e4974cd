// The console's API helpers, run in Node (they use only web standards:
// streams, TextDecoder, URLSearchParams): the server-sent events reader, list
// queries, and the freshness a list carries.
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiURL } from "../../web/src/api/client.ts";
import { readEvents } from "../../web/src/api/sse.ts";
import { listQuery, staleOf } from "../../web/src/api/useList.ts";

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

test("a list query sends only what is set, the sort direction only with a sort key", () => {
  assert.deepEqual(listQuery({ page: 2, pageSize: 20, sortDir: "desc", fuzzySearch: "  ", labelSelector: " env=prod ", filters: { phase: "Unknown", user: undefined } }), {
    phase: "Unknown",
    user: undefined,
    page: 2,
    pageSize: 20,
    sortBy: undefined,
    sortDir: undefined,
    fuzzySearch: undefined,
    labelSelector: "env=prod",
  });
  assert.equal(apiURL("/clustersummary", listQuery({ page: 1, pageSize: 50, sortBy: "cpu", sortDir: "desc", filters: { phase: ["Running", "Unknown"] } })), "/apis/kpanda.io/v1alpha1/clustersummary?phase=Running&phase=Unknown&page=1&pageSize=50&sortBy=cpu&sortDir=desc");
});

test("stale clusters are read from a list's freshness, as a map or as an array", () => {
  const since = "2025-01-02T03:04:05Z";
  assert.deepEqual(staleOf({ freshness: { a: { state: "synced" }, b: { state: "stale", since } } }), [{ cluster: "b", state: "stale", since }]);
  assert.deepEqual(staleOf({ clusters: [{ cluster: "c", state: "stale", since }, { cluster: "d", state: "synced" }] }), [{ cluster: "c", state: "stale", since }]);
  assert.deepEqual(staleOf({ items: [] }), []);
});
