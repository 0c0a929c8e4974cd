// The create forms of Secrets, PersistentVolumeClaims and Ingresses in a
// real browser (Debian's chromium through playwright-core) against a real
// platform with a simulated member. Each form creates its object, read back
// with kubectl; before that, one field the member's dry run refuses is shown
// under its field, nothing is stored, and the fix goes through. A namespace
// viewer is offered none of the forms. Screenshots go to test-artifacts/console/.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import type { Locator } from "playwright-core";
import { createAuthority, issueServingCert } from "../../src/apiserver/tls/pki.ts";
import { addUser, until } from "../platform/members.ts";
import { checkAxe, chromiumMissing, logIn as login, openPage, type WatchedPage } from "./browser.ts";
import { type MemberConsole, startMemberConsole } from "./memberConsole.ts";

const skip = chromiumMissing();
if (skip) process.stderr.write(`\n*** console resource form tests skipped: ${skip} ***\n\n`);

/** A StorageClass besides the simulator's default one, for the PVC form to offer. */
const FAST_CLASS = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: kpanda.io/simulated
`;

describe("resource create forms in a browser", { skip, timeout: 600_000 }, () => {
  let c: MemberConsole;
  let admin: WatchedPage;
  /** Everything the platform logs, down to debug. */
  const logLines: string[] = [];
  /** Every message of the admin page's console. */
  const consoleLines: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    c = await startMemberConsole({ prefix: "resource-forms", platform: { logger: pino({ level: "debug" }, sink) } });
    await kubectl(["create", "namespace", "shop"]);
    await kubectl(["create", "service", "clusterip", "web", "-n", "shop", "--tcp=8080:80"]);
    await kubectl(["apply", "-f", "-"], false, FAST_CLASS);
    await c.cached("namespace shop in the cache", "/clusters/dev/namespaces?fuzzySearch=shop");
    admin = await c.openConsole((p) => p.page.on("console", (m) => consoleLines.push(m.text())));
    // Each form's first try is refused by the member's dry run on purpose.
    admin.allow(/422 POST .*\/json\?dryRun=All/);
    admin.allow(/status of 422/);
  });

  after(() => c?.close());

  const kubectl = (args: string[], allowFail = false, input?: string) => c.kubectl(args, { allowFail, input });

  /** The create-by-form dialog of a kind's list, with the name filled in. */
  async function openForm(plural: string, kind: string, name: string): Promise<Locator> {
    const { page } = admin;
    await page.goto(`/clusters/dev/resources/${plural}?namespace=shop`);
    await page.getByTestId(`list-${kind}`).waitFor();
    await page.getByRole("button", { name: "Create by form" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: /^Name/ }).fill(name);
    return dialog;
  }

  /** The member's errors shown under the form field of input `id`. */
  const causesOf = (dialog: Locator, id: string) => dialog.locator(`.pf-v6-c-form__group:has(#${id})`).getByTestId("field-causes");

  const create = (dialog: Locator) => dialog.getByRole("button", { name: "Create", exact: true }).click();

  const decoded = async (args: string[]) => Buffer.from((await kubectl(args)).stdout, "base64").toString();

  test("an Opaque Secret: a key the member refuses is shown under Data, then the values are stored", async () => {
    const dialog = await openForm("secrets", "Secret", "db");
    // ValidateSecret: each data key must be a valid config key (IsConfigMapKey); a space is not allowed.
    await dialog.getByRole("textbox", { name: "Key 1" }).fill("pass word");
    await dialog.getByRole("textbox", { name: "Value 1" }).fill("s3cr3t value");
    await create(dialog);
    await causesOf(dialog, "secret-data").getByText(/\[pass word\]: .*a valid config key must consist of alphanumeric characters/).waitFor();
    assert.equal((await kubectl(["get", "secret", "db", "-n", "shop"], true)).code, 1, "the dry run stored nothing");
    await dialog.getByRole("textbox", { name: "Key 1" }).fill("password");
    await checkAxe(admin, "Secret form");
    await admin.screenshot("resource-forms-secret");
    await create(dialog);
    await dialog.waitFor({ state: "detached" });
    // stringData is written into data, base64-encoded, by the member (v1 Secret's StringData).
    assert.equal(await decoded(["get", "secret", "db", "-n", "shop", "-o", "jsonpath={.data.password}"]), "s3cr3t value");
    assert.equal((await kubectl(["get", "secret", "db", "-n", "shop", "-o", "jsonpath={.type}"])).stdout, "Opaque");
    // A Secret's value is never logged: not by the platform, not in its audit entries, not in the browser's console.
    const audit = await c.t.call("GET", "/audit", undefined, await c.t.adminToken());
    assert.equal(audit.status, 200);
    assert.equal(JSON.stringify(audit.body).includes("s3cr3t"), false, "no value in the audit log");
    assert.deepEqual(logLines.filter((l) => l.includes("s3cr3t")), [], "no value in the platform's log");
    assert.equal(logLines.length > 0, true, "the platform's log is captured");
    assert.deepEqual(consoleLines.filter((l) => l.includes("s3cr3t")), [], "no value in the browser's console");
    admin.assertClean("Opaque Secret form");
  });

  test("a registry Secret's .dockerconfigjson is the one kubectl create secret docker-registry makes", async () => {
    const dialog = await openForm("secrets", "Secret", "registry");
    await dialog.getByRole("combobox", { name: "Type" }).selectOption("kubernetes.io/dockerconfigjson");
    await dialog.getByRole("textbox", { name: /^Registry server/ }).fill("registry.example.com");
    await dialog.getByRole("textbox", { name: /^User name/ }).fill("robot");
    await dialog.getByLabel(/^Password/).fill("pa:ss");
    await dialog.getByRole("textbox", { name: /^Email/ }).fill("robot@example.com");
    await create(dialog);
    await dialog.waitFor({ state: "detached" });
    const got = await decoded(["get", "secret", "registry", "-n", "shop", "-o", "jsonpath={.data.\\.dockerconfigjson}"]);
    const want = await decoded([
      "create", "secret", "docker-registry", "registry", "-n", "shop", "--dry-run=client",
      "--docker-server=registry.example.com", "--docker-username=robot", "--docker-password=pa:ss", "--docker-email=robot@example.com",
      "-o", "jsonpath={.data.\\.dockerconfigjson}",
    ]);
    assert.equal(got, want);
    assert.equal((await kubectl(["get", "secret", "registry", "-n", "shop", "-o", "jsonpath={.type}"])).stdout, "kubernetes.io/dockerconfigjson");
    admin.assertClean("registry Secret form");
  });

  test("a TLS Secret holds the certificate and key given", async () => {
    const ca = await createAuthority("forms-ca");
    const pair = await issueServingCert(ca, "shop.example.com", ["shop.example.com"]);
    const dialog = await openForm("secrets", "Secret", "shop-tls");
    await dialog.getByRole("combobox", { name: "Type" }).selectOption("kubernetes.io/tls");
    await dialog.getByRole("textbox", { name: /^Certificate/ }).fill(pair.cert);
    await dialog.getByRole("textbox", { name: /^Private key/ }).fill(pair.key);
    await create(dialog);
    await dialog.waitFor({ state: "detached" });
    assert.equal(await decoded(["get", "secret", "shop-tls", "-n", "shop", "-o", "jsonpath={.data.tls\\.crt}"]), pair.cert);
    assert.equal(await decoded(["get", "secret", "shop-tls", "-n", "shop", "-o", "jsonpath={.data.tls\\.key}"]), pair.key);
    admin.assertClean("TLS Secret form");
  });

  test("a PVC: no access mode is shown under Access modes, a size that is no quantity is not sent, then the claim is made", async () => {
    const dialog = await openForm("persistentvolumeclaims", "PersistentVolumeClaim", "data");
    const size = dialog.getByRole("textbox", { name: /^Storage size/ });
    await size.fill("2 GB");
    // resource.ParseQuantity refuses a space and "GB" (suffix.go): the member would refuse the whole request, no field named.
    await dialog.getByText("Not a quantity: 2 GB").waitFor();
    assert.equal(await dialog.getByRole("button", { name: "Create", exact: true }).isDisabled(), true);
    await size.fill("2Gi");
    await dialog.getByRole("checkbox", { name: "ReadWriteOnce", exact: true }).uncheck();
    await create(dialog);
    // ValidatePersistentVolumeClaimSpec: field.Required(accessModes, "at least 1 access mode is required").
    await causesOf(dialog, "pvc-modes").getByText(/^spec\.accessModes: .*at least 1 access mode is required/).waitFor();
    assert.equal((await kubectl(["get", "pvc", "data", "-n", "shop"], true)).code, 1, "the dry run stored nothing");
    await dialog.getByRole("checkbox", { name: "ReadWriteMany" }).check();
    await dialog.getByRole("combobox", { name: "Storage class" }).selectOption("fast");
    await dialog.getByRole("combobox", { name: "Volume mode" }).selectOption("Block");
    await checkAxe(admin, "PVC form");
    await admin.screenshot("resource-forms-pvc");
    await create(dialog);
    await dialog.waitFor({ state: "detached" });
    const got = await kubectl(["get", "pvc", "data", "-n", "shop", "-o", "jsonpath={.spec.accessModes[*]} {.spec.resources.requests.storage} {.spec.storageClassName} {.spec.volumeMode}"]);
    assert.equal(got.stdout, "ReadWriteMany 2Gi fast Block");
    admin.assertClean("PVC form");
  });

  test("an Ingress: a relative path is shown under its rule, then the rule to a Service picked from the namespace and TLS are stored", async () => {
    const dialog = await openForm("ingresses", "Ingress", "shop");
    await dialog.getByRole("textbox", { name: "Ingress class" }).fill("nginx");
    await dialog.getByRole("textbox", { name: "Host of rule 1" }).fill("shop.example.com");
    await dialog.getByRole("textbox", { name: "Path of rule 1" }).fill("api");
    await dialog.getByRole("combobox", { name: "Service of rule 1" }).selectOption("web");
    // The Service's one port is offered and taken (kubectl create service clusterip web --tcp=8080:80).
    assert.equal(await dialog.getByRole("combobox", { name: "Service port of rule 1" }).inputValue(), "8080");
    await create(dialog);
    // validateIngressRuleValue / validateHTTPIngressPath: a Prefix path must be absolute.
    await dialog.getByTestId("rule-1").getByTestId("field-causes").getByText(/^spec\.rules\[0\]\.http\.paths\[0\]\.path: .*must be an absolute path/).waitFor();
    assert.equal((await kubectl(["get", "ingress", "shop", "-n", "shop"], true)).code, 1, "the dry run stored nothing");
    await dialog.getByRole("textbox", { name: "Path of rule 1" }).fill("/api");
    await dialog.getByRole("textbox", { name: "TLS hosts" }).fill("shop.example.com");
    // The namespace's TLS Secrets are offered (shop-tls, made by the TLS Secret test)...
    const tlsSecret = dialog.getByRole("combobox", { name: "TLS Secret" });
    // Only type kubernetes.io/tls: not the Opaque "db" nor the registry Secret.
    assert.deepEqual(await tlsSecret.locator("option").allTextContents(), ["(none)", "shop-tls"]);
    await tlsSecret.selectOption("shop-tls");
    await checkAxe(admin, "Ingress form");
    await admin.screenshot("resource-forms-ingress");
    await create(dialog);
    await dialog.waitFor({ state: "detached" });
    const rule = "{.spec.rules[0].host} {.spec.rules[0].http.paths[0].path} {.spec.rules[0].http.paths[0].pathType}";
    const backend = "{.spec.rules[0].http.paths[0].backend.service.name} {.spec.rules[0].http.paths[0].backend.service.port.number}";
    const got = await kubectl(["get", "ingress", "shop", "-n", "shop", "-o", `jsonpath={.spec.ingressClassName} ${rule} ${backend} {.spec.tls[0].hosts[0]} {.spec.tls[0].secretName}`]);
    assert.equal(got.stdout, "nginx shop.example.com /api Prefix web 8080 shop.example.com shop-tls");
    // kubectl get ingress's PORTS: 80, 443 with TLS (printIngress: formatPorts).
    await admin.page.getByTestId("list-Ingress").locator('tr[data-row="shop/shop"]').getByText("80, 443").waitFor({ timeout: 30_000 });
    admin.assertClean("Ingress form");
  });

  test("a namespace viewer is offered no create form", async () => {
    const token = await addUser(c.t, "viewer", [{ role: "NSViewer", cluster: "dev", namespace: "shop" }]);
    await until("the viewer's member RBAC", async () => (await c.t.call("GET", "/clusters/dev/namespaces/shop/ingresses/shop", undefined, token)).status === 200, 30_000);
    const viewer = await openPage(c.browser!, c.t.platform.url);
    try {
      await login(viewer, "viewer", "viewer-password-1");
      // workloads.edit is not the NSViewer's (GET /me), as for the ConfigMap and Service forms; nor is the Secrets tab.
      for (const [plural, kind, row] of [["ingresses", "Ingress", "shop/shop"], ["persistentvolumeclaims", "PersistentVolumeClaim", "shop/data"]]) {
        await viewer.page.goto(`/clusters/dev/resources/${plural}?namespace=shop`);
        await viewer.page.getByTestId(`list-${kind}`).locator(`tr[data-row="${row}"]`).waitFor();
        assert.equal(await viewer.page.getByRole("button", { name: "Create by form" }).count(), 0, plural);
      }
      assert.equal(await viewer.page.getByRole("tab", { name: "Secrets" }).count(), 0);
      viewer.assertClean("viewer");
    } finally {
      await viewer.close();
    }
  });
});
