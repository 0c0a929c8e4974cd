// Bad requests over HTTPS, straight to our server: each gets a Status with
// the code and reason kube-apiserver gives, stores nothing, and the server
// keeps serving.
import assert from "node:assert/strict";
import type { ClientRequest } from "node:http";
import { Agent, request } from "node:https";
import { after, before, test } from "node:test";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";

let server: ApiServer;
before(async () => {
  server = await startApiServer({ port: 0 });
});
after(() => server.close());

type Reply = { status: number; contentType: string; body: any };
type Call = { body?: string; contentType?: string; cert?: boolean; chunked?: boolean };

function call(method: string, path: string, opts: Call = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: "application/json" };
    if (opts.contentType) headers["content-type"] = opts.contentType;
    if (opts.body !== undefined && !opts.chunked) headers["content-length"] = Buffer.byteLength(opts.body);
    const req = request(
      `${server.url}${path}`,
      {
        method,
        headers,
        ca: server.pki.ca.cert,
        ...(opts.cert === false ? {} : { cert: server.admin.cert, key: server.admin.key }),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body,
          });
        });
      },
    );
    req.on("error", reject);
    sendBody(req, opts);
  });
}

/** Ends a request with its body; a chunked one goes in two writes, so Node sends no Content-Length. */
function sendBody(req: ClientRequest, opts: Call): void {
  if (opts.body === undefined) req.end();
  else if (!opts.chunked) req.end(opts.body);
  else {
    req.write(opts.body.slice(0, 1024));
    req.end(opts.body.slice(1024));
  }
}

const NS = "default";
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;

function assertStatus(reply: Reply, code: number, reason: string): void {
  assert.equal(reply.status, code, JSON.stringify(reply.body));
  assert.match(reply.contentType, /^application\/json/);
  assert.equal(reply.body.kind, "Status");
  assert.equal(reply.body.apiVersion, "v1");
  assert.equal(reply.body.status, "Failure");
  assert.equal(reply.body.code, code);
  assert.equal(reply.body.reason, reason);
  assert.equal(typeof reply.body.message, "string");
}

/** The names of the ConfigMaps in NS, which every bad write must leave alone; also proves the server still answers. */
async function configMapNames(): Promise<string[]> {
  const list = await call("GET", CM_PATH);
  assert.equal(list.status, 200);
  return list.body.items.map((i: any) => i.metadata.name).sort();
}

const configMap = (name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { a: "b" },
});

test("malformed JSON answers 400 BadRequest and stores nothing", async () => {
  const before = await configMapNames();
  const reply = await call("POST", CM_PATH, {
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"half"',
    contentType: "application/json",
  });
  assertStatus(reply, 400, "BadRequest");
  assert.deepEqual(await configMapNames(), before);
});

test("malformed YAML answers 400 BadRequest and stores nothing", async () => {
  const before = await configMapNames();
  const reply = await call("POST", CM_PATH, {
    body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n",
    contentType: "application/yaml",
  });
  assertStatus(reply, 400, "BadRequest");
  assert.deepEqual(await configMapNames(), before);
});

test("a body in an unsupported Content-Type answers 415 UnsupportedMediaType", async () => {
  const before = await configMapNames();
  const reply = await call("POST", CM_PATH, {
    body: JSON.stringify(configMap("texty")),
    contentType: "text/plain",
  });
  assertStatus(reply, 415, "UnsupportedMediaType");
  assert.deepEqual(await configMapNames(), before);
});

test("a body over 3 MiB answers 413 RequestEntityTooLarge, declared or chunked", async () => {
  const before = await configMapNames();
  const big = JSON.stringify({ ...configMap("huge"), data: { blob: "x".repeat(3 * 1024 * 1024) } });
  const declared = await call("POST", CM_PATH, { body: big, contentType: "application/json" });
  assertStatus(declared, 413, "RequestEntityTooLarge");
  assert.deepEqual(await configMapNames(), before);

  const chunked = await call("POST", CM_PATH, { body: big, contentType: "application/json", chunked: true });
  assertStatus(chunked, 413, "RequestEntityTooLarge");
  assert.deepEqual(await configMapNames(), before);
});

test("after a 413 for an oversized body the keep-alive connection serves the next request", async () => {
  // kube-apiserver reads at most limit+1 bytes (limitedReadBody, handlers/rest.go); over
  // HTTP/2, which kubectl speaks to it, only that stream ends. Ours reads the rest and
  // drops it, so the client gets the 413 rather than "connection reset by peer".
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.pki.ca.cert, cert: server.admin.cert, key: server.admin.key });
  try {
    const big = JSON.stringify({ ...configMap("huge"), data: { blob: "x".repeat(5 * 1024 * 1024) } });
    const cmPatch = JSON.stringify({ data: { blob: "x".repeat(5 * 1024 * 1024) } });
    const requests: [string, string, Call][] = [
      ["POST", CM_PATH, { body: big, contentType: "application/json" }],
      ["POST", CM_PATH, { body: big, contentType: "application/json", chunked: true }],
      ["PATCH", `${CM_PATH}/absent`, { body: cmPatch, contentType: "application/merge-patch+json", chunked: true }],
    ];
    for (const [method, path, opts] of requests) {
      const tooLarge = await onAgent(agent, method, path, opts);
      assert.equal(tooLarge.status, 413, `${method} chunked=${Boolean(opts.chunked)}`);
      assert.equal(tooLarge.body.message, "Request entity too large: limit is 3145728");
      const next = await onAgent(agent, "GET", CM_PATH, {});
      assert.equal(next.status, 200);
      assert.equal(next.port, tooLarge.port, `the request after ${method} chunked=${Boolean(opts.chunked)} went over the same connection`);
    }
  } finally {
    agent.destroy();
  }
});

function onAgent(agent: Agent, method: string, path: string, opts: Call): Promise<{ status: number; body: any; port: number | undefined }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (opts.contentType) headers["content-type"] = opts.contentType;
    const req = request(`${server.url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        resolve({ status: res.statusCode ?? 0, body, port: req.socket?.localPort });
      });
    });
    req.on("error", reject);
    sendBody(req, opts);
  });
}

test("an unknown resource or group answers 404 NotFound", async () => {
  assertStatus(await call("GET", `/api/v1/namespaces/${NS}/gizmos`), 404, "NotFound");
  assertStatus(await call("GET", "/apis/nonexistent.example.com/v1/things"), 404, "NotFound");
  assertStatus(await call("GET", "/apis/nonexistent.example.com"), 404, "NotFound");
  const post = await call("POST", `/api/v1/namespaces/${NS}/gizmos`, {
    body: JSON.stringify({ apiVersion: "v1", kind: "Gizmo", metadata: { name: "g" } }),
    contentType: "application/json",
  });
  assertStatus(post, 404, "NotFound");
  await configMapNames();
});

test("an invalid label selector answers 400 BadRequest", async () => {
  const reply = await call("GET", `${CM_PATH}?labelSelector=${encodeURIComponent("tier in (web")}`);
  assertStatus(reply, 400, "BadRequest");
  assert.match(reply.body.message, /unable to parse requirement/);
  await configMapNames();
});

test("a name longer than 253 characters answers 422 Invalid with a field cause", async () => {
  const before = await configMapNames();
  const name = "a".repeat(254);
  const reply = await call("POST", CM_PATH, {
    body: JSON.stringify(configMap(name)),
    contentType: "application/json",
  });
  assertStatus(reply, 422, "Invalid");
  // Invalid names the kind (not the resource) in its details, as NewInvalid does.
  assert.equal(reply.body.details.kind, "ConfigMap");
  assert.equal(reply.body.details.name, name);
  assert.ok(
    reply.body.details.causes.some(
      (c: any) => c.field === "metadata.name" && c.reason === "FieldValueInvalid",
    ),
    JSON.stringify(reply.body.details),
  );
  assert.match(reply.body.message, /must be no more than 253 characters/);
  assert.deepEqual(await configMapNames(), before);
});

test("a request without a client certificate answers 401 Unauthorized", async () => {
  const reply = await call("GET", CM_PATH, { cert: false });
  assertStatus(reply, 401, "Unauthorized");
  const write = await call("POST", CM_PATH, {
    cert: false,
    body: JSON.stringify(configMap("anon")),
    contentType: "application/json",
  });
  assertStatus(write, 401, "Unauthorized");
  assert.ok(!(await configMapNames()).includes("anon"));
});
