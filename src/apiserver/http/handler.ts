// The request handler: access control (authentication, impersonation,
// authorization), routing, body limits and the mapping of every failure to a
// Kubernetes Status. Plain node:http rather than Fastify:
// Kubernetes paths resolve against a registry that changes at runtime (CRDs),
// and content negotiation, watch streaming and the 413/415 Status answers all
// need control below what a router framework hands out.
import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { AccessControl } from "../auth/AccessControl.ts";
import { ApiError, internalError } from "../registry/errors.ts";
import type { ResourceRegistry } from "../registry/resources.ts";
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.ts";
import type { Aggregator } from "../aggregator/Aggregator.ts";
import { ADMIN_PREFIX, type AdminOps, serveAdmin } from "./admin.ts";
import { readBody } from "./body.ts";
import { connectTarget, type Egress, markUpgrade, serveConnect } from "./connect.ts";
import { bodyKind, decodeObject } from "./codec.ts";
import { holdUntilDurable } from "./durable.ts";
import { type HealthChecks, isHealthPath, PING, serveHealth } from "./healthz.ts";
import { type OpenApiDocs, serveOpenApiV2 } from "./openapiV2.ts";
import { parsePath } from "./requestInfo.ts";
import type { ApiCore } from "./call.ts";
import { handleResource } from "./resources.ts";
import { sendError, sendJson, sendRaw } from "./respond.ts";

export type HandlerOptions = {
  core: ApiCore;
  registry: ResourceRegistry;
  openapi: OpenApiDocs;
  log: Logger;
  serverAddress: () => string;
  /** Authentication, impersonation, authorization, and the endpoints that belong to them. */
  access: AccessControl;
  version: Record<string, string>;
  /** What the administrative endpoints under /kpanda/admin/ act on (compaction). */
  admin?: AdminOps;
  /** API aggregation: APIService group-versions, merged discovery, and the proxy to their servers. */
  aggregator?: Aggregator;
  /** The checks behind /healthz, /livez and /readyz; ping alone without them. */
  health?: HealthChecks;
  /** How connect subresources (logs, exec, proxies) reach kubelets and pods. */
  egress?: Egress;
};

const DEFAULT_HEALTH: HealthChecks = { healthz: [PING], livez: [PING], readyz: [PING] };

export function createHandler(opts: HandlerOptions) {
  return (req: IncomingMessage, res: ServerResponse) => {
    holdUntilDurable(res, opts.core.store.storage);
    handle(opts, req, res).catch((e) => fail(opts, req, res, e));
  };
}

/**
 * The server's 'upgrade' listener: the request goes through the same handler
 * with a response on the raw socket, so errors are ordinary Status answers;
 * connect subresources take the socket over and pass the upgrade through.
 */
export function createUpgradeHandler(opts: HandlerOptions) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    markUpgrade(req, socket, head);
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once("finish", () => socket.end());
    socket.once("error", () => socket.destroy());
    holdUntilDurable(res, opts.core.store.storage);
    handle(opts, req, res).catch((e) => fail(opts, req, res, e));
  };
}

function fail(opts: HandlerOptions, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) {
    sendError(res, e);
    return;
  }
  opts.log.error({ err: e, method: req.method, path: req.url }, "request failed");
  if (!res.headersSent) sendError(res, internalError());
  else res.destroy();
}

async function handle(opts: HandlerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "https://localhost");
  const path = url.pathname;
  if (isHealthPath(path)) {
    const onFailure = (endpoint: string, failures: { name: string; error: Error }[]) =>
      opts.log.warn({ endpoint, failures: failures.map((f) => `${f.name}: ${f.error.message}`) }, "health check failed");
    return serveHealth(res, path, url.searchParams, opts.health ?? DEFAULT_HEALTH, onFailure);
  }
  const user = opts.access.admit(req, path, url.searchParams);
  // Connect subresources stream their bodies; they are not read here.
  const connect = connectTarget(path);
  if (connect) return serveConnect(opts.core.store, opts.egress ?? { kubelet: {} }, req, res, connect, url.searchParams);
  const method = req.method ?? "GET";
  const body = method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE" ? await readBody(req) : undefined;
  if (opts.admin && path.startsWith(ADMIN_PREFIX)) return serveAdmin(opts.admin, method, path, body, res);
  if (opts.aggregator && (await opts.aggregator.serve({ req, res, path, search: url.search, user, body }))) return;
  if (path === "/version" || path === "/version/") {
    sendJson(res, 200, opts.version);
    return;
  }
  if (path === "/openapi/v2") return serveOpenApiV2(req, res, opts.openapi);
  if (path === "/openapi/v3") return sendRaw(res, 200, opts.openapi.v3Root(), "application/json");
  if (path.startsWith("/openapi/v3/")) {
    const doc = opts.openapi.v3GroupVersion(path.slice("/openapi/v3/".length));
    if (doc) return sendRaw(res, 200, doc, "application/json");
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  }
  const target = parsePath(path);
  const reg = opts.registry;
  const agg = wantsAggregated(req.headers.accept);
  switch (target.kind) {
    case "apis-root":
      if (agg) {
        const ct = `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`;
        const doc = aggregatedDiscovery(reg, target.legacy);
        doc.apiVersion = `apidiscovery.k8s.io/${agg}`;
        return sendRaw(res, 200, JSON.stringify(doc), ct);
      }
      return sendJson(res, 200, target.legacy ? apiVersions(opts.serverAddress()) : apiGroupList(reg));
    case "group": {
      const g = apiGroup(reg, target.group);
      if (!g) throw notFoundPath();
      return sendJson(res, 200, g);
    }
    case "group-version": {
      const l = apiResourceList(reg, target.group, target.version);
      if (!l) throw notFoundPath();
      return sendJson(res, 200, l);
    }
    case "resource": {
      const info = reg.lookup(target.group, target.version, target.resource);
      if (!info) throw notFoundPath();
      if (opts.access.serves(info, target.subresource)) {
        const namespace = info.namespaced ? (target.namespace ?? "") : "";
        const call = { method, info, namespace, name: target.name, subresource: target.subresource, user };
        const decode = () => decodeObject(body ?? Buffer.alloc(0), bodyKind(req.headers["content-type"]));
        return sendJson(res, 201, opts.access.serve({ ...call, body: decode }));
      }
      return handleResource({ core: opts.core, req, res, query: url.searchParams, target, info, user, body });
    }
    default:
      if (path === "/" || path === "") {
        return sendJson(res, 200, { paths: ["/api", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version"] });
      }
      throw notFoundPath();
  }
}

function notFoundPath(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource");
}
