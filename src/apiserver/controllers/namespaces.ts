// Namespace lifecycle (pkg/controller/namespace): a namespace being deleted
// has its content deleted, then its "kubernetes" spec finalizer removed
// through the finalize subresource, after which the store removes it.
// Every new namespace gets its "default" ServiceAccount and the
// kube-root-ca.crt ConfigMap, as the serviceaccount and root-ca-cert-publisher
// controllers do, and gets them back if they are deleted.
import { controllerManagerContext } from "../registry/context.ts";
import { deleteObject } from "../registry/deletion.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

const NAMESPACES = "core/namespaces";
const SERVICE_ACCOUNTS = "core/serviceaccounts";
const CONFIGMAPS = "core/configmaps";
export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

export class NamespaceController implements Controller {
  readonly name = "namespace";
  readonly prefixes = [NAMESPACES, SERVICE_ACCOUNTS, CONFIGMAPS];
  private readonly store: ObjectStore;
  private readonly caPem: string;
  private readonly sweeping = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(store: ObjectStore, caPem: string) {
    this.store = store;
    this.caPem = caPem;
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) if (e.prefix === NAMESPACES) this.handle(e);
  }

  handle(e: ObjectEvent): void {
    if (e.prefix === NAMESPACES) {
      const name = e.obj.metadata?.name ?? "";
      if (e.type === "DELETED") return;
      if (e.obj.metadata?.deletionTimestamp) this.scheduleSweep(name, 0);
      else this.ensureDefaults(name);
      return;
    }
    if (e.type !== "DELETED") return;
    const name = e.obj.metadata?.name;
    if ((e.prefix === SERVICE_ACCOUNTS && name === "default") || (e.prefix === CONFIGMAPS && name === ROOT_CA_CONFIGMAP)) {
      this.ensureDefaults(e.obj.metadata?.namespace ?? "");
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.sweeping.values()) clearTimeout(t);
  }

  private info(resource: string) {
    return this.store.registry.lookup("", "v1", resource)!;
  }

  private ensureDefaults(ns: string): void {
    const nsStored = this.store.storage.get(`/core/namespaces/${ns}`);
    if (!nsStored || JSON.parse(nsStored.value).metadata?.deletionTimestamp) return;
    const create = (resource: string, obj: Record<string, unknown>) => {
      try {
        this.store.create(this.info(resource), ns, obj, controllerManagerContext());
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 403 || err.code === 404))) throw err;
      }
    };
    if (!this.store.storage.get(`/core/serviceaccounts/${ns}/default`)) {
      create("serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } });
    }
    if (!this.store.storage.get(`/core/configmaps/${ns}/${ROOT_CA_CONFIGMAP}`)) {
      create("configmaps", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: ROOT_CA_CONFIGMAP, annotations: { "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } },
        data: { "ca.crt": this.caPem },
      });
    }
  }

  private scheduleSweep(ns: string, delayMs: number): void {
    if (this.sweeping.has(ns) || this.stopped) return;
    const t = setTimeout(() => {
      this.sweeping.delete(ns);
      if (!this.sweep(ns)) this.scheduleSweep(ns, 200);
    }, delayMs);
    t.unref();
    this.sweeping.set(ns, t);
  }

  /** Deletes what is left in the namespace; true when it is empty and finalized. */
  private sweep(ns: string): boolean {
    const nsInfo = this.info("namespaces");
    const stored = this.store.storage.get(`/core/namespaces/${ns}`);
    if (!stored) return true;
    const nsObj = JSON.parse(stored.value);
    if (!nsObj.metadata?.deletionTimestamp) return true;
    const ctx = controllerManagerContext();
    let remaining = 0;
    for (const info of this.store.registry.storageResources()) {
      if (!info.namespaced) continue;
      const items = this.store.storage.list(`/${info.storagePrefix}/${ns}/`).items;
      remaining += items.length;
      for (const it of items) {
        const o = JSON.parse(it.value);
        if (o.metadata?.deletionTimestamp) continue;
        try {
          deleteObject(this.store, info, ns, o.metadata.name, { propagationPolicy: "Background" }, ctx);
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    }
    if (remaining > 0) return false;
    if (nsObj.spec?.finalizers?.includes("kubernetes")) {
      this.store.mutate(nsInfo, "", ns, ctx, (o) => {
        o.spec = { ...o.spec, finalizers: (o.spec?.finalizers ?? []).filter((f: string) => f !== "kubernetes") };
        return true;
      }, "finalize");
    }
    return true;
  }
}
