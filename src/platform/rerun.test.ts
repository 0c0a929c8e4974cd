import assert from "node:assert/strict";
import { it } from "node:test";
import { Rerun } from "./rerun.ts";

it("asks made while a pass runs fold into one more pass, and none runs once inactive", async () => {
  let passes = 0;
  let active = true;
  let release: () => void = () => {};
  const r = new Rerun(
    async () => {
      passes++;
      await new Promise<void>((res) => (release = res));
    },
    { active: () => active },
  );
  r.request();
  r.request();
  r.request();
  assert.equal(passes, 1);
  release();
  await new Promise((res) => setImmediate(res));
  assert.equal(passes, 2, "three asks during the first pass make one more");
  release();
  await r.idle();
  assert.equal(passes, 2);
  r.request();
  active = false;
  r.request();
  release();
  await r.idle();
  assert.equal(passes, 3, "an inactive one runs no further pass");
});
