import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../http/context.ts";
import { AuditLog } from "./AuditLog.ts";

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  user: "alice",
  sourceIP: "127.0.0.1",
  verb: "create",
  resource: "users",
  name: `u${i}`,
  code: 201,
  path: "/apis/kpanda.io/v1alpha1/users",
  via: "rest",
  ...over,
});

describe("AuditLog", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-audit-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("rotates by size to audit.log.1 … audit.log.N, drops the oldest file, and queries across the kept ones newest first", async () => {
    const d = join(dir, "rotate");
    const lineBytes = Buffer.byteLength(`${JSON.stringify(entry(10))}\n`);
    // Three lines per file, two rotated files kept.
    const log = new AuditLog(d, { maxBytes: lineBytes * 3, keep: 2 });
    for (let i = 10; i < 22; i++) log.record(entry(i));
    for (const f of ["audit.log", "audit.log.1", "audit.log.2"]) {
      assert.ok(existsSync(join(d, f)), f);
      assert.ok(statSync(join(d, f)).size <= lineBytes * 3, `${f} stays under maxBytes`);
    }
    assert.ok(!existsSync(join(d, "audit.log.3")));
    const names = log.query({}).map((e) => e.name);
    // 12 written, 3 files of 3 kept: the newest 9, newest first.
    assert.deepEqual(names, ["u21", "u20", "u19", "u18", "u17", "u16", "u15", "u14", "u13"]);
  });

  it("queries by namespace and name: entries of other objects, even with the name elsewhere in them, are left out", async () => {
    const log = new AuditLog(join(dir, "byname"));
    log.record(entry(1, { namespace: "shop", name: "web", resource: "deployments" }));
    log.record(entry(2, { namespace: "shop", name: "web-api", resource: "deployments", path: "/web" }));
    log.record(entry(3, { namespace: "other", name: "web", resource: "deployments" }));
    log.record(entry(4, { namespace: "shop", name: "web", resource: "deployments/scale", verb: "scale" }));
    assert.deepEqual(
      log.query({ namespace: "shop", name: "web" }).map((e) => e.verb),
      ["scale", "create"],
    );
  });

  it("continues the size count of an existing file after a restart", async () => {
    const d = join(dir, "restart");
    const lineBytes = Buffer.byteLength(`${JSON.stringify(entry(10))}\n`);
    new AuditLog(d, { maxBytes: lineBytes * 2, keep: 1 }).record(entry(10));
    const again = new AuditLog(d, { maxBytes: lineBytes * 2, keep: 1 });
    again.record(entry(11));
    assert.ok(!existsSync(join(d, "audit.log.1")), "two lines fit in one file");
    again.record(entry(12));
    assert.ok(existsSync(join(d, "audit.log.1")), "the third line rotated");
    assert.deepEqual(
      again.query({}).map((e) => e.name),
      ["u12", "u11", "u10"],
    );
  });

  it("counts a line's size in bytes, so non-ASCII names do not overfill a file", () => {
    const d = join(dir, "bytes");
    const e = entry(10, { user: "zoë-ünïcödé" });
    const bytes = Buffer.byteLength(`${JSON.stringify(e)}\n`);
    const log = new AuditLog(d, { maxBytes: 2 * bytes - 1, keep: 1 });
    log.record(e);
    log.record(e);
    assert.ok(statSync(join(d, "audit.log")).size <= 2 * bytes - 1);
    assert.ok(existsSync(join(d, "audit.log.1")));
  });

  it("filters by user, cluster, verb and an inclusive time range", () => {
    const log = new AuditLog(join(dir, "filter"));
    for (let i = 0; i < 6; i++) {
      log.record(entry(i, { user: i % 2 ? "alice" : "bob", cluster: i < 3 ? "dev" : "prod", verb: i === 4 ? "delete" : "create" }));
    }
    const t = (s: number) => Date.UTC(2025, 0, 1, 0, 0, s);
    assert.deepEqual(log.query({ user: "alice" }).map((e) => e.name), ["u5", "u3", "u1"]);
    assert.deepEqual(log.query({ cluster: "dev" }).map((e) => e.name), ["u2", "u1", "u0"]);
    assert.deepEqual(log.query({ verb: "delete" }).map((e) => e.name), ["u4"]);
    assert.deepEqual(log.query({ since: t(2), until: t(4) }).map((e) => e.name), ["u4", "u3", "u2"]);
  });
});
