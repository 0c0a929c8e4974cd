// `kpanda sim` flags and `kpanda sim fault` arguments.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { parseDuration, parseFault } from "../src/cli/sim.ts";

const run = promisify(execFile);

test("kpanda sim --help lists its flags and faults", async () => {
  const { stdout } = await run("node", ["bin/kpanda", "sim", "--help"]);
  for (const word of ["--clusters N", "--nodes M", "--data-dir DIR", "--listen-host", "unreachable [DURATION]", "errors RATE"]) assert.ok(stdout.includes(word), word);
});

test("fault arguments parse into requests, and bad ones are refused", () => {
  assert.deepEqual(parseFault(["unreachable", "30s"]), { fault: "unreachable", ms: 30_000 });
  assert.deepEqual(parseFault(["errors", "0.5", "429"]), { fault: "errors", rate: 0.5, code: 429 });
  assert.deepEqual(parseFault(["stop-node", "node-1"]), { fault: "stop-node", node: "node-1" });
  assert.equal(parseFault(["status"]), "status");
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("2m"), 120_000);
  assert.throws(() => parseFault(["errors", "2"]), /between 0 and 1/);
  assert.throws(() => parseFault(["latency"]), /DURATION/);
  assert.throws(() => parseFault(["explode"]), /unknown fault/);
});
