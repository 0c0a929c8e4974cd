// The application pages in a real browser (Debian's chromium through
// playwright-core) against a real platform with a simulated member: a
// Deployment created from YAML (the member's field error shown first, then
// fixed), scaled, its image changed, rolled back to its first revision after
// its diff, restarted, stopped and started; a pod's log followed live, and
// a terminal in its container running `env`. Screenshots go to
// test-artifacts/console/ (the README's come from there).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { addUser, until } from "../platform/members.ts";
import { checkAxe, chromiumMissing, logIn, openPage, setEditor as setYaml, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console application tests skipped: ${skip} ***\n\n`);

/** The Deployment the tests create; `replicas` -1 is what the member refuses (ValidateNonnegativeField of apps validation). */
const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations:
        sim.kpanda.io/log-lines-per-second: "5"
    spec:
      containers:
        - name: main
          image: nginx:1.27
          env:
            - name: GREETING
              valueFrom:
                configMapKeyRef:
                  name: settings
                  key: greeting
`;

describe("application pages in a browser", { skip, timeout: 900_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;

  before(async () => {
    c = await startMemberConsole({ prefix: "apps", nodes: 2 });
    await kubectl(["create", "namespace", "shop"]);
    await kubectl(["create", "configmap", "settings", "-n", "shop", "--from-literal=greeting=hello-from-configmap"]);
    await c.cached("namespace shop in the cache", "/clusters/dev/namespaces?fuzzySearch=shop");
    admin = await c.openConsole();
  });

  after(() => c?.close());

  const kubectl = (args: string[], allowFail = false) => c.kubectl(args, { allowFail });
  const setEditor = (text: string) => setYaml(admin, text);

  async function action(name: string) {
    const { page } = admin;
    await page.getByRole("button", { name: "Actions" }).click();
    await page.getByRole("menuitem", { name, exact: true }).click();
  }

  /** The steps build on each other: after a failure, the rest are skipped rather than timing out one by one. */
  let broken: string | undefined;
  function step(name: string, fn: () => Promise<void>) {
    test(name, async (ctx) => {
      if (broken) return ctx.skip(`"${broken}" failed`);
      try {
        await fn();
      } catch (e) {
        broken = name;
        await admin?.screenshot("apps-failed").catch(() => {});
        throw e;
      }
    });
  }

  const ready = () => admin.page.getByTestId("workload-ready");
  const images = () => admin.page.getByTestId("workload-images");

  step("a Deployment is created from YAML: the member's field error is shown, then fixed, and it runs", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/workloads/deployments?namespace=shop");
    await page.getByTestId("list-Deployment").waitFor();
    await page.getByRole("button", { name: "Create from YAML" }).click();
    await page.waitForURL(/\/workloads\/deployments\/create\?namespace=shop/);
    await page.getByRole("textbox", { name: "YAML" }).waitFor();
    await setEditor(deployment(-1));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    // The member's 422, field by field (kube: "must be greater than or equal to 0").
    const errors = page.getByTestId("field-errors");
    await errors.getByText("spec.replicas").waitFor();
    await errors.getByText(/greater than or equal to 0/).waitFor();
    // Marked on its line in the editor too.
    await page.locator(".cm-lintRange-error").first().waitFor();
    await admin.screenshot("apps-yaml-error");
    await checkAxe(admin, "YAML editor");
    admin.allow(/422 POST .*\/deployments\/json\?dryRun=All/);
    admin.allow(/status of 422/);
    assert.equal((await kubectl(["get", "deployment", "web", "-n", "shop"], true)).code, 1, "the dry run stored nothing");

    await setEditor(deployment(2));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/clusters\/dev\/namespaces\/shop\/deployments\/web$/);
    await page.getByTestId("workload-status").getByText("Running").waitFor({ timeout: 90_000 });
    await until("2/2 ready", async () => (await ready().textContent()) === "2/2", 60_000);
    await page.getByTestId("list-Pod").locator("tbody tr[data-row]").nth(1).waitFor();
    await admin.screenshot("apps-deployment");
    await checkAxe(admin, "workload");
    admin.assertClean("create from YAML");
  });

  step("the workloads list shows the Deployment with its replicas and image", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/workloads/deployments");
    const row = page.getByTestId("list-Deployment").locator('tr[data-row="shop/web"]');
    await row.getByText("Running").waitFor();
    await row.getByText("2/2").waitFor();
    await row.getByText("nginx:1.27").waitFor();
    await admin.screenshot("apps-workloads");
    await checkAxe(admin, "workloads list");
    admin.assertClean("workloads list");
  });

  step("a Deployment is scaled by hand", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/deployments/web");
    await action("Scale");
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("spinbutton", { name: "Replicas" }).fill("3");
    await dialog.getByRole("button", { name: "Scale" }).click();
    await dialog.waitFor({ state: "detached" });
    await until("3/3 ready", async () => (await ready().textContent()) === "3/3", 60_000);
    admin.assertClean("scale");
  });

  step("a Deployment's image is changed, making a second revision", async () => {
    const { page } = admin;
    await action("Change image");
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Image/ }).fill("nginx:1.28");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await until("the new image", async () => (await images().textContent()) === "nginx:1.28");
    await page.getByRole("tab", { name: "Revisions" }).click();
    const revisions = page.getByTestId("revisions");
    await revisions.locator('tr[data-row="2"]').getByText("current").waitFor({ timeout: 60_000 });
    await revisions.locator('tr[data-row="2"]').getByText("nginx:1.28").waitFor();
    admin.assertClean("image");
  });

  step("a Deployment is rolled back to its first revision after seeing the diff", async () => {
    const { page } = admin;
    const revisions = page.getByTestId("revisions");
    await revisions.getByRole("button", { name: "Roll back to 1" }).click();
    const dialog = page.getByRole("dialog");
    const diff = dialog.getByTestId("diff");
    // From the current template (revision 2) to revision 1's: the image goes back.
    await diff.locator('[data-change="removed"]', { hasText: "image: nginx:1.28" }).waitFor();
    await diff.locator('[data-change="added"]', { hasText: "image: nginx:1.27" }).waitFor();
    await admin.screenshot("apps-rollback-diff");
    await checkAxe(admin, "rollback diff");
    await dialog.getByRole("button", { name: "Roll back" }).click();
    await dialog.waitFor({ state: "detached" });
    await until("the first image again", async () => (await images().textContent()) === "nginx:1.27");
    // kubectl rollout undo renumbers the revision it returns to as the newest (3).
    await revisions.locator('tr[data-row="3"]').getByText("current").waitFor({ timeout: 60_000 });
    await revisions.locator('tr[data-row="3"]').getByText("nginx:1.27").waitFor();
    admin.assertClean("rollback");
  });

  step("a Deployment is restarted as kubectl rollout restart does", async () => {
    const { page } = admin;
    await action("Restart");
    await page.getByText("Restarting web").waitFor();
    const annotation = "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}";
    await until("restartedAt set", async () => (await kubectl(["get", "deployment", "web", "-n", "shop", "-o", annotation])).stdout.trim() !== "");
    await page.getByTestId("revisions").locator('tr[data-row="4"]').getByText("current").waitFor({ timeout: 60_000 });
    admin.assertClean("restart");
  });

  step("a Deployment is stopped and started again with its replicas", async () => {
    const { page } = admin;
    await action("Stop");
    await page.getByTestId("workload-status").getByText("Stopped").waitFor({ timeout: 60_000 });
    await until("0/0", async () => (await ready().textContent()) === "0/0", 60_000);
    await action("Start");
    await until("3/3 again", async () => (await ready().textContent()) === "3/3", 90_000);
    await page.getByTestId("workload-status").getByText("Running").waitFor();
    admin.assertClean("stop and start");
  });

  step("the timeline shows each step in order, with who did it", async () => {
    const { page } = admin;
    await page.getByRole("tab", { name: "Timeline" }).click();
    await page.getByTestId("timeline").waitFor();
    // Every entry on one page (it opens on the newest 50).
    await page.locator(".pf-v6-c-pagination__page-menu button").first().click();
    await page.locator('[data-action="per-page-500"]').click();
    const rows = page.getByTestId("timeline").locator('tbody tr[data-source="audit"]');
    await until("the audited steps", async () => (await rows.count()) >= 7, 30_000);
    const reasons: (string | null)[] = [];
    for (let i = 0; i < (await rows.count()); i++) reasons.push(await rows.nth(i).getAttribute("data-reason"));
    // The REST's audited verbs, in the order they were done; the create's dry runs are audited as creates too.
    const steps = reasons.filter((r, i) => r !== reasons[i - 1]);
    assert.deepEqual(steps, ["create", "scale", "patch", "rollback", "restart", "stop", "start"]);
    assert.equal(await rows.filter({ hasText: "admin" }).count(), await rows.count());
    await admin.screenshot("apps-timeline");
    admin.assertClean("timeline");
  });

  step("a pod's log is followed live", async () => {
    const { page } = admin;
    await page.getByRole("tab", { name: "Pods" }).click();
    // A pod of the last start (those the stop ended may still be listed while they terminate).
    await page.getByTestId("list-Pod").locator("tbody tr[data-row]").filter({ hasText: "Running" }).first().locator("a").click();
    await page.waitForURL(/\/namespaces\/shop\/pods\/web-/);
    await page.getByRole("tab", { name: "Logs" }).click();
    await page.getByTestId("log-state").getByText("Following").waitFor();
    const log = page.getByTestId("pod-log");
    const ticks = async () => ((await log.textContent()) ?? "").match(/main: tick \d+/g)?.length ?? 0;
    await until("a first line", async () => (await ticks()) > 0, 30_000);
    const first = await ticks();
    // The simulated container writes 5 lines a second (its annotation): more arrive without a reload.
    await until("more lines", async () => (await ticks()) >= first + 3, 30_000);
    await admin.screenshot("apps-pod-logs");
    await checkAxe(admin, "pod logs");
    admin.assertClean("logs");
  });

  step("a terminal opens in the pod's container and runs env", async () => {
    const { page } = admin;
    await page.getByRole("tab", { name: "Terminal" }).click();
    await page.locator('[data-testid="terminal-state"][data-phase="open"]').waitFor({ timeout: 60_000 });
    await page.getByTestId("terminal").click();
    await page.keyboard.type("env\r");
    // The variable its ConfigMap gave it (the Deployment's env valueFrom).
    await page.getByTestId("terminal").getByText("GREETING=hello-from-configmap").waitFor({ timeout: 30_000 });
    await admin.screenshot("apps-terminal");
    admin.assertClean("terminal");
  });

  step("a Deployment's YAML is edited: the diff is shown, and only Apply saves it", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/deployments/web");
    await action("Edit YAML");
    await page.waitForURL(/\/deployments\/web\/edit$/);
    const editor = page.getByRole("textbox", { name: "YAML" });
    await editor.click();
    // spec is the last top-level key of the object as read (status is left out): a line indented by two is one of its fields.
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText("  minReadySeconds: 5\n");
    await page.getByRole("button", { name: "Review and save" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("diff").locator('[data-change="added"]', { hasText: "minReadySeconds: 5" }).waitFor();
    assert.equal(await dialog.getByTestId("diff").locator("[data-change]").count(), 1, "one line changes");
    await admin.screenshot("apps-edit-diff");
    const minReady = () => kubectl(["get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.minReadySeconds}"]);
    assert.equal((await minReady()).stdout, "", "the dry run stored nothing");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/deployments\/web$/);
    assert.equal((await minReady()).stdout, "5");
    admin.assertClean("edit YAML");
  });

  step("an autoscaler and scheduled scaling are set from the Scaling tab", async () => {
    const { page } = admin;
    await page.getByRole("tab", { name: "Scaling" }).click();
    await page.getByRole("button", { name: "Create autoscaler" }).click();
    let dialog = page.getByRole("dialog");
    await dialog.getByRole("spinbutton", { name: /^Maximum replicas/ }).fill("6");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("hpa-range").getByText("1 – 6").waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Schedule scaling" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Time zone of job 1" }).fill("Asia/Shanghai");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    const cron = page.getByTestId("cronhpa");
    await cron.locator('tr[data-row="scale-up"]').getByText("Asia/Shanghai").waitFor({ timeout: 30_000 });
    await cron.locator('tr[data-row="scale-down"]').waitFor();
    const hpa = await kubectl(["get", "hpa", "web", "-n", "shop", "-o", "jsonpath={.spec.maxReplicas}"]);
    assert.equal(hpa.stdout, "6");
    await admin.screenshot("apps-scaling");
    await checkAxe(admin, "scaling");
    admin.assertClean("scaling");
  });

  step("a Deployment with a ConfigMap-backed variable and a Service is created through the form, and runs", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/workloads/deployments?namespace=shop");
    await page.getByRole("button", { name: "Create by form" }).click();
    await page.waitForURL(/\/workloads\/deployments\/form\?namespace=shop/);
    const next = () => page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("textbox", { name: /^Name/ }).fill("api");
    await next();
    await page.getByRole("textbox", { name: /^Image/ }).fill("nginx:1.27");
    await page.getByRole("textbox", { name: /^Container ports/ }).fill("80");
    await page.getByRole("button", { name: "Add a variable" }).click();
    await page.getByRole("textbox", { name: "Name of variable 1" }).fill("GREETING");
    await page.getByRole("combobox", { name: "Source of variable 1" }).selectOption("configMap");
    await page.getByRole("combobox", { name: "ConfigMap of variable 1" }).selectOption("settings");
    await page.getByRole("combobox", { name: "Key of variable 1" }).selectOption("greeting");
    await page.getByRole("textbox", { name: /^CPU request/ }).fill("100m");
    await admin.screenshot("apps-form-container");
    await checkAxe(admin, "form: container");
    await next();
    await page.getByRole("checkbox", { name: "Create a Service for it" }).check();
    await next();
    await next();
    const yaml = page.getByTestId("form-yaml");
    await yaml.getByText("configMapKeyRef:").waitFor();
    await yaml.getByText("kind: Service").waitFor();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/clusters\/dev\/namespaces\/shop\/deployments\/api$/);
    await page.getByTestId("workload-status").getByText("Running").waitFor({ timeout: 90_000 });
    const env = await kubectl(["get", "deployment", "api", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name}"]);
    assert.equal(env.stdout, "settings");
    const svc = await kubectl(["get", "service", "api", "-n", "shop", "-o", "jsonpath={.spec.ports[0].port} {.spec.selector.app}"]);
    assert.equal(svc.stdout, "80 api");
    admin.assertClean("create by form");
  });

  step("a StatefulSet is created from YAML: an invalid name is refused first, then fixed, and it runs", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/workloads/statefulsets?namespace=shop");
    await page.getByRole("button", { name: "Create from YAML" }).click();
    await page.waitForURL(/\/workloads\/statefulsets\/create\?namespace=shop/);
    await page.getByRole("textbox", { name: "YAML" }).waitFor();
    const statefulSet = (name: string) =>
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  serviceName: db\n  replicas: 1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n        - name: main\n          image: postgres:16\n`;
    await setEditor(statefulSet("DB"));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    // kube's ValidateObjectMeta: a StatefulSet's name must be a lowercase RFC 1123 subdomain.
    await page.getByTestId("field-errors").getByText("metadata.name").waitFor();
    await page.getByTestId("field-errors").getByText(/lowercase RFC 1123/).waitFor();
    admin.allow(/422 POST .*\/statefulsets\/json\?dryRun=All/);
    await setEditor(statefulSet("db"));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/clusters\/dev\/namespaces\/shop\/statefulsets\/db$/);
    await page.getByTestId("workload-status").getByText("Running").waitFor({ timeout: 90_000 });
    admin.assertClean("StatefulSet from YAML");
  });

  step("a namespace viewer sees the workloads, their pods and logs, and no action, editor or terminal", async () => {
    const token = await addUser(c.t, "viewer", [{ role: "NSViewer", cluster: "dev", namespace: "shop" }]);
    // kpanda writes the member's RoleBinding: the viewer reads the Deployment once it is there.
    await until("the viewer's member RBAC", async () => (await c.t.call("GET", "/clusters/dev/namespaces/shop/deployments/web", undefined, token)).status === 200, 30_000);
    const viewer = await openPage(c.browser!, c.t.platform.url);
    try {
      const { page } = viewer;
      await logIn(viewer, "viewer", "viewer-password-1");
      await page.goto("/clusters/dev/workloads/deployments");
      const row = page.getByTestId("list-Deployment").locator('tr[data-row="shop/web"]');
      await row.waitFor();
      assert.equal(await page.getByRole("combobox", { name: "Namespace" }).locator("option").allTextContents().then((o) => o.join(",")), "All namespaces,shop");
      assert.equal(await page.getByRole("button", { name: "Create from YAML" }).count(), 0);
      assert.equal(await row.getByRole("button", { name: "Kebab toggle" }).count(), 0);
      await row.getByRole("link", { name: "web" }).click();
      await page.getByTestId("workload-status").waitFor();
      assert.equal(await page.getByRole("button", { name: "Actions" }).count(), 0);
      await page.getByTestId("list-Pod").locator("tbody tr[data-row] a").first().click();
      await page.getByRole("tab", { name: "Logs" }).waitFor();
      assert.equal(await page.getByRole("tab", { name: "Terminal" }).count(), 0);
      viewer.assertClean("viewer");
    } finally {
      await viewer.close();
    }
  });
});
