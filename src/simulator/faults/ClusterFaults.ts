// The fault-injection handle of one simulated cluster. Network faults act at
// the cluster's HTTPS edge, so clients outside the process (kubectl, the
// platform) see them while the in-process controllers keep running, as a
// control plane behind a broken load balancer would. Storage faults act on
// every watcher, in-process ones included. Compaction is the API server's
// administrative call, made over HTTPS as its admin (as `etcdctl compaction`
// is to etcd). Fault durations are wall-clock time: they are about real
// connections.
import { request } from "node:https";
import { COMPACTION_PATH } from "../../apiserver/http/admin.ts";
import type { ApiServer } from "../../apiserver/server.ts";

export type NodeFaults = {
  stopNode(name: string): void;
  startNode(name: string): Promise<void>;
};

export type FaultState = {
  unreachable: boolean;
  latencyMs: number;
  errorRate: number;
  errorCode: 500 | 429;
  stoppedNodes: string[];
};

export class ClusterFaults {
  private readonly server: ApiServer;
  private readonly nodes?: NodeFaults;
  private readonly stopped = new Set<string>();
  private unreachableUntil?: NodeJS.Timeout;
  private down = false;

  constructor(server: ApiServer, nodes?: NodeFaults) {
    this.server = server;
    this.nodes = nodes;
  }

  /** Refuses connections (and drops open ones) for ms, or until reachable(). */
  async unreachable(ms?: number): Promise<void> {
    clearTimeout(this.unreachableUntil);
    this.down = true;
    await this.server.unlisten();
    if (ms !== undefined) {
      this.unreachableUntil = setTimeout(() => void this.reachable(), ms);
      this.unreachableUntil.unref();
    }
  }

  async reachable(): Promise<void> {
    clearTimeout(this.unreachableUntil);
    this.down = false;
    await this.server.relisten();
  }

  /** Adds ms of latency to every HTTPS request (0 removes it). */
  latency(ms: number): void {
    if (!(ms >= 0)) throw new Error("latency must be a non-negative number of milliseconds");
    this.server.faults.latencyMs = ms;
  }

  /** Answers a share (0..1) of HTTPS requests with 500 InternalError or 429 TooManyRequests (0 stops). */
  errors(rate: number, code: 500 | 429 = 500): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error("error rate must be between 0 and 1");
    if (code !== 500 && code !== 429) throw new Error("error code must be 500 or 429");
    this.server.faults.errorRate = rate;
    this.server.faults.errorCode = code;
  }

  /** Ends every open watch, HTTP and in-process; clients resume from their last resourceVersion. */
  dropWatches(): void {
    this.server.storage.close();
  }

  /** Compacts the cluster's history to its current revision: a watch from any older resourceVersion answers 410 Gone. */
  async compact(): Promise<number> {
    const answer = await adminPost(this.server, COMPACTION_PATH, "{}");
    return Number(answer.compactRevision);
  }

  /** The node's kubelet goes silent: no heartbeats, so the node lifecycle controller marks it NotReady. */
  stopNode(name: string): void {
    if (!this.nodes) throw new Error("this cluster runs no simulated nodes");
    this.nodes.stopNode(name);
    this.stopped.add(name);
  }

  async startNode(name: string): Promise<void> {
    if (!this.nodes) throw new Error("this cluster runs no simulated nodes");
    await this.nodes.startNode(name);
    this.stopped.delete(name);
  }

  /** Ends every fault: reachable, no latency or errors, all stopped nodes started. */
  async clear(): Promise<void> {
    this.server.faults.clear();
    if (this.down) await this.reachable();
    for (const n of [...this.stopped]) await this.startNode(n);
  }

  state(): FaultState {
    const f = this.server.faults;
    return { unreachable: this.down, latencyMs: f.latencyMs, errorRate: f.errorRate, errorCode: f.errorCode, stoppedNodes: [...this.stopped] };
  }
}

/** POSTs to one of the API server's admin paths with its admin client certificate. */
function adminPost(server: ApiServer, path: string, body: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: "POST", ca: server.pki.ca.cert, cert: server.admin.cert, key: server.admin.key, headers: { "Content-Type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => {
          if (res.statusCode === 200) resolve(JSON.parse(text));
          else reject(new Error(`${path} answered ${res.statusCode}: ${text}`));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
