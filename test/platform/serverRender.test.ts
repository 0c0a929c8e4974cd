// First pages rendered by kpanda serve: login's session cookie, the page
// rendered with what the API shows that user (and nothing else), the cookie
// refused everywhere but the console's pages, and plain index.html whenever
// the cookie is missing, stale or not a console session's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { withRenderedPage } from "../../src/platform/http/serverRender.ts";
import { DIST_DIR, ensureConsoleBuilt } from "../../web/build.ts";
import { startWithMembers, type WithMembers } from "./members.ts";

let t: WithMembers;
let admin: string;
const CLUSTERS = ["sim-1", "sim-2"];

before(async () => {
  await ensureConsoleBuilt({ quiet: true });
  t = await startWithMembers({ clusters: 2, nodes: 1 });
  admin = await t.adminToken();
});

after(async () => {
  await t?.close();
  await t?.sim.stop();
});

const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  fetch(`${t.platform.url}${path}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

/** The JSON block the rendered page carries (web/src/ssr/adopt.ts), or undefined. */
function carried(html: string): any {
  const m = html.match(/<script id="kpanda-ssr" type="application\/json">(.*?)<\/script>/s);
  return m ? JSON.parse(m[1]) : undefined;
}

/** The names in the rendered cluster table's rows. */
function clusterRows(html: string): string[] {
  return [...html.matchAll(/<tr[^>]*data-row[^>]*>.*?<\/tr>/gs)].map((m) => CLUSTERS.find((c) => m[0].includes(`>${c}<`)) ?? "?").sort();
}

test("login sets an HttpOnly, Secure, SameSite=Strict session cookie, and logout clears it", async () => {
  const r = await fetch(`${t.platform.url}/apis/kpanda.io/v1alpha1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: t.adminPassword }),
  });
  const body = (await r.json()) as { token: string };
  const cookie = r.headers.get("set-cookie") ?? "";
  assert.match(cookie, new RegExp(`^kpanda_session=${body.token.replace(/\./g, "\\.")};`));
  for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"]) assert.ok(cookie.includes(attr), `${attr} in ${cookie}`);
  const out = await fetch(`${t.platform.url}/apis/kpanda.io/v1alpha1/logout`, { method: "POST" });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("set-cookie") ?? "", /^kpanda_session=;.*Max-Age=0/);
});

test("with the session cookie the overview comes rendered with the clusters' rows, and is never stored", async () => {
  const r = await page("/clusters", `kpanda_session=${admin}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.match(r.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  // Where its time went, as the browser's developer tools show it (Server-Timing).
  assert.match(r.headers.get("server-timing") ?? "", /^reads;dur=[\d.]+, render;dur=[\d.]+, styles;dur=[\d.]+, total;dur=[\d.]+$/);
  const html = await r.text();
  assert.deepEqual(clusterRows(html), CLUSTERS);
  // Inert until the console takes over; styled at once, by the rules it needs in the page itself.
  // The whole stylesheet neither holds its first paint back nor comes meanwhile: the page names it,
  // for the console to ask for after the first frame.
  assert.match(html, /<div id="root"><div inert/);
  assert.match(html, /<style id="kpanda-ssr-styles" data-sheet="\/assets\/style-[\w-]+\.css">.*?\.pf-v6-c-table\{.*?<\/style>/s);
  assert.doesNotMatch(html, /<link rel="stylesheet"/);
  assert.doesNotMatch(html, /<link rel="preload" as="style"/);
  const state = carried(html);
  assert.equal(state.session.user, "admin");
  assert.equal(state.session.token, admin);
  assert.ok(state.queries.queries.some((q: any) => q.queryKey[0] === "me" && q.state.data.name === "admin"));
});

test("a rendered page comes compressed as the browser accepts: brotli, gzip, or not at all", async () => {
  const cookie = `kpanda_session=${admin}`;
  const encoded = async (accept: string) => {
    const r = await page("/clusters", cookie, { "accept-encoding": accept });
    // fetch decodes what it was sent: the rows must survive the encoding.
    return { encoding: r.headers.get("content-encoding"), vary: r.headers.get("vary"), rows: clusterRows(await r.text()) };
  };
  assert.deepEqual(await encoded("gzip, deflate, br, zstd"), { encoding: "br", vary: "accept-encoding", rows: CLUSTERS });
  assert.deepEqual(await encoded("gzip"), { encoding: "gzip", vary: "accept-encoding", rows: CLUSTERS });
  assert.deepEqual(await encoded("identity"), { encoding: null, vary: "accept-encoding", rows: CLUSTERS });
});

test("a rendered page shows what the API shows its user, and no more", async () => {
  const viewer = await t.addUser("ssr-viewer", [{ role: "NSViewer", cluster: "sim-2", namespace: "default" }]);
  const api = await t.call("GET", "/clustersummary?pageSize=50", undefined, viewer);
  assert.equal(api.status, 200);
  const html = await (await page("/clusters", `kpanda_session=${viewer}`)).text();
  assert.deepEqual(clusterRows(html), api.body.items.map((c: any) => c.cluster).sort());
  assert.deepEqual(clusterRows(html), ["sim-2"]);
  assert.equal(carried(html).session.user, "ssr-viewer");
});

test("the page is rendered in the language the console chose, else the browser's", async () => {
  const zh = await (await page("/clusters", `kpanda_session=${admin}; kpanda_lang=zh`)).text();
  assert.match(zh, /<html lang="zh-CN">/);
  assert.equal(carried(zh).lang, "zh");
  assert.match(zh, /集群/);
  const browserZh = await (await page("/clusters", `kpanda_session=${admin}`, { "accept-language": "zh-CN,zh;q=0.9" })).text();
  assert.equal(carried(browserZh).lang, "zh");
  const chosenEn = await (await page("/clusters", `kpanda_session=${admin}; kpanda_lang=en`, { "accept-language": "zh-CN" })).text();
  assert.equal(carried(chosenEn).lang, "en");
});

test("without a valid console session cookie the page is plain index.html, and a stale cookie is cleared", async () => {
  const kubeconfigToken = (await t.call("GET", "/clusters/sim-1/kubeconfig", undefined, admin)).body.match(/token: (\S+)/)?.[1];
  assert.ok(kubeconfigToken, "a kubeconfig token");
  for (const cookie of [undefined, "kpanda_session=kp1.forged.token", `kpanda_session=${kubeconfigToken}`, "other=1"]) {
    const r = await page("/clusters", cookie);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("cache-control"), "no-cache", String(cookie));
    const html = await r.text();
    assert.match(html, /<div id="root"><\/div>/);
    assert.equal(carried(html), undefined);
    if (cookie?.startsWith("kpanda_session=")) assert.match(r.headers.get("set-cookie") ?? "", /^kpanda_session=;.*Max-Age=0/, cookie);
  }
  // The login page is the same for everyone.
  const login = await (await page("/login", `kpanda_session=${admin}`)).text();
  assert.equal(carried(login), undefined);
});

test("the API and the Kubernetes proxy never accept the cookie: only a bearer token", async () => {
  const me = await page("/apis/kpanda.io/v1alpha1/me", `kpanda_session=${admin}`);
  assert.equal(me.status, 401);
  await me.body?.cancel();
  const proxied = await page("/k8s/clusters/sim-1/api/v1/namespaces", `kpanda_session=${admin}`);
  assert.equal(proxied.status, 401);
  await proxied.body?.cancel();
});

test("what the page carries cannot end its script block: a cluster alias with </script> stays data", async () => {
  const alias = "</script><script>alert(1)</script>";
  const put = await t.call("PUT", "/clusters/sim-1", { alias }, admin);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  try {
    const html = await (await page("/clusters", `kpanda_session=${admin}`)).text();
    assert.ok(!html.includes(alias), "the alias appears only escaped");
    assert.equal(html.match(/<script/g)?.length, html.match(/<\/script>/g)?.length);
    const rows = carried(html).queries.queries.flatMap((q: any) => q.state.data?.items ?? []);
    assert.ok(rows.some((c: any) => c.alias === alias), "the alias travels as it is, as data");
  } finally {
    await t.call("PUT", "/clusters/sim-1", { alias: "" }, admin);
  }
});

/** A page that carries the session alone: the console renders it (a new tab still adopts the session). */
function sessionOnly(html: string): void {
  assert.match(html, /<div id="root"><\/div>/);
  assert.match(html, /<link rel="preload" as="style"/);
  assert.equal(carried(html).session.user, "admin");
  assert.deepEqual(carried(html).queries.queries, []);
}

test("a page of more than 100 rows is left to the browser, with the session; up to 100 it comes rendered", async () => {
  sessionOnly(await (await page("/search?kind=nodes&pageSize=500", `kpanda_session=${admin}`)).text());
  const fifty = await (await page("/search?kind=nodes&pageSize=50", `kpanda_session=${admin}`)).text();
  assert.match(fifty, /<div id="root"><div inert/);
});

test("a browser that has this build's scripts gets the session alone; one with another build's gets the page rendered", async () => {
  const index = await (await page("/clusters")).text();
  const entry = /src="\/assets\/(index-[\w-]+)\.js"/.exec(index)?.[1];
  assert.ok(entry, index);
  const r = await page("/clusters", `kpanda_session=${admin}; kpanda_scripts=${entry}`);
  assert.equal(r.headers.get("cache-control"), "no-store");
  sessionOnly(await r.text());
  const old = await (await page("/clusters", `kpanda_session=${admin}; kpanda_scripts=index-0ld8uild`)).text();
  assert.deepEqual(clusterRows(old), CLUSTERS);
});

test("an index.html without the tags a served page fills in gives no served page rather than a broken one", async () => {
  const built = await readFile(join(DIST_DIR, "index.html"), "utf8");
  assert.match(withRenderedPage(built, "<p>rows</p>", {}, "en") ?? "", /<div id="root"><div inert[^>]*><p>rows<\/p><\/div><\/div>/);
  const other = built.replace('<div id="root"></div>', '<div id="app"></div>');
  assert.equal(withRenderedPage(other, "<p>rows</p>", {}, "en"), undefined);
});

test("a served page without styles of its own (no index of the stylesheet) links the whole sheet render-blocking", async () => {
  const built = await readFile(join(DIST_DIR, "index.html"), "utf8");
  const plain = withRenderedPage(built, "<p>rows</p>", {}, "en") ?? "";
  assert.match(plain, /<link rel="stylesheet" crossorigin href="\/assets\/[^"]+\.css">/);
  assert.doesNotMatch(plain, /<style/);
  const styled = withRenderedPage(built, "<p>rows</p>", {}, "en", "p{color:red}") ?? "";
  assert.match(styled, /<style id="kpanda-ssr-styles" data-sheet="\/assets\/style-[\w-]+\.css">p\{color:red\}<\/style><\/head>/);
  assert.doesNotMatch(styled, /<link rel="stylesheet"/);
  // Styles that could end their element early are not put in the page: the sheet is linked instead.
  const unsafe = withRenderedPage(built, "<p>rows</p>", {}, "en", "p{content:'</style><script>'}") ?? "";
  assert.doesNotMatch(unsafe, /<style/);
  assert.match(unsafe, /<link rel="stylesheet"/);
});
