import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { R } from "../client.ts";
import { type ApiServer, startApiServer } from "../server.ts";
import { EventExpiry } from "./eventTTL.ts";

const ev = (name: string, last: string) => ({
  metadata: { name },
  involvedObject: { kind: "Pod", name: "p", namespace: "default" },
  reason: "Started",
  message: "m",
  type: "Normal",
  lastTimestamp: last,
  firstTimestamp: last,
  count: 1,
});

describe("event expiry", () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({ port: 0 });
  });
  after(() => server.close());

  it("expires an Event one TTL after its last write, and a write starts the TTL again", async () => {
    const c = server.client();
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const expiry = new EventExpiry(server.store, 3600, pino({ level: "silent" }), () => clock);
    expiry.start();
    try {
      await c.create(R.events, "default", ev("a.1", "2026-01-01T00:00:00Z"));
      await c.create(R.events, "default", ev("b.1", "2026-01-01T00:00:00Z"));
      clock += 50 * 60_000;
      await c.patch(R.events, "default", "b.1", "merge", { count: 2 });
      await c.create(R.events, "default", ev("c.1", "2026-01-01T00:50:00Z"));
      clock += 20 * 60_000;
      assert.equal(expiry.sweep(clock), 1);
      const names = (await c.list(R.events, "default")).items.map((e) => e.metadata?.name).sort();
      assert.deepEqual(names, ["b.1", "c.1"]);
      clock += 60 * 60_000;
      assert.equal(expiry.sweep(clock), 2);
      assert.deepEqual((await c.list(R.events, "default")).items, []);
    } finally {
      expiry.stop();
    }
  });

  it("dates Events written before it started by their last activity", async () => {
    const c = server.client();
    await c.create(R.events, "default", ev("old.1", "2026-01-01T00:00:00Z"));
    await c.create(R.events, "default", ev("new.1", "2026-01-01T00:59:00Z"));
    const expiry = new EventExpiry(server.store, 3600, pino({ level: "silent" }), () => Date.parse("2026-01-01T01:30:00Z"));
    expiry.start();
    try {
      assert.equal(expiry.sweep(Date.parse("2026-01-01T01:30:00Z")), 1);
      const names = (await c.list(R.events, "default")).items.map((e) => e.metadata?.name);
      assert.deepEqual(names, ["new.1"]);
    } finally {
      expiry.stop();
    }
  });
});
