// One pod of a member, as the caller (impersonated: the member's RBAC
// decides): get, delete, its containers, its logs as a text stream, and a
// terminal (a WebSocket, pods/terminal.ts). Lists of pods come from the
// cache (routes/lists.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireClusterVisible } from "../../access/roles.ts";
import { type Caller, callerJson, callerStream, readBody } from "../../apps/callAs.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import { MemberHttpError } from "../../clusters/memberHttp.ts";
import { registerTerminal, TERMINAL_PROTOCOL_DOC } from "../../pods/terminal.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema, fromMember, PlatformError } from "../errors.ts";

const str = { type: "string" } as const;
const anyObject = { type: "object", additionalProperties: true } as const;
const podParams = { type: "object", required: ["cluster", "namespace", "name"], properties: { cluster: str, namespace: str, name: str } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema } as const;

type PodP = { cluster: string; namespace: string; name: string };
type LogQ = { container?: string; tailLines?: number; sinceSeconds?: number; previous?: boolean; follow?: boolean; timestamps?: boolean; download?: boolean };

export type ContainerView = {
  name: string;
  image: string;
  type: "init" | "container" | "ephemeral";
  state: "Waiting" | "Running" | "Terminated" | "";
  reason?: string;
  ready: boolean;
  restartCount: number;
  startedAt?: string;
};

const containerSchema = {
  type: "object",
  properties: {
    name: str,
    image: str,
    type: { type: "string", enum: ["init", "container", "ephemeral"] },
    state: { type: "string", description: "Waiting, Running or Terminated (empty before the kubelet reported it)" },
    reason: str,
    ready: { type: "boolean" },
    restartCount: { type: "integer" },
    startedAt: str,
  },
} as const;

const caller = (req: FastifyRequest): Caller => ({ user: req.principal?.name ?? "", ip: req.ip });
const podPath = (p: PodP) => `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}`;

/** A pod's containers (init, regular, ephemeral) with the state its status reports. */
export function containersOf(pod: any): ContainerView[] {
  const out: ContainerView[] = [];
  const groups: [ContainerView["type"], any[], any[]][] = [
    ["init", pod.spec?.initContainers ?? [], pod.status?.initContainerStatuses ?? []],
    ["container", pod.spec?.containers ?? [], pod.status?.containerStatuses ?? []],
    ["ephemeral", pod.spec?.ephemeralContainers ?? [], pod.status?.ephemeralContainerStatuses ?? []],
  ];
  for (const [type, specs, statuses] of groups) {
    for (const c of specs) {
      const s = statuses.find((x: any) => x.name === c.name);
      const st = s?.state ?? {};
      const state = st.running ? "Running" : st.terminated ? "Terminated" : st.waiting ? "Waiting" : "";
      const reason = st.waiting?.reason ?? st.terminated?.reason;
      out.push({
        name: c.name,
        image: c.image ?? "",
        type,
        state,
        ...(reason ? { reason } : {}),
        ready: !!s?.ready,
        restartCount: s?.restartCount ?? 0,
        ...(st.running?.startedAt ? { startedAt: st.running.startedAt } : {}),
      });
    }
  }
  return out;
}

function withoutManagedFields(o: any): any {
  if (o?.metadata?.managedFields) {
    const { managedFields: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  }
  return o;
}

export function podRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const tags = ["pods"];
  const visible = requireClusterVisible(ctx.authz);
  const base = "/clusters/:cluster/namespaces/:namespace/pods/:name";

  app.get<{ Params: PodP }>(
    base,
    { preHandler: visible, schema: { tags, summary: "A pod, read from the member as the caller", params: podParams, response: { 200: anyObject, ...errors } } },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      try {
        return withoutManagedFields(await callerJson(m, caller(req), { path: podPath(req.params) }));
      } catch (e) {
        throw fromMember(m.name, e);
      }
    },
  );

  app.delete<{ Params: PodP; Querystring: { gracePeriodSeconds?: number } }>(
    base,
    {
      preHandler: visible,
      config: { audit: { resource: "pods" } },
      schema: {
        tags,
        summary: "Delete a pod (its controller, if any, makes a new one)",
        params: podParams,
        querystring: { type: "object", properties: { gracePeriodSeconds: { type: "integer", minimum: 0 } } },
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      const q = req.query.gracePeriodSeconds === undefined ? "" : `?gracePeriodSeconds=${req.query.gracePeriodSeconds}`;
      try {
        return withoutManagedFields(await callerJson(m, caller(req), { method: "DELETE", path: podPath(req.params) + q }));
      } catch (e) {
        throw fromMember(m.name, e);
      }
    },
  );

  app.get<{ Params: PodP }>(
    `${base}/containers`,
    {
      preHandler: visible,
      schema: { tags, summary: "A pod's containers (init, regular and ephemeral) and their states", params: podParams, response: { 200: { type: "object", properties: { items: { type: "array", items: containerSchema } } }, ...errors } },
    },
    async (req) => {
      const m = await memberOf(ctx, req.params.cluster);
      try {
        return { items: containersOf(await callerJson(m, caller(req), { path: podPath(req.params) })) };
      } catch (e) {
        throw fromMember(m.name, e);
      }
    },
  );

  const logSchema = {
    tags,
    summary: "A container's log as plain text; with follow=true a stream that runs until the container stops or the client goes away",
    description: "Read from the member's pods/log as the caller. download=true answers it as an attachment named <pod>-<container>.log.",
    params: podParams,
    querystring: {
      type: "object",
      properties: {
        container: { type: "string", description: "required when the pod has more than one container" },
        tailLines: { type: "integer", minimum: 0 },
        sinceSeconds: { type: "integer", minimum: 1 },
        previous: { type: "boolean", description: "the previous (terminated) instance's log" },
        follow: { type: "boolean" },
        timestamps: { type: "boolean" },
        download: { type: "boolean" },
      },
    },
    response: { 200: { type: "string", description: "text/plain" }, ...errors },
  };
  // Followed logs run until someone stops them: closing the app ends them.
  const following = new Set<FastifyReply["raw"]>();
  app.addHook("preClose", async () => {
    for (const r of following) r.destroy();
  });
  const logs = (req: FastifyRequest<{ Params: PodP; Querystring: LogQ }>, reply: FastifyReply) => {
    if (req.query.follow) {
      following.add(reply.raw);
      reply.raw.once("close", () => following.delete(reply.raw));
    }
    return streamLogs(ctx, req, reply);
  };
  app.get<{ Params: PodP; Querystring: LogQ }>(`${base}/logs`, { preHandler: visible, schema: logSchema }, logs);
  // Kpanda's own name for it (GetPodContainerLog).
  app.get<{ Params: PodP; Querystring: LogQ }>(`${base}/log`, { preHandler: visible, schema: { ...logSchema, summary: "The same as …/logs" } }, logs);

  app.get<{ Params: PodP & { container: string } }>(
    `${base}/containers/:container/terminal`,
    {
      preHandler: visible,
      schema: {
        tags,
        summary: "A terminal in the container: a WebSocket (see the description for its frames)",
        description: TERMINAL_PROTOCOL_DOC,
        params: { type: "object", required: ["cluster", "namespace", "name", "container"], properties: { cluster: str, namespace: str, name: str, container: str } },
        response: { 426: errorSchema, ...errors },
      },
    },
    async () => {
      // A plain GET reaches here; a WebSocket handshake goes to the upgrade handler.
      throw new PlatformError(426, "UpgradeRequired", "this endpoint is a WebSocket: send Connection: Upgrade and Upgrade: websocket", {
        headers: { upgrade: "websocket" },
      });
    },
  );
  registerTerminal(app, ctx);
}

async function streamLogs(ctx: PlatformContext, req: FastifyRequest<{ Params: PodP; Querystring: LogQ }>, reply: FastifyReply): Promise<FastifyReply> {
  const p = req.params;
  const q = req.query;
  const m = await memberOf(ctx, p.cluster);
  const query = new URLSearchParams();
  if (q.container) query.set("container", q.container);
  if (q.tailLines !== undefined) query.set("tailLines", String(q.tailLines));
  if (q.sinceSeconds !== undefined) query.set("sinceSeconds", String(q.sinceSeconds));
  for (const k of ["previous", "follow", "timestamps"] as const) if (q[k]) query.set(k, "true");
  const ac = new AbortController();
  let res: Awaited<ReturnType<typeof callerStream>>;
  try {
    res = await callerStream(m, caller(req), { path: `${podPath(p)}/log?${query}`, accept: "*/*", signal: ac.signal });
  } catch (e) {
    throw fromMember(m.name, e);
  }
  const code = res.statusCode ?? 0;
  if (code < 200 || code > 299) throw fromMember(m.name, new MemberHttpError(code, await readBody(res), "log"));
  // The client went away (a follow it stopped reading): end the member's stream too.
  reply.raw.once("close", () => {
    ac.abort();
    res.destroy();
  });
  reply.header("content-type", "text/plain; charset=utf-8");
  reply.header("cache-control", "no-store");
  reply.header("x-content-type-options", "nosniff");
  if (q.download) {
    const file = `${p.name}${q.container ? `-${q.container}` : ""}.log`.replace(/[^A-Za-z0-9._-]/g, "_");
    reply.header("content-disposition", `attachment; filename="${file}"`);
  }
  return reply.send(res);
}
