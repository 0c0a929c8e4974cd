// A live, read-only cache of one kpanda.io kind in the host: client-node's
// informer (list, then watch), restarted with backoff after an error, since
// client-node's ListWatch stops on one. Every replica keeps its own; reads
// are eventually consistent, and writes go to the host.
import { type KubeConfig, type KubernetesObject, makeInformer } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "./crds.ts";
import type { Host } from "./host.ts";

export type KObj = KubernetesObject & { spec?: any; status?: any };

export class KindCache<T extends KObj = KObj> {
  private readonly informer;
  private stopped = false;
  private isSynced = false;
  private readonly log: Logger;
  private readonly listeners: ((type: "add" | "update" | "delete", obj: T) => void)[] = [];

  constructor(host: Host, plural: string, log: Logger) {
    this.log = log.child({ kind: plural });
    const kc: KubeConfig = host.kc;
    const list = () => host.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural });
    this.informer = makeInformer<T>(kc, `/apis/${GROUP}/${VERSION}/${plural}`, list as never);
    for (const verb of ["add", "update", "delete"] as const) {
      this.informer.on(verb, (obj) => {
        for (const l of this.listeners) l(verb, obj);
      });
    }
    this.informer.on("error", (err) => {
      if (this.stopped) return;
      this.isSynced = false;
      this.log.warn({ err: String(err) }, "host watch failed; restarting");
      setTimeout(() => {
        if (this.stopped) return;
        this.informer.start().then(
          () => {
            this.isSynced = true;
          },
          () => {},
        );
      }, 1000).unref();
    });
  }

  /** Resolves once the first list is in. */
  async start(): Promise<void> {
    await this.informer.start();
    this.isSynced = true;
  }

  /** True while the cache is listed and watching (false from a watch failure until the relist). */
  synced(): boolean {
    return this.isSynced && !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  get(name: string): T | undefined {
    return this.informer.get(name);
  }

  list(): readonly T[] {
    return this.informer.list();
  }

  onChange(fn: (type: "add" | "update" | "delete", obj: T) => void): void {
    this.listeners.push(fn);
  }
}
