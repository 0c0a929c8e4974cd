// Virtual resources: read-only kinds computed by a provider on each request
// (the simulator's metrics.k8s.io NodeMetrics and PodMetrics). They answer
// get and list (with label selectors), as JSON, YAML or a Table; every other
// verb is 405, as metrics-server's are.
import type { ServerResponse } from "node:http";
import { ApiError, methodNotAllowed, notFound } from "../registry/errors.ts";
import type { VirtualProvider } from "../registry/resources.ts";
import { parseLabelSelector } from "../registry/selectors.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { negotiate } from "./codec.ts";
import type { ResourcePath } from "./requestInfo.ts";
import type { Call } from "./call.ts";
import { sendJson, sendObject } from "./respond.ts";
import { renderTable } from "./table.ts";

/** Lists a provider's objects in a namespace (all when undefined) that match a label selector string. */
export function listVirtual(provider: VirtualProvider, namespace: string | undefined, labelSelector: string | undefined): KObject[] {
  const sel = parseLabelSelector(labelSelector);
  const items = provider.list(namespace);
  return sel ? items.filter((o) => sel.matches(o.metadata?.labels ?? {})) : items;
}

export function getVirtual(info: ResourceInfo, provider: VirtualProvider, namespace: string, name: string): KObject {
  const obj = provider.get(namespace, name);
  if (!obj) throw notFound(info, name);
  return obj;
}

export function serveVirtual(call: Omit<Call, "core" | "body" | "user">, target: ResourcePath, provider: VirtualProvider): void {
  const { info, req, res, query } = call;
  if (req.method !== "GET" || target.subresource || target.watchPath || query.get("watch") === "1" || query.get("watch") === "true") {
    throw methodNotAllowed();
  }
  if (!info.namespaced && target.namespace !== undefined) throw notFound(info, target.name ?? "");
  const rendering = negotiate(req.headers.accept);
  const namespace = info.namespaced ? target.namespace : undefined;
  if (target.name !== undefined) {
    const obj = getVirtual(info, provider, namespace ?? "", target.name);
    send(call as Call, res, rendering, [obj], obj);
    return;
  }
  const items = listVirtual(provider, namespace, query.get("labelSelector") ?? undefined);
  const list = { kind: info.listKind, apiVersion: `${info.group}/${info.version}`, metadata: {}, items };
  send(call as Call, res, rendering, items, list);
}

function send(call: Call, res: ServerResponse, rendering: ReturnType<typeof negotiate>, objects: KObject[], body: KObject): void {
  if (rendering.as === "Table") {
    sendJson(res, 200, renderTable(call, rendering, objects, { resourceVersion: "" }));
    return;
  }
  if (rendering.as === "PartialObjectMetadata") throw new ApiError(406, "NotAcceptable", "metadata-only responses are not served for this resource");
  sendObject(res, 200, rendering, JSON.stringify(body));
}
