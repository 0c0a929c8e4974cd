// GET /clusters/{cluster}/kubeconfig: a kubeconfig for the caller that points
// at kpanda's Kubernetes proxy for the cluster, with a kpanda-signed token of
// the caller's own (use "kubeconfig"), so kubectl acts with the caller's
// roles, never with kpanda's credential.
import { stringify } from "yaml";
import { badRequest } from "../http/errors.ts";

export const DEFAULT_KUBECONFIG_SECONDS = 24 * 3600;
export const MAX_KUBECONFIG_SECONDS = 365 * 24 * 3600;
// As the TokenRequest API refuses a token shorter than 10 minutes.
export const MIN_KUBECONFIG_SECONDS = 600;

export function kubeconfigSeconds(asked: number | undefined): number {
  const s = asked ?? DEFAULT_KUBECONFIG_SECONDS;
  if (!Number.isInteger(s) || s < MIN_KUBECONFIG_SECONDS) {
    throw badRequest(`expirationSeconds must be an integer of at least ${MIN_KUBECONFIG_SECONDS} (10 minutes)`);
  }
  if (s > MAX_KUBECONFIG_SECONDS) throw badRequest(`expirationSeconds must be at most ${MAX_KUBECONFIG_SECONDS} (1 year)`);
  return s;
}

/**
 * The kubeconfig YAML: one cluster (the proxy URL, and the CA kpanda's
 * certificate chains to when kpanda made it, so kubectl verifies kpanda with
 * no insecure-skip-tls-verify), one user (the token), one context, current.
 */
export function userKubeconfig(opts: { baseURL: string; cluster: string; user: string; token: string; ca?: string; path?: string }): string {
  // The proxy for the cluster, unless another path of kpanda's is named (the /k8s/search API).
  const server = `${opts.baseURL.replace(/\/+$/, "")}${opts.path ?? `/k8s/clusters/${opts.cluster}`}`;
  const ctxName = `${opts.user}@${opts.cluster}`;
  const caData = opts.ca && server.startsWith("https:") ? { "certificate-authority-data": Buffer.from(opts.ca).toString("base64") } : {};
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: opts.cluster, cluster: { server, ...caData } }],
    users: [{ name: opts.user, user: { token: opts.token } }],
    contexts: [{ name: ctxName, context: { cluster: opts.cluster, user: opts.user } }],
    "current-context": ctxName,
    preferences: {},
  });
}
