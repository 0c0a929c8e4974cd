// Test-only stand-ins for the scheduler and kubelet, so the workload
// controllers can be tested on their own: an "instant kubelet" that binds each
// pod to a node (round robin, or the node its DaemonSet affinity names) and
// marks it Running and Ready at once; job pods (those with a job-name label)
// succeed at once unless their first container's image says "fail" (they fail)
// or "sleep" (they run until told, see finish()). A pod
// being deleted is removed at once.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KObject, type KubeClient, R } from "../src/apiserver/client.ts";
import type { SimCluster } from "../src/simulator/cluster.ts";
import type { SimContext, SimController } from "../src/simulator/controller.ts";
import type { Informer } from "../src/simulator/kube/informer.ts";
import type { WorkloadController } from "../src/simulator/workloads/WorkloadController.ts";
import { WorkQueue } from "../src/simulator/kube/workQueue.ts";
import { type KubectlResult, runKubectl } from "./harness.ts";

export type InstantKubeletOptions = { nodes?: string[]; jobs?: "succeed" | "manual" };

export class InstantKubelet implements SimController {
  readonly name = "instant-kubelet";
  readonly component = "kubelet";
  private readonly opts: InstantKubeletOptions;
  private client!: KubeClient;
  private ctx!: SimContext;
  private pods!: Informer;
  private queue!: WorkQueue;
  private next = 0;
  /** Nodes that are "down": their pods stay as they are. */
  readonly down = new Set<string>();

  constructor(opts: InstantKubeletOptions = {}) {
    this.opts = opts;
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.client = ctx.client;
    this.queue = new WorkQueue((k) => this.sync(k), 16);
    this.pods = ctx.informer(R.pods);
    const add = (p: KObject) => this.queue.add(`${p.metadata?.namespace}/${p.metadata?.name}`);
    this.pods.on({ add, update: (_o, n) => add(n) });
    for (const n of this.opts.nodes ?? []) {
      await ctx.client.create(R.nodes, "", {
        metadata: { name: n, labels: { "kubernetes.io/hostname": n } },
        status: { conditions: [{ type: "Ready", status: "True" }] },
      });
    }
  }

  stop(): void {
    this.queue?.stop();
  }

  private pickNode(p: KObject): string {
    const terms = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    for (const t of terms) {
      const f = (t.matchFields ?? []).find((m: any) => m.key === "metadata.name");
      if (f) return f.values[0];
    }
    const nodes = (this.opts.nodes ?? ["node-1"]).filter((n) => !this.down.has(n));
    return nodes[this.next++ % nodes.length];
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const p = this.pods.get(ns, name);
    if (!p) return;
    if (p.metadata?.deletionTimestamp) {
      if (this.down.has(p.spec?.nodeName)) return;
      await this.client.delete(R.pods, ns, name, { gracePeriodSeconds: 0 }).catch(() => undefined);
      return;
    }
    if (!p.spec?.nodeName) {
      await this.client.create(R.pods, ns, { target: { kind: "Node", name: this.pickNode(p) } }, { name, subresource: "binding" });
      return;
    }
    if (this.down.has(p.spec.nodeName) || p.status?.phase !== "Pending") return;
    const now = new Date(this.ctx.clock.now()).toISOString().replace(/\.\d+Z$/, "Z");
    const isJob = !!p.metadata?.labels?.["job-name"];
    if (isJob && (this.opts.jobs === "manual" || String(p.spec?.containers?.[0]?.image).includes("sleep"))) {
      await this.running(p, now);
      return;
    }
    if (isJob) {
      const fail = String(p.spec?.containers?.[0]?.image ?? "").includes("fail");
      await this.client.patch(R.pods, ns, name, "merge", { status: { phase: fail ? "Failed" : "Succeeded", startTime: now } }, "status");
      return;
    }
    await this.running(p, now);
  }

  private running(p: KObject, now: string): Promise<KObject> {
    const cond = (type: string) => ({ type, status: "True", lastTransitionTime: now });
    return this.client.patch(
      R.pods,
      p.metadata!.namespace!,
      p.metadata!.name!,
      "merge",
      {
        status: {
          phase: "Running",
          startTime: now,
          podIP: "10.0.0.1",
          conditions: [cond("PodScheduled"), cond("Initialized"), cond("ContainersReady"), cond("Ready")],
        },
      },
      "status",
    );
  }

  /** Finishes a running job pod (with jobs: "manual"). */
  finish(ns: string, name: string, phase: "Succeeded" | "Failed"): Promise<KObject> {
    return this.client.patch(R.pods, ns, name, "merge", { status: { phase, conditions: [] } }, "status");
  }
}

type Falsy = false | 0 | "" | null | undefined;

export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 10_000): Promise<Exclude<T, Falsy>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Exclude<T, Falsy>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** kubectl against a simulated cluster, with its own kubeconfig and cache. */
export async function kubectlFor(c: SimCluster): Promise<{
  kubectl(args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-simwl-"));
  const kc = join(dir, "kubeconfig");
  await writeFile(kc, c.server.kubeconfig(), { mode: 0o600 });
  const base = ["--kubeconfig", kc, "--cache-dir", join(dir, "cache")];
  return {
    kubectl: (args, opts) => runKubectl([...base, ...args], opts),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Resolves once `controller` has finished a sync of `key` ("namespace/name")
 * that began after this call: the positive signal a test waits for before it
 * checks that the controller left something alone.
 */
export function nextSync(controller: WorkloadController, key: string): Promise<void> {
  const since = controller.syncsStarted;
  return new Promise((resolve) => {
    const before = controller.afterSync;
    controller.afterSync = (k, started) => {
      before?.(k, started);
      if (k !== key || started <= since) return;
      controller.afterSync = before;
      resolve();
    };
  });
}
