// The garbage collector (https://kubernetes.io/docs/concepts/architecture/garbage-collection/):
// - a dependent whose owners are all gone is deleted (background propagation);
//   one that still has a live owner loses its dangling references;
// - an owner deleted with propagationPolicy=Orphan carries the "orphan"
//   finalizer: its dependents lose their ownerReference, then the finalizer goes;
// - an owner deleted with Foreground carries "foregroundDeletion": its
//   dependents are deleted, and the owner goes once none with
//   blockOwnerDeletion=true is left.
// Owners are matched by uid, as the GC's dependency graph does.
import { systemContext } from "../registry/context.ts";
import { deleteObject, FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from "../registry/deletion.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { KObject, OwnerReference } from "../registry/types.ts";
import type { Controller, ObjectEvent } from "./manager.ts";

type Node = { uid: string; prefix: string; namespace: string; name: string; owners: OwnerReference[] };

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  private readonly store: ObjectStore;
  private readonly nodes = new Map<string, Node>();
  private readonly dependents = new Map<string, Set<string>>();

  constructor(store: ObjectStore) {
    this.store = store;
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) this.index(e);
    for (const e of objects) this.handle({ ...e, type: "MODIFIED" });
  }

  handle(e: ObjectEvent): void {
    if (e.type === "DELETED") {
      const uid = e.obj.metadata?.uid;
      if (!uid) return;
      this.unindex(uid);
      for (const dep of this.dependents.get(uid) ?? []) this.checkDependent(dep);
      this.recheckOwnersOf(e.obj);
      return;
    }
    this.index(e);
    const uid = e.obj.metadata!.uid!;
    if (e.obj.metadata?.deletionTimestamp) this.processDeleting(e.obj, uid);
    if (e.obj.metadata?.ownerReferences?.length) this.checkDependent(uid);
    if (e.obj.metadata?.deletionTimestamp) this.recheckOwnersOf(e.obj);
  }

  private index(e: ObjectEvent): void {
    const m = e.obj.metadata;
    if (!m?.uid) return;
    const prev = this.nodes.get(m.uid);
    if (prev) for (const o of prev.owners) this.dependents.get(o.uid)?.delete(m.uid);
    const owners = Array.isArray(m.ownerReferences) ? m.ownerReferences.filter((o) => o?.uid) : [];
    this.nodes.set(m.uid, { uid: m.uid, prefix: e.prefix, namespace: m.namespace ?? "", name: m.name ?? "", owners });
    for (const o of owners) {
      const set = this.dependents.get(o.uid) ?? new Set<string>();
      this.dependents.set(o.uid, set);
      set.add(m.uid);
    }
  }

  private unindex(uid: string): void {
    const n = this.nodes.get(uid);
    if (!n) return;
    for (const o of n.owners) this.dependents.get(o.uid)?.delete(uid);
    this.nodes.delete(uid);
  }

  private infoOf(n: Node) {
    return this.store.registry.storageInfo(n.prefix);
  }

  /** Delete a dependent whose owners are all gone, or drop its dangling references. */
  private checkDependent(uid: string): void {
    const n = this.nodes.get(uid);
    const info = n && this.infoOf(n);
    if (!n || !info || n.owners.length === 0) return;
    const live = n.owners.filter((o) => this.nodes.has(o.uid));
    if (live.length === n.owners.length) return;
    const ctx = systemContext();
    try {
      if (live.length === 0) {
        deleteObject(this.store, info, n.namespace, n.name, { preconditions: { uid } }, ctx);
      } else {
        const gone = new Set(n.owners.filter((o) => !this.nodes.has(o.uid)).map((o) => o.uid));
        this.store.mutate(info, n.namespace, n.name, ctx, (o) => dropOwners(o, gone));
      }
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  private processDeleting(obj: KObject, uid: string): void {
    const finalizers = obj.metadata?.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])];
    const ctx = systemContext();
    const n = this.nodes.get(uid)!;
    const info = this.infoOf(n);
    if (!info) return;
    if (finalizers.includes(FINALIZER_ORPHAN)) {
      for (const d of deps) {
        const dn = this.nodes.get(d);
        const dinfo = dn && this.infoOf(dn);
        if (dn && dinfo) this.store.mutate(dinfo, dn.namespace, dn.name, ctx, (o) => dropOwners(o, new Set([uid])));
      }
      this.store.mutate(info, n.namespace, n.name, ctx, (o) => removeFinalizer(o, FINALIZER_ORPHAN));
      return;
    }
    if (finalizers.includes(FINALIZER_FOREGROUND)) {
      let blocking = 0;
      for (const d of deps) {
        const dn = this.nodes.get(d);
        const dinfo = dn && this.infoOf(dn);
        if (!dn || !dinfo) continue;
        if (dn.owners.some((o) => o.uid === uid && o.blockOwnerDeletion)) blocking++;
        try {
          deleteObject(this.store, dinfo, dn.namespace, dn.name, { propagationPolicy: "Foreground", preconditions: { uid: d } }, ctx);
        } catch (e) {
          if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
        }
      }
      if (blocking === 0) this.store.mutate(info, n.namespace, n.name, ctx, (o) => removeFinalizer(o, FINALIZER_FOREGROUND));
    }
  }

  /** A dependent changed or went: an owner waiting in foreground deletion may now be free to go. */
  private recheckOwnersOf(obj: KObject): void {
    for (const o of obj.metadata?.ownerReferences ?? []) {
      const owner = this.nodes.get(o.uid);
      const info = owner && this.infoOf(owner);
      if (!owner || !info) continue;
      const stored = this.store.storage.get(`/${owner.prefix}/${info.namespaced ? `${owner.namespace}/` : ""}${owner.name}`);
      if (!stored) continue;
      const ownerObj = JSON.parse(stored.value);
      if (ownerObj.metadata?.deletionTimestamp && ownerObj.metadata.finalizers?.includes(FINALIZER_FOREGROUND)) {
        this.processDeleting(ownerObj, o.uid);
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
