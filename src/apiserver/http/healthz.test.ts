// The health endpoints' answers, case by case as kube's own table test
// checks them (staging/src/k8s.io/apiserver/pkg/server/healthz/
// healthz_test.go testMultipleChecks: ping plus a check "bad" that fails
// with "this will fail"), served over a real loopback HTTP server.
import assert from "node:assert/strict";
import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { type HealthChecks, PING, serveHealth } from "./healthz.ts";

const BAD = { name: "bad", check: () => new Error("this will fail") };
let checks: HealthChecks = { healthz: [PING], livez: [PING], readyz: [PING] };
let server: Server;
let base = "";

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    serveHealth(res, url.pathname, url.searchParams, checks);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fetchText(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on("error", reject);
  });
}

// [query, expected body, expected status, with the bad check] — healthz_test.go's table.
const CASES: [string, (name: string) => string, number, boolean][] = [
  ["?verbose", (n) => `[+]ping ok\n${n} check passed\n`, 200, false],
  ["?exclude=dontexist", () => "ok", 200, false],
  ["?exclude=bad", () => "ok", 200, true],
  ["?verbose=true&exclude=bad", (n) => `[+]ping ok\n[+]bad excluded: ok\n${n} check passed\n`, 200, true],
  [
    "?verbose=true&exclude=dontexist",
    (n) => `[+]ping ok\nwarn: some health checks cannot be excluded: no matches for "dontexist"\n${n} check passed\n`,
    200,
    false,
  ],
  ["/ping", () => "ok", 200, false],
  ["", () => "ok", 200, false],
  ["?verbose", (n) => `[+]ping ok\n[-]bad failed: reason withheld\n${n} check failed\n`, 500, true],
  ["/ping", () => "ok", 200, true],
  ["/bad", () => "internal server error: this will fail\n", 500, true],
  ["", (n) => `[+]ping ok\n[-]bad failed: reason withheld\n${n} check failed\n`, 500, true],
];

for (const endpoint of ["healthz", "livez", "readyz"]) {
  test(`/${endpoint} answers kube's healthz table: verbose, exclude, single checks and failures`, async () => {
    for (const [query, body, status, withBad] of CASES) {
      const list = withBad ? [PING, BAD] : [PING];
      checks = { healthz: list, livez: list, readyz: list };
      const r = await fetchText(`/${endpoint}${query}`);
      assert.equal(r.status, status, `${endpoint}${query}`);
      assert.equal(r.body, body(endpoint), `${endpoint}${query}`);
      assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    }
  });
}

test("unmatched excludes are listed sorted and comma-joined; the root sets nosniff", async () => {
  checks = { healthz: [PING], livez: [PING], readyz: [PING] };
  const r = await fetchText("/readyz?verbose&exclude=zeta&exclude=alpha");
  // formatQuoted(excluded.List()...): sets.String.List() is sorted.
  assert.equal(r.body, '[+]ping ok\nwarn: some health checks cannot be excluded: no matches for "alpha","zeta"\nreadyz check passed\n');
  assert.equal(r.headers["x-content-type-options"], "nosniff");
});

test("an unknown check below an endpoint is 404 page not found", async () => {
  checks = { healthz: [PING], livez: [PING], readyz: [PING] };
  for (const path of ["/healthz/nope", "/readyz/", "/livez/ping/more"]) {
    const r = await fetchText(path);
    assert.equal(r.status, 404, path);
    // Go's http.NotFound, what v1.32's notfoundhandler answers.
    assert.equal(r.body, "404 page not found\n", path);
  }
});
