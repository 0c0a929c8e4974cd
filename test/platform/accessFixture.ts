// Access tests' setup: a platform with simulated member clusters integrated,
// users with roles, and kubectl as a user (impersonated on the member, or
// through kpanda's proxy).
import { readFile } from "node:fs/promises";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { join } from "node:path";
import { GROUP, VERSION } from "../../src/platform/host/crds.ts";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { credentialSecretName } from "../../src/platform/clusters/members.ts";
import type { SimulatedCluster } from "../../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "../harness.ts";
import type { TestPlatform } from "./fixture.ts";

/**
 * Makes `c` a Running member of the platform by writing its Cluster object
 * and credential Secret in the host, as integration does (kept direct so
 * these tests do not depend on integration's checks).
 */
export async function integrateDirect(t: TestPlatform, c: SimulatedCluster): Promise<void> {
  const { host, members } = t.platform.ctx;
  const cred = parseKubeconfig(await readFile(c.kubeconfigPath!, "utf8"));
  const obj = await host.custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: "clusters",
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "Cluster",
      metadata: { name: c.name },
      spec: { credentialSecret: credentialSecretName(c.name), credentialSource: "Kubeconfig" },
    },
  });
  await members.saveCredential(c.name, cred, { uid: obj.metadata.uid });
  await host.custom.patchClusterCustomObjectStatus(
    { group: GROUP, version: VERSION, plural: "clusters", name: c.name, body: { status: { phase: "Running" } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await until(`cluster ${c.name} Running in the cache`, () => members.cluster(c.name)?.status?.phase === "Running");
}

/** Creates a user (as admin) and answers a session token of theirs. */
export async function makeUser(t: TestPlatform, name: string): Promise<string> {
  const r = await t.call("POST", "/users", { name, password: `${name}-password` }, await t.adminToken());
  if (r.status !== 201) throw new Error(`create user ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return t.login(name, `${name}-password`);
}

/** Grants a role as `token` (admin's by default); answers the binding's name. */
export async function grant(
  t: TestPlatform,
  body: { user: string; role: string; cluster?: string; namespace?: string },
  token?: string,
): Promise<string> {
  const r = await t.call("POST", "/rolebindings", body, token ?? (await t.adminToken()));
  if (r.status !== 201) throw new Error(`grant ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
  // Rights are read from the binding cache: wait until this replica has seen it.
  await until(`binding ${r.body.name} in the cache`, () => t.platform.ctx.bindings.get(r.body.name));
  return r.body.name;
}

/** kubectl on a simulated member with its admin kubeconfig, as `as` (Impersonate-User) in kpanda's group, as kpanda's proxy calls it. */
export function kubectlAs(c: SimulatedCluster, dir: string, as: string | undefined, args: string[]): Promise<KubectlResult> {
  const who = as ? ["--as", as, "--as-group", "kpanda:authenticated"] : [];
  return runKubectl(["--kubeconfig", c.kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...who, ...args], { allowFail: true });
}

type Falsy = false | 0 | "" | null | undefined;

/** Polls fn until it answers a truthy value (every 50 ms, up to `ms`). */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 10_000): Promise<Exclude<T, Falsy>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Exclude<T, Falsy>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
