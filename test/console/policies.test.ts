// The policy pages in a real browser (Debian's chromium through
// playwright-core) against a real platform with two simulated members: a
// ResourceQuota cluster policy created through the form in DryRun mode, its
// dry-run report read (the namespace whose pods already exceed the new hard
// limit, found by a search), enforced, its compliance reaching Applied for
// the fleet and per cluster, then edited through the same form; a
// namespace's tabs: the quota the policy made (marked as kept by it, with
// its usage bar), a NetworkPolicy built through the form and described in
// words, then deleted, a LimitRange's effective defaults (created and edited
// as YAML), and the namespace's Pod Security levels set and removed; and
// what each role is offered. Screenshots go to test-artifacts/console/ (the
// README's come from there).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { ensureConsoleBuilt } from "../../web/build.ts";
import { startWithMembers, until, type WithMembers } from "../platform/members.ts";
import { checkAxe, chromiumMissing, launchBrowser, logIn, openPage, setEditor as setText, type WatchedPage } from "./browser.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console policy tests skipped: ${skip} ***\n\n`);

describe("policy pages in a browser", { skip, timeout: 900_000 }, () => {
  let t: WithMembers;
  let browser: Browser;
  let admin: WatchedPage;

  before(async () => {
    await ensureConsoleBuilt({ quiet: true });
    t = await startWithMembers({ clusters: 2, nodes: 1 });
    await t.direct("sim-1", ["create", "namespace", "shop"]);
    for (const p of ["web-1", "web-2"]) await t.direct("sim-1", ["run", p, "-n", "shop", "--image=nginx", "--labels=app=web"]);
    const token = await t.adminToken();
    await until("the shop pods in the cache", async () => (await t.call("GET", "/clusters/sim-1/namespaces/shop/pods", undefined, token)).body?.pagination?.total === 2, 60_000);
    browser = await launchBrowser();
    admin = await openPage(browser, t.platform.url);
    await logIn(admin, "admin", t.adminPassword);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const setEditor = (name: string, text: string) => setText(admin, text, name);

  /** A signed-in page of `user` (made with its roles). */
  async function signIn(user: string, roles: Parameters<WithMembers["addUser"]>[1]): Promise<WatchedPage> {
    await t.addUser(user, roles);
    const p = await openPage(browser, t.platform.url);
    await logIn(p, user, `${user}-password-1`);
    return p;
  }

  test("a quota policy is created through the form, its dry run names the namespace over the limit, and enforced it reaches Applied", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Policies" }).click();
    await page.waitForURL(/\/policies$/);
    await page.getByTestId("list-ClusterPolicy").waitFor();
    await page.getByRole("button", { name: "Create policy" }).click();
    await page.waitForURL(/\/policies\/create$/);
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("shop-pods");
    assert.equal(await page.locator("#policy-kind").inputValue(), "ResourceQuota");
    // The exclusions start as the server's defaults (policies/types.ts DEFAULT_EXCLUDE).
    assert.equal(await page.locator("#policy-exclude").inputValue(), "kube-system, kube-public, kube-node-lease, kpanda-system");
    await setEditor("ResourceQuota spec (YAML)", 'hard:\n  pods: "1"\n');
    await page.getByRole("checkbox", { name: "sim-1" }).check();
    await page.getByRole("checkbox", { name: "sim-2" }).check();
    assert.ok(await page.getByRole("radio", { name: "Dry run" }).isChecked(), "a new policy starts in DryRun");
    await checkAxe(admin, "policy form");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/policies\/shop-pods$/);

    // The dry run: shop already runs 2 pods, over the new hard limit of 1 (the
    // quota's pod evaluator counts pods not yet Succeeded or Failed).
    const report = page.getByTestId("dryrun-report");
    const row = report.locator('tr[data-row="sim-1/shop/kpanda-policy-shop-pods"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /pods: 2 in use exceeds the hard limit 1 by 1/);
    await page.getByRole("textbox", { name: "Search names, namespaces and reasons" }).fill("shop");
    await until("the search applied", async () => (await report.getAttribute("data-loading")) === "false" && (await report.locator("tbody tr[data-row]").count()) === 1);
    assert.equal(await report.locator('tr[data-row="sim-1/shop/kpanda-policy-shop-pods"]').count(), 1);
    await checkAxe(admin, "dry-run report");
    await admin.screenshot("policies-dryrun");
    // Nothing is applied in DryRun mode.
    assert.equal((await t.direct("sim-1", ["get", "resourcequota", "-n", "shop", "-o", "name"])).stdout.trim(), "");

    await page.getByRole("button", { name: "Enforce" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Enforce" }).click();
    await page.waitForURL(/\/policies\/shop-pods\/compliance$/);
    await page.getByTestId("list-Compliance").locator('tr[data-row="sim-1/shop"] [data-state="Applied"]').waitFor();
    // default and shop on sim-1, default on sim-2; the system namespaces are excluded on both.
    await page.getByTestId("totals-fleet").locator('[data-state="Applied"][data-count="3"]').waitFor();
    await page.getByTestId("totals-sim-1").locator('[data-state="Applied"][data-count="2"]').waitFor();
    await page.getByTestId("totals-sim-2").locator('[data-state="Applied"][data-count="1"]').waitFor();
    assert.equal(await page.getByTestId("list-Compliance").locator('tr[data-row="sim-2/kube-system"] [data-state="Excluded"]').count(), 1);
    const quota = JSON.parse((await t.direct("sim-1", ["get", "resourcequota", "kpanda-policy-shop-pods", "-n", "shop", "-o", "json"])).stdout);
    assert.deepEqual(quota.spec.hard, { pods: "1" });
    await checkAxe(admin, "compliance");
    await page.setViewportSize({ width: 1440, height: 1300 });
    await admin.screenshot("policies-compliance");
    await page.setViewportSize({ width: 1440, height: 900 });

    // Edited through the same form: the member's quota follows the new spec.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.waitForURL(/\/policies\/shop-pods\/edit$/);
    assert.equal(await page.locator("#policy-name").isDisabled(), true, "the name cannot change");
    await setEditor("ResourceQuota spec (YAML)", 'hard:\n  pods: "5"\n');
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/policies\/shop-pods$/);
    await until("the quota replaced in sim-1/shop", async () => {
      const q = JSON.parse((await t.direct("sim-1", ["get", "resourcequota", "kpanda-policy-shop-pods", "-n", "shop", "-o", "json"])).stdout);
      return q.spec.hard.pods === "5";
    });

    await page.getByRole("link", { name: "Policies" }).first().click();
    const listed = page.getByTestId("list-ClusterPolicy").locator('tr[data-row="shop-pods"]');
    await listed.locator('[data-mode="Enforce"]').waitFor();
    await listed.locator('[data-state="Applied"][data-count="3"]').waitFor();

    // In Chinese: the section, its columns and the compliance states.
    await page.evaluate(() => (globalThis as any).localStorage.setItem("kpanda.lang", "zh"));
    try {
      await page.goto("/policies/shop-pods/compliance");
      await page.getByRole("tab", { name: "合规" }).waitFor();
      await page.getByTestId("totals-fleet").locator('[data-state="Applied"]', { hasText: "已应用" }).waitFor();
      await page.getByRole("link", { name: "策略" }).first().waitFor();
      await admin.screenshot("policies-compliance-zh");
    } finally {
      await page.evaluate(() => (globalThis as any).localStorage.setItem("kpanda.lang", "en"));
    }
    admin.assertClean("cluster policy");
  });

  test("a namespace's tabs show the policy's quota and its usage, a network policy in words, limit range defaults and pod security levels", async () => {
    const { page } = admin;
    await page.goto("/clusters/sim-1/namespaces");
    await page.getByTestId("list-Namespace").getByRole("link", { name: "shop", exact: true }).click();
    await page.waitForURL(/\/clusters\/sim-1\/namespaces\/shop$/);

    await page.getByRole("tab", { name: "Quotas" }).click();
    const quotas = page.getByTestId("list-ResourceQuota");
    await quotas.locator('tr[data-row="kpanda-policy-shop-pods"] [data-policy="shop-pods"]').waitFor();
    await page.getByTestId("quota-usage").locator('[data-resource="pods"]').waitFor();
    await checkAxe(admin, "quotas tab");

    await page.getByRole("tab", { name: "Network policies" }).click();
    await page.getByTestId("list-NetworkPolicy").waitFor();
    // Built through the form, its words shown while it is built.
    await page.getByRole("button", { name: "Create with form" }).click();
    const form = page.getByRole("dialog");
    await form.locator("#np-name").fill("web-from-frontend");
    await form.locator("#np-pods").fill("app=web");
    await form.getByRole("textbox", { name: "Pod selector", exact: true }).fill("role=frontend");
    await form.getByRole("button", { name: "Add port" }).click();
    await form.getByRole("textbox", { name: "Port", exact: true }).fill("80");
    const words = "Selects pods with app=web in namespace shop.Allows ingress from pods with role=frontend in namespace shop on TCP 80.";
    await until("the words of the form", async () => (await form.getByTestId("netpol-words").locator("li").allTextContents()).join("") === words);
    // The graph's accessible name is the same words.
    assert.equal(await form.getByTestId("netpol-graph").getAttribute("aria-label"), words.replace(".A", ". A"));
    await checkAxe(admin, "network policy form");
    await form.getByTestId("netpol-graph").scrollIntoViewIfNeeded();
    await admin.screenshot("policies-netpol-form");
    await form.getByRole("button", { name: "Create", exact: true }).click();
    const np = page.getByTestId("list-NetworkPolicy").locator('tr[data-row="web-from-frontend"]');
    await np.waitFor();
    // NetworkPolicySpec: policyTypes defaults to Ingress; a port's protocol defaults to TCP.
    assert.match(
      (await np.textContent()) ?? "",
      /Selects pods with app=web in namespace shop\. Allows ingress from pods with role=frontend in namespace shop on TCP 80\./,
    );
    assert.equal((await t.direct("sim-1", ["get", "networkpolicy", "web-from-frontend", "-n", "shop", "-o", "name"])).stdout.trim(), "networkpolicy.networking.k8s.io/web-from-frontend");
    await np.getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await until("the network policy gone from the list", async () => (await np.count()) === 0, 30_000);

    await page.getByRole("tab", { name: "Limit ranges" }).click();
    await page.getByTestId("list-LimitRange").waitFor();
    await page.getByRole("button", { name: "Create from YAML" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    const defaults = page.getByTestId("limit-defaults").locator('tr[data-row="Container"]');
    await defaults.waitFor();
    assert.match((await defaults.textContent()) ?? "", /cpu: 100m, memory: 128Mi.*cpu: 500m, memory: 512Mi/);
    // Edited as YAML: the effective default limit follows.
    await page.getByTestId("list-LimitRange").locator('tr[data-row="my-limitrange"]').getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Edit YAML" }).click();
    await page.getByRole("dialog").getByRole("textbox", { name: "YAML" }).waitFor();
    await until("the object read into the editor", async () => ((await page.getByRole("dialog").getByRole("textbox", { name: "YAML" }).textContent()) ?? "").includes("resourceVersion"));
    await setEditor("YAML", ["apiVersion: v1", "kind: LimitRange", "metadata:", "  name: my-limitrange", "spec:", "  limits:", "    - type: Container", "      default:", "        cpu: 400m", ""].join("\n"));
    await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await until("the new default shown", async () => /cpu: 400m/.test((await defaults.textContent()) ?? ""), 30_000);

    await page.getByRole("tab", { name: "Pod security" }).click();
    const psa = page.getByTestId("pod-security");
    await psa.locator('tr[data-row="enforce"] [data-level=""]').waitFor();
    await page.locator("#psa-level").selectOption("restricted");
    await page.getByRole("button", { name: "Apply" }).click();
    // The member warns of the running pods that the restricted level would refuse (pod-security-admission).
    await psa.getByText(/warnings? about existing pods/).waitFor();
    await psa.locator('tr[data-row="enforce"] [data-level="restricted"]').waitFor();
    await psa.locator('tr[data-row="warn"] [data-level="restricted"]').waitFor();
    await checkAxe(admin, "pod security tab");
    await admin.screenshot("policies-namespace-psa");
    const labels = JSON.parse((await t.direct("sim-1", ["get", "namespace", "shop", "-o", "json"])).stdout).metadata.labels;
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "latest");
    await page.getByRole("button", { name: "Remove labels" }).click();
    await psa.locator('tr[data-row="enforce"] [data-level=""]').waitFor();
    admin.assertClean("namespace tabs");
  });

  test("actions are offered only where GET /me allows: an NS viewer only reads, an NS editor writes network policies but not quotas or pod security, a cluster admin manages only its clusters' policies", async () => {
    const viewer = await signIn("viewer", [{ role: "NSViewer", cluster: "sim-1", namespace: "shop" }]);
    const editor = await signIn("editor", [{ role: "NSEditor", cluster: "sim-1", namespace: "shop" }]);
    const admin2 = await signIn("admin2", [{ role: "ClusterAdmin", cluster: "sim-2" }]);
    try {
      const tab = (p: WatchedPage, name: string) => p.page.getByRole("tab", { name }).click();
      for (const p of [viewer, editor]) {
        await p.page.goto("/clusters/sim-1/namespaces/shop");
        await p.page.getByTestId("list-NetworkPolicy").waitFor();
        // Policies are managed by an Owner, or a ClusterAdmin of the clusters they name.
        assert.equal(await p.page.getByRole("link", { name: "Policies" }).count(), 0);
      }
      // NetworkPolicies: kube's edit role writes them (kpanda's NSEditor); view only reads.
      assert.equal(await viewer.page.getByRole("button", { name: "Create from YAML" }).count(), 0);
      await editor.page.getByRole("button", { name: "Create from YAML" }).waitFor();
      await editor.page.getByRole("button", { name: "Create with form" }).waitFor();
      // ResourceQuotas: kube's admin and edit roles only read them; kpanda gives writes to ClusterAdmins.
      await tab(editor, "Quotas");
      await editor.page.getByTestId("list-ResourceQuota").locator('tr[data-row="kpanda-policy-shop-pods"]').waitFor();
      assert.equal(await editor.page.getByRole("button", { name: "Create from YAML" }).count(), 0);
      assert.equal(await editor.page.getByTestId("list-ResourceQuota").getByRole("button", { name: "Kebab toggle" }).count(), 0);
      // Pod Security labels need a ClusterAdmin (roles.ts namespace.podSecurity).
      await tab(viewer, "Pod security");
      await viewer.page.getByTestId("pod-security").locator('tr[data-row="enforce"]').waitFor();
      assert.equal(await viewer.page.getByRole("button", { name: "Apply" }).count(), 0);
      await checkAxe(viewer, "pod security, read only");

      await admin2.page.getByRole("link", { name: "Policies" }).click();
      await admin2.page.getByTestId("list-ClusterPolicy").locator(".pf-v6-c-empty-state").waitFor();
      assert.equal(await admin2.page.getByTestId("list-ClusterPolicy").locator('tr[data-row="shop-pods"]').count(), 0, "shop-pods names sim-1 too");
      for (const p of [viewer, editor, admin2]) p.assertClean("permissions");
    } finally {
      for (const p of [viewer, editor, admin2]) await p.close();
    }
  });
});
