// The host cluster: where kpanda keeps its state. Either the embedded API
// server (SQLite, data in DIR/host) or a real cluster named by a kubeconfig.
// Either way the platform reaches it only through @kubernetes/client-node.
import { join } from "node:path";
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import type { Logger } from "pino";
import { startApiServer } from "../../apiserver/server.ts";
import { PooledKubeConfig } from "../clusters/kubeconfig.ts";
import { CRDS, KPANDA_NAMESPACE } from "./crds.ts";

export type Host = {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** True when kpanda runs its own embedded host. */
  embedded: boolean;
  close(): Promise<void>;
};

export type HostOptions = { dataDir: string; hostKubeconfig?: string; logger: Logger };

export async function startHost(opts: HostOptions): Promise<Host> {
  // One kept-alive connection pool for every typed call to the host (client-node would open one per request).
  const kc = new PooledKubeConfig();
  let close = async () => {};
  if (opts.hostKubeconfig) {
    kc.loadFromFile(opts.hostKubeconfig);
  } else {
    const server = await startApiServer({
      port: 0,
      dataDir: join(opts.dataDir, "host"),
      storage: "sqlite",
      logger: opts.logger.child({ component: "host" }),
    });
    kc.loadFromString(server.kubeconfig());
    close = () => server.close();
  }
  const host: Host = {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    embedded: !opts.hostKubeconfig,
    close,
  };
  try {
    await installCrds(kc);
    await ensureNamespace(host.core, KPANDA_NAMESPACE);
  } catch (e) {
    await close();
    throw e;
  }
  return host;
}

/**
 * A CRD in client-node's model: its serializer writes only the fields its
 * model names, and names the schema extensions x_kubernetes_* there, so a
 * JSON-named "x-kubernetes-preserve-unknown-fields" would be dropped on the
 * way (and the host would prune every status field).
 */
export function crdModel(o: unknown): V1CustomResourceDefinition {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith("x-kubernetes-") ? k.replaceAll("-", "_") : k, walk(x)]));
  };
  return walk(o) as V1CustomResourceDefinition;
}

/** Creates or updates kpanda's CRDs, then waits until each is Established. */
async function installCrds(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const crd of CRDS.map(crdModel)) {
    const name = crd.metadata!.name!;
    try {
      const old = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: { ...crd, metadata: { ...crd.metadata, resourceVersion: old.metadata?.resourceVersion } },
      });
    } catch (e) {
      if (codeOf(e) !== 404) throw e;
      await api.createCustomResourceDefinition({ body: crd });
    }
  }
  const deadline = Date.now() + 30_000;
  for (const crd of CRDS) {
    const name = (crd.metadata as { name: string }).name;
    for (;;) {
      const got = await api.readCustomResourceDefinition({ name });
      if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.createNamespace({ body: { metadata: { name, labels: { "app.kubernetes.io/managed-by": "kpanda" } } } });
  } catch (e) {
    if (codeOf(e) !== 409) throw e;
  }
}

/** The HTTP status of a @kubernetes/client-node ApiException, or undefined. */
export function codeOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}
