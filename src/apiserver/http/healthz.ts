// /healthz, /livez and /readyz, as kube-apiserver serves them
// (staging/src/k8s.io/apiserver/pkg/server/healthz/healthz.go):
//  - the root runs every check of its list in order. All passing: 200 "ok",
//    or with `?verbose` (present, whatever its value) one line per check,
//    "[+]<name> ok", then "<endpoint> check passed". One failing: 500 with
//    the lines always, "[-]<name> failed: reason withheld" for the failed
//    ones (the reason goes to the log only), then "<endpoint> check failed";
//  - `?exclude=<name>` (repeatable) skips a check: "[+]<name> excluded: ok";
//    names that match no check are listed, sorted, in
//    `warn: some health checks cannot be excluded: no matches for "a","b"`;
//  - /<endpoint>/<check> runs that one check: 200 "ok", or 500
//    "internal server error: <reason>"; any other sub-path is 404. In v1.32
//    that is the delegation chain's last handler, notfoundhandler, whose
//    http.NotFound answers "404 page not found" (v1.20's answered a list
//    of paths instead).
import type { ServerResponse } from "node:http";

/** A named check: returns nothing when healthy, throws (or returns an Error) when not. */
export type HealthCheck = { name: string; check(): Error | undefined };

/** The checks of each endpoint, in the order they are run and listed. */
export type HealthChecks = { healthz: HealthCheck[]; livez: HealthCheck[]; readyz: HealthCheck[] };

export const PING: HealthCheck = { name: "ping", check: () => undefined };

const ENDPOINT = /^\/(healthz|livez|readyz)(\/.*)?$/;

/** Whether `path` is a health endpoint or below one. */
export function isHealthPath(path: string): boolean {
  return ENDPOINT.test(path);
}

function run(c: HealthCheck): Error | undefined {
  try {
    return c.check();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function text(res: ServerResponse, code: number, body: string, nosniff: boolean): void {
  const headers: Record<string, string> = {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-cache, private",
    "Content-Length": String(Buffer.byteLength(body)),
  };
  if (nosniff) headers["X-Content-Type-Options"] = "nosniff";
  res.writeHead(code, headers);
  res.end(body);
}

type Failure = { name: string; error: Error };

/** Answers a request for a health path (isHealthPath); `onFailure` hears the reasons withheld from the body. */
export function serveHealth(
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  checks: HealthChecks,
  onFailure?: (endpoint: string, failures: Failure[]) => void,
): void {
  const [, endpoint, sub] = ENDPOINT.exec(path) as RegExpExecArray;
  const list = checks[endpoint as keyof HealthChecks];
  if (sub !== undefined) serveOne(res, list, sub);
  else serveAll(res, endpoint, list, query, onFailure);
}

function serveOne(res: ServerResponse, list: HealthCheck[], sub: string): void {
  const one = list.find((c) => `/${c.name}` === sub);
  if (!one) {
    // http.NotFound (Go net/http) also sets nosniff.
    text(res, 404, "404 page not found\n", true);
    return;
  }
  const err = run(one);
  // http.Error sets nosniff and adds a newline; a passing single check prints "ok" bare.
  if (err) text(res, 500, `internal server error: ${err.message}\n`, true);
  else text(res, 200, "ok", false);
}

function serveAll(
  res: ServerResponse,
  endpoint: string,
  list: HealthCheck[],
  query: URLSearchParams,
  onFailure?: (endpoint: string, failures: Failure[]) => void,
): void {
  const excluded = new Set(query.getAll("exclude"));
  const failures: Failure[] = [];
  let out = "";
  for (const c of list) {
    if (excluded.delete(c.name)) {
      out += `[+]${c.name} excluded: ok\n`;
      continue;
    }
    const err = run(c);
    if (err) failures.push({ name: c.name, error: err });
    out += err ? `[-]${c.name} failed: reason withheld\n` : `[+]${c.name} ok\n`;
  }
  if (excluded.size > 0) {
    const names = [...excluded].sort().map((n) => JSON.stringify(n));
    out += `warn: some health checks cannot be excluded: no matches for ${names.join(",")}\n`;
  }
  if (failures.length > 0) {
    onFailure?.(endpoint, failures);
    text(res, 500, `${out}${endpoint} check failed\n`, true);
    return;
  }
  text(res, 200, query.has("verbose") ? `${out}${endpoint} check passed\n` : "ok", true);
}
