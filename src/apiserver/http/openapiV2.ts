// GET /openapi/v2, negotiated as kube-openapi's handler does
// (pkg/handler/handler.go RegisterOpenAPIVersionedService):
//  - the Accept clauses are tried from the most preferred (q, then the more
//    specific); the first that matches JSON, the deprecated protobuf subtype
//    `com.github.proto-openapi.spec.v2@v1.0+protobuf` (what kubectl ≤ 1.28
//    sends) or the current `com.github.proto-openapi.spec.v2.v1.0+protobuf`
//    wins; both protobuf forms answer with the current Content-Type;
//  - `*/*` or no Accept means JSON; nothing acceptable is 406 with no body;
//  - `Vary: Accept`, and one ETag for both forms (the quoted upper-case hex
//    SHA-512 of the JSON), honoured in If-None-Match with 304 as Go's
//    http.ServeContent does.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseMediaTypes } from "./codec.ts";

export type OpenApiDocs = {
  v2(): string;
  /** The ETag value (unquoted) of both forms of the v2 document. */
  v2Hash(): string;
  v2Protobuf(): Buffer;
  v3Root(): string;
  v3GroupVersion(path: string): string | undefined;
};

export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const ACCEPTED: { type: string; form: "json" | "protobuf" }[] = [
  { type: "application/json", form: "json" },
  { type: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", form: "protobuf" },
  { type: OPENAPI_V2_PROTOBUF, form: "protobuf" },
];

export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse, docs: OpenApiDocs): void {
  const form = negotiateV2(req.headers.accept);
  res.setHeader("Vary", "Accept");
  if (!form) {
    res.writeHead(406, { "Content-Length": "0" });
    res.end();
    return;
  }
  const etag = `"${docs.v2Hash()}"`;
  const headers = { ETag: etag, "Cache-Control": "no-cache, private" };
  if (noneMatchHits(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const body = form === "json" ? Buffer.from(docs.v2()) : docs.v2Protobuf();
  const contentType = form === "json" ? "application/json" : OPENAPI_V2_PROTOBUF;
  res.writeHead(200, { ...headers, "Content-Type": contentType, "Content-Length": String(body.length) });
  res.end(body);
}

/** The form to serve for an Accept header, or undefined (406). */
export function negotiateV2(accept: string | undefined): "json" | "protobuf" | undefined {
  const clauses = parseMediaTypes(accept || "*/*")
    .map((m, i) => ({ type: m.type, q: m.params.q === undefined ? 1 : Number(m.params.q), i }))
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q || specificity(b.type) - specificity(a.type) || a.i - b.i);
  for (const c of clauses) {
    const [type, subtype] = c.type.split("/");
    for (const a of ACCEPTED) {
      const [aType, aSubtype] = a.type.split("/");
      if ((type === aType || type === "*") && (subtype === aSubtype || subtype === "*")) return a.form;
    }
  }
  return undefined;
}

function specificity(type: string): number {
  const [t, s] = type.split("/");
  return (t === "*" ? 0 : 1) + (s === "*" ? 0 : 1);
}

/** If-None-Match lists `etag` (weak comparison) or is `*`. */
function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}
