// Best-effort core/v1 Events, as client-go's event recorder writes them: one
// Event per (object, reason, message, source), and a repeat within the
// correlation window bumps count and lastTimestamp instead of creating a new
// one (EventCorrelator). A failed write is dropped, as upstream drops events
// when its broadcaster falls behind; events never block a controller.
import type { KObject, KubeClient } from "../../apiserver/client.ts";
import { R } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";

export type EventSource = { component: string; host?: string };

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

const WINDOW_MS = 10 * 60 * 1000;
const CACHE_SIZE = 4096;

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly seen = new Map<string, Seen>();
  private seq = 0;
  /** False turns recording off (benchmarks that only count pods). */
  enabled = true;

  constructor(client: KubeClient, clock: Clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records an event about obj; fieldPath names a container ("spec.containers{app}"). */
  record(obj: KObject, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, fieldPath?: string): void {
    if (!this.enabled) return;
    const meta = obj.metadata ?? {};
    const kind = obj.kind ?? "Pod";
    // Cluster-scoped objects' events live in "default", as upstream's do.
    const namespace = meta.namespace || "default";
    const uid = kind === "Node" ? meta.name : meta.uid;
    const now = this.clock.now();
    const key = `${uid}\u0000${fieldPath ?? ""}\u0000${reason}\u0000${message}\u0000${source.component}\u0000${source.host ?? ""}`;
    const prev = this.seen.get(key);
    if (prev && now - prev.at < WINDOW_MS) {
      prev.count++;
      prev.at = now;
      this.seen.delete(key);
      this.seen.set(key, prev);
      this.client
        .patch(R.events, prev.namespace, prev.name, "merge", { count: prev.count, lastTimestamp: rfc3339(now) })
        .catch(() => this.seen.delete(key));
      return;
    }
    // Unique like upstream's "<name>.<unix nanos in hex>": clock ms, then a sequence.
    const name = `${meta.name}.${now.toString(16)}${(this.seq++ & 0xffffff).toString(16).padStart(6, "0")}`;
    const ev: KObject = {
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
    this.seen.set(key, { namespace, name, count: 1, at: now });
    if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
    this.client.create(R.events, namespace, ev).catch(() => this.seen.delete(key));
  }
}
