import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cloneJson } from "./clone.ts";

describe("cloneJson", () => {
  it("copies deeply and gives what a JSON round trip gives", () => {
    const o = { a: [1, { b: "x" }, null, undefined], c: { d: true, e: undefined }, f: 0 };
    const c = cloneJson(o);
    assert.deepEqual(c, JSON.parse(JSON.stringify(o)));
    c.a[1] = 2;
    assert.deepEqual(o.a[1], { b: "x" });
  });

  it("keeps a __proto__ member as data and leaves the prototype alone", () => {
    const o = JSON.parse('{"data":{"__proto__":{"polluted":true}}}');
    const c = cloneJson(o);
    assert.equal(Object.getPrototypeOf(c.data), Object.prototype);
    assert.deepEqual(Object.keys(c.data), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(JSON.stringify(c), JSON.stringify(o));
  });
});
