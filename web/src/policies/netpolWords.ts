// A NetworkPolicy in words: which pods it selects and what it allows, as
// Kubernetes reads the spec (networking/v1 NetworkPolicySpec): policyTypes
// defaults to Ingress, plus Egress when there are egress rules; a type with
// no rules denies all of that direction; an empty `from`/`to` means any
// peer; a peer's podSelector alone means the policy's own namespace; ports
// default to TCP, and no ports means every port.
import type { TFunction } from "i18next";
import { selectorText } from "../api/policies.ts";

type Sel = Parameters<typeof selectorText>[0];
type Peer = { podSelector?: Sel; namespaceSelector?: Sel; ipBlock?: { cidr: string; except?: string[] } };
type Port = { protocol?: string; port?: number | string; endPort?: number };
export type Rule = { from?: Peer[]; to?: Peer[]; ports?: Port[] };
export type NetpolSpec = { podSelector?: Sel; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };

const pods = (t: TFunction, s: Sel) => {
  const text = selectorText(s);
  return text ? t("policies.words.podsWith", { selector: text }) : t("policies.words.allPods");
};

/** One peer in words: an IP block, pods in namespaces by selector, or pods of the policy's namespace. */
export function peerText(t: TFunction, ns: string, p: Peer): string {
  if (p.ipBlock) {
    const except = p.ipBlock.except?.length ? t("policies.words.except", { cidrs: p.ipBlock.except.join(", ") }) : "";
    return `${p.ipBlock.cidr}${except}`;
  }
  if (p.namespaceSelector) {
    const nsText = selectorText(p.namespaceSelector);
    const where = nsText ? t("policies.words.inNamespacesWith", { selector: nsText }) : t("policies.words.inAllNamespaces");
    return `${pods(t, p.podSelector)} ${where}`;
  }
  return `${pods(t, p.podSelector)} ${t("policies.words.inNamespace", { namespace: ns })}`;
}

/** A rule's ports in words ("on all ports" when it names none). */
export function portsText(t: TFunction, list: Port[] | undefined): string {
  if (!list?.length) return t("policies.words.allPorts");
  const each = list.map((p) => {
    const proto = p.protocol ?? "TCP";
    if (p.port === undefined) return t("policies.words.allPortsOf", { protocol: proto });
    return `${proto} ${p.port}${p.endPort ? `-${p.endPort}` : ""}`;
  });
  return t("policies.words.onPorts", { ports: each.join(", ") });
}

function direction(t: TFunction, ns: string, dir: "ingress" | "egress", rules: Rule[] | undefined): string[] {
  if (!rules?.length) return [t(`policies.words.denyAll.${dir}`)];
  return rules.map((r) => {
    const peers = (dir === "ingress" ? r.from : r.to) ?? [];
    const who = peers.length ? peers.map((p) => peerText(t, ns, p)).join(t("policies.words.or")) : t("policies.words.anywhere");
    return t(`policies.words.allows.${dir}`, { peers: who, ports: portsText(t, r.ports) });
  });
}

/** The directions a spec restricts: its policyTypes, or Ingress plus Egress when it has egress rules. */
export function typesOf(spec: NetpolSpec): string[] {
  return spec.policyTypes?.length ? spec.policyTypes : spec.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Sentences: what the policy selects, then one per rule (or a deny-all) for each of its directions. */
export function describeNetworkPolicy(t: TFunction, namespace: string, spec: NetpolSpec): string[] {
  const types = typesOf(spec);
  const out = [t("policies.words.selects", { pods: pods(t, spec.podSelector), namespace })];
  if (types.includes("Ingress")) out.push(...direction(t, namespace, "ingress", spec.ingress));
  if (types.includes("Egress")) out.push(...direction(t, namespace, "egress", spec.egress));
  return out;
}
