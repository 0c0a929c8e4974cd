// One simulated cluster: an API server of our own on a loopback port behind a
// fault-injecting proxy (what kubeconfigs point at), plus the controllers
// that make it behave like a cluster. The controllers reach the server
// through the in-process client only.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import pino from "pino";
import type { KubeClient, Resource } from "../apiserver/client.ts";
import { DEFAULT_EVENT_TTL_SECONDS } from "../apiserver/controllers/eventTTL.ts";
import { type ApiServer, adminKubeconfig, KUBE_VERSION, startApiServer } from "../apiserver/server.ts";
import { type Clock, RealClock } from "./clock.ts";
import type { Component, SimContext, SimController } from "./controller.ts";
import { FaultProxy } from "./faults/FaultProxy.ts";
import { Informer } from "./kube/informer.ts";
import { SimNetwork } from "./network/SimNetwork.ts";

export type SimClusterOptions = {
  name: string;
  /** Where DIR/<name>/kubeconfig goes; none means nothing is written. */
  dataDir?: string;
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** Controllers to run, in start order. */
  controllers: SimController[];
  historySize?: number;
  eventTTLSeconds?: number;
};

export type SimCluster = {
  name: string;
  /** The API server, on its own loopback port behind the proxy. */
  server: ApiServer;
  /** The fault-injecting proxy in front of it: clients' way in. */
  proxy: FaultProxy;
  /** The proxy's URL. */
  url: string;
  /** An admin kubeconfig (YAML) for the proxy's URL. */
  kubeconfig(): string;
  client: KubeClient;
  clock: Clock;
  /** The cluster's in-memory network, which its API server dials into (kubelets, pod IPs). */
  network: SimNetwork;
  ctx: SimContext;
  stop(): Promise<void>;
};

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.name) || opts.name.length > 63) {
    throw new Error(`cluster name "${opts.name}" is not a DNS label`);
  }
  const dir = opts.dataDir ? join(opts.dataDir, opts.name) : undefined;
  if (dir) await mkdir(dir, { recursive: true, mode: 0o700 });
  const logger = (opts.logger ?? pino({ level: "warn" })).child({ cluster: opts.name });
  const network = new SimNetwork();
  // Its own port on loopback; clients come through the proxy, which shows them this certificate.
  const server = await startApiServer({
    host: "127.0.0.1",
    port: 0,
    serverNames: opts.host ? [opts.host] : [],
    writeKubeconfig: false,
    dataDir: dir,
    logger,
    historySize: opts.historySize,
    eventTTLSeconds: opts.eventTTLSeconds,
    // Everything the API server opens into the cluster (kubelets, pod IPs) goes through the simulated network.
    egressDial: network.dial,
  });
  const proxy = new FaultProxy({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    upstream: { host: server.host, port: server.port },
    ca: server.pki.ca.cert,
    serving: server.pki.server,
    proxyClient: server.pki.frontProxy.client,
  });
  await proxy.start();
  const kubeconfig = () => adminKubeconfig(proxy.url, server.pki.ca.cert, server.admin);
  if (dir) await writeFile(join(dir, "kubeconfig"), kubeconfig(), { mode: 0o600 });
  const client = server.client();
  const clock = opts.clock ?? new RealClock();
  const informers = new Map<string, Informer>();
  const ctx: SimContext = {
    cluster: opts.name,
    client,
    clock,
    network,
    ca: server.pki.ca,
    eventTTLSeconds: opts.eventTTLSeconds ?? DEFAULT_EVENT_TTL_SECONDS,
    informer(r: Resource) {
      const k = `${r.group}/${r.version}/${r.resource}`;
      let inf = informers.get(k);
      if (!inf) {
        inf = new Informer(client, r);
        informers.set(k, inf);
      }
      return inf;
    },
  };
  // Each controller writes as the component it stands in for; informers read through the shared client.
  const clients = new Map<Component, KubeClient>();
  const clientOf = (component: Component) => {
    let cl = clients.get(component);
    if (!cl) {
      cl = server.client({ userAgent: userAgent(component) });
      clients.set(component, cl);
    }
    return cl;
  };
  const stopAll = async () => {
    for (const c of [...opts.controllers].reverse()) {
      try {
        c.stop();
      } catch {
        // A controller that never started may have nothing to stop.
      }
    }
    for (const i of informers.values()) i.stop();
    await proxy.close();
    await server.close();
  };
  try {
    for (const c of opts.controllers) await c.start({ ...ctx, client: clientOf(c.component ?? "kube-controller-manager") });
    // Controllers take their informers in start(); the informers start once
    // every handler is attached, so no handler misses the initial list.
    await Promise.all([...informers.values()].map((i) => i.start()));
  } catch (e) {
    // A cluster that fails to start leaves no listener behind.
    await stopAll().catch(() => {});
    throw e;
  }
  return {
    name: opts.name,
    server,
    proxy,
    url: proxy.url,
    kubeconfig,
    client,
    clock,
    network,
    ctx,
    stop: stopAll,
  };
}

/** rest.DefaultKubernetesUserAgent's form: "<command>/<version> (<os>/<arch>) kubernetes/<commit>". */
function userAgent(component: Component): string {
  return `${component}/${KUBE_VERSION.gitVersion} (linux/amd64) kubernetes/${KUBE_VERSION.gitCommit.slice(0, 7)}`;
}
