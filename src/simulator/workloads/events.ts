// core/v1 Events as client-go's EventRecorder writes them, kept cheap:
// - a repeat of the same (source, object, type, reason, message) patches the
//   existing Event's count and lastTimestamp (the EventCorrelator's aggregation);
// - each object gets a token bucket of 25 events refilled one per 5 minutes
//   (EventSourceObjectSpamFilter), so creating 100 pods does not write 100 events;
// - writes are queued and bounded; a full queue drops, as the broadcaster does.
import { type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";
import { isoSeconds } from "./util.ts";

const BURST = 25;
const REFILL_MS = 5 * 60 * 1000;
const CACHE_SIZE = 4096;
const QUEUE_LIMIT = 1000;
const IN_FLIGHT = 4;

type Seen = { name: string; namespace: string; count: number; first: string };
type Bucket = { tokens: number; at: number };

export type EventType = "Normal" | "Warning";

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly component: string;
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly queue: (() => Promise<void>)[] = [];
  private inFlight = 0;
  private seq = 0;

  constructor(client: KubeClient, clock: Clock, component: string) {
    this.client = client;
    this.clock = clock;
    this.component = component;
  }

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    const m = obj.metadata ?? {};
    const objKey = `${obj.kind}/${m.namespace ?? ""}/${m.name}/${m.uid ?? ""}`;
    // getSpamKey: source and involved object, type and reason.
    if (!this.allow(`${objKey}\u0000${type}\u0000${reason}`)) return;
    const now = this.clock.now();
    const ts = isoSeconds(now);
    const key = `${objKey}\u0000${type}\u0000${reason}\u0000${message}`;
    const prev = touch(this.seen, key);
    if (prev) {
      prev.count++;
      const patch = { count: prev.count, lastTimestamp: ts };
      this.enqueue(() => this.client.patch(R.events, prev.namespace, prev.name, "merge", patch).then(() => undefined));
      return;
    }
    const namespace = m.namespace || "default";
    const name = `${m.name}.${(BigInt(now) * 1000000n + BigInt(this.seq++ % 1000000)).toString(16)}`;
    put(this.seen, key, { name, namespace, count: 1, first: ts }, CACHE_SIZE);
    const ev: KObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: m.resourceVersion,
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: "",
    };
    this.enqueue(() => this.client.create(R.events, namespace, ev).then(() => undefined));
  }

  private allow(objKey: string): boolean {
    const now = this.clock.now();
    let b = touch(this.buckets, objKey);
    if (!b) {
      b = { tokens: BURST, at: now };
      put(this.buckets, objKey, b, CACHE_SIZE);
    }
    const refill = Math.floor((now - b.at) / REFILL_MS);
    if (refill > 0) {
      b.tokens = Math.min(BURST, b.tokens + refill);
      b.at += refill * REFILL_MS;
    }
    if (b.tokens <= 0) return false;
    b.tokens--;
    return true;
  }

  private enqueue(write: () => Promise<void>): void {
    if (this.queue.length >= QUEUE_LIMIT) return;
    this.queue.push(write);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.queue.length) {
      const w = this.queue.shift()!;
      this.inFlight++;
      w()
        .catch(() => undefined)
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

/** Map lookup that refreshes recency (Maps iterate in insertion order: the first key is the least recent). */
function touch<V>(m: Map<string, V>, k: string): V | undefined {
  const v = m.get(k);
  if (v !== undefined) {
    m.delete(k);
    m.set(k, v);
  }
  return v;
}

function put<V>(m: Map<string, V>, k: string, v: V, limit: number): void {
  m.set(k, v);
  if (m.size > limit) m.delete(m.keys().next().value!);
}
