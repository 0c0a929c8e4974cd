// kpanda's CRDs as the host serves them.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let t: TestPlatform;
before(async () => {
  t = await startTestPlatform();
});
after(() => t?.close());

it("a Cluster keeps the status fields written to it (x-kubernetes-preserve-unknown-fields reaches the host, so nothing is pruned)", async () => {
  const { host } = t.platform.ctx;
  const where = { group: GROUP, version: VERSION, plural: "clusters", name: "dev" };
  await host.custom.createClusterCustomObject({ ...where, body: { apiVersion: `${GROUP}/${VERSION}`, kind: "Cluster", metadata: { name: "dev" }, spec: {} } });
  const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  const patched = await host.custom.patchClusterCustomObjectStatus({ ...where, body: { status: { phase: "Running", lastSeen: "2024-01-01T00:00:00Z" } } }, merge);
  // A structural schema prunes unknown fields except under x-kubernetes-preserve-unknown-fields (apiextensions pruning rules).
  assert.deepEqual((patched as { status: unknown }).status, { phase: "Running", lastSeen: "2024-01-01T00:00:00Z" });
});
