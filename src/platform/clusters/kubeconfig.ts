// A member's kubeconfig, as pasted by a user: parsed, checked and reduced to
// what kpanda needs to reach the cluster (server, CA, and a client
// certificate or a bearer token). It must be self-contained: exec plugins
// and auth providers would run programs or reach token services from
// kpanda's process, and file references point into the user's machine, so
// each is refused with a message that says what to do instead.
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";
import { parse } from "yaml";
import { badRequest } from "../http/errors.ts";

export type MemberCredential = {
  server: string;
  /** PEM; absent when the server's certificate is publicly trusted or verification is skipped. */
  ca?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** PEM client certificate and key, or a bearer token (one of the two). */
  cert?: string;
  key?: string;
  token?: string;
};

const b64 = (s: unknown) => (typeof s === "string" ? Buffer.from(s, "base64").toString("utf8") : undefined);

/** The credential of the kubeconfig's current context (or its only one); 400 with the reason otherwise. */
export function parseKubeconfig(text: string): MemberCredential {
  let doc: any;
  try {
    doc = parse(text);
  } catch (e) {
    throw badRequest(`kubeconfig is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!doc || typeof doc !== "object" || !Array.isArray(doc.clusters) || !Array.isArray(doc.contexts)) {
    throw badRequest("kubeconfig has no clusters or contexts");
  }
  const ctxName = doc["current-context"] ?? (doc.contexts.length === 1 ? doc.contexts[0]?.name : undefined);
  const ctx = doc.contexts.find((c: any) => c?.name === ctxName)?.context;
  if (!ctx) throw badRequest(ctxName ? `kubeconfig's current context "${ctxName}" is not defined` : "kubeconfig has no current-context");
  const cluster = doc.clusters.find((c: any) => c?.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw badRequest(`kubeconfig's cluster "${ctx.cluster}" has no server`);
  const user = (doc.users ?? []).find((u: any) => u?.name === ctx.user)?.user ?? {};
  if (user.exec) {
    throw badRequest(
      `kubeconfig user "${ctx.user}" uses an exec plugin (${user.exec.command ?? "?"}), which kpanda does not run; use a kubeconfig with a client certificate or a token, e.g. of a ServiceAccount`,
    );
  }
  if (user["auth-provider"]) throw badRequest(`kubeconfig user "${ctx.user}" uses an auth provider, which kpanda does not support; use a client certificate or a token`);
  for (const [obj, field] of [
    [cluster, "certificate-authority"],
    [user, "client-certificate"],
    [user, "client-key"],
    [user, "tokenFile"],
  ] as const) {
    if (obj[field]) throw badRequest(`kubeconfig refers to a file (${field}: ${obj[field]}); embed its contents instead (kubectl config view --raw --flatten --minify)`);
  }
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw badRequest(`kubeconfig server "${cluster.server}" is not a URL`);
  }
  if (server.protocol !== "https:") throw badRequest(`kubeconfig server "${cluster.server}" is not https`);
  const cred: MemberCredential = {
    server: cluster.server.replace(/\/+$/, ""),
    ca: b64(cluster["certificate-authority-data"]),
    insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true || undefined,
    tlsServerName: cluster["tls-server-name"],
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
    token: typeof user.token === "string" ? user.token : undefined,
  };
  if (!cred.token && !(cred.cert && cred.key)) {
    throw badRequest(`kubeconfig user "${ctx.user}" has neither a token nor a client certificate and key`);
  }
  return cred;
}

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/**
 * A KubeConfig whose typed calls share one kept-alive connection pool.
 * client-node 2.x gives every request a new undici dispatcher, so each call
 * to a member would open a connection and pay a TLS handshake; here the
 * first dispatcher is kept and handed to every later request.
 */
export class PooledKubeConfig extends KubeConfig {
  private pool?: Dispatcher;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return;
    if (!this.pool) this.pool = fresh;
    else {
      context.setDispatcher(this.pool);
      void fresh.close().catch(() => {});
    }
  }

  /** Closes the pooled connections (a throwaway member, or one whose credential was replaced). */
  closePool(): void {
    void this.pool?.close().catch(() => {});
    this.pool = undefined;
  }
}

/** A client-node KubeConfig for a credential (what every typed call to the member uses). */
export function kubeConfigFor(name: string, cred: MemberCredential): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: cred.server,
        caData: cred.ca ? Buffer.from(cred.ca).toString("base64") : undefined,
        skipTLSVerify: !!cred.insecureSkipTLSVerify,
        tlsServerName: cred.tlsServerName,
      },
    ],
    users: [
      {
        name: "kpanda",
        token: cred.token,
        certData: cred.cert ? Buffer.from(cred.cert).toString("base64") : undefined,
        keyData: cred.key ? Buffer.from(cred.key).toString("base64") : undefined,
      },
    ],
    contexts: [{ name, cluster: name, user: "kpanda" }],
    currentContext: name,
  });
  return kc;
}
