// The policies' moving parts inside a running platform, set up with their
// routes: a live cache of ClusterPolicy objects (every replica answers the
// REST API from it), a cache of Cluster objects to follow targets, and the
// policy controller, registered with the controllers that run on the
// replica holding the Lease. The caches stop with the app.
import type { FastifyInstance } from "fastify";
import { KindCache } from "../host/kindCache.ts";
import type { PlatformContext } from "../http/context.ts";
import { PolicyController, type PolicyControllerOptions } from "./PolicyController.ts";

export type PolicyRuntime = { policies: KindCache; controller: PolicyController };

const runtimes = new WeakMap<PlatformContext, Promise<PolicyRuntime>>();

/** The policy runtime of a platform, made once per context. */
export function policyRuntime(app: FastifyInstance, ctx: PlatformContext, opts: Partial<PolicyControllerOptions> = {}): Promise<PolicyRuntime> {
  let r = runtimes.get(ctx);
  if (!r) {
    r = start(app, ctx, opts);
    runtimes.set(ctx, r);
  }
  return r;
}

async function start(app: FastifyInstance, ctx: PlatformContext, opts: Partial<PolicyControllerOptions>): Promise<PolicyRuntime> {
  const policies = new KindCache(ctx.host, "clusterpolicies", ctx.log);
  const clusters = new KindCache(ctx.host, "clusters", ctx.log);
  app.addHook("onClose", async () => {
    await policies.stop();
    await clusters.stop();
  });
  await Promise.all([policies.start(), clusters.start()]);
  const controller = new PolicyController({ host: ctx.host, policies, clusters, members: ctx.members, index: ctx.search.index, log: ctx.log, ...opts });
  ctx.controllers.add({ name: "cluster-policies", start: (signal) => controller.start(signal), stop: () => controller.stop() });
  return { policies, controller };
}
