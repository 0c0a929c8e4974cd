// Nodes of a member cluster: list (from the search cache: paged, sorted,
// filtered, followed live; nodeList.ts), detail, cordon,
// uncordon, drain (PDB-aware, through the Eviction API, with a report), and
// label, annotation and taint edits. Nodes are cluster-wide: reading and
// changing them needs ClusterAdmin (or Owner); the namespace roles do not
// see nodes, as Kubernetes' admin, edit and view roles grant none.
import type { FastifyInstance } from "fastify";
import { requireClusterAdmin } from "../../access/roles.ts";
import { DEFAULT_DRAIN_SECONDS, type DrainOptions, drainNode } from "../../clusters/drain.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import {
  nodeDetail,
  replaceMap,
  replaceTaints,
  setUnschedulable,
  type Taint,
  viewAfterWrite,
} from "../../clusters/nodes.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, notFound } from "../errors.ts";
import { type ListQs, listErrors, listQuerySchema, listResponse, queryOf, serveList } from "../cacheList.ts";
import { endStreamsOnClose } from "../listWatch.ts";
import { nodeViews, NODES } from "./nodeList.ts";

const str = { type: "string" } as const;
const num = { type: "number" } as const;
const stringMap = { type: "object", additionalProperties: str } as const;
const cpuMem = { type: "object", properties: { cpu: num, memory: num } } as const;
const taint = {
  type: "object",
  required: ["key", "effect"],
  properties: { key: str, value: str, effect: { type: "string", enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] }, timeAdded: str },
} as const;

const nodeProps = {
  name: str,
  status: { type: "string", enum: ["Ready", "NotReady", "Unknown"] },
  unschedulable: { type: "boolean" },
  roles: { type: "array", items: str },
  version: str,
  internalIP: str,
  creationTimestamp: str,
  labels: stringMap,
  taints: { type: "array", items: taint },
  pods: { type: "integer", description: "pods on the node that have not finished" },
  allocatable: { type: "object", description: "cores, bytes, pods", properties: { cpu: num, memory: num, pods: num } },
  usage: { ...cpuMem, nullable: true, description: "from metrics.k8s.io; null where it is not served" },
} as const;
const nodeSchema = { type: "object", properties: nodeProps } as const;

const detailSchema = {
  type: "object",
  properties: {
    ...nodeProps,
    annotations: stringMap,
    conditions: {
      type: "array",
      items: {
        type: "object",
        properties: { type: str, status: str, reason: str, message: str, lastHeartbeatTime: str, lastTransitionTime: str },
      },
    },
    addresses: { type: "array", items: { type: "object", properties: { type: str, address: str } } },
    nodeInfo: stringMap,
    capacity: { type: "object", properties: { cpu: num, memory: num, pods: num } },
    resources: { type: "object", additionalProperties: { type: "object", properties: { capacity: str, allocatable: str } } },
    podList: {
      type: "array",
      items: {
        type: "object",
        properties: { namespace: str, name: str, phase: str, podIP: str, requests: cpuMem, creationTimestamp: str },
      },
    },
    events: {
      type: "array",
      items: { type: "object", properties: { type: str, reason: str, message: str, count: num, lastTimestamp: str, source: str } },
    },
  },
} as const;

const podRef = { type: "object", properties: { namespace: str, name: str } } as const;
const podResult = { type: "object", properties: { namespace: str, name: str, reason: str } } as const;
const reportSchema = {
  type: "object",
  properties: {
    evicted: { type: "array", items: podRef },
    failed: { type: "array", items: podResult, description: "pods not evicted (or not gone in time), with the reason" },
    skipped: { type: "array", items: podResult, description: "DaemonSet and mirror pods, left in place as kubectl drain --ignore-daemonsets does" },
  },
} as const;

const clusterParams = { type: "object", required: ["cluster"], properties: { cluster: str } } as const;
const nodeParams = { type: "object", required: ["cluster", "node"], properties: { cluster: str, node: str } } as const;
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema } as const;

type ClusterP = { cluster: string };
type NodeP = { cluster: string; node: string };

export function nodeRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const admin = requireClusterAdmin(ctx.authz);
  const tags = ["nodes"];
  endStreamsOnClose(app, ctx);

  app.get<{ Params: ClusterP; Querystring: ListQs & { role?: string } }>(
    "/clusters/:cluster/nodes",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "List a cluster's nodes from the cache, sorted by name unless asked (ClusterAdmin)",
        description:
          "The list contract of the cached lists (revision, freshness, watch=true): sortBy name, status, ready, version or creationTimestamp; filters ready (True, False, Unknown), status and role.",
        params: clusterParams,
        querystring: listQuerySchema(NODES, {
          extra: { role: { type: "string", description: "only nodes with this role (the label node-role.kubernetes.io/<role>)" } },
        }),
        response: { 200: listResponse(nodeSchema), ...errors, ...listErrors },
      },
    },
    async (req, reply) => {
      const { cluster } = req.params;
      if (!ctx.members.cluster(cluster)) throw notFound("cluster", cluster);
      const query = queryOf(NODES, req.query, undefined);
      query.clusters = [cluster];
      if (req.query.role) {
        const role = `node-role.kubernetes.io/${req.query.role}`;
        query.labelSelector = query.labelSelector ? `${query.labelSelector},${role}` : role;
      }
      return serveList(ctx, req, reply, { query, clusters: [cluster], render: (items, mode) => nodeViews(ctx, cluster, items, mode) });
    },
  );

  app.get<{ Params: NodeP }>(
    "/clusters/:cluster/nodes/:node",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "A node with its conditions, capacity, taints, labels, pods and events (ClusterAdmin)",
        params: nodeParams,
        response: { 200: detailSchema, ...errors },
      },
    },
    async (req) => nodeDetail(await memberOf(ctx, req.params.cluster), req.params.node),
  );

  for (const [action, on] of [
    ["cordon", true],
    ["uncordon", false],
  ] as const) {
    app.post<{ Params: NodeP }>(
      `/clusters/:cluster/nodes/:node/${action}`,
      {
        preHandler: admin,
        config: { audit: { resource: "nodes", verb: action } },
        schema: {
          tags,
          summary: on ? "Mark a node unschedulable, as kubectl cordon does" : "Mark a node schedulable again, as kubectl uncordon does",
          params: nodeParams,
          response: { 200: nodeSchema, ...errors },
        },
      },
      async (req) => {
        const m = await memberOf(ctx, req.params.cluster);
        return viewAfterWrite(m, await setUnschedulable(m, req.params.node, on));
      },
    );
  }

  app.post<{ Params: NodeP; Body: DrainOptions | undefined }>(
    // The node param stops at the colon of the :drain action.
    "/clusters/:cluster/nodes/:node(^[^:]+)::drain",
    {
      preHandler: admin,
      config: { audit: { resource: "nodes", verb: "drain" } },
      schema: {
        tags,
        summary: "Cordon a node and evict its pods through the Eviction API, honouring PodDisruptionBudgets",
        description:
          "As kubectl drain --ignore-daemonsets: DaemonSet and mirror pods are skipped; an eviction refused by a PodDisruptionBudget (429) is retried every 5 s until timeoutSeconds. Pods that kubectl would refuse (emptyDir without deleteEmptyDirData, no controller without force) are reported as failed, and the others are still evicted.",
        params: nodeParams,
        body: {
          type: "object",
          properties: {
            timeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, default: DEFAULT_DRAIN_SECONDS },
            deleteEmptyDirData: { type: "boolean", default: false },
            force: { type: "boolean", default: false },
            gracePeriodSeconds: { type: "integer", minimum: 0 },
          },
        },
        response: { 200: reportSchema, ...errors },
      },
    },
    async (req) => drainNode(await memberOf(ctx, req.params.cluster), req.params.node, req.body ?? {}),
  );

  for (const field of ["labels", "annotations"] as const) {
    app.put<{ Params: NodeP; Body: Record<string, Record<string, string>> }>(
      `/clusters/:cluster/nodes/:node/${field}`,
      {
        preHandler: admin,
        config: { audit: { resource: `nodes/${field}`, verb: "update" } },
        schema: {
          tags,
          summary: `Replace a node's ${field}`,
          params: nodeParams,
          body: { type: "object", required: [field], properties: { [field]: stringMap } },
          response: { 200: nodeSchema, ...errors },
        },
      },
      async (req) => {
        const m = await memberOf(ctx, req.params.cluster);
        return viewAfterWrite(m, await replaceMap(m, req.params.node, field, req.body[field]));
      },
    );
  }

  app.put<{ Params: NodeP; Body: { taints: Taint[] } }>(
    "/clusters/:cluster/nodes/:node/taints",
    {
      preHandler: admin,
      config: { audit: { resource: "nodes/taints", verb: "update" } },
      schema: {
        tags,
        summary: "Replace a node's taints (a NoExecute taint evicts the pods that do not tolerate it)",
        params: nodeParams,
        body: { type: "object", required: ["taints"], properties: { taints: { type: "array", items: taint } } },
        response: { 200: nodeSchema, ...errors },
      },
    },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      return viewAfterWrite(m, await replaceTaints(m, req.params.node, req.body.taints));
    },
  );
}
