// Reads a kubeconfig's current context into what an HTTPS client needs: the
// server URL, the CA, and either a client certificate or a bearer token.
// Supports inline *-data fields and file paths (relative to the kubeconfig).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

export type ClusterAccess = {
  server: string;
  ca?: string;
  insecure: boolean;
  cert?: string;
  key?: string;
  token?: string;
  /** The TLS server name when the kubeconfig overrides it. */
  servername?: string;
  context: string;
};

type Named<T> = { name: string } & T;
type KubeconfigDoc = {
  "current-context"?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
};

export function parseKubeconfig(text: string, baseDir: string, contextName?: string): ClusterAccess {
  const doc = (parseYaml(text) ?? {}) as KubeconfigDoc;
  const name = contextName ?? doc["current-context"];
  const ctx = doc.contexts?.find((c) => c.name === name)?.context ?? (name ? undefined : doc.contexts?.[0]?.context);
  if (!ctx) throw new Error(`kubeconfig: context "${name ?? ""}" not found`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig: cluster "${ctx.cluster}" not found`);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (typeof cluster.server !== "string") throw new Error("kubeconfig: cluster has no server");
  if (user.exec || user["auth-provider"]) {
    throw new Error("kubeconfig: exec and auth-provider credentials are not supported; use a token or client certificate");
  }
  const pick = (obj: Record<string, unknown>, field: string): string | undefined => {
    const data = obj[`${field}-data`];
    if (typeof data === "string" && data) return Buffer.from(data, "base64").toString("utf8");
    const file = obj[field];
    if (typeof file === "string" && file) return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), "utf8");
    return undefined;
  };
  let token = typeof user.token === "string" ? user.token : undefined;
  if (!token && typeof user.tokenFile === "string") token = pick({ f: user.tokenFile }, "f")?.trim();
  return {
    server: cluster.server.replace(/\/+$/, ""),
    ca: pick(cluster, "certificate-authority"),
    insecure: cluster["insecure-skip-tls-verify"] === true,
    servername: typeof cluster["tls-server-name"] === "string" ? cluster["tls-server-name"] : undefined,
    cert: pick(user, "client-certificate"),
    key: pick(user, "client-key"),
    token,
    context: name ?? "",
  };
}

export function loadKubeconfig(file: string, contextName?: string): ClusterAccess {
  return parseKubeconfig(readFileSync(file, "utf8"), dirname(resolve(file)), contextName);
}
