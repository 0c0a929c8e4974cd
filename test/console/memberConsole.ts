// The fixture most console browser tests share: a real platform with one
// simulated member, "dev", integrated; kubectl against that member as its
// admin; then Chromium with the console open, logged in as admin. A test file
// starts it in its `before`, prepares the member with kubectl, opens the
// console, and closes it all in its `after`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import type { PlatformOptions } from "../../src/platform/platform.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { ensureConsoleBuilt } from "../../web/build.ts";
import { type KubectlResult, runKubectl } from "../harness.ts";
import { startTestPlatform, type TestPlatform } from "../platform/fixture.ts";
import { integrate, until } from "../platform/members.ts";
import { launchBrowser, logIn, openPage, type WatchedPage } from "./browser.ts";

export type MemberConsole = {
  t: TestPlatform;
  sim: Simulator;
  /** A temporary directory, removed by close(). */
  dir: string;
  /** kubectl against the member "dev", as its admin. */
  kubectl(args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  /** Waits until the platform's REST API answers `path` (a cached list) with at least one item. */
  cached(what: string, path: string): Promise<void>;
  /** Launches Chromium and logs in as admin: the page it returns is at /clusters. `watch` sees the page first. */
  openConsole(watch?: (p: WatchedPage) => void): Promise<WatchedPage>;
  browser?: Browser;
  close(): Promise<void>;
};

export async function startMemberConsole(opts: { prefix: string; nodes?: number; platform?: Partial<PlatformOptions> }): Promise<MemberConsole> {
  await ensureConsoleBuilt({ quiet: true });
  const dir = await mkdtemp(join(tmpdir(), `kpanda-${opts.prefix}-`));
  let t: TestPlatform | undefined;
  let sim: Simulator | undefined;
  try {
    t = await startTestPlatform(opts.platform);
    sim = await startSimulator({ names: ["dev"], nodes: opts.nodes ?? 1, dataDir: dir });
    await integrate(t, sim.cluster("dev"));
  } catch (e) {
    // What did start is stopped: a server left running would keep the test file's process alive.
    await sim?.stop();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return memberConsole(t, sim, dir);
}

function memberConsole(t: TestPlatform, sim: Simulator, dir: string): MemberConsole {
  const c: MemberConsole = {
    t,
    sim,
    dir,
    kubectl: (args, o = {}) => runKubectl(["--kubeconfig", sim.cluster("dev").kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args], o),
    async cached(what, path) {
      const token = await t.adminToken();
      await until(what, async () => ((await t.call("GET", path, undefined, token)).body?.items?.length ?? 0) > 0, 60_000);
    },
    async openConsole(watch) {
      c.browser = await launchBrowser();
      const admin = await openPage(c.browser, t.platform.url);
      watch?.(admin);
      await logIn(admin, "admin", t.adminPassword);
      return admin;
    },
    async close() {
      await c.browser?.close();
      await sim.stop();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return c;
}
