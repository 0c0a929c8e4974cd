// GET /openapi/v2 content negotiation and caching, as kube-openapi's handler
// in v1.32 (pkg/handler/handler.go RegisterOpenAPIVersionedService).
// A real v1.20.2 server differs where kube-openapi changed since: it answers
// the protobuf with Content-Type application/octet-stream, gives it an ETag
// of its own, and answers 406 to the `.v1.0+protobuf` subtype, which came
// later. We follow v1.32.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { after, before, test } from "node:test";
import protobuf from "protobufjs";
import { type Cluster, startCluster } from "./harness.ts";

const DEPRECATED = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
const CURRENT = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

function get(path: string, headers: Record<string, string>): Promise<Reply> {
  const server = cluster.server!;
  return new Promise((resolve, reject) => {
    const opts = { ca: server.pki.ca.cert, cert: server.admin.cert, key: server.admin.key, headers, agent: false };
    const req = request(new URL(path, server.url), opts, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const protoRoot = protobuf.parse(
  readFileSync(new URL("../src/apiserver/openapi/openapiv2.proto", import.meta.url), "utf8"),
  { keepCase: true },
).root;

test("the protobuf Accept kubectl 1.27 sends gets gnostic's Document, under the current media type", async (t) => {
  if (!cluster.server) return t.skip("v1.32 behaviour; see the header");
  // Both subtypes are accepted and both answer application/com.github.proto-openapi.spec.v2.v1.0+protobuf.
  for (const accept of [DEPRECATED, CURRENT]) {
    const r = await get("/openapi/v2", { Accept: accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], CURRENT);
    assert.equal(r.headers.vary, "Accept");
    const Document = protoRoot.lookupType("openapi.v2.Document");
    const doc: any = Document.toObject(Document.decode(r.body), { defaults: false });
    assert.equal(doc.swagger, "2.0");
    assert.ok(doc.definitions.additional_properties.some((d: any) => d.name === "io.k8s.api.apps.v1.Deployment"));
  }
});

test("JSON and protobuf share one ETag, the quoted upper-case SHA-512 of the JSON, and If-None-Match answers 304", async (t) => {
  if (!cluster.server) return t.skip("v1.32 behaviour; see the header");
  const json = await get("/openapi/v2", { Accept: "application/json" });
  assert.equal(json.headers["content-type"], "application/json");
  const etag = json.headers.etag as string;
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  const pb = await get("/openapi/v2", { Accept: DEPRECATED });
  // "We can re-use the same etag as json because of the Vary header." (handler.go)
  assert.equal(pb.headers.etag, etag);
  // http.ServeContent: a matching If-None-Match is 304 Not Modified, with no body.
  const again = await get("/openapi/v2", { Accept: DEPRECATED, "If-None-Match": etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  const stale = await get("/openapi/v2", { Accept: DEPRECATED, "If-None-Match": '"0"' });
  assert.equal(stale.status, 200);
});

test("Accept clauses are tried by preference; */* is JSON and nothing acceptable is 406", async (t) => {
  if (!cluster.server) return t.skip("v1.32 behaviour; see the header");
  const prefersPb = await get("/openapi/v2", { Accept: `application/json;q=0.5, ${CURRENT}` });
  assert.equal(prefersPb.headers["content-type"], CURRENT);
  const any = await get("/openapi/v2", { Accept: "*/*" });
  assert.equal(any.headers["content-type"], "application/json");
  // A real v1.20.2 server answers `Accept: text/html` with 406 and no body too.
  const html = await get("/openapi/v2", { Accept: "text/html" });
  assert.equal(html.status, 406);
  assert.equal(html.body.length, 0);
});
