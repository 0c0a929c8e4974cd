// The search sync against a real API server, when KPANDA_TEST_KUBECONFIG
// names one (e.g. the v1.20.2 of ../shared/tools/build-real-kube.sh):
// every cached kind is served there at some version and syncs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pino from "pino";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import { KINDS } from "../../src/platform/search/kinds.ts";
import { SearchSync } from "../../src/platform/search/SearchSync.ts";
import { SqliteDb } from "../../src/platform/search/SqliteDb.ts";
import { SqlIndex } from "../../src/platform/search/SqlIndex.ts";

const kubeconfig = process.env.KPANDA_TEST_KUBECONFIG;

test("every cached kind of a real member syncs, each at a version it serves", { skip: !kubeconfig && "KPANDA_TEST_KUBECONFIG is not set" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kpanda-search-real-"));
  const index = await SqlIndex.open(new SqliteDb({ path: join(dir, "index.db") }));
  const member = new Member("real", parseKubeconfig(readFileSync(kubeconfig!, "utf8")));
  const sync = new SearchSync({
    index,
    clusters: { list: () => [{ name: "real", phase: "Running" }], onChange: () => {} },
    member: async () => member,
    log: pino({ level: "silent" }),
  });
  try {
    sync.start();
    const end = Date.now() + 30_000;
    for (;;) {
      const f = await index.freshness();
      if (f.length === KINDS.length && f.every((x) => x.state === "synced")) break;
      if (Date.now() > end) assert.fail(`not synced: ${JSON.stringify(f.filter((x) => x.state !== "synced"))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ns = await index.query({ group: "", resource: "namespaces", namespaces: ["kube-system"] });
    assert.equal(ns.total, 1);
  } finally {
    await sync.stop();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
