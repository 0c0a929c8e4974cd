import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { R } from "../client.ts";
import { type ApiServer, startApiServer } from "../server.ts";
import { EventExpiry } from "./eventTTL.ts";

describe("event expiry", () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({ port: 0 });
  });
  after(() => server.close());

  it("deletes Events whose last activity is older than the TTL and keeps the rest", async () => {
    const c = server.client();
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
    await c.create(R.events, "default", ev("old.1", "2026-01-01T00:00:00Z"));
    await c.create(R.events, "default", ev("new.1", "2026-01-01T00:59:00Z"));
    const expiry = new EventExpiry(server.store, 3600, pino({ level: "silent" }));
    assert.equal(expiry.sweep(Date.parse("2026-01-01T01:30:00Z")), 1);
    const names = (await c.list(R.events, "default")).items.map((e) => e.metadata?.name);
    assert.deepEqual(names, ["new.1"]);
  });
});
