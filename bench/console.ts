// Console benchmark: the console in Debian's chromium (playwright-core)
// against `kpanda serve` over many clusters (bench/consoleSetup.ts), with the
// targets of issue 12:
//   1. the clusters overview with N integrated simulated clusters (default
//      100): first page of rows and the totals, from navigation (<= 1 s);
//   2. the node table of a member with 1,000 nodes: first page (<= 1 s), and
//      no response carrying more than one page;
//   3. the same member with 20,000 pods: the cluster's pod list (the search
//      page's pods of that cluster) and the global search (grouped by kind)
//      first page (<= 1 s), a sort and a filter (<= 300 ms), and a 500-row page.
// Times are the page's own clock (performance.now()): navigation start, or
// the user's click or choice, until the rows are in the document (and, on a
// load, the page's first contentful paint has happened). A first visit's
// page notes that time itself (a MutationObserver set up before its scripts),
// so it does not count the wait for Playwright's checks on a busy page. "cold"
// is a first visit, in a fresh browser context (nothing cached; a new window,
// without the WebUI Chromium would load beside it: see
// test/console/browser.ts), --cold-runs times; then --runs warm ones in one
// context. The browser is signed in as a user's is after login (the tab's
// session and the session cookie), so a first visit comes rendered by kpanda
// serve; "interactive" is when the
// console's own render has taken that page over. Each first visit is
// followed by one without the session cookie, which kpanda serve does not
// render: the console's own first render, in the same conditions.
// Measuring starts once the platform has settled after integrating and
// syncing the clusters: kpanda serve's event-loop lag p99 under 50 ms (from
// its /metrics), and the machine at least 70 % idle.
// Usage: node bench/console.ts [--clusters 100] [--nodes 2] [--big-nodes 1000]
//        [--big-pods 20000] [--runs 5] [--cold-runs 5] [--only overview,nodes,pods] [--keep]
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../test/console/browser.ts";
import { ensureConsoleBuilt } from "../web/build.ts";
import { type Child, fillBig, integrateAll, type Serve, startBigMember, startServe, startSim, untilSettled, untilSynced } from "./consoleSetup.ts";
import { ms, Samples } from "./stats.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "100" },
    nodes: { type: "string", default: "2" },
    "big-nodes": { type: "string", default: "1000" },
    "big-pods": { type: "string", default: "20000" },
    runs: { type: "string", default: "5" },
    "cold-runs": { type: "string", default: "5" },
    only: { type: "string", default: "overview,nodes,pods" },
    keep: { type: "boolean" },
  },
});
const N = Number(values.clusters);
const BIG_NODES = Number(values["big-nodes"]);
const BIG_PODS = Number(values["big-pods"]);
const RUNS = Number(values.runs);
const COLD_RUNS = Number(values["cold-runs"]);
const parts = new Set(String(values.only).split(","));
const BIG = "big";

/** The page's clock when the user last clicked, chose or typed (capture phase, before the console reacts). */
const RECORD_INPUT = () => {
  const doc = (globalThis as any).document;
  for (const type of ["click", "change", "input"]) doc.addEventListener(type, () => ((globalThis as any).__inputAt = performance.now()), true);
};

/** Resolves with the page's clock at the first animation frame where `cond` holds. */
async function when(page: Page, cond: string, arg?: unknown): Promise<number> {
  const fn = new Function("arg", `const ok = (${cond})(arg); return ok ? performance.now() : false;`) as (a: unknown) => number | false;
  try {
    const h = await page.waitForFunction(fn, arg, { polling: "raf", timeout: 120_000 });
    return (await h.jsonValue()) as number;
  } catch (e) {
    const where = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const c = doc.querySelector('[data-testid="search-results"]');
      return `${(globalThis as any).location.href} loading=${c?.dataset.loading} rows=${c?.querySelectorAll("tbody tr").length}; the page says: ${doc.body.textContent.slice(0, 400).replace(/\s+/g, " ")}`;
    });
    throw new Error(`waiting for ${cond} (${JSON.stringify(arg)}) at ${where}: ${(e as Error).message}`);
  }
}

/** The console has taken over the page kpanda serve rendered (web/src/ssr/adopt.ts), or rendered its own. */
const TAKEN_OVER = `() => !document.querySelector("#root > [inert]") && document.querySelector("#root")?.firstChild`;

/** Where a first visit's time went: the page's first byte and last byte, its stylesheet loaded, its first paint. */
type Phases = { firstByte: Samples; lastByte: Samples; stylesheet: Samples; firstPaint: Samples; serverReads: Samples; serverRender: Samples; serverTotal: Samples };
const phases = (): Phases => ({
  firstByte: new Samples(),
  lastByte: new Samples(),
  stylesheet: new Samples(),
  firstPaint: new Samples(),
  serverReads: new Samples(),
  serverRender: new Samples(),
  serverTotal: new Samples(),
});

async function recordPhases(page: Page, into: Phases): Promise<void> {
  const t = await page.evaluate(() => {
    // Browser timing entries (Navigation and Resource Timing); Node's types lack them.
    type Entry = { name: string; responseStart: number; responseEnd: number; serverTiming?: { name: string; duration: number }[] };
    const entries = (type: string) => (performance as any).getEntriesByType(type) as Entry[];
    const nav = entries("navigation")[0];
    const css = entries("resource").find((r) => r.name.endsWith(".css"));
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    // kpanda serve's own account of the page (its Server-Timing header).
    const server = (name: string) => nav.serverTiming?.find((t) => t.name === name)?.duration ?? Number.NaN;
    return {
      firstByte: nav.responseStart,
      lastByte: nav.responseEnd,
      stylesheet: css?.responseEnd ?? Number.NaN,
      firstPaint: fcp?.startTime ?? Number.NaN,
      serverReads: server("reads"),
      serverRender: server("render"),
      serverTotal: server("total"),
    };
  });
  for (const k of Object.keys(into) as (keyof Phases)[]) if (Number.isFinite(t[k])) into[k].add(t[k]);
}

/** The page's first contentful paint, once it has happened. */
const FIRST_PAINT = () =>
  new Promise<number>((resolve) =>
    new PerformanceObserver((list, obs) => {
      const fcp = list.getEntries().find((e) => e.name === "first-contentful-paint");
      if (!fcp) return;
      obs.disconnect();
      resolve(fcp.startTime);
    }).observe({ type: "paint", buffered: true } as any),
  );

/**
 * Source of a script that runs in `page` before the page's own: at the first animation frame after a
 * change to the document where `cond` holds, it notes the page's clock (globalThis.__condAt). Unlike
 * polling from here, which waits for the page's main thread to run each check, it sees the rows of
 * a served page as the parser inserts them.
 */
const observing = (cond: string) => `(() => {
  const cond = ${cond};
  const seen = new MutationObserver(() => {
    if (!cond()) return;
    seen.disconnect();
    requestAnimationFrame(() => (globalThis.__condAt = performance.now()));
  });
  seen.observe(document, { childList: true, subtree: true, characterData: true });
})();`;

/**
 * Time from navigation start to `cond`, on a full load of `url`, and the rows painted: a page kpanda
 * serve rendered has its rows in the document before its styles, so not before its first paint.
 * `live` gets the time the console took over. On a fresh page (`observe`) the time is the page's
 * own (observing); a page loaded several times polls (when).
 */
async function load(page: Page, url: string, cond: string, live?: Samples, into?: Phases, observe = false): Promise<number> {
  if (observe) await page.addInitScript({ content: observing(cond) });
  await page.goto(url, { waitUntil: "commit" });
  const polled = await when(page, cond);
  const observed = observe ? await when(page, "() => globalThis.__condAt !== undefined").then(() => page.evaluate(() => (globalThis as any).__condAt as number)) : polled;
  const at = Math.max(observed, await page.evaluate(FIRST_PAINT));
  if (live) live.add(await when(page, TAKEN_OVER));
  if (into) await recordPhases(page, into);
  return at;
}

const rows = (testid: string, n: number) =>
  `() => document.querySelectorAll('[data-testid="${testid}"] tbody tr[data-row]').length >= ${n}`;
/** The search table shows the answer to an address containing `expect`: nothing loading, rows or the empty state in place. */
const settled = `(expect) => {
  const c = document.querySelector('[data-testid="search-results"]');
  return location.search.includes(expect) && c && c.dataset.loading === "false" && c.querySelector("tbody tr[data-row], tbody tr td[colspan]");
}`;

type Line = { what: string; cold?: Samples; warm: Samples; target: number; note?: string; live?: { cold: Samples; warm: Samples }; own?: Samples; phases?: Phases };
/** A fresh browser context: signed in, nothing cached. */
type Fresh = (opts?: { served?: boolean }) => Promise<BrowserContext>;
const lines: Line[] = [];

function report(l: Line): void {
  lines.push(l);
  const w = l.warm.summary();
  const c = l.cold?.summary();
  const worst = Math.max(w.max, c?.max ?? 0);
  const verdict = worst <= l.target ? "ok" : Math.max(w.p50, c?.p50 ?? 0) <= l.target ? "p50 ok, max over" : c && c.p50 > l.target ? "cold OVER" : "OVER";
  const cold = c ? `cold p50 ${ms(c.p50).padStart(7)} max ${ms(c.max).padStart(7)}  ` : "";
  console.log(
    `  ${l.what.padEnd(58)} ${cold}warm p50 ${ms(w.p50).padStart(7)} max ${ms(w.max).padStart(7)}  target <= ${ms(l.target)}  ${verdict}${l.note ? `  (${l.note})` : ""}`,
  );
  if (l.live) {
    const [lc, lw] = [l.live.cold.summary(), l.live.warm.summary()];
    console.log(`  ${"  interactive: the console took the page over".padEnd(58)} cold p50 ${ms(lc.p50).padStart(7)} max ${ms(lc.max).padStart(7)}  warm p50 ${ms(lw.p50).padStart(7)} max ${ms(lw.max).padStart(7)}`);
  }
  if (l.own) {
    const o = l.own.summary();
    console.log(`  ${"  first visit without the server's render (same runs)".padEnd(58)} cold p50 ${ms(o.p50).padStart(7)} max ${ms(o.max).padStart(7)}  (rows and interactive at once)`);
  }
  if (l.phases) {
    const p50 = (s: Samples) => ms(s.summary().p50);
    const p = l.phases;
    console.log(`  ${"  served first visits, p50 from navigation:".padEnd(58)} first byte ${p50(p.firstByte)}, last byte ${p50(p.lastByte)}, stylesheet ${p50(p.stylesheet)}, first paint ${p50(p.firstPaint)}`);
    if (p.serverTotal.count)
      console.log(`  ${"  of the first byte, kpanda serve's (Server-Timing), p50:".padEnd(58)} reads ${p50(p.serverReads)}, render ${p50(p.serverRender)}, in all ${p50(p.serverTotal)}`);
  }
}

/** A new page that prints what goes wrong in it (errors, failed requests and responses), which would otherwise only show as a timeout. */
async function watched(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log(`  ! page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.log(`  ! console: ${m.text()}`));
  page.on("requestfailed", (r) => r.failure()?.errorText !== "net::ERR_ABORTED" && console.log(`  ! failed: ${r.url()} ${r.failure()?.errorText}`));
  return page;
}

/**
 * First visits of `url`, each in a fresh context, until `cond`; `live` gets when the console took
 * over. Each is followed by one without the session cookie (`own`): the console's own render, with
 * nothing served, under the same conditions.
 */
async function coldLoads(fresh: Fresh, url: string, cond: string, live: Samples, own: Samples, into: Phases): Promise<Samples> {
  const cold = new Samples();
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const served of [true, false]) {
      const ctx = await fresh({ served });
      const at = await load(await watched(ctx), url, cond, served ? live : undefined, served ? into : undefined, true);
      (served ? cold : own).add(at);
      await ctx.close();
    }
  }
  return cold;
}

/** Cold and warm loads of `url` until `cond`, reported; `page` (in `ctx`) also sees the warm ones. */
async function measureLoads(ctx: BrowserContext, fresh: Fresh, what: string, url: string, cond: string, target: number, note?: string, page?: Page): Promise<void> {
  const live = { cold: new Samples(), warm: new Samples() };
  const own = new Samples();
  const into = phases();
  const cold = await coldLoads(fresh, url, cond, live.cold, own, into);
  const p = page ?? (await watched(ctx));
  const warm = new Samples();
  await load(p, url, cond); // fills this context's cache
  for (let i = 0; i < RUNS; i++) warm.add(await load(p, url, cond, live.warm));
  await p.close();
  report({ what, cold, warm, target, note, live, own, phases: into });
}

async function overview(ctx: BrowserContext, fresh: Fresh): Promise<void> {
  const cond = `() => document.querySelectorAll('[data-testid="list-Cluster"] tbody tr[data-row]').length >= ${Math.min(20, N)} && document.querySelector('[data-testid="cluster-totals"]')?.textContent.includes("${N + 1}")`;
  await measureLoads(ctx, fresh, `clusters overview, ${N + 1} clusters: first page and totals`, "/clusters", cond, 1000);
}

async function nodes(ctx: BrowserContext, fresh: Fresh): Promise<void> {
  const page = await watched(ctx);
  let largest = 0;
  let largestBytes = 0;
  let overPage = 0;
  const count = (body: any, bytes: number) => {
    largest = Math.max(largest, body.items?.length ?? 0);
    largestBytes = Math.max(largestBytes, bytes);
    // An API answer's page size is in its pagination; a carried one's is the console's ListResult.pageSize.
    if ((body.items?.length ?? 0) > (body.pagination?.pageSize ?? body.pageSize ?? 0)) overPage++;
  };
  page.on("response", async (r) => {
    if (r.request().resourceType() === "document" && r.url().endsWith(`/clusters/${BIG}/nodes`)) {
      // A page kpanda serve rendered carries its lists' answers (web/src/ssr/adopt.ts): each counts as a response.
      const html = await r.text().catch(() => "");
      const block = /<script id="kpanda-ssr" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
      for (const q of block ? JSON.parse(block).queries.queries : []) if (q.queryKey[0] === "list" && /\/nodes$/.test(q.queryKey[1])) count(q.state.data, JSON.stringify(q.state.data).length);
      return;
    }
    if (!/\/clusters\/big\/nodes\?/.test(r.url()) || r.url().includes("watch=true")) return;
    const text = await r.text().catch(() => "");
    count(JSON.parse(text || "{}"), text.length);
  });
  const url = `/clusters/${BIG}/nodes`;
  await measureLoads(ctx, fresh, `node table, ${BIG_NODES} nodes: first page`, url, rows("list-Node", Math.min(20, BIG_NODES)), 1000, undefined, page);
  console.log(`  ${"".padEnd(58)} largest node list response: ${largest} items, ${(largestBytes / 1024).toFixed(1)} KiB; responses with more than one page: ${overPage}`);
}

async function pods(ctx: BrowserContext, fresh: Fresh): Promise<void> {
  const list = `/search?kind=pods&cluster=${BIG}`;
  await measureLoads(ctx, fresh, `cluster's pod list, ${BIG_PODS} pods: first page (20 rows)`, list, rows("search-results", 20), 1000);
  await measureLoads(ctx, fresh, "global search 'payments' across kinds: first group", "/search?q=payments", rows("search-pods", 5), 1000);
  await measureLoads(ctx, fresh, "cluster's pod list: a page of 500 rows", `${list}&pageSize=500`, rows("search-results", Math.min(500, BIG_PODS)), 1000, "first paint of 500 rows");

  const page = await watched(ctx);
  await load(page, list, rows("search-results", 20));
  /** From the input `act` makes to the table showing the answer to an address containing `expect`. */
  const after = async (act: () => Promise<unknown>, expect: string) => {
    await act();
    const done = await when(page, settled, expect);
    return done - (await page.evaluate(() => (globalThis as any).__inputAt as number));
  };
  const table = page.getByTestId("search-results");
  const header = (name: string) => table.getByRole("button", { name, exact: true });
  const sort = new Samples();
  /** What a click on a column's header asks: the other direction of the column sorted by (by name ascending when none), else ascending. */
  const next = (key: string) => {
    const p = new URL(page.url()).searchParams;
    const dir = (p.get("sortBy") ?? "name") === key ? (p.get("sortDir") === "desc" ? "asc" : "desc") : "asc";
    return `sortBy=${key}&sortDir=${dir}`;
  };
  for (let i = 0; i < RUNS; i++) {
    for (const [column, key] of [["Name", "name"], ["Name", "name"], ["Age", "creationTimestamp"], ["Age", "creationTimestamp"]]) {
      const expect = next(key);
      sort.add(await after(() => header(column).click(), expect));
    }
  }
  report({ what: "cluster's pod list: a sort (name, age)", warm: sort, target: 300 });

  const filter = new Samples();
  for (let i = 0; i < RUNS; i++) {
    await load(page, list, rows("search-results", 20));
    // The big member's pods are all Pending (no kubelet): Running empties the table, Pending fills it again.
    filter.add(await after(() => page.getByRole("combobox", { name: "Phase" }).selectOption("Running"), "phase=Running"));
    filter.add(await after(() => page.getByRole("combobox", { name: "Phase" }).selectOption("Pending"), "phase=Pending"));
  }
  report({ what: "cluster's pod list: a filter (phase)", warm: filter, target: 300 });

  const typed = new Samples();
  for (let i = 0; i < RUNS; i++) {
    await load(page, list, rows("search-results", 20));
    const q = i % 2 ? "cart" : "orders";
    typed.add(await after(() => page.getByRole("textbox", { name: "Name contains" }).fill(q), `q=${q}`));
  }
  report({ what: "cluster's pod list: a name search (typed)", warm: typed, target: 300, note: "includes the input's 250 ms debounce" });
  await page.close();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-console-"));
  const children: Child[] = [];
  try {
    await ensureConsoleBuilt({ quiet: true });
    console.log(`kpanda console benchmark: ${N} simulated clusters of ${values.nodes} nodes, and "${BIG}" with ${BIG_NODES} nodes and ${BIG_PODS} pods`);
    const t0 = performance.now();
    const sim = await startSim(join(dir, "sim"), N, Number(values.nodes));
    children.push(sim.child);
    const big = await startBigMember(join(dir, BIG));
    children.push(big);
    const filled = await fillBig(join(dir, BIG, "kubeconfig"), BIG_NODES, BIG_PODS);
    console.log(`members ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (big member filled in ${filled.toFixed(1)} s)`);
    const serve: Serve = await startServe(join(dir, "kpanda"));
    children.push(serve.child);
    const members = [...sim.names.map((name) => ({ name, kubeconfig: join(dir, "sim", name, "kubeconfig") })), { name: BIG, kubeconfig: join(dir, BIG, "kubeconfig") }];
    console.log(`integrated ${members.length} clusters in ${(await integrateAll(serve, members)).toFixed(1)} s`);
    const synced = await untilSynced(serve, `/asl/pods?cluster=${BIG}&pageSize=1`, BIG_PODS);
    await untilSynced(serve, `/asl/nodes?pageSize=1`, BIG_NODES + N * Number(values.nodes));
    await untilSynced(serve, "/clustersummary?pageSize=1&phase=Running", members.length);
    console.log(`search cache synced ${((performance.now() - t0) / 1000).toFixed(1)} s after the start (the big member's pods ${synced.toFixed(1)} s after integration)`);
    // The targets are for a platform at work, not one still digesting 101 new clusters.
    const settled = await untilSettled(serve);
    console.log(`kpanda serve settled ${settled.waited.toFixed(1)} s later (event-loop lag p99 ${settled.p99.toFixed(0)} ms, the machine ${(100 * settled.idle).toFixed(0)} % idle)`);

    // Chromium trusts serve's certificate, as a user's browser does: it keeps no response from a
    // connection whose certificate error it was told to ignore, so nothing would be cached.
    const browser = await launchBrowser({ trust: [serve.ca, serve.cert] });
    const session = JSON.stringify({ token: serve.token, expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: "admin" });
    const fresh: Fresh = async ({ served = true } = {}) => {
      const c = await browser.newContext({ baseURL: serve.url, viewport: { width: 1440, height: 900 }, locale: "en-US" });
      if (served) await c.addCookies([{ name: "kpanda_session", value: serve.token, url: serve.url, httpOnly: true, secure: true, sameSite: "Strict" }]);
      await c.addInitScript((s) => sessionStorage.setItem("kpanda.session", s), session);
      await c.addInitScript(RECORD_INPUT);
      return c;
    };
    const ctx = await fresh();
    // The figures are the machine's as much as the console's: say how busy it was.
    console.log(`results (page clock, from navigation or input to the rows in the document; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs):`);
    if (parts.has("overview")) await overview(ctx, fresh);
    if (parts.has("nodes")) await nodes(ctx, fresh);
    if (parts.has("pods")) await pods(ctx, fresh);
    await browser.close();
  } finally {
    for (const c of children.reverse()) await c.stop();
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
