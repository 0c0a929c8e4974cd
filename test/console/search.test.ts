// Global search and live lists in a real browser (Debian's chromium through
// playwright-core) against a real platform with two simulated members: a pod
// of the second cluster found by a part of its name, sorted and filtered on
// the server; new objects appearing in open lists through the lists' event
// streams (watch=true, text/event-stream), not by polling; and a cluster made
// unreachable named stale above the results.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Response } from "playwright-core";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { ensureConsoleBuilt } from "../../web/build.ts";
import { runKubectl } from "../harness.ts";
import { startTestPlatform, type TestPlatform } from "../platform/fixture.ts";
import { integrate, until } from "../platform/members.ts";
import { checkAxe, chromiumMissing, launchBrowser, logIn, openPage, type WatchedPage } from "./browser.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console search tests skipped: ${skip} ***\n\n`);

describe("global search and live lists in a browser", { skip, timeout: 600_000 }, () => {
  let t: TestPlatform;
  let sim: Simulator;
  let dir: string;
  let browser: Browser;
  let admin: WatchedPage;
  /** Responses of watched lists: their address and content type. */
  const streams: { url: string; type: string }[] = [];

  before(async () => {
    await ensureConsoleBuilt({ quiet: true });
    dir = await mkdtemp(join(tmpdir(), "kpanda-search-"));
    t = await startTestPlatform({ health: { intervalMs: 500, timeoutMs: 1500, summaryIntervalMs: 1000, lastSeenWriteMs: 2000, failureThreshold: 2, unknownAfterMs: 3000 } });
    sim = await startSimulator({ names: ["east", "west"], nodes: 2, dataDir: dir });
    for (const c of sim.clusters) await integrate(t, c);
    // Objects of several kinds whose names contain "payments", in both clusters.
    await kubectl("west", ["run", "payments-api", "--image=nginx"]);
    await kubectl("west", ["create", "deployment", "checkout-payments", "--image=nginx", "--replicas=2"]);
    await kubectl("west", ["create", "service", "clusterip", "payments", "--tcp=80:8080"]);
    await kubectl("east", ["run", "payments-db", "--image=postgres"]);
    await kubectl("east", ["create", "configmap", "payments-settings", "--from-literal=currency=EUR"]);
    const token = await t.adminToken();
    await until("the pods in the cache", async () => (await t.call("GET", "/asl/pods?fuzzySearch=payments", undefined, token)).body?.pagination?.total === 4, 60_000);
    // A member's kinds may turn stale for a while just after integration (its connection is remade); the first tests expect none.
    await until("every kind of every member synced", async () => (await t.platform.ctx.search.index.freshness()).every((r) => r.state === "synced"), 180_000);
    browser = await launchBrowser();
    admin = await openPage(browser, t.platform.url);
    admin.page.on("response", (r: Response) => {
      if (r.url().includes("watch=true")) streams.push({ url: r.url(), type: r.headers()["content-type"] ?? "" });
    });
    await logIn(admin, "admin", t.adminPassword);
  });

  after(async () => {
    await browser?.close();
    await sim?.stop();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function kubectl(cluster: string, args: string[]) {
    return runKubectl(["--kubeconfig", sim.cluster(cluster).kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args]);
  }

  const rows = (p: WatchedPage) => p.page.getByTestId("search-results").locator("tbody tr[data-row]");

  test("the masthead search finds a pod of the second cluster by a part of its name, and its page opens", async () => {
    const { page } = admin;
    const box = page.getByRole("textbox", { name: "Search all clusters" });
    await box.fill("ments-a");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=ments-a/);
    const pods = page.getByTestId("search-pods");
    await pods.locator('tr[data-row="west/default/payments-api"]').waitFor();
    // The match is marked in the name.
    assert.equal(await pods.locator("mark").first().textContent(), "ments-a");
    assert.equal(await pods.locator("tbody tr[data-row]").count(), 1, "east's payments-db does not contain ments-a");
    await checkAxe(admin, "search groups");

    // Every kind matching, grouped (the screenshot of docs/images/console-search.png).
    await box.fill("payments");
    await box.press("Enter");
    for (const kind of ["pods", "deployments", "services", "configmaps"]) await page.getByTestId(`search-${kind}`).waitFor();
    await page.getByTestId("search-pods").locator("tbody tr[data-row]").nth(3).waitFor();
    // Tall enough for every group: the console scrolls inside its main area, which a full-page screenshot does not unroll.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await admin.screenshot("search");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/search?q=ments-a");
    await pods.locator('tr[data-row="west/default/payments-api"]').waitFor();

    await pods.getByRole("link", { name: "payments-api" }).click();
    await page.waitForURL(/\/clusters\/west\/yaml\?path=/);
    await page.getByRole("heading", { level: 1, name: "payments-api" }).waitFor();
    await page.getByText("image: nginx").waitFor();
    admin.assertClean("search groups");
  });

  test("one kind's results sort by a column and filter by cluster on the server, and the address keeps them", async () => {
    const { page } = admin;
    await page.goto("/search?q=payments");
    await page.getByRole("combobox", { name: "Kind" }).selectOption("pods");
    await page.waitForURL(/kind=pods/);
    await rows(admin).nth(3).waitFor();
    assert.equal(await page.getByTestId("search-total").textContent(), "Pods: 4 found");
    const table = page.getByTestId("search-results");
    await table.getByRole("button", { name: "Cluster" }).click();
    await until("east first", async () => (await rows(admin).first().getAttribute("data-row")) === "east/default/payments-db");
    await table.getByRole("button", { name: "Cluster" }).click();
    await until("west first", async () => (await rows(admin).first().getAttribute("data-row"))?.startsWith("west/"));
    assert.equal(await rows(admin).last().getAttribute("data-row"), "east/default/payments-db");
    assert.match(page.url(), /sortBy=cluster&sortDir=desc/);
    await admin.screenshot("search-pods");
    await checkAxe(admin, "search table");

    await page.getByRole("button", { name: "Clusters: All clusters" }).click();
    await page.getByRole("checkbox", { name: "east" }).click();
    await page.keyboard.press("Escape");
    await until("east only", async () => (await rows(admin).count()) === 1 && (await rows(admin).first().getAttribute("data-row")) === "east/default/payments-db");
    assert.match(page.url(), /cluster=east/);
    // Back to the same search, from the address alone.
    await page.reload();
    await rows(admin).first().waitFor();
    assert.equal(await rows(admin).count(), 1);
    admin.assertClean("search table");
  });

  test("a new pod and a new ConfigMap appear in open lists without a reload, through the lists' event streams", async () => {
    const { page } = admin;
    for (const [kind, create, name] of [
      ["pods", ["run", "live-pod", "--image=nginx"], "live-pod"],
      ["configmaps", ["create", "configmap", "live-config", "--from-literal=a=b"], "live-config"],
    ] as const) {
      await page.goto(`/search?kind=${kind}&cluster=west&q=live-`);
      const results = page.getByTestId("search-results");
      await page.locator('[data-testid="search-results"][data-live="watch"]').waitFor();
      await until(`the ${kind} list's event stream open`, () => streams.find((s) => s.url.includes(`/asl/${kind}?`) && s.url.includes("cluster=west")));
      const stream = streams.findLast((s) => s.url.includes(`/asl/${kind}?`))!;
      assert.match(stream.type, /^text\/event-stream/, "the list is followed through server-sent events");
      assert.match(stream.url, /revision=\d+/);
      const before = Number(await results.getAttribute("data-events"));
      const started = Date.now();
      await kubectl("west", [...create]);
      // Within a few seconds, far sooner than the 15 s freshness re-read (the only timer a watched list has).
      await results.locator(`tr[data-row="west/default/${name}"]`).waitFor({ timeout: 10_000 });
      const seconds = (Date.now() - started) / 1000;
      assert.ok(Number(await results.getAttribute("data-events")) > before, "an event of the stream brought the change");
      assert.equal(await results.getAttribute("data-live"), "watch");
      process.stderr.write(`${kind}: shown ${seconds.toFixed(1)} s after kubectl created it\n`);
    }
    admin.assertClean("live lists");
  });

  test("the node and namespace tables sort and filter on the server", async () => {
    const { page } = admin;
    const asked: string[] = [];
    const record = (r: { url(): string }) => void asked.push(decodeURIComponent(r.url()));
    page.on("request", record);
    try {
      await page.goto("/clusters/east/nodes");
      const nodes = page.getByTestId("list-Node");
      await nodes.locator('tbody tr[data-row="node-0"]').waitFor();
      // Sorted by name ascending at first; a click on the header asks the server for descending.
      await nodes.getByRole("button", { name: "Name", exact: true }).click();
      await until("node-1 first", async () => (await nodes.locator("tbody tr[data-row]").first().getAttribute("data-row")) === "node-1");
      assert.ok(asked.some((u) => /\/clusters\/east\/nodes\?.*sortBy=name&sortDir=desc/.test(u)), "the sort is the server's");
      await page.getByRole("combobox", { name: "Status" }).selectOption("False");
      await nodes.getByText("No results found").waitFor();
      assert.ok(asked.some((u) => /\/clusters\/east\/nodes\?ready=False/.test(u)), "the filter is the server's");

      await page.goto("/clusters/east/namespaces");
      const ns = page.getByTestId("list-Namespace");
      await ns.locator('tbody tr[data-row="default"]').waitFor();
      await ns.getByRole("button", { name: "Name", exact: true }).click();
      await until("kube-system first", async () => (await ns.locator("tbody tr[data-row]").first().getAttribute("data-row")) === "kube-system");
      await page.getByRole("combobox", { name: "Status" }).selectOption("Terminating");
      await ns.getByText("No results found").waitFor();
      assert.ok(asked.some((u) => /\/clusters\/east\/namespaces\?status=Terminating&.*sortBy=name&sortDir=desc/.test(u)));
      admin.assertClean("node and namespace tables");
    } finally {
      page.off("request", record);
    }
  });

  test("a cluster made unreachable is named stale above the search results, and the banner goes when it is back", async () => {
    const { page } = admin;
    await page.goto("/search?kind=pods&q=payments");
    await rows(admin).nth(3).waitFor();
    await sim.cluster("east").faults.unreachable();
    try {
      const banner = page.getByTestId("stale-banner");
      await banner.locator('[data-cluster="east"]').waitFor({ timeout: 45_000 });
      assert.match((await banner.textContent()) ?? "", /east: last updated/);
      // Its rows are marked too.
      await rows(admin).filter({ has: page.locator('a[href="/clusters/east"]') }).getByTestId("stale-marker").waitFor();
      await admin.screenshot("search-stale");
      admin.assertClean("stale cluster");
    } finally {
      await sim.cluster("east").faults.reachable();
    }
    await page.getByTestId("stale-banner").waitFor({ state: "detached", timeout: 90_000 });
    admin.assertClean("cluster back");
  });
});
