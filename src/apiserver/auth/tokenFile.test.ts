import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTokenFile } from "./tokenFile.ts";

test("a token file maps tokens to users with uid and quoted comma-separated groups", () => {
  const m = parseTokenFile('t1,alice,u1,"dev,ops"\n\nt2,bob,u2\n# comment\nt3, carol ,u3,admins\n');
  assert.deepEqual(m.get("t1"), { name: "alice", uid: "u1", groups: ["dev", "ops"] });
  assert.deepEqual(m.get("t2"), { name: "bob", uid: "u2", groups: [] });
  assert.deepEqual(m.get("t3"), { name: "carol ", uid: "u3", groups: ["admins"] });
});

test("a token file record with fewer than three columns is an error", () => {
  assert.throws(() => parseTokenFile("t1,alice\n", "tokens.csv"), /must have at least 3 columns/);
});
