// The garbage collector (https://kubernetes.io/docs/concepts/architecture/garbage-collection/):
// - a dependent whose owners are all gone is deleted (background propagation);
//   one that still has a live owner loses its dangling references;
// - an owner deleted with propagationPolicy=Orphan carries the "orphan"
//   finalizer: its dependents lose their ownerReference, then the finalizer goes;
// - an owner deleted with Foreground carries "foregroundDeletion": its
//   dependents are deleted, and the owner goes once none with
//   blockOwnerDeletion=true is left.
// Only objects with ownerReferences are indexed. An owner is alive when the
// object its reference names exists with the referenced uid, which is how
// kube's GC verifies owners (attemptToDeleteItem looks each one up).
import { controllerManagerContext } from "../registry/context.ts";
import { apiVersionOf } from "../registry/conversion.ts";
import { deleteObject, FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from "../registry/deletion.ts";
import { ApiError } from "../registry/errors.ts";
import { objectKey } from "../registry/keys.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject, OwnerReference, ResourceInfo } from "../registry/types.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

type Dependent = { uid: string; prefix: string; namespace: string; name: string; owners: OwnerReference[] };

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  private readonly store: ObjectStore;
  /** Objects that have owners, by uid. */
  private readonly nodes = new Map<string, Dependent>();
  /** Owner uid → uids of its dependents. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Owner uids seen alive; an owner's DELETED event removes it. */
  private readonly liveOwners = new Set<string>();

  constructor(store: ObjectStore) {
    this.store = store;
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) this.index(e);
    for (const e of objects) this.handle({ ...e, type: "MODIFIED" });
  }

  handle(e: ObjectEvent): void {
    const uid = e.obj.metadata?.uid;
    if (!uid) return;
    if (e.type === "DELETED") {
      this.unindex(uid);
      this.liveOwners.delete(uid);
      const deps = this.dependents.get(uid);
      this.dependents.delete(uid);
      for (const dep of deps ?? []) this.checkDependent(dep);
      this.recheckOwnersOf(e.obj);
      return;
    }
    this.index(e);
    const deleting = Boolean(e.obj.metadata?.deletionTimestamp);
    if (deleting) this.processDeleting(e.obj, e.prefix);
    if (e.obj.metadata?.ownerReferences?.length) this.checkDependent(uid);
    if (deleting) this.recheckOwnersOf(e.obj);
  }

  private index(e: ObjectEvent): void {
    const m = e.obj.metadata;
    if (!m?.uid) return;
    const owners = Array.isArray(m.ownerReferences) ? m.ownerReferences.filter((o) => o?.uid) : [];
    const prev = this.nodes.get(m.uid);
    if (prev) for (const o of prev.owners) this.dropDependent(o.uid, m.uid);
    if (owners.length === 0) {
      this.nodes.delete(m.uid);
      return;
    }
    this.nodes.set(m.uid, { uid: m.uid, prefix: e.prefix, namespace: m.namespace ?? "", name: m.name ?? "", owners });
    for (const o of owners) {
      const set = this.dependents.get(o.uid) ?? new Set<string>();
      this.dependents.set(o.uid, set);
      set.add(m.uid);
    }
  }

  private dropDependent(owner: string, dep: string): void {
    const set = this.dependents.get(owner);
    if (!set) return;
    set.delete(dep);
    if (set.size === 0) this.dependents.delete(owner);
  }

  private unindex(uid: string): void {
    const n = this.nodes.get(uid);
    if (!n) return;
    for (const o of n.owners) this.dropDependent(o.uid, uid);
    this.nodes.delete(uid);
  }

  private infoOfPrefix(prefix: string): ResourceInfo | undefined {
    return this.store.registry.storageInfo(prefix);
  }

  /** The resource an owner reference names, by its apiVersion and kind. */
  private infoOfRef(ref: OwnerReference): ResourceInfo | undefined {
    const slash = ref.apiVersion.indexOf("/");
    const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
    return this.store.registry.all().find((r) => r.group === group && r.kind === ref.kind && apiVersionOf(r) === ref.apiVersion);
  }

  /** The owner object a reference names, if it exists with the referenced uid. */
  private ownerObject(ref: OwnerReference, namespace: string): KObject | undefined {
    const info = this.infoOfRef(ref);
    if (!info) return undefined;
    const stored = this.store.storage.get(objectKey(this.store.storageInfo(info), info.namespaced ? namespace : "", ref.name));
    if (!stored) return undefined;
    const obj: KObject = JSON.parse(stored.value);
    return obj.metadata?.uid === ref.uid ? obj : undefined;
  }

  private ownerAlive(ref: OwnerReference, namespace: string): boolean {
    if (this.liveOwners.has(ref.uid) || this.nodes.has(ref.uid)) return true;
    // A kind this server does not serve cannot be verified: keep the dependent, as kube's GC does.
    if (!this.infoOfRef(ref)) return true;
    if (!this.ownerObject(ref, namespace)) return false;
    this.liveOwners.add(ref.uid);
    return true;
  }

  /** Delete a dependent whose owners are all gone, or drop its dangling references. */
  private checkDependent(uid: string): void {
    const n = this.nodes.get(uid);
    const info = n && this.infoOfPrefix(n.prefix);
    if (!n || !info) return;
    const gone = new Set(n.owners.filter((o) => !this.ownerAlive(o, n.namespace)).map((o) => o.uid));
    if (gone.size === 0) return;
    const ctx = controllerManagerContext();
    try {
      if (gone.size === n.owners.length) {
        deleteObject(this.store, info, n.namespace, n.name, { preconditions: { uid } }, ctx);
      } else {
        this.store.mutate(info, n.namespace, n.name, ctx, (o) => dropOwners(o, gone));
      }
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  private processDeleting(obj: KObject, prefix: string): void {
    const uid = obj.metadata!.uid!;
    const finalizers = obj.metadata?.finalizers ?? [];
    const info = this.infoOfPrefix(prefix);
    if (!info) return;
    const ns = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    const deps = [...(this.dependents.get(uid) ?? [])];
    const ctx = controllerManagerContext();
    if (finalizers.includes(FINALIZER_ORPHAN)) {
      for (const d of deps) {
        const dn = this.nodes.get(d);
        const dinfo = dn && this.infoOfPrefix(dn.prefix);
        if (dn && dinfo) this.store.mutate(dinfo, dn.namespace, dn.name, ctx, (o) => dropOwners(o, new Set([uid])));
      }
      this.store.mutate(info, ns, name, ctx, (o) => removeFinalizer(o, FINALIZER_ORPHAN));
      return;
    }
    if (finalizers.includes(FINALIZER_FOREGROUND)) {
      let blocking = 0;
      for (const d of deps) {
        const dn = this.nodes.get(d);
        const dinfo = dn && this.infoOfPrefix(dn.prefix);
        if (!dn || !dinfo) continue;
        if (dn.owners.some((o) => o.uid === uid && o.blockOwnerDeletion)) blocking++;
        try {
          deleteObject(this.store, dinfo, dn.namespace, dn.name, { propagationPolicy: "Foreground", preconditions: { uid: d } }, ctx);
        } catch (e) {
          if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
        }
      }
      if (blocking === 0) this.store.mutate(info, ns, name, ctx, (o) => removeFinalizer(o, FINALIZER_FOREGROUND));
    }
  }

  /** A dependent changed or went: an owner waiting in foreground deletion may now be free to go. */
  private recheckOwnersOf(obj: KObject): void {
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      if (!ref?.uid) continue;
      const owner = this.ownerObject(ref, obj.metadata?.namespace ?? "");
      if (owner?.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FINALIZER_FOREGROUND)) {
        const info = this.infoOfRef(ref);
        if (info) this.processDeleting(owner, this.store.storageInfo(info).storagePrefix);
      }
    }
  }
}

function dropOwners(o: KObject, uids: Set<string>): boolean {
  const refs = o.metadata?.ownerReferences ?? [];
  const kept = refs.filter((r) => !uids.has(r.uid));
  if (kept.length === refs.length) return false;
  if (kept.length) o.metadata!.ownerReferences = kept;
  else delete o.metadata!.ownerReferences;
  return true;
}

function removeFinalizer(o: KObject, f: string): boolean {
  const fs = o.metadata?.finalizers ?? [];
  if (!fs.includes(f)) return false;
  const kept = fs.filter((x) => x !== f);
  if (kept.length) o.metadata!.finalizers = kept;
  else delete o.metadata!.finalizers;
  return true;
}
