// The console at /: the build's files, index.html for the console's own
// routes, JSON 404s for unknown API paths, and no authentication for any of it.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { brotliCompressSync, brotliDecompressSync } from "node:zlib";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { registerConsole } from "../../src/platform/http/console.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

let dir: string;
let app: FastifyInstance;
let base: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpanda-console-"));
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>kpanda</title>");
  await writeFile(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  await writeFile(join(dir, "logo.svg"), "<svg/>");
  await writeFile(join(dir, "assets", "index-abc123.css"), "body{}".repeat(500));
  await writeFile(join(dir, "assets", "index-abc123.css.br"), brotliCompressSync("body{}".repeat(500)));
  app = Fastify();
  await registerConsole(app, dir);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

after(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

test("the console's routes answer index.html, never cached, with a content security policy", async () => {
  for (const path of ["/", "/clusters", "/clusters/prod/nodes/node-1", "/access/users?x=1"]) {
    const r = await fetch(base + path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(r.headers.get("cache-control"), "no-cache");
    assert.match(r.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await r.text(), /<title>kpanda<\/title>/);
  }
});

test("built assets are served as files, hashed ones cached for good", async () => {
  const js = await fetch(`${base}/assets/index-abc123.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /javascript/);
  assert.match(js.headers.get("cache-control") ?? "", /immutable/);
  const svg = await fetch(`${base}/logo.svg`);
  assert.equal(svg.status, 200);
  assert.doesNotMatch(svg.headers.get("cache-control") ?? "", /immutable/);
});

test("a browser that accepts brotli gets the precompressed copy; others the file itself", async () => {
  const br = await app.inject({ method: "GET", url: "/assets/index-abc123.css", headers: { "accept-encoding": "gzip, br" } });
  assert.equal(br.statusCode, 200);
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(brotliDecompressSync(br.rawPayload).toString(), "body{}".repeat(500));
  const plain = await app.inject({ method: "GET", url: "/assets/index-abc123.css", headers: { "accept-encoding": "identity" } });
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.body, "body{}".repeat(500));
});

test("a missing asset, an API path or a path outside the build is a 404, not the page", async () => {
  for (const path of ["/assets/gone.js", "/missing.css", "/apis/kpanda.io/v1alpha1/nothing", "/k8s/x"]) {
    const r = await fetch(base + path);
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
  // Dot segments, plain or escaped: nothing outside the build is served (at most the console's page).
  for (const url of ["/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/../../package.json", "/..%2f..%2fpackage.json", "/%2e%2e/%2e%2e/package.json"]) {
    const r = await app.inject({ method: "GET", url });
    assert.ok(r.statusCode === 404 || r.body.includes("<title>kpanda</title>"), `${url}: ${r.statusCode}`);
    assert.doesNotMatch(r.body, /root:|"dependencies"/);
  }
});

test("without a build the console's routes say how to build it", async () => {
  const empty = await mkdtemp(join(tmpdir(), "kpanda-console-empty-"));
  const bare = Fastify();
  await registerConsole(bare, empty);
  const r = await bare.inject({ method: "GET", url: "/clusters" });
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run build:web/);
  await bare.close();
  await rm(empty, { recursive: true, force: true });
});

test("kpanda serve serves the console without a token and keeps JSON 404s for unknown API paths", async () => {
  const t: TestPlatform = await startTestPlatform();
  try {
    const page = await fetch(`${t.platform.url}/clusters/prod`);
    // 200 with a build in web/dist, 503 without one; never a 401.
    assert.ok([200, 503].includes(page.status), `status ${page.status}`);
    await page.body?.cancel();
    const api = await t.call("GET", "/nothing-here", undefined, await t.adminToken());
    assert.equal(api.status, 404);
    assert.equal(api.body.reason, "NotFound");
    const health = await fetch(`${t.platform.url}/healthz`);
    assert.equal(await health.text(), "ok");
  } finally {
    await t.close();
  }
});
