// What enforcing a templated policy would do to a namespace, computed from
// the objects the search index holds, with Kubernetes' own rules (the
// functions our API server's admission plugins use, ports of
// kube-apiserver's: quota evaluators, LimitRanger, resource lists):
//   ResourceQuota  the hard limits that current usage already exceeds, and by how much;
//   LimitRange     pods that would get default requests or limits, and
//                  containers (or pods) outside its min, max or ratio;
//   NetworkPolicy  pods that would become isolated for ingress or egress
//                  (selected, and not isolated yet by another policy).
import { setPodDefaults, validatePod } from "../../apiserver/admission/plugins/limitRanger.ts";
import { evaluatorFor, quotaMatches } from "../../apiserver/admission/plugins/quotaUsage.ts";
import { addLists, type ResourceList, toResourceList } from "../../apiserver/admission/plugins/resourceList.ts";
import { compareQuantity, formatQuantity, subQuantity, zeroQuantity } from "../../apiserver/admission/quantity.ts";
import { labelSelectorMatches, selectorString } from "../../apiserver/registry/selectors.ts";
import type { KindRef, KObject } from "../search/index.ts";

export type Finding = { cluster: string; namespace: string; kind: string; name: string; reason: string };
type Obj = Record<string, any>;
type Out = Omit<Finding, "cluster" | "namespace">;

const terminal = (pod: KObject) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/**
 * The kinds whose objects a quota's hard resources count (quota evaluators:
 * pods for compute resources, services, claims, and count/<resource>[.<group>]).
 */
export function quotaKinds(hard: Record<string, unknown>): KindRef[] {
  const out = new Map<string, KindRef>();
  const add = (group: string, resource: string) => out.set(`${group}/${resource}`, { group, resource });
  for (const name of Object.keys(hard)) {
    if (name.startsWith("count/")) {
      const [resource, ...group] = name.slice(6).split(".");
      add(group.join("."), resource);
    } else if (name.startsWith("services")) add("", "services");
    else if (name === "persistentvolumeclaims" || name.endsWith("requests.storage") || name.endsWith("persistentvolumeclaims")) add("", "persistentvolumeclaims");
    else if (["configmaps", "secrets", "resourcequotas", "replicationcontrollers"].includes(name)) add("", name);
    else add("", "pods");
  }
  return [...out.values()];
}

/** Quota: each hard limit the namespace's current usage exceeds. `objects` are the namespace's objects of quotaKinds(). */
export function quotaFindings(template: Obj, objects: { kind: KindRef; items: KObject[] }[], name: string): Out[] {
  const hard = toResourceList(template.hard);
  const quota = { spec: template, status: { hard: template.hard ?? {} } };
  let used: ResourceList = new Map();
  for (const { kind, items } of objects) {
    const ev = evaluatorFor(kind.group, kind.resource, `${kind.group}/${kind.resource}`);
    for (const o of items) if (quotaMatches(ev, quota, o)) used = addLists(used, ev.usage(o));
  }
  const out: Out[] = [];
  for (const [res, limit] of hard) {
    const u = used.get(res) ?? zeroQuantity();
    if (compareQuantity(u, limit) <= 0) continue;
    const over = formatQuantity(subQuantity(u, limit));
    out.push({ kind: "ResourceQuota", name, reason: `${res}: ${formatQuantity(u)} in use exceeds the hard limit ${formatQuantity(limit)} by ${over}` });
  }
  return out;
}

/** LimitRange: per pod, the defaults it would get when created again, and what falls outside min, max or ratio. */
export function limitRangeFindings(template: Obj, pods: KObject[]): Out[] {
  const items: Obj[] = Array.isArray(template.limits) ? template.limits : [];
  const lr = { spec: template } as never;
  const containerOnly = { spec: { limits: items.filter((i) => i?.type === "Container") } } as never;
  const podOnly = { spec: { limits: items.filter((i) => i?.type === "Pod") } } as never;
  const out: Out[] = [];
  for (const pod of pods) {
    if (terminal(pod)) continue;
    const name = pod.metadata?.name ?? "";
    // LimitRanger defaults a new pod first, then validates it.
    const copy: Obj = { metadata: { ...pod.metadata, annotations: {} }, spec: structuredClone(pod.spec ?? {}) };
    setPodDefaults(copy, lr);
    const set = copy.metadata.annotations["kubernetes.io/limit-ranger"] as string | undefined;
    if (set) out.push({ kind: "Pod", name, reason: `would get defaults when created again: ${set.replace(/^LimitRanger plugin set: /, "")}` });
    for (const key of ["initContainers", "containers"]) {
      for (const c of Array.isArray(copy.spec[key]) ? copy.spec[key] : []) {
        const errs = validatePod(containerOnly, { spec: { containers: [c] } });
        if (errs.length) out.push({ kind: "Pod", name, reason: `container ${c?.name}: ${errs.join("; ")}` });
      }
    }
    const errs = validatePod(podOnly, copy);
    if (errs.length) out.push({ kind: "Pod", name, reason: errs.join("; ") });
  }
  return out;
}

/** A NetworkPolicy's types as the API server defaults them: Ingress, and Egress when it has egress rules. */
export function policyTypes(spec: Obj): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length ? ["Ingress", "Egress"] : ["Ingress"];
}

/** NetworkPolicy: pods the template selects that no policy of the namespace isolates yet in a direction it would. */
export function networkPolicyFindings(template: Obj, ns: string, pods: KObject[], existing: KObject[]): Out[] {
  const types = policyTypes(template);
  const out: Out[] = [];
  for (const pod of pods) {
    if (terminal(pod) || !labelSelectorMatches(template.podSelector ?? {}, pod.metadata?.labels)) continue;
    for (const t of types) {
      const isolated = existing.some((np) => policyTypes(np.spec ?? {}).includes(t) && labelSelectorMatches(np.spec?.podSelector ?? {}, pod.metadata?.labels));
      if (isolated) continue;
      const rules: Obj[] = (t === "Ingress" ? template.ingress : template.egress) ?? [];
      out.push({ kind: "Pod", name: pod.metadata?.name ?? "", reason: `would become isolated for ${t.toLowerCase()}: ${allowed(rules, t, ns)}` });
    }
  }
  return out;
}

/** In words, what rules allow: "all ingress is denied", or the peers and ports each rule admits. */
export function allowed(rules: Obj[], type: string, ns: string): string {
  const dir = type.toLowerCase();
  if (!rules.length) return `all ${dir} is denied`;
  const parts = rules.map((r) => {
    const peers: Obj[] = (type === "Ingress" ? r.from : r.to) ?? [];
    const who = peers.length ? peers.map((p) => peer(p, ns)).join(" or ") : type === "Ingress" ? "any source" : "any destination";
    const ports: Obj[] = r.ports ?? [];
    const on = ports.length ? ` on ${ports.map((p) => `${p.port ?? "any port"}/${p.protocol ?? "TCP"}`).join(", ")}` : "";
    return `${who}${on}`;
  });
  return `only ${dir} ${type === "Ingress" ? "from" : "to"} ${parts.join("; or ")} is allowed`;
}

function peer(p: Obj, ns: string): string {
  if (p.ipBlock) {
    const except = p.ipBlock.except?.length ? ` except ${p.ipBlock.except.join(", ")}` : "";
    return `addresses in ${p.ipBlock.cidr}${except}`;
  }
  const pods = p.podSelector && selectorString(p.podSelector) ? `pods labelled ${selectorString(p.podSelector)}` : "every pod";
  if (!p.namespaceSelector) return `${pods} of namespace ${ns}`;
  const where = selectorString(p.namespaceSelector);
  return where ? `${pods} of namespaces labelled ${where}` : `${pods} of every namespace`;
}
