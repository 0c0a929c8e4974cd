// Replicas: every replica serves the API; only the holder of the
// kpanda-controllers Lease in the host runs the controllers. Two platforms
// in this process (the first's embedded host is the second's
// --host-kubeconfig), then two `kpanda serve` processes against one host:
// killing the leader (SIGKILL, a crash) hands the Lease over within the
// lease duration; stopping it cleanly (SIGTERM) releases it at once.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CoordinationV1Api, KubeConfig, type V1Lease } from "@kubernetes/client-node";
import { startApiServer } from "../../src/apiserver/server.ts";
import { CONTROLLERS_LEASE } from "../../src/platform/leader/LeaderElector.ts";
import { ADMIN_PASSWORD_FILE } from "../../src/platform/platform.ts";
import { until } from "./accessFixture.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/kpanda");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function leaseReader(kubeconfigPath: string): () => Promise<V1Lease> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = kc.makeApiClient(CoordinationV1Api);
  return () => api.readNamespacedLease(CONTROLLERS_LEASE);
}

/** A controller that counts while it runs. */
function counter() {
  const c = { ticks: 0, controller: { name: "counter", start: (_s: AbortSignal) => {} } };
  c.controller.start = (signal: AbortSignal) => {
    const t = setInterval(() => c.ticks++, 50);
    signal.addEventListener("abort", () => clearInterval(t), { once: true });
  };
  return c;
}

describe("two platforms against one host", () => {
  let dir: string;
  let first: TestPlatform;
  let second: TestPlatform;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-replicas-"));
    first = await startTestPlatform({ dataDir: join(dir, "one") });
    // The admin exists already: the second replica finds the password file where the first wrote it.
    await mkdir(join(dir, "two"), { mode: 0o700 });
    await copyFile(join(dir, "one", ADMIN_PASSWORD_FILE), join(dir, "two", ADMIN_PASSWORD_FILE));
    second = await startTestPlatform({ dataDir: join(dir, "two"), hostKubeconfig: join(dir, "one", "host", "kubeconfig") });
  });
  after(async () => {
    await second?.close();
    await first?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the controllers only on the Lease holder, while both serve the API", async () => {
    const counters = [counter(), counter()];
    first.platform.ctx.controllers.add(counters[0].controller);
    second.platform.ctx.controllers.add(counters[1].controller);
    const lease = leaseReader(join(dir, "one", "host", "kubeconfig"));
    await until("the first platform to lead", () => first.platform.elector.isLeader());
    const l = await lease();
    assert.equal(l.spec?.holderIdentity, first.platform.elector.identity);
    // client-go's defaults: a 15 s lease.
    assert.equal(l.spec?.leaseDurationSeconds, 15);
    await sleep(3000);
    assert.ok(counters[0].ticks > 0, "the leader's controller runs");
    assert.equal(counters[1].ticks, 0, "the follower's controller never ran");
    assert.deepEqual(first.platform.ctx.controllers.running().sort(), ["cluster-policies", "counter", "cronhpa", "health", "member-rbac"]);
    assert.deepEqual(second.platform.ctx.controllers.running(), []);
    assert.equal(second.platform.elector.isLeader(), false);
    assert.equal(second.platform.elector.holder(), first.platform.elector.identity);
    // Both serve the API: a session from one is good on the other (one signing key in the host).
    const token = await second.adminToken();
    for (const t of [first, second]) {
      const metrics = await fetch(`${t.platform.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(metrics.status, 200);
      const leading = t === first ? 1 : 0;
      assert.match(await metrics.text(), new RegExp(`\\nkpanda_leader ${leading}\\n`));
    }
  });
});

type Serve = {
  proc: ChildProcess;
  /** This replica's identity once it has led. */
  identity?: string;
  ledAt?: number;
  started: string[];
  exited: Promise<void>;
};

function serve(dataDir: string, hostKubeconfig: string): Promise<Serve> {
  const proc = spawn(
    process.execPath,
    [KPANDA, "serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--host-kubeconfig", hostKubeconfig],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr += c;
  });
  const s: Serve = { proc, started: [], exited: new Promise((r) => proc.once("exit", () => r())) };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve not ready in 60 s\n${stderr}`)), 60_000);
    proc.once("exit", (code, sig) => fail(new Error(`serve exited (${code ?? sig}) before serving\n${stderr}`)));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      if (line.startsWith("kpanda is serving on ")) {
        clearTimeout(timer);
        ok(s);
      }
      let rec: { msg?: string; identity?: string; controller?: string };
      try {
        rec = JSON.parse(line);
      } catch {
        return;
      }
      if (rec.msg === "became leader") {
        s.identity = rec.identity;
        s.ledAt = performance.now();
      }
      if (rec.msg === "controller started" && rec.controller) s.started.push(rec.controller);
    });
  });
}

async function stop(s: Serve, signal: "SIGTERM" | "SIGKILL"): Promise<number> {
  const at = performance.now();
  s.proc.kill(signal);
  await s.exited;
  return at;
}

describe("two kpanda serve processes against one host", () => {
  let dir: string;
  let host: Awaited<ReturnType<typeof startApiServer>>;
  const procs: Serve[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-serve-replicas-"));
    host = await startApiServer({ port: 0, dataDir: join(dir, "host"), storage: "memory" });
  });
  after(async () => {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) await stop(p, "SIGKILL");
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("hands the Lease to the other replica within 15 s of the leader's crash, and at once on a clean stop", async () => {
    const hostKubeconfig = join(dir, "host", "kubeconfig");
    const lease = leaseReader(hostKubeconfig);
    const a = await serve(join(dir, "a"), hostKubeconfig);
    procs.push(a);
    await until("a to lead", () => a.identity, 20_000);
    const b = await serve(join(dir, "b"), hostKubeconfig);
    procs.push(b);
    await sleep(4500);
    assert.equal(b.identity, undefined, "b never led while a held the Lease");
    assert.deepEqual(b.started, [], "b started no controller");
    assert.deepEqual(a.started.sort(), ["cluster-policies", "cronhpa", "health", "member-rbac"]);
    assert.equal((await lease()).spec?.holderIdentity, a.identity);

    // A crash: nothing is released; b takes over when the last renewal it saw is 15 s old.
    const killed = await stop(a, "SIGKILL");
    await until("b to lead", () => b.identity, 30_000);
    const takeover = (b.ledAt! - killed) / 1000;
    // a renewed at most one retry period (2 s) before it died, and b observed that renewal through
    // its watch; so b takes over 13–15 s after the crash (plus the latency of one write).
    assert.ok(takeover <= 15.5, `took over ${takeover.toFixed(1)} s after the crash`);
    assert.ok(takeover >= 12, `took over ${takeover.toFixed(1)} s after the crash, before the lease expired`);
    const taken = (await lease()).spec;
    assert.equal(taken?.holderIdentity, b.identity);
    assert.equal(taken?.leaseTransitions, 1);
    assert.deepEqual(b.started.sort(), ["cluster-policies", "cronhpa", "health", "member-rbac"]);

    // A clean stop releases the Lease (client-go's ReleaseOnCancel), so the follower needs no expiry.
    const c = await serve(join(dir, "a"), hostKubeconfig);
    procs.push(c);
    await sleep(1000);
    assert.equal(c.identity, undefined);
    const stopped = await stop(b, "SIGTERM");
    await until("c to lead", () => c.identity, 15_000);
    assert.ok((c.ledAt! - stopped) / 1000 < 3, `took over ${((c.ledAt! - stopped) / 1000).toFixed(1)} s after a clean stop`);
    assert.equal((await lease()).spec?.leaseTransitions, 2);
  });
});

describe("a leader that cannot renew", () => {
  it("stops its controllers once no renewal succeeded within the renew deadline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kpanda-renew-"));
    const host = await startApiServer({ port: 0, dataDir: join(dir, "host"), storage: "memory" });
    const t = await startTestPlatform({
      dataDir: join(dir, "p"),
      hostKubeconfig: join(dir, "host", "kubeconfig"),
      leaderElection: { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 },
    });
    try {
      const c = counter();
      t.platform.ctx.controllers.add(c.controller);
      await until("the platform to lead", () => t.platform.ctx.controllers.running().includes("counter"));
      await host.close();
      const lost = performance.now();
      await until("the controllers to stop", () => t.platform.ctx.controllers.running().length === 0 && !t.platform.elector.isLeader());
      // client-go's renew loop gives up renewDeadline after the last successful renewal began its round.
      const after = (performance.now() - lost) / 1000;
      assert.ok(after <= 2 + 0.5 + 1, `stopped ${after.toFixed(1)} s after the host went away`);
      const ticks = c.ticks;
      await sleep(300);
      assert.equal(c.ticks, ticks, "the controller no longer runs");
    } finally {
      await t.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });
});
