// One decode per storage event, shared by every in-process consumer of it
// (watchers, the controller manager), as kube-apiserver's watch cache decodes
// each event once for all its watchers. Shared objects are read-only by
// contract: a consumer that wants to change one copies it first.
import type { StorageEvent } from "../storage/interface.ts";
import type { KObject } from "./types.ts";

const decoded = new WeakMap<StorageEvent, KObject>();
const decodedPrev = new WeakMap<StorageEvent, KObject>();

export function eventObject(e: StorageEvent): KObject {
  let o = decoded.get(e);
  if (!o) {
    o = JSON.parse(e.value) as KObject;
    decoded.set(e, o);
  }
  return o;
}

export function eventPrevObject(e: StorageEvent): KObject | undefined {
  if (e.prevValue === undefined) return undefined;
  let o = decodedPrev.get(e);
  if (!o) {
    o = JSON.parse(e.prevValue) as KObject;
    decodedPrev.set(e, o);
  }
  return o;
}
