// Starting points: a cluster policy's template (the object's spec) per kind,
// and a whole object for a namespace's "Create from YAML". Field names are
// the Kubernetes API's (core/v1 ResourceQuotaSpec, LimitRangeSpec;
// networking/v1 NetworkPolicySpec).
import type { NsResource, PolicyKind } from "../api/policies.ts";

const SPECS: Record<Exclude<PolicyKind, "PodSecurity">, string> = {
  ResourceQuota: `hard:
  requests.cpu: "4"
  requests.memory: 8Gi
  limits.cpu: "8"
  limits.memory: 16Gi
  pods: "50"
`,
  LimitRange: `limits:
  - type: Container
    default:
      cpu: 500m
      memory: 512Mi
    defaultRequest:
      cpu: 100m
      memory: 128Mi
    max:
      cpu: "2"
      memory: 2Gi
`,
  // Default deny, allowing traffic from pods of the same namespace.
  NetworkPolicy: `podSelector: {}
policyTypes:
  - Ingress
ingress:
  - from:
      - podSelector: {}
`,
};

export function specTemplate(kind: PolicyKind): string {
  return kind === "PodSecurity" ? "" : SPECS[kind];
}

const KIND_OF: Record<NsResource, { apiVersion: string; kind: Exclude<PolicyKind, "PodSecurity"> }> = {
  networkpolicies: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  resourcequotas: { apiVersion: "v1", kind: "ResourceQuota" },
  limitranges: { apiVersion: "v1", kind: "LimitRange" },
};

export const kindOfResource = (r: NsResource) => KIND_OF[r].kind;

/** A whole object of the kind, named `name`, for the namespace's YAML dialog. */
export function objectTemplate(r: NsResource, name: string): string {
  const k = KIND_OF[r];
  const spec = SPECS[k.kind]
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  return `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;
}
