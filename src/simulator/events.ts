// core/v1 Events, written the way client-go's EventRecorder writes them
// (tools/record: event.go recordToSink, events_cache.go EventCorrelator), for
// every simulated controller. Each event goes through, in order:
// - the EventAggregator: events alike but for their message (same source,
//   object, type and reason) within ten minutes of the last one are counted;
//   from the 10th distinct message on, each becomes the one Event
//   "(combined from similar events): <message>";
// - the eventLogger: a repeat of the same event (or of the combined one)
//   patches the existing Event's count, lastTimestamp and message, and creates
//   it again under its name if the server no longer has it;
// - the EventSourceObjectSpamFilter: each source and object gets a token
//   bucket of 25 events refilled one per 5 minutes, counted after the two
//   steps above (a repeat dropped here still counts in the next patch).
// Writes are queued and bounded; a full queue drops, as the broadcaster does
// when it falls behind. Events never block a controller.
//
// The caches are LRUs of 4096 entries, as upstream's. Unlike upstream, an
// entry goes as soon as it can no longer matter, since one recorder here
// serves every node of a cluster and pods come and go under churn: an
// aggregation record past its ten minutes and a refilled bucket are the same
// as none; a repeat's record goes once the Event has expired on the server
// (its TTL after the last write, `eventTTLSeconds`), so a repeat after that
// starts a new Event at count 1 where upstream would recreate the old one
// with the count carried on. Where upstream drops an arbitrary message from
// a full aggregation set (sets.String.PopAny), this drops the oldest.
import { isNotFound, type KObject, type KubeClient, R } from "../apiserver/client.ts";
import type { Clock } from "./clock.ts";
import type { SimContext } from "./controller.ts";

export type EventType = "Normal" | "Warning";
export type EventSource = { component: string; host?: string };

// events_cache.go's defaults.
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_WINDOW_MS = 600 * 1000;
const COMBINED = "(combined from similar events): ";
const BURST = 25;
const REFILL_MS = 300 * 1000;
const CACHE_SIZE = 4096;
const QUEUE_LIMIT = 1000;
const IN_FLIGHT = 4;
/** The simulator's Event TTL (SIM_EVENT_TTL_SECONDS); kube-apiserver's default is an hour. */
const DEFAULT_EVENT_TTL_SECONDS = 600;

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

/** A controller's recorder: its context's client and clock, its cluster's Event TTL. */
export function recorderFor(ctx: Pick<SimContext, "client" | "clock" | "eventTTLSeconds">, source?: EventSource | string): EventRecorder {
  return new EventRecorder(ctx.client, ctx.clock, source, { eventTTLSeconds: ctx.eventTTLSeconds });
}

/** An aggregation record: the distinct messages seen (at most 10: a small array beats a Set), and when the last came. */
type Aggregate = { messages: string[]; at: number };
/** An Event as last written: `at` is that write's time. */
type Observed = { namespace: string; name: string; count: number; first: number; at: number };
/** A token bucket with fractional tokens, as golang.org/x/time/rate's. */
type Bucket = { tokens: number; at: number };

export type EventRecorderOptions = {
  /** How long the server keeps an Event after its last write (--event-ttl). */
  eventTTLSeconds?: number;
};

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly source?: EventSource;
  private readonly ttlMs: number;
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly observed = new Map<string, Observed>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly queue: (() => Promise<unknown>)[] = [];
  private inFlight = 0;
  private seq = 0;
  private evictedAt = Number.NEGATIVE_INFINITY;
  /** False turns recording off (benchmarks that only count pods). */
  enabled = true;

  /** `source` is the default for event(); record() names its own. */
  constructor(client: KubeClient, clock: Clock, source?: EventSource | string, opts: EventRecorderOptions = {}) {
    this.client = client;
    this.clock = clock;
    this.source = typeof source === "string" ? { component: source } : source;
    this.ttlMs = (opts.eventTTLSeconds ?? DEFAULT_EVENT_TTL_SECONDS) * 1000;
  }

  /** Records an event from this recorder's own source. */
  event(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    this.record(obj, type, reason, message, this.source ?? { component: "unknown" }, fieldPath);
  }

  /** Records an event about obj; fieldPath names a container ("spec.containers{app}"). */
  record(obj: KObject, type: EventType, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    this.evict(now);
    const meta = obj.metadata ?? {};
    const kind = obj.kind ?? "Pod";
    const apiVersion = obj.apiVersion ?? "v1";
    // Cluster-scoped objects' events live in "default", and a Node's uid is its name, as upstream's are.
    const namespace = meta.namespace || "default";
    const uid = kind === "Node" ? meta.name : meta.uid;
    // getSpamKey: the source and the object.
    const spamKey = `${source.component}\u0000${source.host ?? ""}\u0000${kind}\u0000${meta.namespace ?? ""}\u0000${meta.name}\u0000${uid ?? ""}\u0000${apiVersion}`;
    // EventAggregatorByReasonFunc, whose reporting controller and instance are the source's here.
    const aggregateKey = `${spamKey}\u0000${type}\u0000${reason}`;
    const combined = this.aggregate(aggregateKey, message, now);
    const key = combined ? aggregateKey : `${aggregateKey}\u0000${fieldPath ?? ""}\u0000${message}`;
    const text = combined ? COMBINED + message : message;
    // eventObserve: a repeat takes the earlier Event's name, count and first time.
    const prev = touch(this.observed, key);
    const seen: Observed = prev
      ? { namespace, name: prev.name, count: prev.count + 1, first: prev.first, at: now }
      : { namespace, name: this.newName(meta.name, now), count: 1, first: now, at: now };
    put(this.observed, key, seen, CACHE_SIZE);
    if (!this.allow(spamKey, now)) return;
    const ev = (): KObject => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: seen.name, namespace },
      involvedObject: { kind, namespace: meta.namespace, name: meta.name, uid, apiVersion, resourceVersion: meta.resourceVersion, fieldPath },
      reason,
      message: text,
      source,
      firstTimestamp: rfc3339(seen.first),
      lastTimestamp: rfc3339(now),
      count: seen.count,
      type,
      eventTime: null,
      // An aggregate Event is a fresh v1.Event with neither (EventAggregate's eventCopy).
      reportingComponent: combined ? "" : source.component,
      reportingInstance: combined ? "" : (source.host ?? ""),
    });
    if (seen.count === 1) {
      this.enqueue(() => this.client.create(R.events, namespace, ev()));
      return;
    }
    const patch = { count: seen.count, lastTimestamp: rfc3339(now), message: text };
    // recordEvent: the patch can fail because the Event is gone; then it is created again.
    this.enqueue(() =>
      this.client.patch(R.events, namespace, seen.name, "strategic", patch).catch((e) => {
        if (isNotFound(e)) return this.client.create(R.events, namespace, ev());
        throw e;
      }),
    );
  }

  /** EventAggregate: true when this event is to be counted on its group's combined Event. */
  private aggregate(key: string, message: string, now: number): boolean {
    let rec = touch(this.aggregates, key);
    if (!rec || now - rec.at > AGGREGATE_WINDOW_MS) {
      rec = { messages: [message], at: now };
      put(this.aggregates, key, rec, CACHE_SIZE);
    } else if (!rec.messages.includes(message)) rec.messages.push(message);
    rec.at = now;
    if (rec.messages.length < AGGREGATE_MAX_EVENTS) return false;
    rec.messages.shift();
    return true;
  }

  /** Unique like upstream's "<name>.<unix nanos in hex>": clock ms, then a sequence. */
  private newName(name: string | undefined, now: number): string {
    return `${name}.${now.toString(16)}${(this.seq++ & 0xffffff).toString(16).padStart(6, "0")}`;
  }

  /** EventSourceObjectSpamFilter: false when the source and object are out of tokens. */
  private allow(key: string, now: number): boolean {
    let b = touch(this.buckets, key);
    if (!b) {
      b = { tokens: BURST, at: now };
      put(this.buckets, key, b, CACHE_SIZE);
    } else {
      b.tokens = Math.min(BURST, b.tokens + (now - b.at) / REFILL_MS);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Entries held by the aggregation, repeat and spam-filter caches. */
  cached(): { aggregates: number; observed: number; buckets: number } {
    return { aggregates: this.aggregates.size, observed: this.observed.size, buckets: this.buckets.size };
  }

  /** Drops, oldest first, the entries that can no longer change what is recorded. */
  private evict(now: number): void {
    // Once a second is enough: entries expire in minutes.
    if (now - this.evictedAt < 1000) return;
    this.evictedAt = now;
    for (const [k, a] of this.aggregates) {
      if (now - a.at <= AGGREGATE_WINDOW_MS) break;
      this.aggregates.delete(k);
    }
    for (const [k, o] of this.observed) {
      if (now - o.at < this.ttlMs) break;
      this.observed.delete(k);
    }
    for (const [k, b] of this.buckets) {
      // Full again by now: the same as no bucket.
      if (b.tokens + (now - b.at) / REFILL_MS < BURST) break;
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
