// core/v1 Events, written the way client-go's EventRecorder writes them, for
// every simulated controller:
// - a repeat of the same (source, object, fieldPath, type, reason, message)
//   within ten minutes patches the existing Event's count and lastTimestamp
//   (the EventCorrelator's aggregation);
// - each (source, object, type, reason) gets a token bucket of 25 events
//   refilled one per 5 minutes (EventSourceObjectSpamFilter);
// - writes are queued and bounded; a full queue drops, as the broadcaster
//   does when it falls behind. Events never block a controller.
// Both caches are LRUs of 4096 entries, as upstream's. Unlike upstream, an
// entry goes as soon as it can no longer matter (a repeat past the window,
// a bucket refilled to its burst): one recorder here serves every node of a
// cluster, and pods come and go under churn, so the caches would otherwise
// sit full of the dead.
import { type KObject, type KubeClient, R } from "../apiserver/client.ts";
import type { Clock } from "./clock.ts";

export type EventType = "Normal" | "Warning";
export type EventSource = { component: string; host?: string };

const WINDOW_MS = 10 * 60 * 1000;
const BURST = 25;
const REFILL_MS = 5 * 60 * 1000;
const CACHE_SIZE = 4096;
const QUEUE_LIMIT = 1000;
const IN_FLIGHT = 4;

let lastSecond = Number.NaN;
let lastText = "";

/** RFC 3339 with seconds, as metav1.Time serializes. Cached per second: events are written in bursts. */
export function rfc3339(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastText = new Date(sec * 1000).toISOString().replace(".000Z", "Z");
  }
  return lastText;
}

/** RFC 3339 with microseconds, as metav1.MicroTime serializes. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

type Seen = { namespace: string; name: string; count: number; at: number };
/** `at` anchors the refill. */
type Bucket = { tokens: number; at: number };

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly source?: EventSource;
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly queue: (() => Promise<unknown>)[] = [];
  private inFlight = 0;
  private seq = 0;
  private evictedAt = Number.NEGATIVE_INFINITY;
  /** False turns recording off (benchmarks that only count pods). */
  enabled = true;

  /** `source` is the default for event(); record() names its own. */
  constructor(client: KubeClient, clock: Clock, source?: EventSource | string) {
    this.client = client;
    this.clock = clock;
    this.source = typeof source === "string" ? { component: source } : source;
  }

  /** Records an event from this recorder's own source. */
  event(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    this.record(obj, type, reason, message, this.source ?? { component: "unknown" }, fieldPath);
  }

  /** Records an event about obj; fieldPath names a container ("spec.containers{app}"). */
  record(obj: KObject, type: EventType, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    if (!this.enabled) return;
    this.evict(this.clock.now());
    const meta = obj.metadata ?? {};
    const kind = obj.kind ?? "Pod";
    // Cluster-scoped objects' events live in "default", and a Node's uid is its name, as upstream's are.
    const namespace = meta.namespace || "default";
    const uid = kind === "Node" ? meta.name : meta.uid;
    const src = `${source.component}\u0000${source.host ?? ""}`;
    const objKey = `${kind}\u0000${meta.namespace ?? ""}\u0000${meta.name}\u0000${uid ?? ""}`;
    if (!this.allow(`${src}\u0000${objKey}\u0000${type}\u0000${reason}`)) return;
    const now = this.clock.now();
    const key = `${src}\u0000${objKey}\u0000${fieldPath ?? ""}\u0000${type}\u0000${reason}\u0000${message}`;
    const prev = touch(this.seen, key);
    if (prev && now - prev.at < WINDOW_MS) {
      prev.count++;
      prev.at = now;
      const patch = { count: prev.count, lastTimestamp: rfc3339(now) };
      this.enqueue(() => this.client.patch(R.events, prev.namespace, prev.name, "merge", patch).catch(() => this.seen.delete(key)));
      return;
    }
    // Unique like upstream's "<name>.<unix nanos in hex>": clock ms, then a sequence.
    const name = `${meta.name}.${now.toString(16)}${(this.seq++ & 0xffffff).toString(16).padStart(6, "0")}`;
    put(this.seen, key, { namespace, name, count: 1, at: now }, CACHE_SIZE);
    const ev: KObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        kind,
        namespace: meta.namespace,
        name: meta.name,
        uid,
        apiVersion: obj.apiVersion ?? "v1",
        resourceVersion: meta.resourceVersion,
        fieldPath,
      },
      reason,
      message,
      source,
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? "",
    };
    this.enqueue(() => this.client.create(R.events, namespace, ev).catch(() => this.seen.delete(key)));
  }

  private allow(spamKey: string): boolean {
    const now = this.clock.now();
    let b = touch(this.buckets, spamKey);
    if (!b) {
      b = { tokens: BURST, at: now };
      put(this.buckets, spamKey, b, CACHE_SIZE);
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

  /** Entries held by the aggregation and spam-filter caches. */
  cached(): { seen: number; buckets: number } {
    return { seen: this.seen.size, buckets: this.buckets.size };
  }

  /** Drops, oldest first, the entries that can no longer change what is recorded. */
  private evict(now: number): void {
    // Once a second is enough: entries expire in minutes.
    if (now - this.evictedAt < 1000) return;
    this.evictedAt = now;
    for (const [k, s] of this.seen) {
      if (now - s.at < WINDOW_MS) break;
      this.seen.delete(k);
    }
    for (const [k, b] of this.buckets) {
      // Full again by now: the same as no bucket.
      if (b.tokens + Math.floor((now - b.at) / REFILL_MS) < BURST) break;
      this.buckets.delete(k);
    }
  }

  private enqueue(write: () => Promise<unknown>): void {
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
