import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KObject, R } from "../apiserver/client.ts";
import { type ApiServer, startApiServer } from "../apiserver/server.ts";
import { FakeClock, settle } from "./clock.ts";
import { EventRecorder } from "./events.ts";

const pod = (name: string): KObject => ({ kind: "Pod", apiVersion: "v1", metadata: { name, namespace: "default", uid: `uid-${name}` } });

describe("EventRecorder", () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer({ port: 0 });
  });
  after(() => server.close());

  const events = async (name: string) =>
    (await server.client().list(R.events, "default")).items.filter((e) => e.involvedObject?.name === name);

  it("counts a repeat within ten minutes on the same Event and writes a new one after", async () => {
    const clock = new FakeClock();
    const rec = new EventRecorder(server.client(), clock, "test");
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await settle();
    await clock.advance(60_000);
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await settle();
    let got = await events("a");
    assert.equal(got.length, 1);
    assert.equal(got[0].count, 2);
    await clock.advance(11 * 60_000);
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await settle();
    got = await events("a");
    assert.equal(got.length, 2);
  });

  it("drops events past a burst of 25 per object and reason", async () => {
    const clock = new FakeClock();
    const rec = new EventRecorder(server.client(), clock, "test");
    for (let i = 0; i < 30; i++) rec.event(pod("b"), "Warning", "BackOff", `try ${i}`);
    for (let i = 0; i < 20; i++) await settle();
    assert.equal((await events("b")).length, 25);
  });

  it("forgets what can no longer matter, so churned objects do not fill its caches", async () => {
    const clock = new FakeClock();
    const rec = new EventRecorder(server.client(), clock, "test");
    for (let i = 0; i < 50; i++) rec.event(pod(`churn-${i}`), "Normal", "Scheduled", "assigned");
    assert.deepEqual(rec.cached(), { seen: 50, buckets: 50 });
    await clock.advance(11 * 60_000);
    rec.event(pod("fresh"), "Normal", "Scheduled", "assigned");
    assert.deepEqual(rec.cached(), { seen: 1, buckets: 1 });
    for (let i = 0; i < 20; i++) await settle();
  });
});
