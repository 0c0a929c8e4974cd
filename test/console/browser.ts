// Browser tests of the console: Debian's chromium driven by playwright-core,
// against a real platform. Every page records console errors, page errors
// and failed requests; a test fails on any it did not expect. Screenshots go
// to test-artifacts/console/ (KPANDA_ARTIFACTS overrides), and axe-core
// checks pages for accessibility violations.
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.KPANDA_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = process.env.KPANDA_ARTIFACTS ?? join(import.meta.dirname, "..", "..", "test-artifacts", "console");

/**
 * Without the background-networking flags Chromium dials out, and this closed network refuses it.
 * --ignore-certificate-errors: the platform's self-signed certificate is accepted by the TLS socket
 * itself. With only the context's ignoreHTTPSErrors, every new connection fails with
 * ERR_CERT_AUTHORITY_INVALID and the request restarts (HttpNetworkTransaction::RestartIgnoringLastError);
 * a netlog showed requests restarted up to 3 times on a quiet machine, and under CI's load one CSS
 * chunk reached Chromium's 32 restarts and failed with net::ERR_TOO_MANY_RETRIES.
 * KPANDA_NETLOG=FILE writes Chromium's network log there.
 *
 * --disable-features: each new browser context is a new window, and headless Chromium 156 loads the
 * window's WebUI omnibox popup (chrome://omnibox-popup.top-chrome, a renderer of its own) with it. A
 * trace of a cold console visit showed that renderer taking about 1.1 s wall and 0.75 s CPU across
 * its threads while the page loaded, on a 2-core machine: a cost of opening a window that a user
 * who opens the console in their browser does not pay. Chromium keeps only the last value of a
 * switch given twice (base/command_line.h), so Playwright's own list (playwright-core 1.65,
 * chromiumSwitches) is repeated here with these features added.
 */
const PLAYWRIGHT_DISABLED = [
  "AvoidUnnecessaryBeforeUnloadCheckSync",
  "DestroyProfileOnBrowserClose",
  "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable",
  "LensOverlay",
  "MediaRouter",
  "PaintHolding",
  "ThirdPartyStoragePartitioning",
  "AvoidCorsURLLoaderRestartOnRedirect",
  "TcpPortRandomizationWin",
  "OptimizationHints",
  "NetworkTimeServiceQuerying",
  "AimEnabled",
  "PreconnectToSearch",
];
const WINDOW_WEBUI = ["PreloadTopChromeWebUI", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"];
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--ignore-certificate-errors",
  `--disable-features=${[...PLAYWRIGHT_DISABLED, ...WINDOW_WEBUI].join(",")}`,
  ...(process.env.KPANDA_NETLOG ? [`--log-net-log=${process.env.KPANDA_NETLOG}`] : []),
];

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`;
}

/**
 * A new browser; playwright gives it a new, empty user data directory. `trust`: PEM certificates
 * (a CA, or the serving certificate) whose public keys Chromium accepts as if a trusted CA had
 * signed them (--ignore-certificate-errors-spki-list, honoured with a user data directory). Unlike
 * an ignored error, such a certificate lets Chromium cache what the server sends (its HTTP cache
 * keeps no response from a connection with a certificate error), as a user's browser that trusts
 * kpanda's certificate does: bench/console.ts measures that.
 */
export function launchBrowser(opts: { trust?: string[] } = {}): Promise<Browser> {
  const spki = (opts.trust ?? []).map((pem) => createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64"));
  const args = spki.length ? [...ARGS.filter((a) => a !== "--ignore-certificate-errors"), `--ignore-certificate-errors-spki-list=${spki.join(",")}`] : ARGS;
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}

export type Problem = { kind: "console" | "pageerror" | "requestfailed" | "response"; text: string };

/** A page that remembers what went wrong in it; `allow` names failures a test provokes on purpose. */
export type WatchedPage = {
  page: Page;
  context: BrowserContext;
  problems: Problem[];
  allow(match: RegExp): void;
  /** Throws when anything unexpected went wrong since the last check. */
  assertClean(where: string): void;
  screenshot(name: string): Promise<string>;
  /** axe-core's serious and critical violations on the page as it is. */
  axe(): Promise<AxeViolation[]>;
  close(): Promise<void>;
};

export type AxeViolation = { id: string; impact: string; help: string; nodes: string[] };

export async function openPage(browser: Browser, baseURL: string, opts: { locale?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, ignoreHTTPSErrors: true, locale: opts.locale ?? "en-US", viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  // Everything is slower on a loaded test machine than in a user's browser.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const problems: Problem[] = [];
  const allowed: RegExp[] = [];
  const ok = (text: string) => allowed.some((r) => r.test(text));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push({ kind: "console", text: `${m.text()} ${m.location().url}` });
  });
  page.on("pageerror", (e) => problems.push({ kind: "pageerror", text: e.stack ?? e.message }));
  page.on("requestfailed", (r) => {
    // Queries that a navigation or a newer fetch cancels are aborted on purpose (TanStack Query's signal).
    if (r.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push({ kind: "requestfailed", text: `${r.method()} ${r.url()} ${r.failure()?.errorText}` });
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push({ kind: "response", text: `${r.status()} ${r.request().method()} ${r.url()}` });
  });
  let checked = 0;
  return {
    page,
    context,
    problems,
    allow: (m) => allowed.push(m),
    assertClean(where) {
      const fresh = problems.slice(checked).filter((p) => !ok(p.text));
      checked = problems.length;
      if (fresh.length) throw new Error(`${where}: unexpected problems in the browser:\n${fresh.map((p) => `  ${p.kind}: ${p.text}`).join("\n")}`);
    },
    async screenshot(name) {
      await mkdir(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    axe: () => runAxe(page),
    close: () => context.close(),
  };
}

/** Logs in through the console's login page; resolves at /clusters. */
export async function logIn({ page }: WatchedPage, user: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel(/^Username/).fill(user);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/clusters$/);
}

/** Fails on any serious or critical accessibility violation axe-core finds on the page as it is. */
export async function checkAxe(p: WatchedPage, where: string): Promise<void> {
  const v = await p.axe();
  assert.deepEqual(v, [], `${where}: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
}

/** Replaces the text of the page's editor (the textbox named `name`) as a user would: select all, delete, type. */
export async function setEditor({ page }: WatchedPage, text: string, name = "YAML"): Promise<void> {
  const editor = page.getByRole("textbox", { name });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

let axeSource: string | undefined;

async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through the DevTools protocol, so the console's Content-Security-Policy does not stop it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const r = await axe.run((globalThis as any).document, { resultTypes: ["violations"] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(" ")) }));
  });
  return (result as AxeViolation[]).filter((v) => v.impact === "serious" || v.impact === "critical");
}
