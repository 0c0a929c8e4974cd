// The fault-injection handle of one simulated cluster. Network faults act in
// the fault proxy in front of the cluster's API server (FaultProxy.ts), so
// clients outside the process (kubectl, the platform) see them while the
// in-process controllers keep running, as a control plane behind a broken
// load balancer would; dropped watches are the proxy's too, so in-process
// watchers are not dropped. Compaction is the API server's administrative
// call, made over HTTPS as its admin (as `etcdctl compaction` is to etcd),
// and reaches every watcher. Fault durations are wall-clock time: they are
// about real connections.
import { request } from "node:https";
import { COMPACTION_PATH } from "../../apiserver/http/admin.ts";
import type { KeyPairPem } from "../../apiserver/tls/pki.ts";
import type { FaultProxy } from "./FaultProxy.ts";

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

/** How to call the API server's admin endpoints: its own URL (not the proxy's) and an admin credential. */
export type AdminAccess = { url: string; ca: string; credential: KeyPairPem };

export class ClusterFaults {
  private readonly proxy: FaultProxy;
  private readonly admin: AdminAccess;
  private readonly nodes?: NodeFaults;
  private readonly stopped = new Set<string>();
  private unreachableUntil?: NodeJS.Timeout;
  private down = false;

  constructor(proxy: FaultProxy, admin: AdminAccess, nodes?: NodeFaults) {
    this.proxy = proxy;
    this.admin = admin;
    this.nodes = nodes;
  }

  /** Refuses connections (and drops open ones) for ms, or until reachable(). */
  async unreachable(ms?: number): Promise<void> {
    clearTimeout(this.unreachableUntil);
    this.down = true;
    await this.proxy.unlisten();
    if (ms !== undefined) {
      this.unreachableUntil = setTimeout(() => void this.reachable(), ms);
      this.unreachableUntil.unref();
    }
  }

  async reachable(): Promise<void> {
    clearTimeout(this.unreachableUntil);
    this.down = false;
    await this.proxy.relisten();
  }

  /** Adds ms of latency to every request through the proxy (0 removes it). */
  latency(ms: number): void {
    if (!(ms >= 0)) throw new Error("latency must be a non-negative number of milliseconds");
    this.proxy.latencyMs = ms;
  }

  /** Answers a share (0..1) of requests through the proxy with 500 InternalError or 429 TooManyRequests (0 stops). */
  errors(rate: number, code: 500 | 429 = 500): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error("error rate must be between 0 and 1");
    if (code !== 500 && code !== 429) throw new Error("error code must be 500 or 429");
    this.proxy.errorRate = rate;
    this.proxy.errorCode = code;
  }

  /** Ends every watch open through the proxy; clients resume from their last resourceVersion. Answers how many. */
  dropWatches(): number {
    return this.proxy.dropWatches();
  }

  /** Compacts the cluster's history to its current revision: a watch from any older resourceVersion answers 410 Gone. */
  async compact(): Promise<number> {
    const answer = await adminPost(this.admin, COMPACTION_PATH, "{}");
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
    this.proxy.clearHttpFaults();
    if (this.down) await this.reachable();
    for (const n of [...this.stopped]) await this.startNode(n);
  }

  state(): FaultState {
    const p = this.proxy;
    return { unreachable: this.down, latencyMs: p.latencyMs, errorRate: p.errorRate, errorCode: p.errorCode, stoppedNodes: [...this.stopped] };
  }
}

/** POSTs to one of the API server's admin paths with the admin client certificate. */
function adminPost(admin: AdminAccess, path: string, body: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const { ca, credential } = admin;
    const opts = { method: "POST", ca, cert: credential.cert, key: credential.key, headers: { "Content-Type": "application/json" } };
    const req = request(`${admin.url}${path}`, opts, (res) => {
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
    });
    req.on("error", reject);
    req.end(body);
  });
}
