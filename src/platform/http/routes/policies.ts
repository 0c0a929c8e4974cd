// Cluster policies (policies/types.ts says what one is):
//   POST   /clusterpolicies                 create
//   GET    /clusterpolicies                 list (those the caller may manage)
//   GET    /clusterpolicies/{name}          read
//   PUT    /clusterpolicies/{name}          replace
//   DELETE /clusterpolicies/{name}[?keep=true]  delete; what it made goes too unless keep
//   POST   /clusterpolicies/{name}:dryrun   what enforcing it would do (paged findings)
//   GET    /clusterpolicies/{name}/compliance  each target namespace's state, with totals
// An Owner manages any policy; a ClusterAdmin those naming only its clusters.
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { GROUP, VERSION } from "../../host/crds.ts";
import { codeOf } from "../../host/host.ts";
import type { KObj } from "../../host/kindCache.ts";
import { complianceOf, STATES } from "../../policies/compliance.ts";
import { dryRun } from "../../policies/dryrun.ts";
import { policyRuntime } from "../../policies/runtime.ts";
import {
  FINALIZER,
  KEEP_ANNOTATION,
  LEVELS,
  MODES,
  mayManage,
  POLICY_KINDS,
  type PolicyInput,
  policyView,
  specFromInput,
  validPolicyName,
} from "../../policies/types.ts";
import type { PlatformContext } from "../context.ts";
import { badRequest, conflict, errorSchema, forbidden, notFound } from "../errors.ts";
import { type PageQuery, page, pageQuery } from "../pagination.ts";

const str = { type: "string" } as const;
const anyObject = { type: "object", additionalProperties: true } as const;
const selector = {
  ...anyObject,
  description: "a Kubernetes LabelSelector (matchLabels, matchExpressions)",
} as const;
const specProps = {
  kind: { type: "string", enum: [...POLICY_KINDS] },
  mode: { type: "string", enum: [...MODES] },
  template: { ...anyObject, description: "the object's spec (NetworkPolicy, ResourceQuota, LimitRange)" },
  level: { type: "string", enum: [...LEVELS], description: "PodSecurity's level" },
  version: { type: "string", description: 'PodSecurity\'s version: "latest" (default) or "v1.x"' },
  clusters: {
    type: "object",
    description: "the target clusters: by names, or by a label selector over the clusters' labels",
    properties: { names: { type: "array", items: str }, selector },
  },
  namespaceSelector: { ...selector, description: "the target namespaces (default: all)" },
  exclude: {
    type: "array",
    items: str,
    description: "namespaces left alone (default kube-system, kube-public, kube-node-lease, kpanda-system)",
  },
} as const;
const inputSchema = {
  type: "object",
  required: ["kind", "mode", "clusters"],
  properties: { name: str, ...specProps },
} as const;
const policySchema = {
  type: "object",
  properties: {
    name: str,
    ...specProps,
    creationTimestamp: str,
    deleting: { type: "boolean", description: "deleted; what it made is being removed" },
  },
} as const;
const totals = {
  type: "object",
  properties: Object.fromEntries(STATES.map((s) => [s, { type: "integer" }])),
} as const;
const pagination = {
  type: "object",
  properties: { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } },
} as const;
const list = (item: object, extra: Record<string, object> = {}) => ({
  type: "object",
  properties: { items: { type: "array", items: item }, pagination, ...extra },
});
const findingSchema = {
  type: "object",
  properties: { cluster: str, namespace: str, kind: str, name: str, reason: str },
} as const;
const complianceSchema = {
  type: "object",
  properties: {
    cluster: str,
    namespace: { type: "string", description: '"" for the cluster as a whole' },
    state: { type: "string", enum: [...STATES] },
    reason: str,
    time: str,
  },
} as const;
const nameParams = { type: "object", required: ["name"], properties: { name: str } } as const;
const errors = {
  400: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  503: errorSchema,
} as const;
const where = { group: GROUP, version: VERSION, plural: "clusterpolicies" };
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

type NameP = { name: string };
type Filter = PageQuery & {
  fuzzySearch?: string;
  cluster?: string;
  namespace?: string;
  kind?: string;
  state?: string;
};
const filterQuery = (props: Record<string, object>) => ({
  ...pageQuery,
  properties: { ...pageQuery.properties, ...props },
});

const who = (req: FastifyRequest) => req.principal?.name ?? "";
const hostError =
  (name: string) =>
  (e: unknown): never => {
    const code = codeOf(e);
    if (code === 409) throw conflict(`cluster policy "${name}" exists`);
    if (code === 404) throw notFound("cluster policy", name);
    if (code === 422 || code === 400)
      throw badRequest((e as { body?: { message?: string } }).body?.message ?? "the host refused the policy");
    throw e;
  };

export async function policyRoutes(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
  const tags = ["cluster policies"];
  const cache = (await policyRuntime(app, ctx)).policies;
  /** The policy, if the caller may manage it (404 when there is none). */
  const managed = (req: FastifyRequest<{ Params: NameP }>): KObj => {
    const o = cache.get(req.params.name);
    if (!o) throw notFound("cluster policy", req.params.name);
    if (!mayManage(ctx.authz, who(req), o.spec ?? {}))
      throw forbidden(`user "${who(req)}" may not manage cluster policy "${req.params.name}"`);
    return o;
  };
  // Before validation, so a user who may manage no policy at all learns that first.
  const preValidation = async (req: FastifyRequest) => {
    if (!ctx.authz.bindingsOf(who(req)).some((b) => b.role === "Owner" || b.role === "ClusterAdmin")) {
      throw forbidden(
        `user "${who(req)}" may not manage cluster policies (an Owner may, and a ClusterAdmin for its clusters)`,
      );
    }
  };
  const checkInput = (req: FastifyRequest, input: PolicyInput) => {
    const spec = specFromInput(input);
    if (!mayManage(ctx.authz, who(req), spec)) {
      throw forbidden(
        `user "${who(req)}" may not manage a policy over these clusters (an Owner may; a ClusterAdmin when it names only its own clusters)`,
      );
    }
    return spec;
  };

  app.post<{ Body: PolicyInput & { name: string } }>(
    "/clusterpolicies",
    {
      preValidation,
      config: { audit: { resource: "clusterpolicies" } },
      schema: {
        tags,
        summary: "Create a cluster policy",
        body: { ...inputSchema, required: ["name", ...inputSchema.required] },
        response: { 201: policySchema, ...errors },
      },
    },
    async (req, reply) => {
      const { name } = req.body;
      if (!validPolicyName(name))
        throw badRequest("name must be a DNS label (lower case letters, digits and '-', at most 63)");
      const spec = checkInput(req, req.body);
      const body = {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "ClusterPolicy",
        metadata: { name, finalizers: [FINALIZER] },
        spec,
      };
      const created = (await ctx.host.custom
        .createClusterCustomObject({ ...where, body })
        .catch(hostError(name))) as KObj;
      return reply.code(201).send(policyView(created));
    },
  );

  app.get<{ Querystring: Filter }>(
    "/clusterpolicies",
    {
      preValidation,
      schema: {
        tags,
        summary: "List the cluster policies the caller may manage, by name",
        querystring: filterQuery({ fuzzySearch: str, kind: { type: "string", enum: [...POLICY_KINDS] } }),
        response: { 200: list(policySchema), ...errors },
      },
    },
    async (req) => {
      const q = req.query.fuzzySearch?.toLowerCase();
      const all = cache
        .list()
        .filter((o) => mayManage(ctx.authz, who(req), o.spec ?? {}))
        .filter(
          (o) =>
            (!q || o.metadata!.name!.includes(q)) && (!req.query.kind || o.spec?.kind === req.query.kind),
        )
        .map(policyView)
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      return page(all, req.query);
    },
  );

  app.get<{ Params: NameP }>(
    "/clusterpolicies/:name",
    {
      preValidation,
      schema: {
        tags,
        summary: "Read a cluster policy",
        params: nameParams,
        response: { 200: policySchema, ...errors },
      },
    },
    async (req) => policyView(managed(req)),
  );

  app.put<{ Params: NameP; Body: PolicyInput }>(
    "/clusterpolicies/:name",
    {
      preValidation,
      config: { audit: { resource: "clusterpolicies" } },
      schema: {
        tags,
        summary: "Replace a cluster policy's spec",
        params: nameParams,
        body: inputSchema,
        response: { 200: policySchema, ...errors },
      },
    },
    async (req) => {
      const old = managed(req);
      if (req.body.name !== undefined && req.body.name !== req.params.name)
        throw badRequest("the name cannot change");
      if (old.metadata?.deletionTimestamp)
        throw conflict(`cluster policy "${req.params.name}" is being deleted`);
      const spec = checkInput(req, req.body);
      const body = [{ op: "replace", path: "/spec", value: spec }];
      const got = await ctx.host.custom
        .patchClusterCustomObject({ ...where, name: req.params.name, body }, jsonPatch)
        .catch(hostError(req.params.name));
      return policyView(got as KObj);
    },
  );

  app.delete<{ Params: NameP; Querystring: { keep?: boolean } }>(
    "/clusterpolicies/:name",
    {
      preValidation,
      config: { audit: { resource: "clusterpolicies" } },
      schema: {
        tags,
        summary: "Delete a cluster policy; what it made in the members goes too, unless keep=true",
        params: nameParams,
        querystring: { type: "object", properties: { keep: { type: "boolean", default: false } } },
        response: { 200: policySchema, ...errors },
      },
    },
    async (req) => {
      const old = managed(req);
      const { name } = req.params;
      if (req.query.keep) {
        const body = { metadata: { annotations: { [KEEP_ANNOTATION]: "true" } } };
        await ctx.host.custom
          .patchClusterCustomObject({ ...where, name, body }, mergePatch)
          .catch(hostError(name));
      }
      await ctx.host.custom.deleteClusterCustomObject({ ...where, name }).catch(hostError(name));
      return { ...policyView(old), deleting: true };
    },
  );

  app.post<{ Params: NameP; Querystring: Filter }>(
    "/clusterpolicies/:name(^[^:]+)::dryrun",
    {
      preValidation,
      config: { audit: { resource: "clusterpolicies", verb: "dryrun" } },
      schema: {
        tags,
        summary: "What enforcing the policy would do, per cluster and namespace (nothing is changed)",
        description:
          "PodSecurity: the pods each member's Pod Security admission names when the enforce label is dry-run there. ResourceQuota: usage over the hard limits. LimitRange: defaults pods would get, and what falls outside min and max. NetworkPolicy: pods that would become isolated. A namespace's own object in the way is a finding too.",
        params: nameParams,
        querystring: filterQuery({
          fuzzySearch: { type: "string", description: "a substring of the name, namespace or reason" },
          cluster: str,
          namespace: str,
          kind: str,
        }),
        response: { 200: list(findingSchema), ...errors },
      },
    },
    async (req) => {
      const o = managed(req);
      const all = await dryRun({ members: ctx.members, index: ctx.search.index }, o, {
        user: who(req),
        ip: req.ip,
      });
      const q = req.query.fuzzySearch?.toLowerCase();
      const { cluster, namespace, kind } = req.query;
      const seen = all.filter(
        (f) =>
          (!cluster || f.cluster === cluster) &&
          (namespace === undefined || f.namespace === namespace) &&
          (!kind || f.kind === kind) &&
          (!q || `${f.name}\n${f.namespace}\n${f.reason}`.toLowerCase().includes(q)),
      );
      return page(seen, req.query);
    },
  );

  app.get<{ Params: NameP; Querystring: Filter }>(
    "/clusterpolicies/:name/compliance",
    {
      preValidation,
      schema: {
        tags,
        summary:
          "Each target namespace's state on each cluster, with totals per state for the fleet and per cluster",
        params: nameParams,
        querystring: filterQuery({
          cluster: str,
          state: { type: "string", enum: [...STATES] },
          fuzzySearch: { type: "string", description: "a substring of the namespace" },
        }),
        response: {
          200: list(complianceSchema, {
            totals: {
              type: "object",
              properties: { fleet: totals, clusters: { type: "object", additionalProperties: totals } },
            },
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const c = complianceOf(managed(req));
      const q = req.query.fuzzySearch?.toLowerCase();
      const { cluster, state } = req.query;
      const seen = c.items.filter(
        (i) =>
          (!cluster || i.cluster === cluster) &&
          (!state || i.state === state) &&
          (!q || i.namespace.includes(q)),
      );
      return { ...page(seen, req.query), totals: { fleet: c.fleet, clusters: c.clusters } };
    },
  );
}
