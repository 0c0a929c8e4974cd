// The network policy form's state and the NetworkPolicySpec it makes
// (networking/v1): a pod selector, and per direction (ingress, egress) its
// rules, each with peers (pods by selector in this namespace; pods in
// namespaces by selector; an IP block with exceptions) and ports (protocol,
// a number or a named port, and an optional endPort for a range).
import { type LabelSelector, parseSelector } from "../api/policies.ts";
import type { NetpolSpec } from "./netpolWords.ts";

export const PEER_TYPES = ["pods", "namespaces", "ipBlock"] as const;
export type PeerRow = { type: (typeof PEER_TYPES)[number]; pods: string; namespaces: string; cidr: string; except: string };
export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type PortRow = { protocol: (typeof PROTOCOLS)[number]; port: string; endPort: string };
export type RuleRow = { peers: PeerRow[]; ports: PortRow[] };
export type Direction = "ingress" | "egress";
export type NetpolForm = { name: string; podSelector: string; on: Record<Direction, boolean>; rules: Record<Direction, RuleRow[]> };

export const newPeer = (): PeerRow => ({ type: "pods", pods: "", namespaces: "", cidr: "", except: "" });
export const newPort = (): PortRow => ({ protocol: "TCP", port: "", endPort: "" });
export const newRule = (): RuleRow => ({ peers: [newPeer()], ports: [] });
export const newForm = (): NetpolForm => ({ name: "", podSelector: "", on: { ingress: true, egress: false }, rules: { ingress: [newRule()], egress: [] } });

/** A problem with the form: the i18n key of what is wrong. */
export class FormProblem extends Error {}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CIDR = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

function selector(text: string): LabelSelector {
  const s = parseSelector(text);
  if (!s) throw new FormProblem("policies.np.badSelector");
  return s;
}

function peer(p: PeerRow) {
  if (p.type === "ipBlock") {
    if (!CIDR.test(p.cidr.trim())) throw new FormProblem("policies.np.badCidr");
    const except = p.except.split(/[\s,]+/).filter(Boolean);
    if (except.some((c) => !CIDR.test(c))) throw new FormProblem("policies.np.badCidr");
    return { ipBlock: { cidr: p.cidr.trim(), ...(except.length ? { except } : {}) } };
  }
  if (p.type === "namespaces") {
    return { namespaceSelector: selector(p.namespaces), ...(p.pods.trim() ? { podSelector: selector(p.pods) } : {}) };
  }
  return { podSelector: selector(p.pods) };
}

function port(p: PortRow) {
  const raw = p.port.trim();
  if (!raw) return { protocol: p.protocol };
  const n = /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n === "number" && (n < 1 || n > 65535)) throw new FormProblem("policies.np.badPort");
  const out: { protocol: string; port: number | string; endPort?: number } = { protocol: p.protocol, port: n };
  if (p.endPort.trim()) {
    const end = Number(p.endPort.trim());
    // endPort needs a numeric port no greater than it (ValidateNetworkPolicyPort).
    if (typeof n !== "number" || !Number.isInteger(end) || end < n || end > 65535) throw new FormProblem("policies.np.badEndPort");
    out.endPort = end;
  }
  return out;
}

/** The NetworkPolicy object the form describes; throws FormProblem. */
export function objectOf(f: NetpolForm): { apiVersion: string; kind: string; metadata: { name: string }; spec: NetpolSpec } {
  if (!DNS_LABEL.test(f.name) || f.name.length > 253) throw new FormProblem("policies.np.badName");
  const spec: NetpolSpec & Record<string, unknown> = { podSelector: selector(f.podSelector), policyTypes: [] };
  for (const d of ["ingress", "egress"] as const) {
    if (!f.on[d]) continue;
    spec.policyTypes!.push(d === "ingress" ? "Ingress" : "Egress");
    spec[d] = f.rules[d].map((r) => ({
      ...(r.peers.length ? { [d === "ingress" ? "from" : "to"]: r.peers.map(peer) } : {}),
      ...(r.ports.length ? { ports: r.ports.map(port) } : {}),
    }));
  }
  if (!spec.policyTypes!.length) throw new FormProblem("policies.np.noDirection");
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: f.name }, spec };
}
