// Quota evaluators (pkg/quota/v1/evaluator/core and the generic object
// counter, 1.32): which quota resources an object kind is charged to, what
// one object uses, which requests it must make, and which scopes it matches.
// Shared by the ResourceQuota admission plugin and the quota controller.
import type { Operation } from "../../registry/context.ts";
import { type Quantity, parseExact } from "../quantity.ts";
import { podQOS } from "../strategy.ts";
import { addLists, podResources, type ResourceList, toResourceList } from "./resourceList.ts";

type Obj = Record<string, any>;

export type Evaluator = {
  /** The storage prefix of the objects it counts ("core/pods"). */
  prefix: string;
  handles(op: Operation, subresource?: string): boolean;
  /** The names among a quota's hard resources that this evaluator tracks. */
  matchingResources(names: string[]): string[];
  usage(obj: Obj, now?: number): ResourceList;
  /** An error text when an object lacks what the quota requires ("must specify ..."). */
  constraints(required: string[], obj: Obj): string | undefined;
  matchesScope(scope: ScopeRequirement, obj: Obj): boolean;
};

export type ScopeRequirement = { scopeName: string; operator: string; values?: string[] };

const one = (): Quantity => ({ nanos: 1_000_000_000n, format: "DecimalSI" });
const count = (n: number): Quantity => ({ nanos: BigInt(n) * 1_000_000_000n, format: "DecimalSI" });
const STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

/** getScopeSelectorsFromQuota: spec.scopes as Exists requirements, then spec.scopeSelector. */
export function quotaScopes(quota: Obj): ScopeRequirement[] {
  const out: ScopeRequirement[] = (Array.isArray(quota.spec?.scopes) ? quota.spec.scopes : []).map((s: string) => ({
    scopeName: s,
    operator: "Exists",
  }));
  const exprs = quota.spec?.scopeSelector?.matchExpressions;
  if (Array.isArray(exprs)) out.push(...exprs);
  return out;
}

/** Matches: the quota limits something this evaluator tracks, and every scope matches. */
export function quotaMatches(ev: Evaluator, quota: Obj, obj: Obj): boolean {
  if (!ev.matchingResources(Object.keys(quota.status?.hard ?? {})).length) return false;
  return quotaScopes(quota).every((s) => ev.matchesScope(s, obj));
}

function objectCount(prefix: string, names: string[], ops: Operation[]): Evaluator {
  const set = new Set(names);
  return {
    prefix,
    handles: (op, sub) => !sub && ops.includes(op),
    matchingResources: (rs) => rs.filter((r) => set.has(r)),
    usage: () => new Map(names.map((n) => [n, one()])),
    constraints: () => undefined,
    // MatchesNoScopeFunc: scoped quotas only ever match pods.
    matchesScope: () => false,
  };
}

const POD_RESOURCES = new Set([
  "pods",
  "count/pods",
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);
/** Resources every container must request when a quota tracks them (a backward-compatibility rule). */
const VALIDATION_SET = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

const isExtended = (name: string) =>
  name.includes("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests.");

function podTracks(name: string): boolean {
  if (POD_RESOURCES.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-")) return true;
  return name.startsWith("requests.") && isExtended(name.slice("requests.".length));
}

/** podComputeUsageHelper. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([["pods", one()]]);
  for (const r of ["cpu", "memory", "ephemeral-storage"]) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (r.startsWith("hugepages-")) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    } else if (isExtended(r)) out.set(`requests.${r}`, q);
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace period, use no compute resources. */
function podCounts(pod: Obj, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  const del = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (del && grace != null && now > Date.parse(del) + grace * 1000) return false;
  return true;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

const podEvaluator: Evaluator = {
  prefix: "core/pods",
  handles: (op, sub) => !sub && op === "CREATE",
  matchingResources: (rs) => rs.filter(podTracks),
  usage(pod, now = Date.now()) {
    const out: ResourceList = new Map([["count/pods", one()]]);
    if (!podCounts(pod, now)) return out;
    return addLists(out, computeUsage(podResources(pod.spec, "requests"), podResources(pod.spec, "limits")));
  },
  constraints(required, pod) {
    const need = VALIDATION_SET.filter((r) => required.includes(r));
    if (!need.length) return undefined;
    const missing = new Map<string, Set<string>>();
    for (const key of ["containers", "initContainers"]) {
      for (const c of Array.isArray(pod.spec?.[key]) ? pod.spec[key] : []) {
        const have = computeUsage(
          toResourceList(c?.resources?.requests),
          toResourceList(c?.resources?.limits),
        );
        for (const r of need) {
          if (have.has(r)) continue;
          if (!missing.has(r)) missing.set(r, new Set());
          missing.get(r)!.add(str(c?.name));
        }
      }
    }
    if (!missing.size) return undefined;
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(",")}`);
    return `must specify ${parts.join("; ")}`;
  },
  matchesScope(s, pod) {
    const spec = pod.spec ?? {};
    const terminating = typeof spec.activeDeadlineSeconds === "number" && spec.activeDeadlineSeconds >= 0;
    switch (s.scopeName) {
      case "Terminating":
        return terminating;
      case "NotTerminating":
        return !terminating;
      case "BestEffort":
        return podQOS(spec) === "BestEffort";
      case "NotBestEffort":
        return podQOS(spec) !== "BestEffort";
      case "PriorityClass": {
        const pc = str(spec.priorityClassName);
        const values = Array.isArray(s.values) ? s.values : [];
        if (s.operator === "Exists") return pc !== "";
        if (s.operator === "In") return values.includes(pc);
        if (s.operator === "NotIn") return !values.includes(pc);
        return false;
      }
      case "CrossNamespacePodAffinity":
        return usesCrossNamespaceAffinity(spec);
      default:
        return false;
    }
  },
};

function usesCrossNamespaceAffinity(spec: Obj): boolean {
  const terms = [spec.affinity?.podAffinity, spec.affinity?.podAntiAffinity].flatMap((a) => [
    ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Obj) => w?.podAffinityTerm),
  ]);
  return terms.some((t: Obj) => t?.namespaceSelector != null || (Array.isArray(t?.namespaces) && t.namespaces.length > 0));
}

const serviceEvaluator: Evaluator = {
  ...objectCount("core/services", ["count/services", "services"], ["CREATE", "UPDATE"]),
  matchingResources: (rs) =>
    rs.filter((r) => ["services", "count/services", "services.nodeports", "services.loadbalancers"].includes(r)),
  usage(svc) {
    const out: ResourceList = new Map([
      ["count/services", one()],
      ["services", one()],
    ]);
    const ports: Obj[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
    if (svc.spec?.type === "NodePort") out.set("services.nodeports", count(ports.length));
    if (svc.spec?.type === "LoadBalancer") {
      // Without allocated node ports, only explicit ones count.
      const n = svc.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p?.nodePort).length : ports.length;
      out.set("services.nodeports", count(n));
      out.set("services.loadbalancers", one());
    }
    return out;
  },
};

const claimEvaluator: Evaluator = {
  ...objectCount("core/persistentvolumeclaims", ["count/persistentvolumeclaims", "persistentvolumeclaims"], [
    "CREATE",
    "UPDATE",
  ]),
  matchingResources: (rs) =>
    rs.filter(
      (r) =>
        ["persistentvolumeclaims", "count/persistentvolumeclaims", "requests.storage"].includes(r) ||
        (r.includes(STORAGE_CLASS_SUFFIX) &&
          (r.endsWith(`${STORAGE_CLASS_SUFFIX}requests.storage`) ||
            r.endsWith(`${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`))),
    ),
  usage(pvc) {
    const out: ResourceList = new Map([
      ["persistentvolumeclaims", one()],
      ["count/persistentvolumeclaims", one()],
    ]);
    const cls = str(pvc.spec?.storageClassName) || str(pvc.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"]);
    if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, one());
    const storage = parseExact(pvc.spec?.resources?.requests?.storage);
    if (storage) {
      out.set("requests.storage", storage);
      if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
    }
    return out;
  },
};

/** Object kinds counted under their legacy quota names as well as count/<resource>. */
const LEGACY = new Set(["configmaps", "secrets", "resourcequotas", "replicationcontrollers"]);

const evaluators = new Map<string, Evaluator>();

/** The evaluator for a resource, given its storage prefix (made once per resource: it is on every create). */
export function evaluatorFor(group: string, resource: string, prefix: string): Evaluator {
  const key = `${group}/${resource}/${prefix}`;
  let ev = evaluators.get(key);
  if (!ev) {
    ev = makeEvaluator(group, resource, prefix);
    evaluators.set(key, ev);
  }
  return ev;
}

function makeEvaluator(group: string, resource: string, prefix: string): Evaluator {
  if (group === "") {
    if (resource === "pods") return podEvaluator;
    if (resource === "services") return serviceEvaluator;
    if (resource === "persistentvolumeclaims") return claimEvaluator;
  }
  const countName = group ? `count/${resource}.${group}` : `count/${resource}`;
  const names = group === "" && LEGACY.has(resource) ? [countName, resource] : [countName];
  return objectCount(prefix, names, ["CREATE"]);
}
