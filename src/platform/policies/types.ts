// ClusterPolicy: one policy kept in many namespaces of many clusters. Its
// spec (a kpanda.io/v1alpha1 object in the host, host/crds.ts):
//   kind      NetworkPolicy, ResourceQuota, LimitRange or PodSecurity
//   template  the object's spec (the first three kinds)
//   level     privileged, baseline or restricted (PodSecurity), at `version`
//             (default "latest", as the Pod Security Admission labels take it)
//   clusters  {names: [...]} or {selector: LabelSelector over Cluster labels}
//   namespaceSelector  a LabelSelector over namespace labels (default: all)
//   exclude   namespace names left alone; omitted, it is DEFAULT_EXCLUDE
//   mode      DryRun: nothing is applied (the dry run says what would be);
//             Warn: PodSecurity sets only the warn and audit labels, and
//             the other kinds apply nothing (Kubernetes has no warn-only
//             quota, limit range or network policy: applying one enforces it);
//             Enforce: applied and kept.
// What kpanda makes carries the label and annotation POLICY_LABEL naming the
// policy. Who may manage a policy: an Owner any; a ClusterAdmin one that names
// its clusters (all of them) by name. A selector may match clusters added
// later, so selector policies are the Owner's.
import { selectorString } from "../../apiserver/registry/selectors.ts";
import type { Authorizer } from "../access/roles.ts";
import { KPANDA_NAMESPACE } from "../host/crds.ts";
import type { KObj } from "../host/kindCache.ts";
import { badRequest } from "../http/errors.ts";

export const POLICY_KINDS = ["NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurity"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];
export const MODES = ["DryRun", "Warn", "Enforce"] as const;
export type Mode = (typeof MODES)[number];
export const LEVELS = ["privileged", "baseline", "restricted"] as const;

/** On what kpanda made for a policy (label and annotation), and on namespaces it labelled. */
export const POLICY_LABEL = "kpanda.io/cluster-policy";
/** The policy generation an object was written for: a difference at the same generation is drift. */
export const GENERATION_ANNOTATION = "kpanda.io/cluster-policy-generation";
/** Set on a policy deleted with ?keep=true: its objects stay in the members. */
export const KEEP_ANNOTATION = "kpanda.io/keep-objects";
/** Held by a policy until the controller has removed what it made. */
export const FINALIZER = "kpanda.io/cluster-policy-cleanup";
export const DEFAULT_EXCLUDE = ["kube-system", "kube-public", "kube-node-lease", KPANDA_NAMESPACE];

export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

export type PolicySpec = {
  kind: PolicyKind;
  mode: Mode;
  template?: Record<string, unknown>;
  level?: (typeof LEVELS)[number];
  version?: string;
  clusters: { names?: string[]; selector?: LabelSelector };
  namespaceSelector?: LabelSelector;
  exclude: string[];
};

export type PolicyInput = Omit<PolicySpec, "exclude"> & { name?: string; exclude?: string[] };

/** The name of the object a policy makes in each namespace. */
export const objectName = (policy: string) => `kpanda-policy-${policy}`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PSA_VERSION = /^(latest|v1\.(0|[1-9]\d{0,8}))$/;

/** What each templated kind needs in its spec (Kubernetes' required fields). */
const REQUIRED: Record<string, string> = { NetworkPolicy: "podSelector", ResourceQuota: "hard", LimitRange: "limits" };

/** A policy's spec from a REST body: 400 with the first thing wrong. */
export function specFromInput(input: PolicyInput): PolicySpec {
  const { kind, mode, template, level, clusters } = input;
  if (!(POLICY_KINDS as readonly string[]).includes(kind)) throw badRequest(`kind must be one of ${POLICY_KINDS.join(", ")}`);
  if (!(MODES as readonly string[]).includes(mode)) throw badRequest(`mode must be one of ${MODES.join(", ")}`);
  const spec: PolicySpec = { kind, mode, clusters: {}, exclude: input.exclude ?? DEFAULT_EXCLUDE };
  if (kind === "PodSecurity") {
    if (template !== undefined) throw badRequest("a PodSecurity policy takes a level, not a template");
    if (!level || !(LEVELS as readonly string[]).includes(level)) throw badRequest(`level must be one of ${LEVELS.join(", ")}`);
    if (input.version !== undefined && !PSA_VERSION.test(input.version)) throw badRequest(`version must be "latest" or "v1.x"`);
    spec.level = level;
    spec.version = input.version ?? "latest";
  } else {
    if (level !== undefined || input.version !== undefined) throw badRequest(`a ${kind} policy takes a template, not a level`);
    if (!template || typeof template !== "object" || Array.isArray(template)) throw badRequest(`template must be the ${kind}'s spec`);
    if (!(REQUIRED[kind] in template)) throw badRequest(`template must have ${REQUIRED[kind]} (the ${kind}'s spec)`);
    spec.template = template;
  }
  const hasNames = Array.isArray(clusters?.names);
  if (hasNames === (clusters?.selector !== undefined)) throw badRequest("clusters takes either names or a selector");
  if (hasNames) {
    if (!clusters.names!.length) throw badRequest("clusters.names is empty");
    spec.clusters.names = [...new Set(clusters.names)];
  } else {
    if (selectorString(clusters.selector) === undefined) throw badRequest("clusters.selector is not a valid label selector");
    spec.clusters.selector = clusters.selector;
  }
  if (input.namespaceSelector !== undefined) {
    if (selectorString(input.namespaceSelector) === undefined) throw badRequest("namespaceSelector is not a valid label selector");
    spec.namespaceSelector = input.namespaceSelector;
  }
  return spec;
}

export function validPolicyName(name: unknown): name is string {
  return typeof name === "string" && name.length <= 63 && DNS_LABEL.test(name);
}

export type PolicyView = PolicySpec & { name: string; creationTimestamp?: string; deleting: boolean };

export function policyView(o: KObj): PolicyView {
  const s = o.spec ?? {};
  return {
    name: o.metadata!.name!,
    kind: s.kind,
    mode: s.mode,
    ...(s.template !== undefined ? { template: s.template } : {}),
    ...(s.level !== undefined ? { level: s.level, version: s.version ?? "latest" } : {}),
    clusters: s.clusters ?? {},
    ...(s.namespaceSelector !== undefined ? { namespaceSelector: s.namespaceSelector } : {}),
    exclude: s.exclude ?? DEFAULT_EXCLUDE,
    creationTimestamp: o.metadata?.creationTimestamp as string | undefined,
    deleting: !!o.metadata?.deletionTimestamp,
  };
}

/** An Owner may manage any policy; a ClusterAdmin one that names only clusters it administers. */
export function mayManage(authz: Authorizer, user: string, spec: Pick<PolicySpec, "clusters">): boolean {
  if (authz.isOwner(user)) return true;
  const names = spec.clusters?.names;
  return !!names?.length && names.every((c) => authz.isClusterAdmin(user, c));
}
