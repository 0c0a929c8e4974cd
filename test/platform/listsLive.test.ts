// The REST lists from the cache, live: a member's change shows in a list
// within a second; a list followed with watch=true gets ADDED, MODIFIED and
// DELETED from the revision it answered (filtered as the list is, and as the
// caller may see); a compacted revision answers 410; an unreachable cluster is
// stale in every list that includes it and synced again by itself.
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { request } from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { after, before, test } from "node:test";
import { R } from "../../src/apiserver/client.ts";
import { readEvents } from "../../web/src/api/sse.ts";
import { API } from "./fixture.ts";
import { startWithMembers, until, type WithMembers } from "./members.ts";
import { openWatch } from "./sseClient.ts";

const A = "sim-1";
const B = "sim-2";
let t: WithMembers;
let owner: string;

before(async () => {
  t = await startWithMembers(
    { clusters: 2, nodes: 1 },
    // Health probes often, so an unreachable cluster turns Unknown within seconds.
    { health: { intervalMs: 300, timeoutMs: 1000, summaryIntervalMs: 1000, lastSeenWriteMs: 2000, failureThreshold: 2, unknownAfterMs: 1500 } },
  );
  owner = await t.adminToken();
  for (const c of [A, B]) await t.direct(c, ["create", "namespace", "watched"]);
});
after(() => t?.close());

const cm = (name: string, labels: Record<string, string>, data: Record<string, string> = {}) => ({ metadata: { name, labels }, data });
const client = (c: string) => t.sim.cluster(c).client;
const nameOf = (data: string) => JSON.parse(data).metadata.name as string;

test("a ConfigMap created in a member is in the REST lists within 1 s", async () => {
  await client(B).create(R.configmaps, "default", cm("fresh-one", {}));
  const created = performance.now();
  for (const path of [`/clusters/${B}/namespaces/default/configmaps?fuzzySearch=fresh-one`, "/asl/configmaps?fuzzySearch=fresh-one"]) {
    for (;;) {
      const r = await t.call("GET", path, undefined, owner);
      assert.equal(r.status, 200);
      if (r.body.pagination.total === 1) break;
      assert.ok(performance.now() - created < 1000, `${path} within 1 s of the create`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  assert.ok(performance.now() - created < 1000);
});

test("watch=true delivers ADDED, MODIFIED and DELETED after a list's revision, as the list's label filter sees them", async () => {
  const path = `/clusters/${A}/namespaces/watched/configmaps?labelSelector=tier%3Dfront`;
  const list = await t.call("GET", path, undefined, owner);
  assert.equal(list.status, 200);
  // Made between the list and the watch: not lost, since the watch starts from the list's revision.
  await client(A).create(R.configmaps, "watched", cm("early", { tier: "front" }));
  const w = await openWatch(t, `${path}&revision=${list.body.revision}`, owner);
  try {
    const added = await w.next();
    assert.deepEqual([added.event, nameOf(added.data), JSON.parse(added.data).cluster], ["ADDED", "early", A]);
    assert.ok(Number(added.id) > Number(list.body.revision), "ids are index revisions after the list's");
    // Never matching: never sent.
    await client(A).create(R.configmaps, "watched", cm("backend", { tier: "back" }));
    const edit = async (labels: Record<string, string>, data: Record<string, string>) => {
      const o = await client(A).get(R.configmaps, "watched", "early");
      await client(A).update(R.configmaps, "watched", { ...o, metadata: { ...o.metadata, labels }, data });
    };
    await edit({ tier: "front" }, { v: "2" });
    const modified = await w.next();
    assert.deepEqual([modified.event, JSON.parse(modified.data).data], ["MODIFIED", { v: "2" }]);
    // Leaving the filter is a DELETED for the watcher, coming back an ADDED (a filtered Kubernetes watch does the same).
    await edit({ tier: "back" }, { v: "3" });
    assert.equal((await w.next()).event, "DELETED");
    await edit({ tier: "front" }, { v: "4" });
    assert.equal((await w.next()).event, "ADDED");
    await client(A).delete(R.configmaps, "watched", "early");
    const deleted = await w.next();
    assert.deepEqual([deleted.event, nameOf(deleted.data)], ["DELETED", "early"]);
    assert.ok(!w.events.some((e) => nameOf(e.data) === "backend"), JSON.stringify(w.events));
    const ids = w.events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  } finally {
    w.close();
  }
});

test("a namespace role's watch carries only what its list would show", async () => {
  const viewer = await t.addUser("watcher", [{ role: "NSViewer", cluster: A, namespace: "watched" }]);
  const list = await t.call("GET", "/asl/configmaps", undefined, viewer);
  const w = await openWatch(t, `/asl/configmaps?revision=${list.body.revision}`, viewer);
  try {
    await client(A).create(R.configmaps, "default", cm("not-yours", {}));
    await client(B).create(R.configmaps, "watched", cm("not-yours-either", {}));
    await client(A).create(R.configmaps, "watched", cm("yours", {}));
    const ev = await w.next();
    assert.deepEqual([ev.event, nameOf(ev.data)], ["ADDED", "yours"]);
    assert.equal(w.events.length, 1, JSON.stringify(w.events));
    const refused = await t.call("GET", `/clusters/${B}/configmaps?watch=true`, undefined, viewer);
    assert.equal(refused.status, 403);
  } finally {
    w.close();
  }
});

test("a cluster turned unreachable is stale in every list that includes it, and synced again by itself", async () => {
  const lists = ["/asl/pods", `/clusters/${B}/pods`, `/clusters/${B}/nodes`, `/clusters/${B}/namespaces`, `/asl/configmaps?cluster=${B}`];
  const freshness = async (path: string) => {
    const r = await t.call("GET", path, undefined, owner);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return new Map<string, { state: string; since?: string }>(r.body.freshness.map((f: { cluster: string }) => [f.cluster, f]));
  };
  const nsOf = async () => (await t.call("GET", `/clusters/${B}/namespaces`, undefined, owner)).body.pagination.total;
  const nsBefore = JSON.parse((await t.direct(B, ["get", "namespaces", "-o", "json"])).stdout).items.length;
  await until("the cache has the member's namespaces", async () => (await nsOf()) === nsBefore);
  const down = Date.now();
  await t.sim.cluster(B).faults.unreachable();
  try {
    for (const path of lists) {
      const f = await until(`${B} stale in ${path}`, async () => ((await freshness(path)).get(B)?.state === "stale" ? freshness(path) : undefined), 30_000);
      const since = Date.parse(f.get(B)!.since!);
      assert.ok(since >= down - 1000 && since <= Date.now(), `${path}: since ${f.get(B)!.since}`);
    }
    assert.equal((await freshness("/asl/pods")).get(A)?.state, "synced", "one cluster's failure leaves the others synced");
    // The cache still answers what it last saw.
    assert.equal(await nsOf(), nsBefore);
  } finally {
    await t.sim.cluster(B).faults.reachable();
  }
  for (const path of lists) await until(`${B} synced again in ${path}`, async () => (await freshness(path)).get(B)?.state === "synced", 60_000);
});

test("a watch from a compacted revision answers 410 Expired; listing again gives a revision to follow from", async () => {
  const path = `/clusters/${A}/configmaps`;
  const old = (await t.call("GET", path, undefined, owner)).body.revision;
  await client(A).create(R.configmaps, "default", cm("after-old", {}));
  const { index } = t.platform.ctx.search;
  await until("the change in the index", async () => (await index.revision()) > Number(old));
  await index.compact(await index.revision());
  const gone = await t.call("GET", `${path}?watch=true&revision=${old}`, undefined, owner);
  assert.equal(gone.status, 410, JSON.stringify([gone.status, gone.body, [...gone.headers]]));
  assert.deepEqual([gone.status, gone.body.code, gone.body.reason], [410, 410, "Expired"]);
  const again = await t.call("GET", path, undefined, owner);
  const w = await openWatch(t, `${path}?revision=${again.body.revision}`, owner);
  try {
    await client(A).create(R.configmaps, "default", cm("after-new", {}));
    assert.equal(nameOf((await w.next()).data), "after-new");
  } finally {
    w.close();
  }
});

test("a watcher that stops reading holds its stream back, then gets every change once and in order; leaving unsubscribes it", async () => {
  const { index } = t.platform.ctx.search;
  const listeners = () => (index as unknown as { listeners: Set<unknown> }).listeners.size;
  // The watches of earlier tests are gone once the count holds still for half a second.
  let idle = -1;
  while (idle !== listeners()) {
    idle = listeners();
    await new Promise((r) => setTimeout(r, 500));
  }
  await t.direct(A, ["create", "namespace", "bulk"]);
  // Only the ConfigMaps made here (the namespace's kube-root-ca.crt may come after the list).
  const path = `/clusters/${A}/namespaces/bulk/configmaps?fuzzySearch=bulk-`;
  const list = await t.call("GET", path, undefined, owner);
  const url = new URL(`${t.platform.url}${API}${path}&watch=true&revision=${list.body.revision}`);
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    request(url, { headers: { authorization: `Bearer ${owner}`, accept: "text/event-stream" } }, resolve).on("error", reject).end(),
  );
  assert.equal(res.statusCode, 200);
  res.pause();
  assert.equal(listeners(), idle + 1);
  // About 7 MB of events: more than the socket buffers hold while nobody reads (4 MB for the sender, tcp_wmem).
  const big = "x".repeat(60_000);
  const names = Array.from({ length: 120 }, (_, i) => `bulk-${String(i).padStart(3, "0")}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map((n) => client(A).create(R.configmaps, "bulk", cm(n, {}, { big }))));
  }
  await new Promise((r) => setTimeout(r, 500));
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of readEvents(Readable.toWeb(res) as ReadableStream<Uint8Array>)) {
      seen.push(`${e.event} ${nameOf(e.data)}`);
      if (seen.length === names.length) return;
    }
  })();
  await reading;
  assert.deepEqual(seen, names.map((n) => `ADDED ${n}`));
  res.destroy();
  await until("the watch unsubscribed from the index", () => listeners() === idle, 5000);
});

test("a watch from an older revision delivers every change since, more than one read's worth, with nothing new to wake it", async () => {
  await t.direct(B, ["create", "namespace", "many"]);
  const list = await t.call("GET", `/clusters/${B}/namespaces/many/configmaps`, undefined, owner);
  const names = Array.from({ length: 620 }, (_, i) => `many-${String(i).padStart(3, "0")}`);
  for (let i = 0; i < names.length; i += 40) {
    await Promise.all(names.slice(i, i + 40).map((n) => client(B).create(R.configmaps, "many", cm(n, {}))));
  }
  const mine = `/clusters/${B}/namespaces/many/configmaps?fuzzySearch=many-`;
  await until("all in the cache", async () => (await t.call("GET", `${mine}&pageSize=1`, undefined, owner)).body.pagination.total === names.length, 60_000);
  // The stream reads 500 changes at a time (listWatch.ts): the rest must follow without another write.
  const w = await openWatch(t, `${mine}&revision=${list.body.revision}`, owner);
  try {
    await until("every change", () => w.events.length >= names.length, 15_000).catch(() => {});
    assert.deepEqual(w.events.map((e) => `${e.event} ${nameOf(e.data)}`).sort(), names.map((n) => `ADDED ${n}`));
  } finally {
    w.close();
  }
});

test("closing the platform ends the watches still open", async () => {
  const w = await openWatch(t, "/asl/pods", owner);
  await t.closePlatform();
  await until("the stream ended", () => w.ended(), 5000);
});
