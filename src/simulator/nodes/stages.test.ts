// Golden tests of the default pod stages: each testdata/stages/<case>.in.json
// holds a pod and the stage it must select; <case>.out.json holds the delay
// and the pod, deletion and events after applying that stage with a fixed
// time, node and IP. KPANDA_UPDATE_GOLDEN=1 rewrites the outputs.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_POD_STAGES } from "./podStages.ts";
import { applyChange, DEFAULT_KNOBS, type StageEnv, selectStage, stageDelay, valuesAt } from "./stages.ts";

const DIR = join(import.meta.dirname, "testdata", "stages");
const ENV: StageEnv = { now: Date.parse("2026-01-01T00:01:00Z"), nodeName: "node-0", hostIP: "10.0.0.1", podIP: () => "10.128.0.2" };

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".in.json")).sort()) {
  const name = file.replace(/\.in\.json$/, "");
  test(`stage golden ${name}`, () => {
    const input = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    const stage = selectStage(DEFAULT_POD_STAGES, input.pod);
    assert.equal(stage?.name, input.stage, "selected stage");
    const change = stage!.next(input.pod, ENV);
    const got = {
      delayMs: stageDelay(stage!, input.pod, DEFAULT_KNOBS, () => 0),
      delete: change.delete ?? false,
      pod: applyChange(input.pod, change),
      events: change.events ?? [],
    };
    const outPath = join(DIR, `${name}.out.json`);
    if (process.env.KPANDA_UPDATE_GOLDEN) writeFileSync(outPath, `${JSON.stringify(got, null, 2)}\n`);
    assert.deepEqual(got, JSON.parse(readFileSync(outPath, "utf8")));
  });
}

test("selector paths read through lists, quoted keys and [field=value] filters", () => {
  const pod = {
    metadata: { annotations: { "sim.kpanda.io/run-seconds": "3" } },
    spec: { containers: [{ image: "a" }, { image: "b" }] },
    status: { conditions: [{ type: "Ready", status: "False" }, { type: "PodScheduled", status: "True" }] },
  };
  assert.deepEqual(valuesAt(pod, ".spec.containers.image"), ["a", "b"]);
  assert.deepEqual(valuesAt(pod, '.metadata.annotations["sim.kpanda.io/run-seconds"]'), ["3"]);
  assert.deepEqual(valuesAt(pod, ".status.conditions[type=Ready].status"), ["False"]);
  assert.deepEqual(valuesAt(pod, ".status.podIP"), []);
  assert.throws(() => valuesAt(pod, "status"), /malformed/);
});
