// Deep copy of a JSON value: API objects are plain JSON by construction.
// Written by hand because it is on every write path: a recursive copy is
// about 7× faster than a JSON round trip and 15× faster than structuredClone
// (measured on a 2 KB Pod: 2.5 µs, 17 µs, 37 µs). Like JSON.stringify it
// drops undefined members.
export function cloneJson<T>(o: T): T {
  return copy(o) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const a = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      a[i] = x === undefined ? null : copy(x);
    }
    return a;
  }
  const r: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    // Field sets have a key per list item ("k:{\"ip\":...}"): built one member
    // at a time, each distinct key would leave V8 a new hidden class to keep.
    if (k === "fieldsV1") r[k] = JSON.parse(JSON.stringify(x));
    // JSON.parse makes "__proto__" an own member; assignment would set the prototype.
    else if (k === "__proto__") Object.defineProperty(r, k, { value: copy(x), enumerable: true, writable: true, configurable: true });
    else r[k] = copy(x);
  }
  return r;
}
