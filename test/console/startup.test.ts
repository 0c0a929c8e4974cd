// The console's start-up (issue 12's load-time targets): opening an address
// directly, the first render is already the page asked for (its chunk was
// loaded before React rendered, so no loading fallback shows and React does
// not hold the page back behind it), and the page's first API reads started
// before that render rather than after it: the overview, a cluster's nodes,
// and a search address. The start-up bundle leaves out what the first pages
// do not use. A signed-in browser's first visit comes rendered by kpanda
// serve, and the console takes that page over.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { DIST_DIR, ensureConsoleBuilt } from "../../web/build.ts";
import { startTestPlatform, type TestPlatform } from "../platform/fixture.ts";
import { integrate, until } from "../platform/members.ts";
import { chromiumMissing, launchBrowser, logIn, openPage, type WatchedPage } from "./browser.ts";

const skip = chromiumMissing();

/** Records, in the page, what #root first holds and when: the first render React commits. */
const RECORD_FIRST_RENDER = () => {
  const w = globalThis as any;
  w.addEventListener("DOMContentLoaded", () => {
    const root = w.document.getElementById("root");
    new w.MutationObserver((_: unknown, obs: { disconnect(): void }) => {
      if (!root.firstChild) return;
      // PatternFly's stylesheet sets the page's font: without it the first render shows unstyled.
      const styled = w.getComputedStyle(w.document.body).fontFamily.includes("RedHat");
      w.__firstRender = { at: performance.now(), h1: w.document.querySelector("h1")?.textContent ?? null, text: root.textContent.slice(0, 80), styled };
      obs.disconnect();
    }).observe(root, { childList: true });
  });
};

type FirstRender = { at: number; h1: string | null; text: string; styled: boolean };

describe("console start-up", { skip, timeout: 300_000 }, () => {
  let t: TestPlatform;
  let sim: Simulator;
  let dir: string;
  let browser: Browser;
  let p: WatchedPage;

  before(async () => {
    await ensureConsoleBuilt({ quiet: true });
    dir = await mkdtemp(join(tmpdir(), "kpanda-startup-"));
    t = await startTestPlatform();
    sim = await startSimulator({ names: ["dev"], nodes: 3, dataDir: dir });
    await integrate(t, sim.clusters[0]);
    const token = await t.adminToken();
    await until("the cluster's summary", async () => (await t.call("GET", "/clustersummary", undefined, token)).body.items?.[0]?.nodes?.total === 3, 120_000);
    browser = await launchBrowser();
    p = await openPage(browser, t.platform.url);
    const session = JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: "admin" });
    await p.context.addInitScript((s) => sessionStorage.setItem("kpanda.session", s), session);
    await p.context.addInitScript(RECORD_FIRST_RENDER);
  });

  after(async () => {
    await browser?.close();
    await sim?.stop();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens `url`, waits for its table's rows, and answers the first render and when each matching API read started. */
  async function open(url: string, table: string, reads: RegExp[]): Promise<{ first: FirstRender; starts: number[]; ends: number[] }> {
    await p.page.goto(url);
    await p.page.locator(`[data-testid="${table}"] tbody tr[data-row]`).first().waitFor();
    const first = (await p.page.evaluate(() => (globalThis as any).__firstRender)) as FirstRender;
    const entries = await p.page.evaluate(() =>
      performance.getEntriesByType("resource").map((e) => ({ name: e.name, start: e.startTime, end: (e as any).responseEnd as number })),
    );
    const found = reads.map((re) => {
      const e = entries.find((x) => re.test(x.name));
      assert.ok(e, `a read matching ${re} on ${url}; reads: ${entries.map((x) => x.name).join(" ")}`);
      return e;
    });
    p.assertClean(url);
    return { first, starts: found.map((e) => e.start), ends: found.map((e) => e.end) };
  }

  test("the start-up bundle leaves out the YAML library (only object, YAML and form pages use it)", async () => {
    const html = await readFile(join(DIST_DIR, "index.html"), "utf8");
    const entry = /<script type="module"[^>]* src="\/assets\/(index-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(entry, html);
    // What every first visit runs: the entry (boot.ts), the rest of the console it loads (main.tsx), and all they import.
    const files = await readdir(join(DIST_DIR, "assets"));
    const main = files.find((f) => /^main-[\w-]+\.js$/.test(f));
    assert.ok(main, files.join(" "));
    const seen = new Set<string>();
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = await readFile(join(DIST_DIR, "assets", file), "utf8");
      // yaml's parse errors are named so in its source (errors.ts: class YAMLParseError).
      assert.ok(!code.includes("YAMLParseError"), `${file}, which every first visit runs, carries the YAML library`);
      for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) await visit(m[1]);
    };
    await visit(entry);
    await visit(main);
    assert.ok(seen.size >= 4, `the start-up graph: ${[...seen].join(" ")}`);
  });

  test("the overview's first render is the overview, and its reads start before it", async () => {
    const { first, starts } = await open("/clusters", "list-Cluster", [/\/me$/, /\/clustersummary\?page=1&pageSize=1$/, /\/clustersummary\?page=1&pageSize=20&/]);
    assert.equal(first.h1, "Clusters", `the first render showed: ${first.text}`);
    for (const s of starts) assert.ok(s < first.at, `a read started at ${s} ms, after the first render at ${first.at} ms`);
  });

  test("a slow list does not hold back the first render: the page shows, and its rows follow", async () => {
    // The overview's lists answer 2 s late; the first render waits for them at most a moment.
    const slow = /\/clustersummary\?/;
    await p.page.route(slow, async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    try {
      const { first, ends } = await open("/clusters", "list-Cluster", [/\/clustersummary\?page=1&pageSize=20&/]);
      assert.equal(first.h1, "Clusters", `the first render showed: ${first.text}`);
      assert.ok(first.at < ends[0], `the first render at ${first.at} ms waited for the list answered at ${ends[0]} ms`);
    } finally {
      await p.page.unroute(slow);
    }
  });

  test("a slow stylesheet holds back the first render: no page shows unstyled", async () => {
    // boot.ts applies the stylesheet only once it has asked for the scripts; main.tsx renders once it applies.
    const css = /\/assets\/style-[\w-]+\.css$/;
    await p.page.route(css, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    try {
      const { first } = await open("/clusters", "list-Cluster", [/\/clustersummary\?page=1&pageSize=20&/]);
      assert.equal(first.h1, "Clusters", `the first render showed: ${first.text}`);
      assert.ok(first.styled, "the first render came before the stylesheet applied");
    } finally {
      await p.page.unroute(css);
    }
  });

  test("a cluster's node table renders at once, its nodes read before that render", async () => {
    const { first, starts } = await open("/clusters/dev/nodes", "list-Node", [/\/clusters\/dev$/, /\/clusters\/dev\/nodes\?page=1&pageSize=20&/]);
    assert.equal(first.h1?.trim(), "dev", `the first render showed: ${first.text}`);
    for (const s of starts) assert.ok(s < first.at, `a read started at ${s} ms, after the first render at ${first.at} ms`);
  });

  test("a search address's results are read before the search page's first render", async () => {
    await until("the cache's nodes of dev", async () => (await t.call("GET", "/asl/nodes?cluster=dev", undefined, await t.adminToken())).body.items?.length === 3, 60_000);
    const { first, starts } = await open("/search?kind=nodes&cluster=dev", "search-results", [/\/asl\/nodes\?cluster=dev&page=1&/]);
    assert.equal(first.h1, "Search", `the first render showed: ${first.text}`);
    for (const s of starts) assert.ok(s < first.at, `a read started at ${s} ms, after the first render at ${first.at} ms`);
  });
});

describe("a signed-in browser's first visit, rendered by kpanda serve", { skip, timeout: 300_000 }, () => {
  let t: TestPlatform;
  let sim: Simulator;
  let dir: string;
  let browser: Browser;
  let p: WatchedPage;
  const rows = '[data-testid="list-Cluster"] tbody tr[data-row]';

  before(async () => {
    await ensureConsoleBuilt({ quiet: true });
    dir = await mkdtemp(join(tmpdir(), "kpanda-rendered-"));
    t = await startTestPlatform();
    sim = await startSimulator({ names: ["dev", "prod"], nodes: 1, dataDir: dir });
    for (const c of sim.clusters) await integrate(t, c);
    browser = await launchBrowser();
    p = await openPage(browser, t.platform.url);
    // Login through the page sets the session cookie, as for a user.
    await logIn(p, "admin", t.adminPassword);
  });

  after(async () => {
    await browser?.close();
    await sim?.stop();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** How the first element of each of the overview's parts under `root` looks: its computed styles that show. */
  const looks = (root: string) => {
    const doc = (globalThis as any).document;
    const parts = [
      "h1",
      ".pf-v6-c-masthead",
      ".pf-v6-c-nav__link",
      ".pf-v6-c-page__main-section",
      ".pf-v6-c-toolbar",
      ".pf-v6-c-text-input-group__text-input",
      ".pf-v6-c-menu-toggle",
      ".pf-v6-c-table thead th",
      ".pf-v6-c-table tbody td",
      ".pf-v6-c-label",
      ".pf-v6-c-progress__bar",
      ".pf-v6-c-pagination",
    ];
    const props = ["display", "color", "background-color", "font-family", "font-size", "font-weight", "padding", "margin", "border-bottom", "height"];
    return Object.fromEntries(
      parts.map((sel) => {
        const el = doc.querySelector(`${root} ${sel}`);
        const style = el && (globalThis as any).getComputedStyle(el);
        return [sel, style ? props.map((p) => `${p}: ${style.getPropertyValue(p)}`) : "missing"];
      }),
    );
  };

  /**
   * A first visit of /clusters (the browser has not run the console's scripts: ssr/adopt.ts
   * rememberScripts) with the rest of the console 2 s late, so that only the served page can show
   * rows; answers what the page showed before the console took it over.
   */
  async function servedVisit(screenshot: string) {
    const main = /\/assets\/main-[\w-]+\.js$/;
    // The whole stylesheet is late too: the served page must look right with the styles it carries.
    const sheet = /\/assets\/style-[\w-]+\.css$/;
    let released = 0;
    await p.page.route(main, async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      released = Date.now();
      await route.continue();
    });
    await p.page.route(sheet, async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    try {
      await p.context.clearCookies({ name: "kpanda_scripts" });
      await p.page.goto("/clusters", { waitUntil: "domcontentloaded" });
      const early = await p.page.evaluate((sel) => {
        const doc = (globalThis as any).document;
        const served = doc.querySelector("#root > [inert]");
        return { rows: doc.querySelectorAll(sel).length, inert: served?.contains(doc.querySelector(sel)) ?? false, h1: served?.querySelector("h1")?.textContent, lang: doc.documentElement.lang };
      }, rows);
      // What a user sees of the served page: styled as the console's own.
      await p.screenshot(screenshot);
      const servedLooks = await p.page.evaluate(looks, "#root > [inert]");
      const sheets = await p.page.evaluate(() => [...(globalThis as any).document.styleSheets].map((s: any) => s.href).filter(Boolean));
      assert.deepEqual(sheets, [], "the page was checked before the whole stylesheet came");
      assert.equal(released, 0, "the page was checked before the console's scripts came");
      await p.page.waitForFunction(() => !(globalThis as any).document.querySelector("#root > [inert]"));
      assert.ok(released > 0, "the page was taken over before the console's scripts came");
      // The console's own page, with the whole stylesheet: the served page's styles (only those it
      // needs, src/platform/http/criticalStyles.ts) must have made it look the same.
      await p.page.locator(rows).first().waitFor();
      assert.deepEqual(servedLooks, await p.page.evaluate(looks, "#root"));
      // Its styles, a part of the whole sheet's, are gone with it.
      assert.equal(await p.page.locator("style#kpanda-ssr-styles").count(), 0);
      return early;
    } finally {
      await p.page.unroute(main);
      await p.page.unroute(sheet);
    }
  }

  test("the overview's rows show before the console's scripts run, inert, and the console takes the page over", async () => {
    const early = await servedVisit("served-overview");
    assert.deepEqual({ rows: early.rows, inert: early.inert }, { rows: 2, inert: true });
    // The console's own page: its rows, live and clickable.
    await p.page.locator('[data-testid="list-Cluster"] tbody tr[data-row="prod"] a').first().click();
    await p.page.waitForURL(/\/clusters\/prod$/);
    // Now the browser has the console's scripts: a reload is the console's own render, signed in.
    await p.page.reload({ waitUntil: "domcontentloaded" });
    assert.equal(await p.page.locator("#root > [inert]").count(), 0);
    await p.page.getByRole("heading", { name: "prod" }).waitFor();
    p.assertClean("a rendered first visit");
  });

  test("the page is served in the language chosen in the user menu", async () => {
    await p.page.getByRole("button", { name: /User menu/ }).click();
    await p.page.getByRole("menuitem", { name: "简体中文" }).click();
    await p.page.waitForFunction(() => (globalThis as any).document.documentElement.lang === "zh-CN");
    try {
      const early = await servedVisit("served-overview-zh");
      assert.deepEqual({ h1: early.h1, lang: early.lang, inert: early.inert }, { h1: "集群", lang: "zh-CN", inert: true });
    } finally {
      await p.page.getByRole("button", { name: /用户菜单|User menu/ }).click();
      await p.page.getByRole("menuitem", { name: "English" }).click();
      await p.page.waitForFunction(() => (globalThis as any).document.documentElement.lang === "en");
    }
    p.assertClean("a page served in Chinese");
  });

  test("a new tab on a slow network is signed in though the console's scripts come before the end of the page", async () => {
    // The page's session and data come last in it; its scripts are small and asked for from its head.
    // At 24 KB/s the scripts are in before the page is, and the (async) entry runs mid-parse.
    const tab = await p.context.newPage();
    const cdp = await p.context.newCDPSession(tab);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: 24 * 1024, uploadThroughput: -1 });
    try {
      await p.context.clearCookies({ name: "kpanda_scripts" });
      await tab.goto("/clusters/dev/nodes", { waitUntil: "commit" });
      // The rest of the console need not come slowly: the race is over once the page is parsed.
      await tab.waitForFunction(() => (globalThis as any).document.readyState !== "loading", null, { timeout: 30_000 });
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await tab.waitForFunction(() => !(globalThis as any).document.querySelector("#root > [inert]") && (globalThis as any).document.querySelector("#root main"));
      assert.equal(new URL(tab.url()).pathname, "/clusters/dev/nodes", "the tab was not signed in");
      await tab.locator('[data-testid="list-Node"] tbody tr[data-row]').first().waitFor();
    } finally {
      await cdp.detach();
      await tab.close();
    }
    p.assertClean("a new tab on a slow network");
  });

  test("a new tab of the signed-in browser is signed in; after logout a page loads signed out", async () => {
    // A new tab has no session of its own (sessionStorage is per tab): it takes the rendered page's.
    const tab = await p.context.newPage();
    await tab.goto("/clusters/dev/nodes");
    await tab.locator('[data-testid="list-Node"] tbody tr[data-row]').first().waitFor();
    await tab.waitForFunction(() => !(globalThis as any).document.querySelector("#root > [inert]"));
    await tab.getByRole("button", { name: /user menu/i }).click();
    await tab.getByRole("menuitem", { name: "Log out" }).click();
    await tab.waitForURL(/\/login/);
    await tab.goto("/clusters");
    await tab.waitForURL(/\/login/);
    assert.equal(await tab.locator(rows).count(), 0);
    await tab.close();
    p.assertClean("a new tab, then logout");
  });
});
