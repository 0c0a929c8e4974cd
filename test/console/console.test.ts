// The console in a real browser (Debian's chromium through playwright-core)
// against a real platform with simulated member clusters: login, the
// overview, a cluster's page, nodes (cordon, drain), namespaces, access,
// audit, Chinese, and what a namespace viewer sees. Each main page is
// screenshot into test-artifacts/console/ and checked with axe-core.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { ensureConsoleBuilt } from "../../web/build.ts";
import { startTestPlatform, type TestPlatform } from "../platform/fixture.ts";
import { addUser, integrate, until } from "../platform/members.ts";
import { runKubectl } from "../harness.ts";
import { chromiumMissing, launchBrowser, openPage, type WatchedPage } from "./browser.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console browser tests skipped: ${skip} ***\n\n`);

describe("console in a browser", { skip, timeout: 900_000 }, () => {
  let t: TestPlatform;
  let sim: Simulator;
  let extra: Simulator;
  let dir: string;
  let browser: Browser;
  let admin: WatchedPage;

  before(async () => {
    await ensureConsoleBuilt({ quiet: true });
    dir = await mkdtemp(join(tmpdir(), "kpanda-console-"));
    t = await startTestPlatform({ health: { intervalMs: 500, timeoutMs: 1500, summaryIntervalMs: 1000, lastSeenWriteMs: 2000, failureThreshold: 2, unknownAfterMs: 3000 } });
    sim = await startSimulator({ names: ["dev", "prod"], nodes: 3, dataDir: dir });
    for (const c of sim.clusters) await integrate(t, c);
    // A cluster the wizard integrates.
    extra = await startSimulator({ names: ["staging"], nodes: 2, dataDir: join(dir, "extra") });
    // Pods for a drain to evict.
    await kubectl("dev", ["create", "deployment", "web", "--image=nginx", "--replicas=4"]);
    await until("clusters Running with summaries", async () => {
      const r = await t.call("GET", "/clustersummary", undefined, await t.adminToken());
      return r.body.items.length === 2 && r.body.items.every((s: any) => s.phase === "Running" && s.nodes?.total === 3);
    }, 180_000);
    browser = await launchBrowser();
    admin = await openPage(browser, t.platform.url);
  });

  after(async () => {
    await browser?.close();
    await sim?.stop();
    await extra?.stop();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function kubectl(cluster: string, args: string[]) {
    return runKubectl(["--kubeconfig", sim.cluster(cluster).kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args]);
  }

  async function login(p: WatchedPage, user: string, password: string, opts: { keyboard?: boolean } = {}) {
    const { page } = p;
    await page.goto("/");
    await page.waitForURL(/\/login/);
    if (opts.keyboard) {
      // From the keyboard alone: the username field has focus, Tab moves on, Enter submits.
      await page.getByLabel(/^Username/).focus();
      await page.keyboard.type(user);
      await page.keyboard.press("Tab");
      await page.keyboard.type(password);
      await page.keyboard.press("Enter");
    } else {
      await page.getByLabel(/^Username/).fill(user);
      await page.getByLabel(/^Password/).fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
    }
    await page.waitForURL(/\/clusters$/);
  }

  async function checkAxe(p: WatchedPage, where: string) {
    const v = await p.axe();
    assert.deepEqual(v, [], `${where}: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
  }

  test("a bad password is refused with a clear message, then the admin logs in and sees every cluster", async () => {
    const { page } = admin;
    await page.goto("/");
    await page.waitForURL(/\/login\?next=/);
    await admin.screenshot("login");
    await checkAxe(admin, "login");
    admin.allow(/401 POST .*\/login/);
    admin.allow(/status of 401/);
    await page.getByLabel(/^Username/).fill("admin");
    await page.getByLabel(/^Password/).fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Invalid username or password.").waitFor();
    admin.assertClean("bad login");

    await login(admin, "admin", t.adminPassword);
    const list = page.getByTestId("list-Cluster");
    for (const name of ["dev", "prod"]) await list.locator(`tr[data-row="${name}"]`).getByText("Running").waitFor();
    await page.getByTestId("cluster-totals").getByText("6 / 6").waitFor();
    await admin.screenshot("overview");
    await checkAxe(admin, "overview");
    admin.assertClean("overview");
  });

  test("the overview filters and sorts on the server", async () => {
    const { page } = admin;
    const list = page.getByTestId("list-Cluster");
    await page.getByRole("textbox", { name: "Search by name" }).fill("pro");
    await list.locator('tr[data-row="dev"]').waitFor({ state: "detached" });
    assert.equal(await list.locator("tbody tr[data-row]").count(), 1);
    await page.getByRole("textbox", { name: "Search by name" }).fill("");
    await list.locator('tr[data-row="dev"]').waitFor();
    // Sorted by name ascending at first; a click on the header turns it descending.
    await list.getByRole("button", { name: "Name" }).click();
    await until("prod first", async () => (await list.locator("tbody tr[data-row]").first().getAttribute("data-row")) === "prod");
    admin.assertClean("overview sort");
  });

  test("a cluster's page shows its summary with charts, and its nodes can be cordoned and drained", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev");
    await page.getByTestId("chart-cpu-requested").locator("svg").first().waitFor();
    await page.getByText("Recent warning events").waitFor();
    await admin.screenshot("cluster-detail");
    await checkAxe(admin, "cluster overview");

    await page.getByRole("link", { name: "Nodes" }).first().click();
    await page.waitForURL(/\/clusters\/dev\/nodes$/);
    const nodes = page.getByTestId("list-Node");
    const first = nodes.locator("tbody tr[data-row]").first();
    await first.waitFor();
    const node = (await first.getAttribute("data-row"))!;
    await admin.screenshot("nodes");
    await checkAxe(admin, "nodes");

    await first.getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Cordon" }).click();
    await nodes.locator(`tr[data-row="${node}"]`).getByText("Scheduling disabled").waitFor();

    await nodes.locator(`tr[data-row="${node}"]`).getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Drain" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Drain" }).click();
    await dialog.getByTestId("drain-report").waitFor({ timeout: 60_000 });
    await admin.screenshot("drain-report");
    await dialog.locator("footer").getByRole("button", { name: "Close" }).click();
    admin.assertClean("nodes");
  });

  test("a node's page shows its conditions, pods and events", async () => {
    const { page } = admin;
    await page.getByTestId("list-Node").locator("tbody tr[data-row] a").first().click();
    await page.getByRole("heading", { name: "Conditions" }).waitFor();
    await page.getByRole("grid", { name: "Conditions" }).getByText("Ready").first().waitFor();
    await admin.screenshot("node-detail");
    await checkAxe(admin, "node");

    await page.getByRole("button", { name: "Edit taints" }).click();
    let dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add taint" }).click();
    await dialog.getByLabel("Key 1").fill("dedicated");
    await dialog.getByLabel("Value 1").fill("gpu");
    await dialog.getByRole("combobox", { name: "Effect 1" }).selectOption("PreferNoSchedule");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText("dedicated=gpu:PreferNoSchedule").waitFor();

    await page.getByRole("button", { name: "Edit labels" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add label" }).click();
    const n = await dialog.getByRole("textbox", { name: /^Key \d+/ }).count();
    await dialog.getByLabel(`Key ${n}`).fill("tier");
    await dialog.getByLabel(`Value ${n}`).fill("gold");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("button", { name: /more/ }).first().click().catch(() => {});
    await page.getByText("tier=gold").waitFor();
    admin.assertClean("node");
  });

  test("a namespace is created with labels and listed", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces");
    await page.getByRole("button", { name: "Create namespace" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Name/ }).fill("team-a");
    await dialog.getByRole("button", { name: "Add label" }).click();
    await dialog.getByLabel("Key 1").fill("team");
    await dialog.getByLabel("Value 1").fill("a");
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("list-Namespace").locator('tr[data-row="team-a"]');
    await row.getByText("team=a").waitFor();
    await admin.screenshot("namespaces");
    await checkAxe(admin, "namespaces");

    // Deleting asks for the name first.
    await page.getByRole("button", { name: "Create namespace" }).click();
    await dialog.getByRole("textbox", { name: /^Name/ }).fill("scratch");
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog.waitFor({ state: "detached" });
    const scratch = page.getByTestId("list-Namespace").locator('tr[data-row="scratch"]');
    await scratch.getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog");
    assert.equal(await confirm.getByRole("button", { name: "Delete" }).isDisabled(), true);
    await confirm.getByRole("textbox").fill("scratch");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await confirm.waitFor({ state: "detached" });
    await until("scratch Terminating or gone", async () => (await scratch.count()) === 0 || (await scratch.getByText("Terminating").count()) > 0);
    admin.assertClean("namespaces");
  });

  test("access lists users and bindings, and the audit log shows the admin's actions", async () => {
    const { page } = admin;
    await page.goto("/access/users");
    await page.getByTestId("list-User").locator('tr[data-row="admin"]').waitFor();
    await admin.screenshot("access-users");
    await checkAxe(admin, "users");
    await page.goto("/audit");
    const audit = page.getByTestId("list-AuditEntry");
    await audit.getByRole("row").filter({ hasText: "namespaces" }).filter({ hasText: "create" }).first().waitFor();
    await audit.getByRole("row").filter({ hasText: "cordon" }).first().waitFor();
    await admin.screenshot("audit");
    await checkAxe(admin, "audit");
    admin.assertClean("audit");
  });

  test("an API token is shown once at creation, and a kubeconfig downloads from the user menu", async () => {
    const { page } = admin;
    await page.goto("/access/tokens");
    await page.getByRole("button", { name: "Create API token" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Name/ }).fill("ci");
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog.getByText("Copy the token now: it is shown only once.").waitFor();
    const token = await dialog.getByRole("textbox", { name: "API token" }).inputValue();
    assert.match(token, /^kpt_/);
    await admin.screenshot("token-created");
    await dialog.locator("footer").getByRole("button", { name: "Close" }).click();
    const row = page.getByTestId("list-APIToken").locator('tr[data-row="ci"]');
    await row.getByText("Active").waitFor();
    assert.equal(await page.getByText(token).count(), 0, "the token is not shown again");
    // The token works: the API answers it.
    const me = await t.call("GET", "/me", undefined, token);
    assert.equal(me.body.name, "admin");

    await page.getByRole("button", { name: /User menu/ }).click();
    await page.getByRole("menuitem", { name: "Download kubeconfig" }).click();
    const kc = page.getByRole("dialog");
    await kc.getByRole("combobox", { name: /^Cluster/ }).selectOption("prod");
    const [download] = await Promise.all([page.waitForEvent("download"), kc.getByRole("button", { name: "Download" }).click()]);
    assert.equal(download.suggestedFilename(), "prod.kubeconfig");
    const text = await readFile((await download.path())!, "utf8");
    assert.match(text, /server: https:\/\/127\.0\.0\.1:\d+\/k8s\/clusters\/prod/);
    admin.assertClean("tokens and kubeconfig");
  });

  test("switching to Chinese translates the page, and the choice is remembered", async () => {
    const { page } = admin;
    await page.goto("/clusters");
    await page.getByRole("button", { name: /User menu/ }).click();
    await page.getByRole("menuitem", { name: "简体中文" }).click();
    try {
      await page.getByRole("heading", { level: 1, name: "集群" }).waitFor();
      await page.getByRole("button", { name: "接入集群" }).waitFor();
      assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
      await page.getByTestId("list-Cluster").locator('[data-status="Running"]', { hasText: "运行中" }).first().waitFor();
      await admin.screenshot("overview-zh");
      await page.reload();
      await page.getByRole("heading", { level: 1, name: "集群" }).waitFor();
    } finally {
      await page.evaluate(() => (globalThis as any).localStorage.setItem("kpanda.lang", "en"));
    }
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Clusters" }).waitFor();
    admin.assertClean("language");
  });

  test("a namespace viewer sees only its namespace and no admin action", async () => {
    await addUser(t, "vera", [{ role: "NSViewer", cluster: "dev", namespace: "team-a" }]);
    const vera = await openPage(browser, t.platform.url);
    try {
      await login(vera, "vera", "vera-password-1", { keyboard: true });
      const { page } = vera;
      const list = page.getByTestId("list-Cluster");
      // The row's menu shows once GET /me has answered; what is not allowed is absent by then.
      await list.locator('tr[data-row="dev"]').getByRole("button", { name: "Kebab toggle" }).waitFor();
      assert.equal(await list.locator("tbody tr[data-row]").count(), 1);
      assert.equal(await page.getByRole("button", { name: "Integrate cluster" }).count(), 0);
      await list.getByRole("button", { name: "Kebab toggle" }).click();
      assert.deepEqual(await page.getByRole("menuitem").allTextContents(), ["Download kubeconfig"]);
      await page.keyboard.press("Escape");
      assert.equal(await page.getByRole("link", { name: "Users" }).count(), 0);
      assert.equal(await page.getByRole("link", { name: "Audit log" }).count(), 0);

      await page.goto("/clusters/dev");
      await page.getByRole("button", { name: "Actions" }).click();
      assert.deepEqual(await page.getByRole("menuitem").allTextContents(), ["Download kubeconfig"]);
      await page.keyboard.press("Escape");
      assert.equal(await page.getByRole("tab", { name: "Nodes" }).count(), 0);
      assert.equal(await page.getByRole("tab", { name: "Namespaces" }).count(), 1);
      await page.goto("/clusters/dev/namespaces");
      const ns = page.getByTestId("list-Namespace");
      await ns.locator('tr[data-row="team-a"]').waitFor();
      assert.equal(await ns.locator("tbody tr[data-row]").count(), 1);
      assert.equal(await page.getByRole("button", { name: "Create namespace" }).count(), 0);
      assert.equal(await ns.getByRole("button", { name: "Kebab toggle" }).count(), 0);
      await vera.screenshot("viewer-namespaces");
      await checkAxe(vera, "viewer namespaces");
      vera.assertClean("viewer");
    } finally {
      await vera.close();
    }
  });

  test("the wizard integrates a cluster from a pasted kubeconfig, and it turns Running", async () => {
    const { page } = admin;
    await page.goto("/clusters");
    await page.getByRole("button", { name: "Integrate cluster" }).click();
    await page.waitForURL(/\/clusters\/integrate$/);
    await checkAxe(admin, "wizard");
    await page.getByRole("textbox", { name: "Kubeconfig", exact: true }).fill(await readFile(extra.cluster("staging").kubeconfigPath!, "utf8"));
    await page.getByRole("button", { name: "Next" }).click();
    const report = page.getByTestId("validation-report");
    await report.getByText("The cluster can be integrated").waitFor();
    await admin.screenshot("integrate-verify");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("textbox", { name: /^Name/ }).fill("staging");
    await page.getByRole("textbox", { name: /^Alias/ }).fill("Staging");
    await page.getByRole("button", { name: "Add label" }).click();
    await page.getByLabel("Key 1").fill("env");
    await page.getByLabel("Value 1").fill("staging");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("env=staging").waitFor();
    await page.getByRole("button", { name: "Integrate" }).click();
    await page.waitForURL(/\/clusters\/staging$/, { timeout: 120_000 });
    await page.getByRole("heading", { name: /staging/ }).getByText("(Staging)").waitFor();
    await page.locator('[data-status="Running"]').first().waitFor({ timeout: 120_000 });
    admin.assertClean("wizard");
  });

  test("a cluster's alias and labels are edited, deletion protection blocks removal, and it is removed by typing its name", async () => {
    const { page } = admin;
    await page.goto("/clusters/staging");
    const actions = page.getByRole("button", { name: "Actions" });
    await actions.click();
    await page.getByRole("menuitem", { name: "Edit alias" }).click();
    let dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Alias" }).fill("Pre-production");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("heading", { level: 1 }).getByText("(Pre-production)").waitFor();

    await actions.click();
    await page.getByRole("menuitem", { name: "Edit labels" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByLabel("Value 1").fill("preprod");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText("env=preprod").waitFor();

    await actions.click();
    await page.getByRole("menuitem", { name: "Turn deletion protection on" }).click();
    await page.getByText("Deletion protection of staging is on").waitFor();
    await actions.click();
    assert.equal(await page.getByRole("menuitem", { name: "Remove cluster" }).getAttribute("aria-disabled"), "true");
    await page.getByRole("menuitem", { name: "Turn deletion protection off" }).click();
    await page.getByText("Deletion protection of staging is off").waitFor();

    await actions.click();
    await page.getByRole("menuitem", { name: "Remove cluster" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox").fill("stagin");
    assert.equal(await dialog.getByRole("button", { name: "Remove cluster" }).isDisabled(), true);
    await dialog.getByRole("textbox").fill("staging");
    await dialog.getByRole("button", { name: "Remove cluster" }).click();
    await page.waitForURL(/\/clusters$/, { timeout: 120_000 });
    await page.getByTestId("list-Cluster").locator('tr[data-row="prod"]').waitFor();
    await until("staging gone from the overview", async () => (await page.getByTestId("list-Cluster").locator('tr[data-row="staging"]').count()) === 0, 60_000);
    admin.assertClean("cluster edits");
  });

  test("an unreachable cluster is marked Unknown and stale on the overview without a reload", async () => {
    const { page } = admin;
    await page.goto("/clusters");
    const row = page.getByTestId("list-Cluster").locator('tr[data-row="prod"]');
    await row.getByText("Running").waitFor();
    await sim.cluster("prod").faults.unreachable();
    try {
      await row.getByText("Unknown").waitFor({ timeout: 30_000 });
      await row.getByTestId("stale-marker").waitFor();
      await admin.screenshot("overview-unknown");
      admin.assertClean("unknown cluster");
    } finally {
      await sim.cluster("prod").faults.reachable();
    }
    await row.getByText("Running").waitFor({ timeout: 60_000 });
  });
});
