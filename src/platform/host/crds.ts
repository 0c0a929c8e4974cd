// kpanda's own state as kpanda.io/v1alpha1 custom resources in the host
// cluster. The definitions use only what Kubernetes 1.20 serves (structural
// schemas, no CEL rules), since enterprises keep old host clusters.
// Credentials never live in these objects: they are Secrets in the
// namespace KPANDA_NAMESPACE, which the embedded host encrypts at rest.
export const GROUP = "kpanda.io";
export const VERSION = "v1alpha1";
export const KPANDA_NAMESPACE = "kpanda-system";

type Schema = Record<string, unknown>;

const str = { type: "string" };
const anyObject = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

export type KindDef = {
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  spec: Schema;
  status?: Schema;
  columns?: { name: string; type: string; jsonPath: string }[];
};

export const KINDS = {
  cluster: {
    kind: "Cluster",
    plural: "clusters",
    singular: "cluster",
    spec: {
      type: "object",
      properties: {
        alias: str,
        provider: str,
        deletionProtection: { type: "boolean" },
        // The Secret (in kpanda-system) that holds the member credential.
        credentialSecret: str,
        // How the credential was obtained: "ServiceAccount" (kpanda's own, made on integration) or "Kubeconfig".
        credentialSource: str,
      },
    },
    status: anyObject,
    columns: [
      { name: "Alias", type: "string", jsonPath: ".spec.alias" },
      { name: "Phase", type: "string", jsonPath: ".status.phase" },
      { name: "Version", type: "string", jsonPath: ".status.kubernetesVersion" },
    ],
  },
  user: {
    kind: "User",
    plural: "users",
    singular: "user",
    // The password hash is in the Secret user-<name>, not here.
    spec: { type: "object", properties: { displayName: str, disabled: { type: "boolean" } } },
    status: anyObject,
  },
  apiToken: {
    kind: "APIToken",
    plural: "apitokens",
    singular: "apitoken",
    // Only a SHA-256 of the token is kept; the token itself is shown once.
    spec: {
      type: "object",
      required: ["user", "name", "sha256"],
      properties: { user: str, name: str, sha256: str, expiresAt: str },
    },
  },
  roleBinding: {
    kind: "RoleBinding",
    plural: "rolebindings",
    singular: "rolebinding",
    spec: {
      type: "object",
      required: ["user", "role"],
      properties: { user: str, role: str, cluster: str, namespace: str },
    },
    columns: [
      { name: "User", type: "string", jsonPath: ".spec.user" },
      { name: "Role", type: "string", jsonPath: ".spec.role" },
      { name: "Cluster", type: "string", jsonPath: ".spec.cluster" },
      { name: "Namespace", type: "string", jsonPath: ".spec.namespace" },
    ],
  },
  setting: {
    kind: "Setting",
    plural: "settings",
    singular: "setting",
    spec: anyObject,
  },
  // A policy kpanda keeps in the namespaces of many clusters (policies/types.ts):
  // a NetworkPolicy, ResourceQuota or LimitRange from `template`, or Pod Security labels at `level`.
  clusterPolicy: {
    kind: "ClusterPolicy",
    plural: "clusterpolicies",
    singular: "clusterpolicy",
    shortNames: ["cpol"],
    spec: {
      type: "object",
      required: ["kind", "mode", "clusters"],
      properties: {
        kind: str,
        mode: str,
        template: anyObject,
        level: str,
        version: str,
        clusters: { type: "object", properties: { names: { type: "array", items: str }, selector: anyObject } },
        namespaceSelector: anyObject,
        exclude: { type: "array", items: str },
      },
    },
    // Compliance per cluster and namespace, written by the policy controller.
    status: anyObject,
    columns: [
      { name: "Kind", type: "string", jsonPath: ".spec.kind" },
      { name: "Mode", type: "string", jsonPath: ".spec.mode" },
    ],
  },
} satisfies Record<string, KindDef>;

/** The CustomResourceDefinition of one kind (cluster-scoped, v1, structural). */
export function crdFor(def: KindDef): Record<string, unknown> {
  const properties: Schema = { spec: def.spec };
  if (def.status) properties.status = def.status;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${def.plural}.${GROUP}`, labels: { "app.kubernetes.io/managed-by": "kpanda" } },
    spec: {
      group: GROUP,
      scope: "Cluster",
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular, shortNames: def.shortNames },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", properties } },
          subresources: def.status ? { status: {} } : undefined,
          additionalPrinterColumns: [
            ...(def.columns ?? []),
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
        },
      ],
    },
  };
}

export const CRDS = Object.values(KINDS).map(crdFor);
