// The API server's health checks, under the names kube-apiserver gives the
// same jobs (a v1.32 server's /readyz?verbose), and only for jobs we do:
//  - ping: always passes;
//  - etcd: the storage answers a read (kube's asks etcd for a key);
//  - informer-sync (readyz only): the in-process controllers have listed
//    everything and their watch is open;
//  - poststarthook/<name>: a start-up step has finished; kube's hooks fail
//    with "not finished" until then.
// kube's `log` (klog flushing), `etcd-readiness` (the etcd check again with
// a deadline) and `shutdown` (readyz failing through the
// --shutdown-delay-duration window) have no counterpart here.
import type { HealthCheck, HealthChecks } from "./http/healthz.ts";
import { PING } from "./http/healthz.ts";
import type { Storage } from "./storage/interface.ts";

/** A key no object uses: reading it costs one index lookup. */
const PROBE_KEY = "/kpanda.io/health/probe";

/** Passes when the storage answers a read. */
export function storageCheck(storage: Storage): HealthCheck {
  return {
    name: "etcd",
    check: () => {
      storage.get(PROBE_KEY);
      return undefined;
    },
  };
}

/** Start-up steps, named as kube-apiserver's post-start hooks for the same work. */
export class PostStartHooks {
  private readonly names: string[];
  private readonly finished = new Set<string>();

  constructor(names: string[]) {
    this.names = names;
  }

  finish(...names: string[]): void {
    for (const n of names) {
      if (!this.names.includes(n)) throw new Error(`unknown post-start hook ${n}`);
      this.finished.add(n);
    }
  }

  checks(): HealthCheck[] {
    return this.names.map((n) => ({
      name: `poststarthook/${n}`,
      check: () => (this.finished.has(n) ? undefined : new Error("not finished")),
    }));
  }
}

/** The hooks this server runs, in the order a v1.32 kube-apiserver lists them. */
export const POST_START_HOOKS = [
  "generic-apiserver-start-informers",
  "start-apiextensions-controllers",
  "crd-informer-synced",
  "start-system-namespaces-controller",
  "start-cluster-authentication-info-controller",
  "rbac/bootstrap-roles",
  "bootstrap-controller",
];

export function serverHealthChecks(opts: {
  storage: Storage;
  controllersSynced: () => boolean;
  hooks: PostStartHooks;
}): HealthChecks {
  const etcd = storageCheck(opts.storage);
  const informers: HealthCheck = {
    name: "informer-sync",
    check: () => (opts.controllersSynced() ? undefined : new Error("the controllers' list and watch are not synced")),
  };
  const hooks = opts.hooks.checks();
  return {
    healthz: [PING, etcd, ...hooks],
    livez: [PING, etcd, ...hooks],
    readyz: [PING, etcd, informers, ...hooks],
  };
}
