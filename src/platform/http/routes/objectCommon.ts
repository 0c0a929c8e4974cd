// What the object, action and revision routes share: their params and
// schemas, and the Target of a request (the member, as the caller).
import type { FastifyRequest } from "fastify";
import type { ObjectKind } from "../../apps/kinds.ts";
import type { Target } from "../../apps/objects.ts";
import { memberOf } from "../../clusters/memberApi.ts";
import type { PlatformContext } from "../context.ts";
import { errorSchema } from "../errors.ts";

export const NS_PREFIX = "/clusters/:cluster/namespaces/:namespace";

export type NsParams = { cluster: string; namespace: string };
export type NameParams = NsParams & { name: string };

const str = { type: "string" } as const;
export const nsParams = { type: "object", required: ["cluster", "namespace"], properties: { cluster: str, namespace: str } } as const;
export const nameParams = {
  type: "object",
  required: ["cluster", "namespace", "name"],
  properties: { cluster: str, namespace: str, name: str },
} as const;

/** A Kubernetes object, passed through whole. */
export const objectSchema = { type: "object", additionalProperties: true, description: "a Kubernetes object" } as const;

export const dryRunQuery = {
  type: "object",
  properties: { dryRun: { type: "string", enum: ["All"], description: "All: the member validates and answers, and stores nothing" } },
} as const;

/** The errors every object route may answer: its own, and the member's (with field causes on a 422). */
export const errors = {
  400: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  422: errorSchema,
  500: errorSchema,
  503: errorSchema,
} as const;

/** The member of the request's cluster, called as its caller. */
export async function targetOf(ctx: PlatformContext, req: FastifyRequest, kind: ObjectKind): Promise<Target> {
  const p = req.params as NsParams;
  const m = await memberOf(ctx, p.cluster);
  return { m, who: { user: req.principal?.name ?? "", ip: req.ip }, kind, namespace: p.namespace };
}
