// Durability of `kpanda apiserver` on its default (SQLite) storage, seen the
// way a client sees it: restarts, a SIGKILL in the middle of a write burst,
// and Secrets encrypted in the files on disk.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { type ServerProcess, startServerProcess, type WatchEvent } from "./serverProcess.ts";

const dirs: string[] = [];
const running = new Set<ServerProcess>();
after(async () => {
  for (const s of running) await s.stop("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "kpanda-durability-"));
  dirs.push(d);
  return d;
}

async function start(dir: string, args: string[] = []): Promise<ServerProcess> {
  const s = await startServerProcess(dir, args);
  running.add(s);
  return s;
}

async function stop(s: ServerProcess, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  await s.stop(signal);
  running.delete(s);
}

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

async function create(s: ServerProcess, path: string, obj: unknown): Promise<any> {
  const r = await s.request("POST", path, obj);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** A namespace, once its controller has filled it (so later writes in it are ours alone). */
async function namespace(s: ServerProcess, name: string): Promise<void> {
  await create(s, "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  for (let i = 0; i < 100; i++) {
    const sa = await s.request("GET", `/api/v1/namespaces/${name}/serviceaccounts/default`);
    const ca = await s.request("GET", `/api/v1/namespaces/${name}/configmaps/kube-root-ca.crt`);
    if (sa.status === 200 && ca.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`namespace ${name} was not filled in`);
}

/** Watches path from rv until `until` holds for the events so far; fails after 10 s. */
async function watchUntil(s: ServerProcess, path: string, until: (seen: WatchEvent[]) => boolean): Promise<WatchEvent[]> {
  const seen: WatchEvent[] = [];
  let wake = () => {};
  const w = await s.watch(path, (e) => {
    seen.push(e);
    wake();
  });
  try {
    const deadline = Date.now() + 10_000;
    while (!until(seen)) {
      if (Date.now() > deadline) throw new Error(`watch ${path} saw only ${JSON.stringify(seen.map((e) => [e.type, e.object?.metadata?.name]))}`);
      await Promise.race([new Promise<void>((r) => (wake = r)), w.ended, new Promise((r) => setTimeout(r, 200))]);
    }
    return seen;
  } finally {
    w.close();
  }
}

const rvOf = (o: any) => o.metadata.resourceVersion as string;

describe("kpanda apiserver on SQLite storage (the default)", () => {
  it("a restart keeps every object and the CA, resourceVersions keep rising, and a watch from before it loses no event", async () => {
    const dir = tempDir();
    const ns = "/api/v1/namespaces/restart/configmaps";
    let s = await start(dir);
    await namespace(s, "restart");
    const a = await create(s, ns, cm("a", { v: "1" }));
    const b = await create(s, ns, cm("b"));
    const from = rvOf(b); // taken before the restart; resumed from after it
    const a2 = (await s.request("PUT", `${ns}/a`, { ...a, data: { v: "2" } })).body;
    const c = await create(s, ns, cm("c"));
    assert.equal((await s.request("DELETE", `${ns}/b`)).status, 200);
    const before = (await s.request("GET", ns)).body;
    const caBefore = s.caData;
    await stop(s);

    s = await start(dir);
    assert.equal(s.caData, caBefore, "the CA persists, so the old kubeconfig still trusts the server");
    const list = (await s.request("GET", ns)).body;
    assert.deepEqual(list.items, before.items, "every object, with its resourceVersion, as before");
    assert.deepEqual(
      list.items.map((o: any) => o.metadata.name),
      ["a", "c", "kube-root-ca.crt"],
    );
    const d = await create(s, ns, cm("d"));
    // Compared as numbers only to check the test's claim; clients treat them as opaque.
    assert.ok(Number(rvOf(d)) > Number(before.metadata.resourceVersion), "resourceVersions keep rising");

    const seen = await watchUntil(s, `${ns}?watch=1&resourceVersion=${from}`, (e) => e.length >= 4);
    assert.deepEqual(
      seen.map((e) => [e.type, e.object.metadata.name, rvOf(e.object)]),
      [
        ["MODIFIED", "a", rvOf(a2)],
        ["ADDED", "c", rvOf(c)],
        ["DELETED", "b", seen[2].object.metadata.resourceVersion],
        ["ADDED", "d", rvOf(d)],
      ],
    );
    assert.equal(seen[0].object.data.v, "2");
    await stop(s);
  });

  it("a watch from a revision compacted before the restart answers 410 Gone", async () => {
    const dir = tempDir();
    const ns = "/api/v1/namespaces/gone/configmaps";
    let s = await start(dir, ["--watch-history", "5"]);
    await namespace(s, "gone");
    const first = await create(s, ns, cm("first"));
    for (let i = 0; i < 20; i++) await create(s, ns, cm(`n${i}`));
    await stop(s);

    s = await start(dir, ["--watch-history", "5"]);
    const seen: WatchEvent[] = [];
    const w = await s.watch(`${ns}?watch=1&resourceVersion=${rvOf(first)}`, (e) => seen.push(e));
    await w.ended;
    // kube-apiserver answers 200 and then one ERROR event holding a 410 Status.
    const code = w.status === 410 ? 410 : seen.find((e) => e.type === "ERROR")?.object.code;
    assert.equal(code, 410, JSON.stringify(seen));
    assert.equal((await s.request("GET", `${ns}/first`)).body.metadata.resourceVersion, rvOf(first));
    await stop(s);
  });

  it("after SIGKILL during a burst of concurrent creates, every acknowledged create is there and no revision is missing", async () => {
    const dir = tempDir();
    const ns = "/api/v1/namespaces/crash/configmaps";
    let s = await start(dir);
    await namespace(s, "crash");
    const acked = new Map<string, string>(); // name -> resourceVersion, for every 201 received
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const name = `w${w}-${i}`;
        try {
          const r = await s.request("POST", ns, cm(name, { payload: "x".repeat(200) }));
          if (r.status === 201) acked.set(name, rvOf(r.body));
        } catch {
          return; // the connection died with the server; this create is unacknowledged
        }
      }
    };
    const workers = Array.from({ length: 32 }, (_, w) => worker(w));
    while (acked.size < 400) await new Promise((r) => setTimeout(r, 10));
    killed = true;
    await stop(s, "SIGKILL");
    await Promise.all(workers);

    s = await start(dir);
    const list = (await s.request("GET", ns)).body;
    const stored = new Map<string, string>(list.items.map((o: any) => [o.metadata.name, rvOf(o)]));
    for (const [name, rv] of acked) assert.equal(stored.get(name), rv, `acknowledged ${name}@${rv} survives`);

    // No gap: during the burst the server wrote nothing but our creates (the
    // namespace was filled in before it began), so the creates in this
    // namespace, acknowledged or merely committed, must own every revision
    // from the first acknowledged one to the newest. A client checks that
    // with a watch from just below the first acknowledged revision: its
    // replay must be a contiguous run of ADDED events up to the list's
    // revision, containing every acknowledged create.
    const revs = [...acked.values()].map(Number);
    const firstRev = Math.min(...revs);
    const lastRev = Number(list.metadata.resourceVersion);
    const expected = lastRev - firstRev + 1;
    const seen = await watchUntil(s, `${ns}?watch=1&resourceVersion=${firstRev - 1}`, (e) => e.length >= expected);
    assert.equal(seen.length, expected, "nothing beyond the newest revision");
    seen.forEach((e, i) => {
      assert.equal(e.type, "ADDED");
      assert.equal(Number(rvOf(e.object)), firstRev + i, "revisions are contiguous");
    });
    const replayed = new Set(seen.map((e) => e.object.metadata.name));
    for (const name of acked.keys()) assert.ok(replayed.has(name), `${name} is in the replay`);
    await stop(s);
  });

  it("after SIGKILL during a burst of concurrent writes under group commit, every acknowledged write and every watched event survives, and no write is half-applied", async () => {
    const dir = tempDir();
    const cms = "/api/v1/namespaces/burst/configmaps";
    const pods = "/api/v1/namespaces/burst/pods";
    let s = await start(dir);
    await namespace(s, "burst");
    // Objects that writers rewrite: a ConfigMap whose two keys every write
    // sets together, and a Pod whose status every write sets (message and
    // reason together), through the status subresource.
    for (let k = 0; k < 8; k++) {
      await create(s, cms, cm(`pair-${k}`, { a: "0", b: "0" }));
      await create(s, pods, { apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${k}` }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    }
    const from = (await s.request("GET", cms)).body.metadata.resourceVersion as string;
    const watched: WatchEvent[] = [];
    const w = await s.watch(`${cms}?watch=1&resourceVersion=${from}`, (e) => watched.push(e));

    const acked = { created: new Map<string, string>(), pairs: new Map<string, number>(), status: new Map<string, number>() };
    let stopping = false;
    let acks = 0;
    const loop = async (step: (i: number) => Promise<void>) => {
      for (let i = 1; !stopping; i++) {
        try {
          await step(i);
        } catch {
          return; // the connection died with the server: unacknowledged
        }
      }
    };
    const creator = (n: number) => loop(async (i) => {
      const name = `new-${n}-${i}`;
      const r = await s.request("POST", cms, cm(name, { payload: "p".repeat(500) }));
      if (r.status !== 201) return;
      acks++;
      acked.created.set(name, rvOf(r.body));
    });
    const pairWriter = (k: number) => loop(async (i) => {
      const cur = (await s.request("GET", `${cms}/pair-${k}`)).body;
      const r = await s.request("PUT", `${cms}/pair-${k}`, { ...cur, data: { a: String(i), b: String(i) } });
      if (r.status !== 200) return;
      acks++;
      acked.pairs.set(`pair-${k}`, i);
    });
    const statusWriter = (k: number) => loop(async (i) => {
      const cur = (await s.request("GET", `${pods}/pod-${k}`)).body;
      const r = await s.request("PUT", `${pods}/pod-${k}/status`, { ...cur, status: { ...cur.status, message: `m${i}`, reason: `r${i}` } });
      if (r.status !== 200) return;
      acks++;
      acked.status.set(`pod-${k}`, i);
    });
    const writers = [
      ...Array.from({ length: 16 }, (_, n) => creator(n)),
      ...Array.from({ length: 8 }, (_, k) => pairWriter(k)),
      ...Array.from({ length: 8 }, (_, k) => statusWriter(k)),
    ];
    while (acks < 800) await new Promise((r) => setTimeout(r, 10));
    // What the watcher has seen is what any client saw; then the crash.
    w.close();
    const seen = [...watched];
    stopping = true;
    await stop(s, "SIGKILL");
    await Promise.all(writers);
    assert.ok(acked.created.size > 0 && acked.pairs.size > 0 && acked.status.size > 0, "every kind of write was acknowledged");

    s = await start(dir);
    const list = (await s.request("GET", cms)).body;
    const byName = new Map<string, any>(list.items.map((o: any) => [o.metadata.name, o]));
    for (const [name, rv] of acked.created) assert.equal(rvOf(byName.get(name) ?? { metadata: {} }), rv, `acknowledged create ${name}@${rv} survives`);
    for (const o of byName.values()) {
      if (o.metadata.name.startsWith("new-")) assert.equal(o.data.payload, "p".repeat(500), `${o.metadata.name} is whole`);
      if (o.metadata.name.startsWith("pair-")) assert.equal(o.data.a, o.data.b, `${o.metadata.name}: both keys of one write, or neither`);
    }
    for (const [name, i] of acked.pairs) assert.ok(Number(byName.get(name).data.a) >= i, `${name} keeps acknowledged write ${i}`);
    for (const [name, i] of acked.status) {
      const st = (await s.request("GET", `${pods}/${name}`)).body.status;
      assert.equal(st.message.slice(1), st.reason.slice(1), `${name}: message and reason of one status write`);
      assert.ok(Number(st.message.slice(1)) >= i, `${name} keeps acknowledged status write ${i}`);
    }
    // Every event the watcher saw before the crash is in the history after
    // it, in the same order: a client never saw a write that was then lost.
    const replay = await watchUntil(s, `${cms}?watch=1&resourceVersion=${from}`, (e) => e.length >= seen.length);
    assert.deepEqual(
      replay.slice(0, seen.length).map((e) => [e.type, e.object.metadata.name, rvOf(e.object)]),
      seen.map((e) => [e.type, e.object.metadata.name, rvOf(e.object)]),
    );
    await stop(s);
  });

  it("a Secret's value is nowhere in clear text in the database files, reads back, and survives key rotation", async () => {
    const dir = tempDir();
    const value = `kpanda-secret-${randomBytes(12).toString("hex")}`;
    const b64 = Buffer.from(value).toString("base64");
    const path = "/api/v1/namespaces/default/secrets";
    let s = await start(dir);
    await create(s, path, { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, stringData: { password: value } });
    await create(s, path, { apiVersion: "v1", kind: "Secret", metadata: { name: "other" }, data: { token: b64 } });

    const dbFiles = () => readdirSync(dir).filter((f) => f.startsWith("state.db"));
    const assertNoCleartext = () => {
      assert.ok(dbFiles().includes("state.db-wal"), "WAL present while the server runs");
      for (const f of dbFiles()) {
        const raw = readFileSync(join(dir, f));
        assert.equal(raw.indexOf(value), -1, `value in clear in ${f}`);
        assert.equal(raw.indexOf(b64), -1, `base64 of the value in clear in ${f}`);
      }
    };
    assertNoCleartext();
    const got = (await s.request("GET", `${path}/creds`)).body;
    assert.equal(Buffer.from(got.data.password, "base64").toString(), value);
    assert.equal((await s.request("GET", `${path}/other`)).body.data.token, b64);
    assert.equal((await s.request("GET", path)).body.items.find((x: any) => x.metadata.name === "creds").data.password, b64);
    assert.ok(rawValue(dir, "/core/secrets/default/creds").startsWith("k8s:enc:aesgcm:v1:key1:"));

    // Rotation: a new key first; key1 stays to read what it wrote.
    await stop(s);
    for (const f of dbFiles()) assert.equal(readFileSync(join(dir, f)).indexOf(value), -1, `value in clear in ${f} after stop`);
    const configPath = join(dir, "encryption-config.yaml");
    const config = parse(readFileSync(configPath, "utf8"));
    config.resources[0].providers[0].aesgcm.keys.unshift({ name: "key2", secret: randomBytes(32).toString("base64") });
    writeFileSync(configPath, stringify(config));
    s = await start(dir);
    const old = (await s.request("GET", `${path}/creds`)).body;
    assert.equal(Buffer.from(old.data.password, "base64").toString(), value, "key1 still decrypts");
    // Rewriting an unchanged object re-encrypts it with the new first key (kube's replace-all recipe).
    const put = await s.request("PUT", `${path}/creds`, old);
    assert.equal(put.status, 200);
    assert.notEqual(rvOf(put.body), rvOf(old), "a stale value is rewritten, not skipped as a no-op");
    assert.ok(rawValue(dir, "/core/secrets/default/creds").startsWith("k8s:enc:aesgcm:v1:key2:"));
    assert.ok(rawValue(dir, "/core/secrets/default/other").startsWith("k8s:enc:aesgcm:v1:key1:"));
    assertNoCleartext();
    await stop(s);
  });
});

/** The newest stored value of a key, read from the database file as any other process could. */
function rawValue(dir: string, key: string): string {
  const db = new DatabaseSync(join(dir, "state.db"), { readOnly: true });
  try {
    const row = db.prepare("SELECT value FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1").get(key);
    return String(row?.value);
  } finally {
    db.close();
  }
}
