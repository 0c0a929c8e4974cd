// The custom resources section in a real browser (Debian's chromium through
// playwright-core) against a real platform with a simulated member: a CRD
// with printer columns installed through the member's kubeconfig is listed;
// an object of it is created from YAML (the CRD schema's field error shown
// first, then fixed), listed with its printer columns, edited (dry run, then
// the diff, then Apply) and deleted.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { addUser } from "../platform/members.ts";
import { chromiumMissing, logIn, openPage, setEditor as setYaml, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();

/** The CronTab of Kubernetes' docs ("Extend the Kubernetes API with CustomResourceDefinitions", additional printer columns). */
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec:
                  type: string
                image:
                  type: string
                replicas:
                  type: integer
      additionalPrinterColumns:
        - name: Spec
          type: string
          description: The cron spec defining the interval a CronJob is run
          jsonPath: .spec.cronSpec
        - name: Replicas
          type: integer
          description: The number of jobs launched by the CronJob
          jsonPath: .spec.replicas
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
`;

const crontab = (replicas: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: nightly
  namespace: shop
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
  replicas: ${replicas}
`;

describe("custom resources in a browser", { skip, timeout: 600_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;

  before(async () => {
    c = await startMemberConsole({ prefix: "crs" });
    await c.kubectl(["create", "namespace", "shop"]);
    await c.kubectl(["apply", "-f", "-"], { input: CRD });
    await c.kubectl(["wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=60s"]);
    await c.cached("the CRD in the cache", "/clusters/dev/customresourcedefinitions?fuzzySearch=crontabs");
    admin = await c.openConsole();
  });

  after(() => c?.close());

  const kubectl = (args: string[], input?: string, allowFail = false) => c.kubectl(args, { input, allowFail });
  const replicas = async () => (await kubectl(["get", "crontab", "nightly", "-n", "shop", "-o", "jsonpath={.spec.replicas}"])).stdout;
  const setEditor = (text: string) => setYaml(admin, text);

  /** The steps build on each other: after a failure, the rest are skipped rather than timing out one by one. */
  let broken: string | undefined;
  function step(name: string, fn: () => Promise<void>) {
    test(name, async (ctx) => {
      if (broken) return ctx.skip(`"${broken}" failed`);
      try {
        await fn();
      } catch (e) {
        broken = name;
        await admin?.screenshot("crs-failed").catch(() => {});
        throw e;
      }
    });
  }

  step("the cluster's CRDs are listed with group, kind, scope and versions", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev");
    await page.getByRole("link", { name: "Custom resources" }).click();
    const row = page.getByTestId("list-CustomResourceDefinition").locator('tr[data-row="crontabs.stable.example.com"]');
    for (const text of ["stable.example.com", "CronTab", "Namespaced", "v1"]) await row.getByText(text, { exact: true }).waitFor();
    await admin.screenshot("crs-definitions");
    const v = await admin.axe();
    assert.deepEqual(v, [], `CRD list: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
    await row.getByRole("link", { name: "crontabs.stable.example.com" }).click();
    await page.waitForURL(/\/customresources\/crontabs\.stable\.example\.com$/);
    admin.assertClean("CRD list");
  });

  step("an object is created from YAML: the CRD schema's field error is shown, then fixed", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/customresources/crontabs.stable.example.com?namespace=shop");
    const list = page.getByTestId("list-CronTab");
    // The CRD's printer columns are the table's (kubectl get shows SPEC, REPLICAS, AGE).
    for (const h of ["Name", "Spec", "Replicas", "Age"]) await list.getByRole("columnheader", { name: h, exact: true }).waitFor();
    await page.getByRole("button", { name: "Create from YAML" }).click();
    await page.waitForURL(/\/create\?namespace=shop/);
    await setEditor(crontab('"three"'));
    // The structural schema refuses a string for an integer (apiextensions validation: Invalid value ... must be of type integer).
    admin.allow(/422.*\/crontabs\?dryRun=All/);
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const errors = page.getByTestId("field-errors");
    await errors.getByText("spec.replicas").waitFor();
    await errors.getByText(/must be of type integer/).waitFor();
    await setEditor(crontab("1"));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/customresources\/crontabs\.stable\.example\.com\?namespace=shop/);
    assert.equal(await replicas(), "1");
    admin.assertClean("create");
  });

  step("the object is listed with the values of its printer columns, the date as an age", async () => {
    const row = admin.page.getByTestId("list-CronTab").locator('tr[data-row="shop/nightly"]');
    await row.locator('[data-column="Spec"]', { hasText: "* * * * */5" }).waitFor();
    assert.equal(await row.locator('[data-column="Replicas"]').textContent(), "1");
    // A date column prints as an age (apiextensions' tableconvertor: HumanDuration of now - the time).
    assert.match((await row.locator('[data-column="Age"]').textContent()) ?? "", /^\d+s$/);
    await admin.screenshot("crs-objects");
    const v = await admin.axe();
    assert.deepEqual(v, [], `objects list: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
    admin.assertClean("objects list");
  });

  step("the object's YAML is edited: a dry run, then the diff, and only Apply saves it", async () => {
    const { page } = admin;
    await page.getByTestId("list-CronTab").getByRole("link", { name: "nightly" }).click();
    await page.waitForURL(/\/objects\/nightly\?namespace=shop/);
    await page.locator(".cm-content", { hasText: "my-awesome-cron-image" }).waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    // biome-ignore lint/performance/useDomNodeTextContent: the editor's lines are elements; only innerText keeps their line breaks
    const text = await page.locator(".cm-content").innerText();
    assert.match(text, /replicas: 1/);
    // innerText ends the editor's last (empty) line with one more line break than the text has.
    await setEditor(text.replace("replicas: 1", "replicas: 3").replace(/\n+$/, "\n"));
    await page.getByRole("button", { name: "Review and save" }).click();
    const diff = page.getByRole("dialog").getByTestId("diff");
    await diff.locator('[data-change="removed"]', { hasText: "replicas: 1" }).waitFor();
    await diff.locator('[data-change="added"]', { hasText: "replicas: 3" }).waitFor();
    assert.equal(await diff.locator("[data-change]").count(), 2, "one line changes");
    await admin.screenshot("crs-edit-diff");
    const v = await admin.axe();
    assert.deepEqual(v, [], `edit diff: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
    assert.equal(await replicas(), "1", "the dry run stored nothing");
    await page.getByRole("dialog").getByRole("button", { name: "Apply" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await replicas(), "3");
    await page.getByRole("button", { name: "Edit", exact: true }).waitFor();
    admin.assertClean("edit");
  });

  step("the object is deleted from its row", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/customresources/crontabs.stable.example.com?namespace=shop");
    const row = page.getByTestId("list-CronTab").locator('tr[data-row="shop/nightly"]');
    await row.locator('[data-column="Replicas"]', { hasText: "3" }).waitFor();
    await row.getByRole("button", { name: "Kebab toggle" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    const gone = await kubectl(["get", "crontab", "nightly", "-n", "shop"], undefined, true);
    assert.match(gone.stderr, /NotFound/);
    admin.assertClean("delete");
  });

  step("a namespace viewer is offered no custom resources section (the CRD list is a ClusterAdmin's)", async () => {
    await addUser(c.t, "viewer", [{ role: "NSViewer", cluster: "dev", namespace: "shop" }]);
    const viewer = await openPage(c.browser!, c.t.platform.url);
    try {
      const { page } = viewer;
      await logIn(viewer, "viewer", "viewer-password-1");
      await page.goto("/clusters/dev/workloads/deployments");
      await page.getByRole("link", { name: "Workloads" }).waitFor();
      assert.equal(await page.getByRole("link", { name: "Custom resources" }).count(), 0);
      viewer.assertClean("viewer");
    } finally {
      await viewer.close();
    }
  });
});
