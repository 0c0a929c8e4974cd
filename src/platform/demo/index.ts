// `kpanda serve --demo`: simulated member clusters in the same process,
// integrated through the same code path as POST /clusters, and carrying
// sample workloads (YAML under workloads/), some deliberately unhealthy.
//   dev      3 nodes in one zone
//   staging  5 nodes over two zones
//   prod     12 nodes over three zones
// Simulated clusters keep their state in memory, and a restart gives them
// new ports: on a restart with the same data dir, a cluster that is already
// integrated gets kpanda's credential again (a new ServiceAccount token,
// with the new address) and its workloads again.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { KubeConfig, type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { parseAllDocuments } from "yaml";
import { type SimulatedCluster, type SimulatorOptions, startSimulator } from "../../simulator/index.ts";
import { patchClusterStatus } from "../clusters/clusterObjects.ts";
import { installCredential } from "../clusters/memberCredential.ts";
import { validateKubeconfig } from "../clusters/validate.ts";
import { codeOf } from "../host/host.ts";
import type { PlatformContext } from "../http/context.ts";

type NodePool = NonNullable<NonNullable<SimulatorOptions["nodeOptions"]>["profiles"]>[number];

export type DemoCluster = {
  name: string;
  alias: string;
  labels: Record<string, string>;
  nodes: NodePool[];
  /** Files under workloads/, applied in order. */
  workloads: string[];
};

export const DEMO_CLUSTERS: DemoCluster[] = [
  {
    name: "dev",
    alias: "Development",
    labels: { environment: "dev" },
    nodes: [{ namePrefix: "dev-node-", count: 3, cpu: "4", memory: "16Gi", zones: ["zone-a"], instanceType: "sim.medium" }],
    workloads: ["shop.yaml", "payments.yaml", "batch.yaml"],
  },
  {
    name: "staging",
    alias: "Staging",
    labels: { environment: "staging" },
    nodes: [{ namePrefix: "staging-node-", count: 5, zones: ["zone-a", "zone-b"] }],
    workloads: ["shop.yaml", "payments.yaml"],
  },
  {
    name: "prod",
    alias: "Production",
    labels: { environment: "prod" },
    nodes: [{ namePrefix: "prod-node-", count: 12, cpu: "16", memory: "64Gi", zones: ["zone-a", "zone-b", "zone-c"], instanceType: "sim.xlarge" }],
    workloads: ["shop.yaml", "payments.yaml", "batch.yaml"],
  },
];

export const DEMO_PROVIDER = "kpanda-simulator";

export type Demo = { clusters: SimulatedCluster[]; stop(): Promise<void> };

export async function startDemo(ctx: PlatformContext, opts: { dataDir: string; log: Logger; clusters?: DemoCluster[] }): Promise<Demo> {
  const log = opts.log.child({ component: "demo" });
  const sims: { stop(): Promise<void> }[] = [];
  const clusters: SimulatedCluster[] = [];
  try {
    for (const d of opts.clusters ?? DEMO_CLUSTERS) {
      const sim = await startSimulator({
        names: [d.name],
        nodeOptions: { profiles: d.nodes },
        dataDir: join(opts.dataDir, "demo"),
        logger: log.child({ cluster: d.name }, { level: "warn" }),
      });
      sims.push(sim);
      const c = sim.cluster(d.name);
      clusters.push(c);
      await integrate(ctx, d, c);
      await applyWorkloads(c, d.workloads);
      log.info({ cluster: d.name, url: c.url }, "demo cluster ready");
    }
  } catch (e) {
    await Promise.allSettled(sims.map((s) => s.stop()));
    throw e;
  }
  return {
    clusters,
    stop: async () => {
      await Promise.allSettled(sims.map((s) => s.stop()));
    },
  };
}

/** Integrates a demo cluster as POST /clusters does; one integrated before gets kpanda's credential again. */
async function integrate(ctx: PlatformContext, d: DemoCluster, c: SimulatedCluster): Promise<void> {
  if (!ctx.members.cluster(d.name)) {
    await ctx.clusters.create({ name: d.name, kubeconfig: c.kubeconfig(), alias: d.alias, labels: d.labels, provider: DEMO_PROVIDER });
    return;
  }
  const { cred, report } = await validateKubeconfig(c.kubeconfig(), ctx.clusters.validateTimeoutMs);
  if (report.error || !report.reachable) throw new Error(`demo cluster ${d.name}: ${report.error ?? "unreachable"}`);
  const installed = await installCredential(d.name, cred, ctx.clusters.validateTimeoutMs);
  await ctx.clusters.replaceCredential(d.name, installed.cred);
  if (installed.source === "ServiceAccount") await patchClusterStatus(ctx.host, d.name, { credentialExpiresAt: installed.expiresAt });
}

/** Creates each object of the files (those that exist already are left alone). */
async function applyWorkloads(c: SimulatedCluster, files: string[]): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(c.kubeconfig());
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const file of files) {
    for (const obj of await demoObjects(file)) {
      await api.create(obj).catch((e) => {
        if (codeOf(e) !== 409) throw e;
      });
    }
  }
}

export async function demoObjects(file: string): Promise<KubernetesObject[]> {
  const text = await readFile(new URL(`./workloads/${file}`, import.meta.url), "utf8");
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o);
}
