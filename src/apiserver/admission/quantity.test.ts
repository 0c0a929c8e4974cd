import assert from "node:assert/strict";
import { test } from "node:test";
import { addQuantity, canonicalQuantity, formatQuantity, parseExact, zeroQuantity } from "./quantity.ts";

test("quantities print in Kubernetes' canonical form", () => {
  const cases: [string, string][] = [
    ["1.5", "1500m"],
    ["2000m", "2"],
    ["1000", "1k"],
    ["1500", "1500"],
    ["1024", "1024"],
    ["1024Ki", "1Mi"],
    ["0.5Gi", "512Mi"],
    ["100m", "100m"],
    ["1e3", "1e3"],
    ["0", "0"],
    [".5", "500m"],
    ["1.0000000001", "1000000001n"],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, input);
  assert.equal(canonicalQuantity("1x"), undefined);
});

test("a sum keeps the left format unless the left side is zero", () => {
  const sum = (...xs: string[]) => formatQuantity(xs.map((x) => parseExact(x)!).reduce(addQuantity, zeroQuantity()));
  assert.equal(sum("1Gi", "512Mi"), "1536Mi");
  assert.equal(sum("500m", "1"), "1500m");
  assert.equal(sum("1", "1", "1"), "3");
  assert.equal(sum("1G", "1Gi"), "2073741824");
});
