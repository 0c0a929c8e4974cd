// The create wizard editing an existing Deployment in a real browser
// (Debian's chromium through playwright-core) against a real platform with a
// simulated member: opened from the workload page's Edit button, prefilled
// from the object, its image and an environment variable changed; the dry
// run stores nothing, the diff shows exactly those lines, Apply makes a new
// revision, and what the form does not know (a second container, an env var
// from a fieldRef, minReadySeconds, a label) is kept.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { addUser } from "../platform/members.ts";
import { chromiumMissing, logIn, openPage, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
    team: blue
spec:
  replicas: 1
  minReadySeconds: 3
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
              value: hello
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
        - name: sidecar
          image: busybox:1.36
`;

describe("the form edits an existing workload", { skip, timeout: 600_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;

  before(async () => {
    c = await startMemberConsole({ prefix: "wledit" });
    await c.kubectl(["create", "namespace", "shop"]);
    await c.kubectl(["apply", "-f", "-"], { input: deployment });
    admin = await c.openConsole();
    // A form's write meets a Conflict when the member wrote the workload's status since it was read:
    // the console reads it again and writes again (writeMerged), so the browser sees that 409.
    admin.allow(/^409 PUT .*\/deployments\/web\/json|status of 409 .*\/deployments\/web\/json/);
  });

  after(() => c?.close());

  const kubectl = (args: string[]) => c.kubectl(args);
  const jsonpath = async (path: string) =>
    (await kubectl(["get", "deployment", "web", "-n", "shop", "-o", `jsonpath=${path}`])).stdout;

  test("a Deployment's image and env var are changed through the form: the diff shows only them, and Apply makes a new revision", async () => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/deployments/web");
    await page.getByTestId("workload-status").waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.waitForURL(/\/deployments\/web\/form$/);
    const name = page.getByRole("textbox", { name: "Name", exact: true });
    assert.equal(await name.inputValue(), "web");
    assert.equal(await name.isDisabled(), true, "an existing workload's name is fixed");
    await page.getByRole("button", { name: "Next", exact: true }).click();
    const image = page.getByRole("textbox", { name: /^Image/ });
    assert.equal(await image.inputValue(), "nginx:1.27");
    await image.fill("nginx:1.28");
    // The fieldRef variable has no row (the form cannot show it); GREETING is the first.
    assert.equal(await page.getByRole("textbox", { name: "Name of variable 1" }).inputValue(), "GREETING");
    await page.getByRole("textbox", { name: "Value of variable 1" }).fill("bonjour");
    await admin.screenshot("apps-form-edit");
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Review and save" }).click();
    const dialog = page.getByRole("dialog");
    const diff = dialog.getByTestId("diff");
    await diff.locator('[data-change="removed"]', { hasText: "image: nginx:1.27" }).waitFor();
    await diff.locator('[data-change="added"]', { hasText: "image: nginx:1.28" }).waitFor();
    await diff.locator('[data-change="removed"]', { hasText: "value: hello" }).waitFor();
    await diff.locator('[data-change="added"]', { hasText: "value: bonjour" }).waitFor();
    assert.equal(await diff.locator("[data-change]").count(), 4, "two lines change, nothing else");
    await admin.screenshot("apps-form-edit-diff");
    assert.equal(await jsonpath("{.spec.template.spec.containers[0].image}"), "nginx:1.27", "the dry run stored nothing");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/deployments\/web\?tab=revisions$/);
    // A changed pod template makes a new ReplicaSet, revision 2 (deployment controller's revision annotation).
    const revisions = page.getByTestId("revisions");
    await revisions.locator('tr[data-row="2"]').getByText("current").waitFor({ timeout: 60_000 });
    await revisions.locator('tr[data-row="2"]').getByText("nginx:1.28").waitFor();
    assert.equal(await jsonpath("{.spec.template.spec.containers[0].env[0].value}"), "bonjour");
    // What the form does not know is as it was.
    assert.equal(await jsonpath("{.spec.template.spec.containers[0].env[1].valueFrom.fieldRef.fieldPath}"), "metadata.name");
    assert.equal(await jsonpath("{.spec.template.spec.containers[1].image}"), "busybox:1.36");
    assert.equal(await jsonpath("{.spec.minReadySeconds}"), "3");
    assert.equal(await jsonpath("{.metadata.labels.team}"), "blue");
    admin.assertClean("edit by form");
  });

  /** Opens the form on web, sets its image, and goes to the review (the wizard's last Next). */
  const editImage = async (image: string, meanwhile: () => Promise<unknown>) => {
    const { page } = admin;
    await page.goto("/clusters/dev/namespaces/shop/deployments/web/form");
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("textbox", { name: /^Image/ }).fill(image);
    await meanwhile();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Review and save" }).click();
  };

  test("a status the member writes while the form is open does not refuse its save", async () => {
    const { page } = admin;
    const version = await jsonpath("{.metadata.resourceVersion}");
    // The status subresource, as the deployment controller writes it; collisionCount is only ever raised by it.
    await editImage("nginx:1.29", () =>
      kubectl(["patch", "deployment", "web", "-n", "shop", "--subresource=status", "--type=merge", "-p", '{"status":{"collisionCount":7}}']),
    );
    assert.notEqual(await jsonpath("{.metadata.resourceVersion}"), version);
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("diff").locator('[data-change="added"]', { hasText: "image: nginx:1.29" }).waitFor();
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/deployments\/web\?tab=revisions$/);
    assert.equal(await jsonpath("{.spec.template.spec.containers[0].image}"), "nginx:1.29");
    admin.assertClean("a save after a status write");
  });

  test("a change made to the workload while the form is open is refused, and kept", async () => {
    const { page } = admin;
    await editImage("nginx:1.30", () => kubectl(["scale", "deployment", "web", "-n", "shop", "--replicas=2"]));
    // Kubernetes' optimistic-lock message (k8s.io/apiserver, registry/generic/registry: OptimisticLockErrorMsg).
    await page.getByText(/the object has been modified; please apply your changes to the latest version and try again/).waitFor();
    assert.equal(await page.getByRole("dialog").count(), 0, "no diff is offered");
    await admin.screenshot("apps-form-edit-conflict");
    assert.equal(await jsonpath("{.spec.replicas}"), "2");
    assert.equal(await jsonpath("{.spec.template.spec.containers[0].image}"), "nginx:1.29");
    admin.allow(/409 .*deployments\/web\/json/);
    admin.assertClean("a refused save");
  });

  test("a namespace viewer is offered no Edit", async () => {
    await addUser(c.t, "viewer", [{ role: "NSViewer", cluster: "dev", namespace: "shop" }]);
    const viewer = await openPage(c.browser!, c.t.platform.url);
    try {
      const { page } = viewer;
      await logIn(viewer, "viewer", "viewer-password-1");
      await page.goto("/clusters/dev/namespaces/shop/deployments/web");
      // The workload is read through the member as the viewer once kpanda has written its RoleBinding there.
      await page.getByTestId("workload-status").waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole("button", { name: "Edit", exact: true }).count(), 0);
    } finally {
      await viewer.close();
    }
  });
});
