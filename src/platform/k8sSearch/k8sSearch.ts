// /k8s/search/…: a read-only Kubernetes API over every cluster the caller may
// see, answered from the search index (no member is called). kubectl points at
// it with the kubeconfig GET /search/kubeconfig downloads.
// - Authentication as the proxy's (k8sProxy.ts): a kpanda bearer token (a
//   session, a downloaded kubeconfig's, an API token); a failure is a 401
//   Status. Impersonate-* headers are never read: the caller is who its
//   token says, and sees what its roles admit (search/scope.ts), filtered in
//   the index query, so limits and continue tokens page over that alone.
// - Discovery (legacy and aggregated, as kube-apiserver serves them, from the
//   apiserver's own documents) lists the cached kinds with verbs get, list
//   and watch.
// - list (label and field selectors, limit/continue) and get by name: see
//   listing.ts; JSON or a Table (render.ts).
// - watch: watch.ts, a Kubernetes watch stream from the index's changes.
// - Every other verb (create, update, patch, delete, deletecollection)
//   answers 405 MethodNotAllowed with kube-apiserver's message; unknown paths
//   and subresources 404. No OpenAPI document is served: kubectl get, -o
//   wide/yaml/json and --chunk-size do not ask for one.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated, type DiscoverySource } from "../../apiserver/http/discovery.ts";
import { ApiError, qualifiedResource } from "../../apiserver/registry/errors.ts";
import { authenticate } from "../http/auth.ts";
import type { PlatformContext, Principal } from "../http/context.ts";
import { type RequestInfo, requestInfo } from "../proxy/requestInfo.ts";
import type { Scope } from "../search/index.ts";
import { scopeOf } from "../search/scope.ts";
import { getOne, listPage, type ReadRequest } from "./listing.ts";
import { list, negotiate, table } from "./render.ts";
import { serveWatch } from "./watch.ts";
import { discoverySource, findServed, type ServedKind, servedKinds } from "./served.ts";

export const SEARCH_PREFIX = "/k8s/search";

type Served = { kinds: ServedKind[]; source: DiscoverySource; open: Set<ServerResponse> };
type Answer = { body: unknown; contentType?: string; warnings?: string[] };

const notFoundPath = () => new ApiError(404, "NotFound", "the server could not find the requested resource");

export function registerK8sSearch(app: FastifyInstance, ctx: PlatformContext): void {
  const kinds = servedKinds();
  const s: Served = { kinds, source: discoverySource(kinds), open: new Set() };
  // Watches run until someone stops them: closing the app ends them.
  app.addHook("preClose", async () => {
    for (const res of s.open) res.destroy();
  });
  app.all(`${SEARCH_PREFIX}/*`, {
    config: { public: true },
    schema: { hide: true },
    // Taken before Fastify reads a body: writes are refused whatever their content type.
    onRequest: (req, reply, done) => {
      reply.hijack();
      void serve(ctx, s, req.raw, reply.raw);
      done();
    },
    handler: async () => {},
  });
}

async function serve(ctx: PlatformContext, s: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const principal = await authenticate(ctx, bearer(req));
    // kube-apiserver's own answer to a request it cannot authenticate.
    if (!principal) throw new ApiError(401, "Unauthorized", "Unauthorized");
    const url = new URL(req.url ?? "/", "http://search");
    const path = url.pathname.slice(SEARCH_PREFIX.length).replace(/\/+$/, "") || "/";
    const a = await answer(ctx, s, principal, req, res, path, url.searchParams);
    if (a) send(res, 200, a.body, a.contentType, a.warnings);
  } catch (err) {
    if (err instanceof ApiError) return send(res, err.code, err.toStatus());
    ctx.log.error({ err }, "k8s search request failed");
    send(res, 500, new ApiError(500, "InternalError", "an error on the server has prevented the request from succeeding").toStatus());
  }
}

/** The answer to send, or undefined when the request was answered with a watch stream. */
async function answer(
  ctx: PlatformContext,
  s: Served,
  who: Principal,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<Answer | undefined> {
  const method = (req.method ?? "GET").toUpperCase();
  const info = requestInfo(method, `${path}?${query}`);
  if (!info.resourceRequest) {
    if (method !== "GET" && method !== "HEAD") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    return discovery(s, path, req);
  }
  const kind = findServed(s.kinds, info.apiGroup, info.apiVersion, info.resource);
  if (!kind || info.subresource || !placed(kind, info)) throw notFoundPath();
  if (info.verb !== "list" && info.verb !== "get" && info.verb !== "watch") {
    const { group, resource } = kind.info;
    throw new ApiError(405, "MethodNotAllowed", `${info.verb} is not supported on resources of kind "${qualifiedResource(kind.info)}"`, {
      group: group || undefined,
      kind: resource,
    });
  }
  const rendering = negotiate(req.headers.accept);
  const isNamespaceKind = kind.info.group === "" && kind.info.resource === "namespaces";
  const r: ReadRequest = {
    kind,
    namespace: isNamespaceKind ? "" : info.namespace,
    name: info.name,
    scope: scopeOf(ctx.authz, who.name, kind.info),
    query,
  };
  const { index } = ctx.search;
  if (info.verb === "watch") {
    await serveWatch(index, r, rendering, res, ctx.log);
    s.open.add(res);
    res.once("close", () => s.open.delete(res));
    return undefined;
  }
  const warnings = await staleWarnings(ctx, kind, r.scope);
  if (info.verb === "get") {
    const obj = await getOne(index, r);
    const rv = obj.metadata?.resourceVersion ?? "";
    return { body: rendering.as === "Table" ? table(kind, [obj], rendering, query, { resourceVersion: rv }) : obj, warnings };
  }
  const page = await listPage(index, r);
  const meta = { resourceVersion: String(page.revision), continue: page.continue };
  return { body: rendering.as === "Table" ? table(kind, page.items, rendering, query, meta) : list(kind, page.items, meta), warnings };
}

/** Whether the path places the kind right: a namespace only for namespaced kinds, and a name in one (/namespaces/{name} is the Namespace). */
function placed(kind: ServedKind, info: RequestInfo): boolean {
  if (kind.info.group === "" && kind.info.resource === "namespaces") return true;
  if (!kind.info.namespaced) return !info.namespace;
  return !info.name || !!info.namespace;
}

function discovery(s: Served, path: string, req: IncomingMessage): Answer {
  const agg = wantsAggregated(req.headers.accept);
  if (path === "/api" || path === "/apis") {
    const legacy = path === "/api";
    if (agg) {
      const doc = aggregatedDiscovery(s.source, legacy);
      doc.apiVersion = `apidiscovery.k8s.io/${agg}`;
      return { body: doc, contentType: `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList` };
    }
    return { body: legacy ? apiVersions(req.headers.host ?? "") : apiGroupList(s.source) };
  }
  if (path === "/") {
    const gvs = s.source.groups().flatMap((g) => g.versions.map((v) => (g.group ? `/apis/${g.group}/${v}` : `/api/${v}`)));
    return { body: { paths: ["/api", "/apis", ...gvs, ...s.source.groups().filter((g) => g.group).map((g) => `/apis/${g.group}`)].sort() } };
  }
  const parts = path.split("/").filter(Boolean);
  const doc =
    parts[0] === "api" && parts.length === 2
      ? apiResourceList(s.source, "", parts[1])
      : parts[0] === "apis" && parts.length === 2
        ? apiGroup(s.source, parts[1])
        : parts[0] === "apis" && parts.length === 3
          ? apiResourceList(s.source, parts[1], parts[2])
          : undefined;
  if (!doc) throw notFoundPath();
  return { body: doc };
}

/** A Warning per cluster in the caller's scope whose copy of the kind is stale (kubectl prints them). */
async function staleWarnings(ctx: PlatformContext, kind: ServedKind, scope: Scope | undefined): Promise<string[]> {
  const rows = await ctx.search.index.freshness({ group: kind.info.group, resource: kind.info.resource }, scope ? [...scope.keys()] : undefined);
  return rows.flatMap((f) =>
    f.state === "stale" ? [`cluster ${f.cluster}: ${qualifiedResource(kind.info)} may be out of date (the cache is stale since ${f.since})`] : [],
  );
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^bearer /i.test(h)) return undefined;
  return h.slice(7).trim() || undefined;
}

function send(res: ServerResponse, code: number, body: unknown, contentType = "application/json", warnings: string[] = []): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-cache, private",
  };
  // RFC 7234 warn-code 299 with the text quoted, as kube-apiserver sends its warnings.
  if (warnings.length) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}
