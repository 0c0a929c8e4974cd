// The YAML editor's completion from the member's schema, in a real browser
// (Debian's chromium through playwright-core) against a real platform with
// a simulated member: on the create-from-YAML page of a Deployment, keys
// under `spec:` are offered from DeploymentSpec (k8s.io/api apps/v1), with
// their type and the first sentence of their description, and the one
// picked is inserted; a key of a nested object comes from its own schema;
// a boolean's values are offered after its key.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chromiumMissing, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console YAML completion tests skipped: ${skip} ***\n\n`);

describe("YAML completion in a browser", { skip, timeout: 600_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;

  before(async () => {
    c = await startMemberConsole({ prefix: "yamlc" });
    admin = await c.openConsole();
  });

  after(() => c?.close());

  /** The editor's text, line by line as CodeMirror shows it. */
  const editorText = () =>
    admin.page.locator(".cm-content .cm-line").evaluateAll((lines) => lines.map((l) => (l as { textContent: string | null }).textContent ?? "").join("\n"));

  /** Enter on the selected completion; @codemirror/autocomplete ignores it for interactionDelay (75 ms) after the list changes, against picks by accident. */
  const pick = async () => {
    await admin.page.waitForTimeout(150);
    await admin.page.keyboard.press("Enter");
  };

  test("typing under spec: of a Deployment offers replicas, selector and template, and the one picked is inserted", async () => {
    const { page } = admin;
    const schemaRequests: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/schemas?")) schemaRequests.push(r.url());
    });
    await page.goto("/clusters/dev/workloads/deployments/create?namespace=default");
    const editor = page.getByRole("textbox", { name: "YAML" });
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  ");
    // Nothing is fetched until a completion is asked for.
    assert.deepEqual(schemaRequests, []);
    // Ctrl-Space opens the list anywhere (@codemirror/autocomplete's completionKeymap).
    await page.keyboard.press("Control+Space");
    const list = page.locator(".cm-tooltip-autocomplete");
    await list.waitFor();
    const labels = await list.locator(".cm-completionLabel").allInnerTexts();
    // DeploymentSpec's fields (k8s.io/api apps/v1 types.go); selector and template are required.
    for (const name of ["replicas", "selector", "template", "strategy", "minReadySeconds"]) assert.ok(labels.includes(name), `${name} in ${labels}`);
    assert.equal(labels.includes("containers"), false, "a PodSpec field is not offered in a DeploymentSpec");

    // Typing narrows the list; the selected one shows its type and its description's first sentence.
    await page.keyboard.type("repl");
    const selected = list.locator("li[aria-selected=true]");
    await selected.getByText("replicas", { exact: true }).waitFor();
    await selected.getByText("integer").waitFor();
    await page.locator(".cm-completionInfo").getByText("Number of desired pods.", { exact: true }).waitFor();
    await pick();
    await page.keyboard.type("3");
    assert.match(await editorText(), /^spec:\n {2}replicas: 3$/m);

    // Picked with the mouse: an object key opens its block, and its keys come from its own schema (LabelSelector).
    await page.keyboard.press("Enter");
    await page.keyboard.type("sel");
    await list.getByRole("option", { name: /^selector/ }).click();
    await page.keyboard.type("matchL");
    await list.locator("li[aria-selected=true]").getByText("matchLabels", { exact: true }).waitFor();
    await pick();
    await page.keyboard.type("app: web");
    assert.match(await editorText(), /^ {2}replicas: 3\n {2}selector:\n {4}matchLabels:\n {6}app: web$/m);
    // One schema for all of them.
    assert.deepEqual(schemaRequests.map((u) => new URL(u).search), ["?group=apps&version=v1&kind=Deployment"]);
    admin.assertClean("YAML completion");
  });

  test("after a boolean key the values offered are true and false", async () => {
    const { page } = admin;
    // Back to spec's column, below the selector typed above.
    await page.keyboard.press("Enter");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.type("paused: ");
    await page.keyboard.press("Control+Space");
    const list = page.locator(".cm-tooltip-autocomplete");
    await list.waitFor();
    // DeploymentSpec.paused is a bool.
    assert.deepEqual(await list.locator(".cm-completionLabel").allInnerTexts(), ["true", "false"]);
    const v = await admin.axe();
    assert.deepEqual(v, [], `the completion list: serious accessibility violations:\n${JSON.stringify(v, null, 2)}`);
    await list.getByRole("option", { name: "true" }).click();
    assert.match(await editorText(), /^ {2}paused: true$/m);
    admin.assertClean("YAML value completion");
  });
});
