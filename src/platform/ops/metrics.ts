// kpanda's Prometheus metrics, served at /metrics: the REST API's request
// latency per route pattern, each cluster's phase, the Kubernetes proxy's
// latency per cluster, whether this replica leads the controllers, and the
// process's own (CPU, memory, event loop). One registry per platform, so two
// platforms in one process (tests) keep their figures apart.
//
// Names and labels follow Prometheus' conventions: base units (seconds),
// `_total` counters, and a state gauge that is 1 for the current phase and 0
// for the others, as kube-state-metrics' kube_pod_status_phase does.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { KObj } from "../host/kindCache.ts";

/** The phases of a Cluster (status.phase), as issue 10 names them. */
export const CLUSTER_PHASES = ["Integrating", "Running", "Unknown", "Removing"] as const;

export type MetricsSources = {
  /** The Cluster objects, read at scrape time. */
  clusters: () => readonly KObj[];
  /** True while this replica holds the controllers' Lease. */
  leading: () => boolean;
};

export class PlatformMetrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<"method" | "route" | "code">;
  private readonly proxy: Histogram<"cluster">;
  private readonly controllerStarts: Counter<"controller">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.requests = new Histogram({
      name: "kpanda_http_request_duration_seconds",
      help: "Latency of REST API requests, by method, route pattern and status code.",
      labelNames: ["method", "route", "code"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.proxy = new Histogram({
      name: "kpanda_proxy_request_duration_seconds",
      help: "Latency of Kubernetes proxy requests (/k8s/clusters/...), by member cluster, until the response headers.",
      labelNames: ["cluster"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.controllerStarts = new Counter({
      name: "kpanda_controller_starts_total",
      help: "Times each controller was started on this replica (on gaining the leader Lease).",
      labelNames: ["controller"],
      registers,
    });
    new Gauge({
      name: "kpanda_cluster_phase",
      help: "The phase of each member cluster: 1 for its current phase, 0 for the others.",
      labelNames: ["cluster", "phase"],
      registers,
      collect() {
        this.reset();
        for (const c of sources.clusters()) {
          const name = c.metadata?.name;
          if (!name) continue;
          const phase = c.status?.phase ?? "Integrating";
          for (const p of CLUSTER_PHASES) this.set({ cluster: name, phase: p }, p === phase ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "kpanda_leader",
      help: "1 while this replica holds the kpanda-controllers Lease and runs the controllers, else 0.",
      registers,
      collect() {
        this.set(sources.leading() ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "kpanda_" });
  }

  /** Records one REST request; `route` is the route pattern (never the raw URL, which would explode the labels). */
  observeRequest(method: string, route: string, code: number, seconds: number): void {
    this.requests.observe({ method, route, code: String(code) }, seconds);
  }

  /** Records one Kubernetes proxy request to `cluster`. The proxy calls this. */
  readonly observeProxy = (cluster: string, seconds: number): void => {
    this.proxy.observe({ cluster }, seconds);
  };

  controllerStarted(name: string): void {
    this.controllerStarts.inc({ controller: name });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
