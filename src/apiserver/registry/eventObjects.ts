// One decode per storage event, shared by every in-process consumer of it
// (watchers, the controller manager), as kube-apiserver's watch cache decodes
// each event once for all its watchers. Shared objects are read-only by
// contract: a consumer that wants to change one copies it first.
//
// The decodes are kept only until the event loop turns: the storage keeps its
// events for replay, and holding every decoded object as long as the event
// lives would double the history's memory. A later decode just parses again.
//
// The store announces the object behind the text it is writing. Storage
// delivers a write's event before the write returns, so the first decode of
// that event copies the object (a few µs) rather than parsing the text.
import type { StorageEvent } from "../storage/interface.ts";
import { cloneJson } from "./clone.ts";
import type { KObject } from "./types.ts";

let writing: { text: string; obj: KObject } | undefined;

/** Runs a storage write whose value is `obj` serialized; build calls `announce(text)`. */
export function withAnnouncedWrite<T>(obj: KObject, write: (announce: (text: string) => string) => T): T {
  try {
    return write((text) => {
      writing = { text, obj };
      return text;
    });
  } finally {
    writing = undefined;
  }
}

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
    o = writing !== undefined && writing.text === e.value ? cloneJson(writing.obj) : (JSON.parse(e.value) as KObject);
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
