// /readyz: whether this replica can serve. Two checks, named as
// kube-apiserver names its own (`[+]name ok` / `[-]name failed: reason`):
// - host: the host cluster answers a read of kpanda's namespace within 2 s
//   (the API server is up and kpanda's credential works there);
// - informer-sync: every cache of kpanda's kinds has listed and is watching.
// /healthz stays a liveness check: the process answers.
import type { Host } from "../host/host.ts";
import { KPANDA_NAMESPACE } from "../host/crds.ts";

export type Check = { name: string; ok: boolean; message?: string };
export type Readiness = () => Promise<Check[]>;

const HOST_TIMEOUT_MS = 2000;

export function readinessChecks(host: Host, caches: readonly { synced(): boolean }[]): Readiness {
  return async () => [await hostCheck(host), cacheCheck(caches)];
}

async function hostCheck(host: Host): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      host.core.readNamespace({ name: KPANDA_NAMESPACE }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HOST_TIMEOUT_MS} ms`)), HOST_TIMEOUT_MS);
      }),
    ]);
    return { name: "host", ok: true };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { name: "host", ok: false, message: typeof code === "number" ? `the host answered ${code}` : (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function cacheCheck(caches: readonly { synced(): boolean }[]): Check {
  const lagging = caches.filter((c) => !c.synced()).length;
  return lagging ? { name: "informer-sync", ok: false, message: `${lagging} of ${caches.length} caches not synced` } : { name: "informer-sync", ok: true };
}

/**
 * kube-apiserver's /readyz body (k8s.io/apiserver/pkg/server/healthz): "ok",
 * or each check on a line and "readyz check passed|failed". As there, a
 * failure's reason is withheld from the (unauthenticated) caller; the caller
 * logs it. (kube answers a failure with 500; kpanda with 503, as issue 10 asks.)
 */
export function readyzText(checks: Check[], verbose: boolean): string {
  const ok = checks.every((c) => c.ok);
  if (ok && !verbose) return "ok";
  const lines = checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
  lines.push(ok ? "readyz check passed" : "readyz check failed");
  return `${lines.join("\n")}\n`;
}
