// Every REST route answers a user without any role with 403 and a message
// that names the user, except the self-service ones (its own identity,
// tokens and bindings, and lists filtered to what it may see). The routes
// come from /openapi.json, so a new route is checked as soon as it exists:
// it needs a preHandler (or an entry below saying why not).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";

/** Routes a user with no role may call, and what it gets. */
const SELF_SERVICE: Record<string, number> = {
  "POST /apis/kpanda.io/v1alpha1/login": 401, // public: the body's made-up password is refused
  "POST /apis/kpanda.io/v1alpha1/logout": 204, // public: it only clears the caller's own session cookie
  "GET /readyz": 200, // public, as kube-apiserver's
  "GET /apis/kpanda.io/v1alpha1/me": 200,
  "POST /apis/kpanda.io/v1alpha1/tokens": 201, // its own
  "GET /apis/kpanda.io/v1alpha1/tokens": 200, // its own
  "DELETE /apis/kpanda.io/v1alpha1/tokens/{name}": 204, // its own (the one the POST above made)
  "GET /apis/kpanda.io/v1alpha1/rolebindings": 200, // its own and those it may manage
  "DELETE /apis/kpanda.io/v1alpha1/rolebindings/{name}": 404, // who may revoke depends on the binding
  "GET /apis/kpanda.io/v1alpha1/clusters": 200, // those it has a role in
  "GET /apis/kpanda.io/v1alpha1/clustersummary": 200, // likewise
};

/** The cross-cluster lists of the cache (/asl/…) list what the caller may see: nothing, for a user without roles. */
const selfService = (key: string): number | undefined => SELF_SERVICE[key] ?? (key.startsWith("GET /apis/kpanda.io/v1alpha1/asl/") ? 200 : undefined);

type Schema = { type?: string; enum?: unknown[]; required?: string[]; properties?: Record<string, Schema>; minimum?: number };

/** A minimal body that passes the route's schema, so the answer shows its authorization, not its validation. */
function sample(s: Schema | undefined): unknown {
  if (!s) return undefined;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case "object":
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k]) ?? "x"]));
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    case "array":
      return [];
    default:
      return "x";
  }
}

/** A call outside the API prefix (/readyz, /metrics), as the stranger. */
async function outside(method: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.platform.url}${path}`, { method, headers: { authorization: `Bearer ${stranger}` } });
  const text = await res.text();
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

let t: TestPlatform;
let stranger: string;
before(async () => {
  t = await startTestPlatform();
  await t.call("POST", "/users", { name: "stranger", password: "stranger-password" }, await t.adminToken());
  stranger = await t.login("stranger", "stranger-password");
});
after(() => t?.close());

it("refuses a user without roles on every route but the self-service ones, with 403 naming the user", async () => {
  const doc = (await (await fetch(`${t.platform.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  const seen: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${path}`;
      const url = path.replace(/\{(\w+)\}/g, (_, p) => (p === "cluster" ? "dev" : "x"));
      const body = sample(op.requestBody?.content?.["application/json"]?.schema);
      const r = url.startsWith("/apis/")
        ? await t.call(method.toUpperCase(), url, body, stranger)
        : await outside(method.toUpperCase(), url);
      seen.push(key);
      const expected = selfService(key);
      if (expected !== undefined) {
        assert.equal(r.status, expected, `${key}: ${JSON.stringify(r.body)}`);
        if (key.includes("/asl/")) assert.equal(r.body.pagination.total, 0, key);
        continue;
      }
      assert.equal(r.status, 403, `${key} answered ${r.status}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.reason, "Forbidden", key);
      assert.match(r.body.message, /^user "stranger" /, key);
    }
  }
  // The sweep covered the access routes and the other parts' (guards against an empty document).
  for (const k of ["POST /apis/kpanda.io/v1alpha1/rolebindings", "POST /apis/kpanda.io/v1alpha1/users", "DELETE /apis/kpanda.io/v1alpha1/clusters/{name}"]) {
    assert.ok(seen.includes(k), k);
  }
});
