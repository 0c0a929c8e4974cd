// The browser the console's tests and bench/console.ts drive: a new context
// (a new window in headless Chromium) opens the page and nothing else, as a
// user's browser does when they open the console. Chromium 156 loaded each
// new window's WebUI omnibox popup in a renderer of its own beside the page
// (browser.ts says why that mattered); a Chromium that renames the features
// browser.ts turns off brings it back, and this test says so.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing, launchBrowser } from "./browser.ts";

const skip = chromiumMissing();

type TraceEvent = { ph: string; name: string; args?: { name?: string } & Record<string, unknown> };

describe("the tests' browser", { skip, timeout: 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  test("a new context's window loads no WebUI of its own beside the page", async () => {
    // The first context reuses the window Chromium starts with; the WebUI came with the next ones.
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await browser.startTracing(page, { categories: ["devtools.timeline", "toplevel", "loading"] });
      await page.goto("data:text/html,<p>kpanda</p>");
      // The popup's renderer started within about 300 ms of the window in traces; wait well past that.
      await new Promise((r) => setTimeout(r, 1500));
      const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
      const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
      const processes = events.filter((e) => e.ph === "M" && e.name === "process_name").map((e) => e.args?.name);
      const webui = events.map((e) => JSON.stringify(e.args ?? {}).match(/chrome:\/\/[\w.-]+/)?.[0]).filter(Boolean);
      await ctx.close();
      assert.deepEqual({ context: i, webuiProcesses: processes.filter((p) => p?.includes("WebUI")), webui: [...new Set(webui)] }, { context: i, webuiProcesses: [], webui: [] });
    }
  });
});
