// The pages of Services, Ingresses, ConfigMaps, Secrets and PVCs in a real
// browser (Debian's chromium through playwright-core) against a real
// platform with a simulated member: a ConfigMap and a Service created by
// their forms and listed; a Service created from YAML after the member's
// field error; a Secret's value hidden until revealed; a ConfigMap's page
// listing the Deployment that uses it; a ConfigMap's YAML edited after its
// diff, then deleted after a confirmation; and a namespace viewer offered no
// create, edit or delete. Screenshots go to test-artifacts/console/.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { addUser, until } from "../platform/members.ts";
import { checkAxe, chromiumMissing, logIn, openPage, setEditor as setYaml, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console resource tests skipped: ${skip} ***\n\n`);

/** A Deployment that takes a variable from the ConfigMap "settings" (configMapKeyRef). */
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
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

/** A Service; port 0 is what the member refuses (ValidateServicePort: validation.IsValidPortNum, 1 to 65535). */
const service = (port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n    - port: ${port}\n      targetPort: 80\n`;

describe("resource pages in a browser", { skip, timeout: 600_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;

  before(async () => {
    c = await startMemberConsole({ prefix: "resources" });
    await kubectl(["create", "namespace", "shop"]);
    await kubectl(["create", "configmap", "settings", "-n", "shop", "--from-literal=greeting=hello"]);
    await kubectl(["create", "secret", "generic", "db", "-n", "shop", "--from-literal=password=s3cr3t-value", "--from-literal=user=app"]);
    const file = join(c.dir, "deployment.yaml");
    await writeFile(file, DEPLOYMENT);
    await kubectl(["apply", "-f", file]);
    await c.cached("namespace shop in the cache", "/clusters/dev/namespaces?fuzzySearch=shop");
    admin = await c.openConsole();
  });

  after(() => c?.close());

  const kubectl = (args: string[], allowFail = false) => c.kubectl(args, { allowFail });
  const setEditor = (text: string) => setYaml(admin, text);

  test("a ConfigMap created by the form (after the member's field error) is listed with its data count", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/resources/configmaps?namespace=shop");
    const list = page.getByTestId("list-ConfigMap");
    await list.locator('tr[data-row="shop/settings"]').waitFor();
    await page.getByRole("button", { name: "Create by form" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Name/ }).fill("colors");
    // A key with a space: the member's dry run refuses it (ValidateConfigMap: IsConfigMapKey), field by field, and nothing is stored.
    await dialog.getByRole("textbox", { name: "Key 1" }).fill("a b");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await dialog.getByTestId("field-errors").getByText("data[a b]").waitFor();
    await dialog.getByTestId("field-errors").getByText(/a valid config key must consist of alphanumeric characters/).waitFor();
    admin.allow(/422 POST .*\/configmaps\/json\?dryRun=All/);
    admin.allow(/status of 422/);
    assert.equal((await kubectl(["get", "configmap", "colors", "-n", "shop"], true)).code, 1, "the dry run stored nothing");
    await dialog.getByRole("textbox", { name: "Key 1" }).fill("sky");
    await dialog.getByRole("textbox", { name: "Value 1" }).fill("blue");
    await dialog.getByRole("button", { name: "Add a key" }).click();
    await dialog.getByRole("textbox", { name: "Key 2" }).fill("grass");
    await dialog.getByRole("textbox", { name: "Value 2" }).fill("green");
    await admin.screenshot("resources-configmap-form");
    await checkAxe(admin, "ConfigMap form");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    // kubectl get configmaps' DATA: the number of keys (printConfigMap).
    const row = list.locator('tr[data-row="shop/colors"]');
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.locator('td[data-label="Data"]').textContent(), "2");
    const got = await kubectl(["get", "configmap", "colors", "-n", "shop", "-o", "jsonpath={.data.sky} {.data.grass}"]);
    assert.equal(got.stdout, "blue green");
    await admin.screenshot("resources-configmaps");
    await checkAxe(admin, "ConfigMaps list");
    admin.assertClean("ConfigMap form");
  });

  test("a Service created by the form selects its pods on the ports given", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/resources/services?namespace=shop");
    await page.getByTestId("list-Service").waitFor();
    await page.getByRole("button", { name: "Create by form" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Name/ }).fill("api");
    await dialog.getByRole("combobox", { name: "Type" }).selectOption("NodePort");
    await dialog.getByRole("textbox", { name: "Value 1" }).fill("web");
    await dialog.getByRole("textbox", { name: "Port 1", exact: true }).fill("8080");
    await dialog.getByRole("textbox", { name: "Target port 1" }).fill("80");
    await checkAxe(admin, "Service form");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const got = await kubectl(["get", "service", "api", "-n", "shop", "-o", "jsonpath={.spec.type} {.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].nodePort}"]);
    const [type, app, port, target, nodePort] = got.stdout.split(" ");
    assert.deepEqual([type, app, port, target], ["NodePort", "web", "8080", "80"]);
    // kubectl get service's PORT(S) of a NodePort: port:nodePort/protocol (makePortString), the node port the member allocated.
    await page.getByTestId("list-Service").locator('tr[data-row="shop/api"]').getByText(`8080:${nodePort}/TCP`).waitFor({ timeout: 30_000 });
    admin.assertClean("Service form");
  });

  test("a Service is created from YAML: the member's field error is shown, then fixed", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/resources/services?namespace=shop");
    await page.getByTestId("list-Service").waitFor();
    await page.getByRole("button", { name: "Create from YAML" }).click();
    await page.waitForURL(/\/resources\/services\/create\?namespace=shop/);
    await page.getByRole("textbox", { name: "YAML" }).waitFor();
    await setEditor(service(0));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const errors = page.getByTestId("field-errors");
    await errors.getByText("spec.ports[0].port").waitFor();
    await errors.getByText(/must be between 1 and 65535, inclusive/).first().waitFor();
    admin.allow(/422 POST .*\/services\/json\?dryRun=All/);
    admin.allow(/status of 422/);
    assert.equal((await kubectl(["get", "service", "web", "-n", "shop"], true)).code, 1, "the dry run stored nothing");
    await setEditor(service(80));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/clusters\/dev\/namespaces\/shop\/services\/web$/);
    // kubectl get service's PORT(S) (makePortString) and TYPE.
    const summary = page.getByTestId("resource-summary");
    await summary.getByText("80/TCP").waitFor();
    await summary.getByText("ClusterIP", { exact: true }).waitFor();
    await page.goto("/clusters/dev/resources/services?namespace=shop");
    await page.getByTestId("list-Service").locator('tr[data-row="shop/web"]').getByText("80/TCP").waitFor();
    await admin.screenshot("resources-services");
    admin.assertClean("Service from YAML");
  });

  test("a Secret's values are hidden until revealed, key by key", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/secrets/db");
    const data = page.getByTestId("data");
    await data.locator('[data-key="password"]').getByTestId("hidden-value").waitFor();
    assert.equal((await page.locator("body").textContent())?.includes("s3cr3t-value"), false, "no value before it is revealed");
    await page.getByRole("button", { name: "Reveal password" }).click();
    await until("the revealed value", async () => (await data.locator('[data-key="password"]').innerHTML()).includes("s3cr3t-value"));
    // Only the key asked for: the other stays hidden.
    await data.locator('[data-key="user"]').getByTestId("hidden-value").waitFor();
    await admin.screenshot("resources-secret");
    await checkAxe(admin, "Secret");
    await page.getByRole("button", { name: "Hide password" }).click();
    await data.locator('[data-key="password"]').getByTestId("hidden-value").waitFor();
    admin.assertClean("Secret");
  });

  test("a ConfigMap's page lists the Deployment that uses it", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/configmaps/settings");
    await page.getByTestId("data").locator('[data-key="greeting"]').getByText("hello").waitFor();
    await page.getByRole("tab", { name: "Used by" }).click();
    const row = page.getByTestId("related").locator('tr[data-row="Deployment/web"]');
    await row.getByText("environment variable").waitFor();
    await row.getByRole("link", { name: "web" }).click();
    await page.waitForURL(/\/clusters\/dev\/namespaces\/shop\/deployments\/web$/);
    admin.assertClean("related");
  });

  test("a ConfigMap's YAML is edited: the diff is shown, and only Apply saves it", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/configmaps/colors");
    await page.getByRole("button", { name: "Edit YAML" }).click();
    await page.waitForURL(/\/configmaps\/colors\/edit$/);
    await page.getByRole("textbox", { name: "YAML" }).click();
    // data is the last top-level key of a ConfigMap as read (after metadata, as the ConfigMap type declares them): a line indented by two is one of its keys.
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText("  shade: dark\n");
    await page.getByRole("button", { name: "Review and save" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("diff").locator('[data-change="added"]', { hasText: "shade: dark" }).waitFor();
    assert.equal(await dialog.getByTestId("diff").locator("[data-change]").count(), 1, "one line changes");
    await admin.screenshot("resources-edit-diff");
    const shade = () => kubectl(["get", "configmap", "colors", "-n", "shop", "-o", "jsonpath={.data.shade}"]);
    assert.equal((await shade()).stdout, "", "the dry run stored nothing");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/namespaces\/shop\/configmaps\/colors$/);
    assert.equal((await shade()).stdout, "dark");
    await page.getByTestId("data").locator('[data-key="shade"]').getByText("dark").waitFor();
    admin.assertClean("edit ConfigMap");
  });

  test("a ConfigMap is deleted from its page after a confirmation", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/configmaps/colors");
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("colors").first().waitFor();
    assert.equal((await kubectl(["get", "configmap", "colors", "-n", "shop"], true)).code, 0, "nothing deleted before the confirmation");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(/\/resources\/configmaps\?namespace=shop$/);
    await page.getByTestId("list-ConfigMap").locator('tr[data-row="shop/colors"]').waitFor({ state: "detached", timeout: 30_000 });
    assert.equal((await kubectl(["get", "configmap", "colors", "-n", "shop"], true)).code, 1);
    // The page's own poll may read the object once more while the list opens.
    admin.allow(/404 GET .*\/configmaps\/colors$/);
    admin.assertClean("delete ConfigMap");
  });

  test("a namespace viewer sees the lists and pages, and no create, edit or delete", async () => {
    const token = await addUser(c.t, "viewer", [{ role: "NSViewer", cluster: "dev", namespace: "shop" }]);
    await until("the viewer's member RBAC", async () => (await c.t.call("GET", "/clusters/dev/namespaces/shop/configmaps/settings", undefined, token)).status === 200, 30_000);
    const viewer = await openPage(c.browser!, c.t.platform.url);
    try {
      const { page } = viewer;
      await logIn(viewer, "viewer", "viewer-password-1");
      await page.goto("/clusters/dev/resources/configmaps");
      const row = page.getByTestId("list-ConfigMap").locator('tr[data-row="shop/settings"]');
      await row.waitFor();
      assert.equal(await page.getByRole("button", { name: "Create by form" }).count(), 0);
      assert.equal(await page.getByRole("button", { name: "Create from YAML" }).count(), 0);
      assert.equal(await row.getByRole("button", { name: "Kebab toggle" }).count(), 0);
      // Kubernetes' view role reads no Secrets (bootstrappolicy), nor does kpanda's NSViewer: no Secrets tab.
      assert.equal(await page.getByRole("tab", { name: "Secrets" }).count(), 0);
      await page.getByRole("tab", { name: "Services" }).click();
      await page.getByTestId("list-Service").locator('tr[data-row="shop/web"]').waitFor();
      await row.waitFor({ state: "detached" });
      await page.goto("/clusters/dev/namespaces/shop/configmaps/settings");
      await page.getByTestId("resource-summary").waitFor();
      assert.equal(await page.getByRole("button", { name: "Delete" }).count(), 0);
      assert.equal(await page.getByRole("button", { name: "Edit YAML" }).count(), 0);
      viewer.assertClean("viewer");
    } finally {
      await viewer.close();
    }
  });
});
