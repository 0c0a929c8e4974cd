// CustomResourceDefinitions: serving their resources and their lifecycle, as
// apiextensions-apiserver does. A CRD's served versions are registered at
// once, its status gets NamesAccepted and Established, and it carries the
// customresourcecleanup finalizer; when it is deleted its custom resources
// are deleted first, then the finalizer goes and its resources stop being served.
import { systemContext } from "../registry/context.ts";
import { deleteObject } from "../registry/deletion.ts";
import { ApiError } from "../registry/errors.ts";
import { now, type ObjectStore } from "../registry/store.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

const CRDS = "apiextensions.k8s.io/customresourcedefinitions";
export const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
const RW = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

/** The ResourceInfos a CRD serves, one per served version. */
export function crdResources(crd: KObject): ResourceInfo[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group || !names.plural || !names.kind || !Array.isArray(spec.versions)) return [];
  return spec.versions
    .filter((v: any) => v?.served)
    .map(
      (v: any): ResourceInfo => ({
        group: spec.group,
        version: v.name,
        resource: names.plural,
        singular: names.singular || names.kind.toLowerCase(),
        kind: names.kind,
        listKind: names.listKind || `${names.kind}List`,
        namespaced: spec.scope !== "Cluster",
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: RW,
        subresources: [
          ...(v.subresources?.status ? ["status"] : []),
          ...(v.subresources?.scale ? ["scale"] : []),
        ],
        crd: {
          crdName: crd.metadata?.name ?? "",
          schema: v.schema?.openAPIV3Schema,
          printerColumns: v.additionalPrinterColumns ?? [],
          preserveUnknownFields: spec.preserveUnknownFields === true,
          scale: v.subresources?.scale,
          storage: v.storage === true,
        },
        storagePrefix: `${spec.group}/${names.plural}`,
      }),
    );
}

export class CrdController implements Controller {
  readonly name = "crd";
  readonly prefixes = [CRDS];
  private readonly store: ObjectStore;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(store: ObjectStore) {
    this.store = store;
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) this.handle(e);
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
  }

  handle(e: ObjectEvent): void {
    const name = e.obj.metadata?.name ?? "";
    if (e.type === "DELETED") {
      this.store.registry.setCustom(name, []);
      return;
    }
    if (e.obj.metadata?.deletionTimestamp) {
      this.cleanup(name);
      return;
    }
    this.store.registry.setCustom(name, crdResources(e.obj));
    this.establish(e.obj);
  }

  private crdInfo(): ResourceInfo {
    return this.store.registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
  }

  private establish(crd: KObject): void {
    const name = crd.metadata!.name!;
    const ctx = systemContext();
    const storage = (crd.spec?.versions ?? []).find((v: any) => v?.storage)?.name;
    this.store.mutate(this.crdInfo(), "", name, ctx, (o) => {
      const fs: string[] = o.metadata!.finalizers ?? [];
      if (fs.includes(CLEANUP_FINALIZER)) return false;
      o.metadata!.finalizers = [...fs, CLEANUP_FINALIZER];
      return true;
    });
    this.store.mutate(
      this.crdInfo(),
      "",
      name,
      ctx,
      (o) => {
        const st = o.status ?? {};
        const names = o.spec?.names ?? {};
        const accepted = {
          plural: names.plural,
          singular: names.singular || String(names.kind ?? "").toLowerCase(),
          kind: names.kind,
          listKind: names.listKind || `${names.kind}List`,
          ...(names.shortNames ? { shortNames: names.shortNames } : {}),
          ...(names.categories ? { categories: names.categories } : {}),
        };
        const stored: string[] = st.storedVersions ?? [];
        const storedVersions = storage && !stored.includes(storage) ? [...stored, storage] : stored;
        const conditions = [
          condition(st, "NamesAccepted", "NoConflicts", "no conflicts found"),
          condition(st, "Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ];
        const next = { ...st, acceptedNames: accepted, storedVersions, conditions };
        if (JSON.stringify(next) === JSON.stringify(st)) return false;
        o.status = next;
        return true;
      },
      "status",
    );
  }

  /** Deletes the custom resources, then lets the CRD go. */
  private cleanup(name: string): void {
    if (this.pending.has(name)) return;
    const stored = this.store.storage.get(`/${CRDS}/${name}`);
    if (!stored) return;
    const crd = JSON.parse(stored.value);
    const infos = crdResources(crd);
    const info = infos.find((i) => i.crd?.storage) ?? infos[0];
    const ctx = systemContext();
    let remaining = 0;
    if (info) {
      const items = this.store.storage.list(`/${info.storagePrefix}/`).items;
      remaining = items.length;
      for (const it of items) {
        const o = JSON.parse(it.value);
        if (o.metadata?.deletionTimestamp) continue;
        try {
          deleteObject(this.store, info, o.metadata.namespace ?? "", o.metadata.name, {}, ctx);
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    }
    if (remaining > 0) {
      const t = setTimeout(() => {
        this.pending.delete(name);
        this.cleanup(name);
      }, 200);
      t.unref();
      this.pending.set(name, t);
      return;
    }
    this.store.mutate(this.crdInfo(), "", name, ctx, (o) => {
      const fs: string[] = o.metadata!.finalizers ?? [];
      if (!fs.includes(CLEANUP_FINALIZER)) return false;
      o.metadata!.finalizers = fs.filter((f) => f !== CLEANUP_FINALIZER);
      return true;
    });
  }
}

function condition(status: any, type: string, reason: string, message: string) {
  const old = (status.conditions ?? []).find((c: any) => c.type === type);
  if (old?.status === "True") return old;
  return { type, status: "True", lastTransitionTime: now(), reason, message };
}
