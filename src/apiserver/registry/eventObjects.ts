// One decode per storage event, shared by every in-process consumer of it
// (watchers, the controller manager), as kube-apiserver's watch cache decodes
// each event once for all its watchers. Shared objects are read-only by
// contract: a consumer that wants to change one copies it first.
//
// The decodes are kept only until the event loop turns: the storage keeps its
// events for replay, and holding every decoded object as long as the event
// lives would double the history's memory. A later decode just parses again.
import type { StorageEvent } from "../storage/interface.ts";
import type { KObject } from "./types.ts";

let decoded = new Map<StorageEvent, KObject>();
let decodedPrev = new Map<StorageEvent, KObject>();
let clearing = false;

function scheduleClear(): void {
  if (clearing) return;
  clearing = true;
  setImmediate(() => {
    clearing = false;
    decoded = new Map();
    decodedPrev = new Map();
  });
}

export function eventObject(e: StorageEvent): KObject {
  let o = decoded.get(e);
  if (!o) {
    o = JSON.parse(e.value) as KObject;
    decoded.set(e, o);
    scheduleClear();
  }
  return o;
}

export function eventPrevObject(e: StorageEvent): KObject | undefined {
  if (e.prevValue === undefined) return undefined;
  let o = decodedPrev.get(e);
  if (!o) {
    o = JSON.parse(e.prevValue) as KObject;
    decodedPrev.set(e, o);
    scheduleClear();
  }
  return o;
}
