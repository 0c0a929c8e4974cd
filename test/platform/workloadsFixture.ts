// What the workload REST tests share: one simulated member with kpanda's
// member RBAC in place, a raw client for bodies that are not JSON (YAML,
// patches), object builders, and reads of the member with kubectl directly.
import { API } from "./fixture.ts";
import { type Role, startWithMembers, until, type WithMembers } from "./members.ts";

export const C = "sim-1";
export type Reply = { status: number; body: any };

/** A member with `ns` created, and users with the given namespace roles there (their tokens by name, plus "admin"). */
export async function startWorkloads(ns: string, users: Record<string, Role> = {}): Promise<{ t: WithMembers; tokens: Record<string, string> }> {
  const t = await startWithMembers({ clusters: 1, nodes: 2 });
  await t.direct(C, ["create", "namespace", ns]);
  const tokens: Record<string, string> = { admin: await t.adminToken() };
  for (const [user, role] of Object.entries(users)) tokens[user] = await t.addUser(user, [{ role, cluster: C, namespace: ns }]);
  // kpanda's member RBAC controller binds each user in the member: until then the member refuses them.
  for (const token of Object.values(tokens)) {
    await until("member RBAC in place", async () => (await t.call("GET", `/clusters/${C}/namespaces/${ns}/serviceaccounts/default/json`, undefined, token)).status === 200, 30_000);
  }
  return { t, tokens };
}

/** A REST call with a body sent as is, under the Content-Type given. */
export async function send(t: WithMembers, method: string, path: string, body: string, contentType: string, token: string): Promise<Reply> {
  const res = await fetch(`${t.platform.url}${API}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": contentType }, body });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export function deployment(name: string, image: string, replicas = 2, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image, ...extra }] } },
    },
  };
}

export function statefulSet(name: string, image: string, replicas = 2) {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
    },
  };
}

export function daemonSet(name: string, image: string) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
    },
  };
}

type Pod = { metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string }; spec: { containers: { image: string }[] }; status?: { phase?: string } };

/** The live pods labelled app=`app` in `ns`, read from the member directly. */
export async function podsOf(t: WithMembers, ns: string, app: string): Promise<Pod[]> {
  const out = await t.direct(C, ["get", "pods", "-n", ns, "-l", `app=${app}`, "-o", "json"]);
  return (JSON.parse(out.stdout).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}

/** Until exactly `n` pods of `app` run, each passing `ok`. */
export async function untilPods(t: WithMembers, ns: string, app: string, n: number, ok: (p: Pod) => boolean = () => true, what = "") {
  return until(
    `${n} pods of ${app} Running${what}`,
    async () => {
      const pods = await podsOf(t, ns, app);
      return pods.length === n && pods.every((p) => p.status?.phase === "Running" && ok(p)) ? pods : undefined;
    },
    60_000,
  );
}

/** An object of the member, read directly (admin kubeconfig); undefined when not found. */
export async function direct(t: WithMembers, ns: string, resource: string, name: string): Promise<any> {
  const r = await t.direct(C, ["get", resource, name, "-n", ns, "-o", "json", "--ignore-not-found"]);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}
