// Expected values follow client-go's EventCorrelator
// (staging/src/k8s.io/client-go/tools/record/events_cache.go, event.go):
// EventAggregator (10 distinct messages in 10 minutes, "(combined from similar
// events): "), eventLogger (a repeat patches count, lastTimestamp and message)
// and EventSourceObjectSpamFilter (25 per source and object, one more per 5 minutes).
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

  // The server's default --event-ttl, an hour, as kube-apiserver's.
  const recorder = (clock: FakeClock) => new EventRecorder(server.client(), clock, "test", { eventTTLSeconds: 3600 });
  const events = async (name: string) =>
    (await server.client().list(R.events, "default")).items.filter((e) => e.involvedObject?.name === name);
  const drain = async () => {
    for (let i = 0; i < 20; i++) await settle();
  };

  it("counts a repeat on the same Event by patching count and lastTimestamp, even past the aggregation window", async () => {
    const clock = new FakeClock();
    const rec = recorder(clock);
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await drain();
    await clock.advance(60_000);
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await drain();
    let got = await events("a");
    assert.equal(got.length, 1);
    assert.equal(got[0].count, 2);
    assert.equal(got[0].lastTimestamp, "2026-01-01T00:01:00Z");
    // The eventLogger has no window of its own: 11 minutes on, still the same Event.
    await clock.advance(11 * 60_000);
    rec.event(pod("a"), "Normal", "Pulled", "pulled");
    await drain();
    got = await events("a");
    assert.equal(got.length, 1);
    assert.equal(got[0].count, 3);
    assert.equal(got[0].firstTimestamp, "2026-01-01T00:00:00Z");
  });

  it("merges similar events from the 10th distinct message on into one combined Event, and drops past 25 per object", async () => {
    const clock = new FakeClock();
    const rec = recorder(clock);
    for (let i = 0; i < 30; i++) rec.event(pod("b"), "Warning", "BackOff", `try ${i}`);
    await drain();
    const got = await events("b");
    // 9 Events of their own, then one combined Event for the 10th and later. The
    // spam filter lets 25 writes through: 9 creates, the combined create and 15 patches.
    assert.equal(got.length, 10);
    const combined = got.filter((e) => e.message.startsWith("(combined from similar events): "));
    assert.equal(combined.length, 1);
    assert.equal(combined[0].count, 16);
    assert.equal(combined[0].message, "(combined from similar events): try 24");
    assert.deepEqual(
      got.filter((e) => e !== combined[0]).map((e) => e.message).sort(),
      Array.from({ length: 9 }, (_, i) => `try ${i}`).sort(),
    );
  });

  it("a source and object get one more event per 5 minutes once their burst is spent, whatever the reason", async () => {
    const clock = new FakeClock();
    const rec = recorder(clock);
    for (let i = 0; i < 25; i++) rec.event(pod("c"), "Normal", `Reason${i}`, "m");
    rec.event(pod("c"), "Normal", "Another", "m");
    await drain();
    assert.equal((await events("c")).length, 25);
    await clock.advance(5 * 60_000);
    rec.event(pod("c"), "Normal", "Another", "m");
    rec.event(pod("c"), "Normal", "YetAnother", "m");
    await drain();
    const got = await events("c");
    assert.equal(got.length, 26);
    assert.ok(got.some((e) => e.reason === "Another"));
  });

  it("creates a counted Event again under its name when the server no longer has it", async () => {
    const clock = new FakeClock();
    const rec = recorder(clock);
    rec.event(pod("d"), "Normal", "Pulled", "pulled");
    await drain();
    const [first] = await events("d");
    await server.client().delete(R.events, "default", first.metadata!.name!);
    await clock.advance(60_000);
    rec.event(pod("d"), "Normal", "Pulled", "pulled");
    await drain();
    const got = await events("d");
    assert.deepEqual(
      got.map((e) => [e.metadata!.name, e.count, e.firstTimestamp]),
      [[first.metadata!.name, 2, first.firstTimestamp]],
    );
  });

  it("forgets what can no longer matter, so churned objects do not fill its caches", async () => {
    const clock = new FakeClock();
    const rec = new EventRecorder(server.client(), clock, "test", { eventTTLSeconds: 600 });
    for (let i = 0; i < 50; i++) rec.event(pod(`churn-${i}`), "Normal", "Scheduled", "assigned");
    assert.deepEqual(rec.cached(), { aggregates: 50, observed: 50, buckets: 50 });
    await clock.advance(11 * 60_000);
    rec.event(pod("fresh"), "Normal", "Scheduled", "assigned");
    assert.deepEqual(rec.cached(), { aggregates: 1, observed: 1, buckets: 1 });
    await drain();
  });
});
