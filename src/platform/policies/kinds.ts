// The member objects policies are made of: where each kind lives in the
// Kubernetes API, and how it is named in the search index (kinds.ts there
// caches all of them, so the controller reads members from the index).
import type { KindRef } from "../search/index.ts";

export type PolicyObjectKind = KindRef & {
  kind: "NetworkPolicy" | "ResourceQuota" | "LimitRange";
  apiVersion: string;
  /** The collection in a namespace. */
  path(namespace: string): string;
};

const core = (resource: string) => (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}`;

export const OBJECT_KINDS: Record<PolicyObjectKind["kind"], PolicyObjectKind> = {
  NetworkPolicy: {
    kind: "NetworkPolicy",
    group: "networking.k8s.io",
    resource: "networkpolicies",
    apiVersion: "networking.k8s.io/v1",
    path: (ns) => `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/networkpolicies`,
  },
  ResourceQuota: { kind: "ResourceQuota", group: "", resource: "resourcequotas", apiVersion: "v1", path: core("resourcequotas") },
  LimitRange: { kind: "LimitRange", group: "", resource: "limitranges", apiVersion: "v1", path: core("limitranges") },
};

export const NAMESPACES: KindRef = { group: "", resource: "namespaces" };
export const PODS: KindRef = { group: "", resource: "pods" };

export const namespacePath = (name: string) => `/api/v1/namespaces/${encodeURIComponent(name)}`;
