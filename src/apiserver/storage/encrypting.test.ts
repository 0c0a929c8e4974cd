import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { storageConformance } from "./conformance.ts";
import { EncryptingStorage, SECRETS_PREFIX } from "./encrypting.ts";
import {
  type EncryptionConfiguration,
  loadOrCreateEncryptionConfig,
  newEncryptionConfiguration,
  secretsTransformer,
} from "./encryption.ts";
import type { StorageEvent } from "./interface.ts";
import { MemoryStorage } from "./memory.ts";
import { SqliteStorage } from "./sqlite.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "kpanda-enc-"));
  dirs.push(d);
  return d;
}

const secret = (data: string) => (rev: number) =>
  JSON.stringify({ kind: "Secret", metadata: { name: "s", resourceVersion: String(rev) }, data: { v: data } });

/** A configuration whose providers are the given aesgcm keys, then identity. */
function withKeys(...keys: { name: string; secret: string }[]): EncryptionConfiguration {
  const c = newEncryptionConfiguration();
  c.resources[0].providers = [{ aesgcm: { keys } }, { identity: {} }];
  return c;
}
const key = (name: string) => ({ name, secret: Buffer.alloc(32, name).toString("base64") });

// Encrypting every key proves the decorator transparent to the whole contract.
storageConformance("memory, every value encrypted", (opts) => {
  const t = secretsTransformer(newEncryptionConfiguration());
  return new EncryptingStorage(new MemoryStorage(opts), t, ["/"]);
});

describe("encrypting storage", () => {
  it("a secret is stored as k8s:enc:aesgcm:v1:<key>: ciphertext and read back as plaintext", () => {
    const inner = new MemoryStorage();
    const st = new EncryptingStorage(inner, secretsTransformer(withKeys(key("k1"))));
    const k = `${SECRETS_PREFIX}default/s`;
    const made = st.create(k, secret("hunter2-distinctive"));
    assert.equal(JSON.parse(made.value).data.v, "hunter2-distinctive");
    const raw = inner.get(k)!.value;
    assert.ok(raw.startsWith("k8s:enc:aesgcm:v1:k1:"), raw);
    assert.ok(!raw.includes("hunter2"));
    assert.equal(JSON.parse(st.get(k)!.value).data.v, "hunter2-distinctive");
    assert.equal(JSON.parse(st.list(SECRETS_PREFIX).items[0].value).data.v, "hunter2-distinctive");
    assert.equal(JSON.parse(st.list("/").items[0].value).data.v, "hunter2-distinctive");
    assert.equal(JSON.parse(st.delete(k).value).data.v, "hunter2-distinctive");
  });

  it("values outside the secrets prefix are stored as they are", () => {
    const inner = new MemoryStorage();
    const st = new EncryptingStorage(inner, secretsTransformer(withKeys(key("k1"))));
    st.create("/core/configmaps/default/c", secret("plain"));
    assert.equal(JSON.parse(inner.get("/core/configmaps/default/c")!.value).data.v, "plain");
  });

  it("watch events carry plaintext value and prevValue, replayed and live", () => {
    const st = new EncryptingStorage(new MemoryStorage(), secretsTransformer(withKeys(key("k1"))));
    const k = `${SECRETS_PREFIX}ns/s`;
    const a = st.create(k, secret("one"));
    const seen: StorageEvent[] = [];
    const w = st.watch("/core/", 0, (e) => seen.push(e));
    st.update(k, a.modRevision, secret("two"));
    w.stop();
    assert.deepEqual(
      seen.map((e) => [e.type, JSON.parse(e.value).data.v, e.prevValue && JSON.parse(e.prevValue).data.v]),
      [
        ["ADDED", "one", undefined],
        ["MODIFIED", "two", "one"],
      ],
    );
  });

  it("a value moved under another key fails to decrypt (the key is authenticated)", () => {
    const inner = new MemoryStorage();
    const st = new EncryptingStorage(inner, secretsTransformer(withKeys(key("k1"))));
    st.create(`${SECRETS_PREFIX}ns/a`, secret("x"));
    const raw = inner.get(`${SECRETS_PREFIX}ns/a`)!.value;
    inner.create(`${SECRETS_PREFIX}ns/b`, () => raw);
    assert.throws(() => st.get(`${SECRETS_PREFIX}ns/b`), /failed authentication/);
  });

  it("plaintext written before encryption was enabled stays readable, and is stale", () => {
    const inner = new MemoryStorage();
    inner.create(`${SECRETS_PREFIX}ns/old`, secret("from before"));
    const st = new EncryptingStorage(inner, secretsTransformer(withKeys(key("k1"))));
    const got = st.get(`${SECRETS_PREFIX}ns/old`)!;
    assert.equal(JSON.parse(got.value).data.v, "from before");
    assert.equal(got.stale, true);
  });

  it("rotation: a new first key encrypts new writes, the old key still decrypts, a rewrite re-encrypts", () => {
    const path = join(tempDir(), "state.db");
    const k = `${SECRETS_PREFIX}ns/s`;
    const old = new SqliteStorage({ path });
    new EncryptingStorage(old, secretsTransformer(withKeys(key("k1")))).create(k, secret("v1"));
    old.closeDatabase();

    const db = new SqliteStorage({ path });
    const st = new EncryptingStorage(db, secretsTransformer(withKeys(key("k2"), key("k1"))));
    const read = st.get(k)!;
    assert.equal(JSON.parse(read.value).data.v, "v1");
    assert.equal(read.stale, true, "read through a key that is no longer first");
    assert.ok(db.get(k)!.value.startsWith("k8s:enc:aesgcm:v1:k1:"));
    st.update(k, read.modRevision, secret("v1"));
    assert.ok(db.get(k)!.value.startsWith("k8s:enc:aesgcm:v1:k2:"));
    assert.equal(st.get(k)!.stale, undefined);
    st.create(`${SECRETS_PREFIX}ns/new`, secret("v2"));
    assert.ok(db.get(`${SECRETS_PREFIX}ns/new`)!.value.startsWith("k8s:enc:aesgcm:v1:k2:"));
    db.closeDatabase();

    // Once k1 is dropped, what k1 wrote (nothing left) no longer matters; k2's values still read.
    const last = new SqliteStorage({ path });
    const only2 = new EncryptingStorage(last, secretsTransformer(withKeys(key("k2"))));
    assert.equal(JSON.parse(only2.get(k)!.value).data.v, "v1");
    last.closeDatabase();
  });

  it("no key decrypts a value of an unknown key name", () => {
    const inner = new MemoryStorage();
    new EncryptingStorage(inner, secretsTransformer(withKeys(key("k1")))).create(`${SECRETS_PREFIX}a/b`, secret("x"));
    const other = new EncryptingStorage(inner, secretsTransformer(withKeys(key("k9"))));
    assert.throws(() => other.get(`${SECRETS_PREFIX}a/b`), /no configured key/);
  });
});

describe("encryption configuration", () => {
  it("is created on first start with one 32-byte key, mode 0600, and read back unchanged", async () => {
    const path = join(tempDir(), "encryption-config.yaml");
    const made = await loadOrCreateEncryptionConfig(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const providers = made.resources[0].providers;
    assert.ok("aesgcm" in providers[0]);
    assert.equal(Buffer.from(providers[0].aesgcm.keys[0].secret, "base64").length, 32);
    assert.ok("identity" in providers[1]);
    assert.deepEqual(await loadOrCreateEncryptionConfig(path), made);
    assert.deepEqual(parse(readFileSync(path, "utf8")), made);
  });

  it("rejects a key that is not 32 bytes and an unknown provider", () => {
    assert.throws(() => secretsTransformer(withKeys({ name: "short", secret: "AAAA" })), /must be 32 bytes/);
    const c = newEncryptionConfiguration() as any;
    c.resources[0].providers = [{ kms: {} }];
    assert.throws(() => secretsTransformer(c), /unsupported encryption provider kms/);
  });

  it("with identity first, new secrets are written in plaintext (encryption switched off)", () => {
    const c = withKeys(key("k1"));
    c.resources[0].providers.reverse();
    const inner = new MemoryStorage();
    new EncryptingStorage(inner, secretsTransformer(c)).create(`${SECRETS_PREFIX}a/b`, secret("open"));
    assert.equal(JSON.parse(inner.get(`${SECRETS_PREFIX}a/b`)!.value).data.v, "open");
  });

  it("a hand-written configuration file is honoured", async () => {
    const path = join(tempDir(), "encryption-config.yaml");
    writeFileSync(path, stringify(withKeys(key("mine"))), { mode: 0o644 });
    const inner = new MemoryStorage();
    const st = new EncryptingStorage(inner, secretsTransformer(await loadOrCreateEncryptionConfig(path)));
    st.create(`${SECRETS_PREFIX}a/b`, secret("x"));
    assert.ok(inner.get(`${SECRETS_PREFIX}a/b`)!.value.startsWith("k8s:enc:aesgcm:v1:mine:"));
    assert.equal(statSync(path).mode & 0o777, 0o600, "tightened to 0600");
  });
});
