// Policies (issue 14) as the console reads them: cluster policies
// (routes/policies.ts) and a namespace's NetworkPolicies, ResourceQuotas,
// LimitRanges and Pod Security labels (routes/namespacePolicies.ts).
import { api, post } from "./client.ts";

const e = encodeURIComponent;

export const POLICY_KINDS = ["ResourceQuota", "LimitRange", "NetworkPolicy", "PodSecurity"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];
export const MODES = ["DryRun", "Warn", "Enforce"] as const;
export type Mode = (typeof MODES)[number];
export const LEVELS = ["privileged", "baseline", "restricted"] as const;
export type Level = (typeof LEVELS)[number];
/** The compliance states of …/compliance (policies/compliance.ts STATES). */
export const STATES = ["Applied", "Repaired", "Conflict", "Failed", "Excluded", "Pending"] as const;
export type State = (typeof STATES)[number];
/** The Pod Security Admission modes, each a namespace label pod-security.kubernetes.io/<mode>[-version]. */
export const PSA_MODES = ["enforce", "audit", "warn"] as const;
export const PSA_PREFIX = "pod-security.kubernetes.io/";
/**
 * The exclusions a new policy starts with: the server's default
 * (policies/types.ts DEFAULT_EXCLUDE), kpanda's own namespace last.
 */
export const DEFAULT_EXCLUDE = ["kube-system", "kube-public", "kube-node-lease", "kpanda-system"];

export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

export type PolicySpec = {
  kind: PolicyKind;
  mode: Mode;
  template?: Record<string, unknown>;
  level?: Level;
  version?: string;
  clusters: { names?: string[]; selector?: LabelSelector };
  namespaceSelector?: LabelSelector;
  exclude: string[];
};

export type ClusterPolicy = PolicySpec & { name: string; creationTimestamp?: string; deleting: boolean };
export type Finding = { cluster: string; namespace: string; kind: string; name: string; reason: string };
export type ComplianceItem = { cluster: string; namespace: string; state: State; reason?: string; time: string };
export type Totals = Partial<Record<State, number>>;
export type ComplianceTotals = { fleet: Totals; clusters: Record<string, Totals> };

export type QuotaCompute = {
  quotas: { name: string; hard: Record<string, string>; used: Record<string, string> }[];
  resources: { resource: string; hard: string; used: string; remaining: string; percent: number; quota: string }[];
};
export type LimitTypeCompute = {
  type: string;
  default: Record<string, string>;
  defaultRequest: Record<string, string>;
  min: Record<string, string>;
  max: Record<string, string>;
  maxLimitRequestRatio: Record<string, string>;
};
export type LimitCompute = { limitRanges: string[]; types: LimitTypeCompute[] };
export type PodSecurityAnswer = { namespace: string; labels: Record<string, string>; warnings: string[] };

/** The namespaced kinds a namespace's policy tabs list, by their REST resource name. */
export const NS_RESOURCES = ["networkpolicies", "resourcequotas", "limitranges"] as const;
export type NsResource = (typeof NS_RESOURCES)[number];

export const policyPaths = {
  policies: "/clusterpolicies",
  policy: (n: string) => `/clusterpolicies/${e(n)}`,
  dryRun: (n: string) => `/clusterpolicies/${e(n)}:dryrun`,
  compliance: (n: string) => `/clusterpolicies/${e(n)}/compliance`,
  nsList: (c: string, ns: string, r: NsResource) => `/clusters/${e(c)}/namespaces/${e(ns)}/${r}`,
  nsItem: (c: string, ns: string, r: NsResource, n: string) => `/clusters/${e(c)}/namespaces/${e(ns)}/${r}/${e(n)}`,
  quotaCompute: (c: string, ns: string) => `/clusters/${e(c)}/namespaces/${e(ns)}/resourcequotas:compute`,
  limitCompute: (c: string, ns: string) => `/clusters/${e(c)}/namespaces/${e(ns)}/limitranges:compute`,
  podSecurity: (c: string, ns: string, on: boolean) => `/clusters/${e(c)}/namespaces/${e(ns)}/podsecurity:${on ? "enable" : "disable"}`,
};

/** The spec of a policy as PUT takes it (its name, time and deletion left out). */
export function specOf(p: ClusterPolicy): PolicySpec {
  const { name: _n, creationTimestamp: _c, deleting: _d, ...spec } = p;
  return spec;
}

/** Replaces a policy's spec with its mode changed (Enforce after reading the dry run). */
export const setMode = (p: ClusterPolicy, mode: Mode) => api<ClusterPolicy>("PUT", policyPaths.policy(p.name), { body: { ...specOf(p), mode } });

export const createPolicy = (body: PolicySpec & { name: string }) => post<ClusterPolicy>(policyPaths.policies, body);
export const replacePolicy = ({ name, ...spec }: PolicySpec & { name: string }) => api<ClusterPolicy>("PUT", policyPaths.policy(name), { body: spec });

const SET = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const PAIR = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const EXISTS = /^(!?)([^\s!=()]+)$/;

/**
 * A Kubernetes label selector in its string form (labels.Parse's syntax:
 * k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k) as a LabelSelector;
 * undefined when it does not parse. Commas inside parentheses belong to the set.
 */
export function parseSelector(text: string): LabelSelector | undefined {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  const sel: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  for (const raw of parts.map((p) => p.trim())) {
    if (!raw) {
      if (parts.length === 1) break;
      return undefined;
    }
    let m = SET.exec(raw);
    if (m) {
      const values = m[3].split(",").map((v) => v.trim()).filter(Boolean);
      sel.matchExpressions.push({ key: m[1], operator: m[2] === "in" ? "In" : "NotIn", values });
      continue;
    }
    m = PAIR.exec(raw);
    if (m) {
      if (m[2] === "!=") sel.matchExpressions.push({ key: m[1], operator: "NotIn", values: [m[3]] });
      else sel.matchLabels[m[1]] = m[3];
      continue;
    }
    m = EXISTS.exec(raw);
    if (!m) return undefined;
    sel.matchExpressions.push({ key: m[2], operator: m[1] ? "DoesNotExist" : "Exists" });
  }
  const out: LabelSelector = {};
  if (Object.keys(sel.matchLabels).length) out.matchLabels = sel.matchLabels;
  if (sel.matchExpressions.length) out.matchExpressions = sel.matchExpressions;
  return out;
}

/** A LabelSelector in its string form ("" for everything). */
export function selectorText(s: LabelSelector | undefined): string {
  if (!s) return "";
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const x of s.matchExpressions ?? []) {
    if (x.operator === "In" || x.operator === "NotIn") parts.push(`${x.key} ${x.operator === "In" ? "in" : "notin"} (${(x.values ?? []).join(",")})`);
    else parts.push(x.operator === "Exists" ? x.key : `!${x.key}`);
  }
  return parts.join(",");
}
