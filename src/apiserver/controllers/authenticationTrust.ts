// kube-system/extension-apiserver-authentication: how this server
// authenticates, published for aggregated API servers (they read the
// request-header CA and header names from it), as kube-apiserver's
// cluster-authentication-trust controller writes it
// (pkg/controlplane/controller/clusterauthenticationtrust). Written once at
// start; string lists are JSON arrays.
import type { RequestHeaderConfig } from "../auth/requestHeader.ts";
import { systemContext } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";

export const AUTH_CONFIGMAP = { namespace: "kube-system", name: "extension-apiserver-authentication" };

export function authenticationTrustData(clientCA: string, rh: RequestHeaderConfig): Record<string, string> {
  return {
    "client-ca-file": clientCA,
    "requestheader-username-headers": JSON.stringify(rh.usernameHeaders),
    "requestheader-uid-headers": JSON.stringify(rh.uidHeaders ?? []),
    "requestheader-group-headers": JSON.stringify(rh.groupHeaders),
    "requestheader-extra-headers-prefix": JSON.stringify(rh.extraHeaderPrefixes),
    "requestheader-client-ca-file": rh.clientCA,
    "requestheader-allowed-names": JSON.stringify(rh.allowedNames),
  };
}

/** The request-header configuration an aggregated server reads from the ConfigMap's data. */
export function requestHeaderFromTrust(data: Record<string, string> | undefined): RequestHeaderConfig | undefined {
  const ca = data?.["requestheader-client-ca-file"];
  if (!data || !ca) return undefined;
  const list = (k: string): string[] => (data[k] ? JSON.parse(data[k]) : []);
  return {
    clientCA: ca,
    allowedNames: list("requestheader-allowed-names"),
    usernameHeaders: list("requestheader-username-headers"),
    uidHeaders: list("requestheader-uid-headers"),
    groupHeaders: list("requestheader-group-headers"),
    extraHeaderPrefixes: list("requestheader-extra-headers-prefix"),
  };
}

export function publishAuthenticationTrust(store: ObjectStore, clientCA: string, rh: RequestHeaderConfig): void {
  const info = store.registry.lookup("", "v1", "configmaps")!;
  const { namespace, name } = AUTH_CONFIGMAP;
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: authenticationTrustData(clientCA, rh) };
  try {
    store.create(info, namespace, cm, systemContext());
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
    store.mutate(info, namespace, name, systemContext(), (o) => {
      if (JSON.stringify(o.data) === JSON.stringify(cm.data)) return false;
      o.data = cm.data;
      return true;
    });
  }
}
