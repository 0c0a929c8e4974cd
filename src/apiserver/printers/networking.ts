// Printers for networking.k8s.io/v1: ingresses, ingressclasses, networkpolicies.
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { arr, formatLabelSelector, str } from "./format.ts";
import { col, type Printer } from "./types.ts";

/** Up to three rule hosts, then " + N more..."; "*" when no rule names a host. */
function formatHosts(rules: unknown): string {
  const list: string[] = [];
  const all = arr(rules);
  const max = 3;
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && rule?.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  const ret = list.join(",");
  return more ? `${ret} + ${all.length - max} more...` : ret;
}

/** Unique load-balancer IPs (or hostnames), sorted; never clipped since the server prints wide. */
function ingressAddress(ing: KObject): string {
  const set = new Set<string>();
  for (const i of arr(ing.status?.loadBalancer?.ingress)) {
    if (i?.ip) set.add(i.ip);
    else if (i?.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(",");
}

export const ingressPrinter: Printer = {
  columns: [
    NAME,
    col(
      "Class",
      "string",
      "The name of the IngressClass resource that should be used for additional configuration",
    ),
    col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "string", "Ports of TLS configurations that open"),
    AGE,
  ],
  cells: (ing, ctx) => [
    nameOf(ing),
    ing.spec?.ingressClassName ?? "<none>",
    formatHosts(ing.spec?.rules),
    ingressAddress(ing),
    arr(ing.spec?.tls).length > 0 ? "80, 443" : "80",
    ageOf(ing, ctx),
  ],
};

function ingressClassParameters(p: any): string {
  if (!p) return "<none>";
  const kind = p.apiGroup !== undefined && p.apiGroup !== null ? `${str(p.kind)}.${p.apiGroup}` : str(p.kind);
  return `${kind}/${str(p.name)}`;
}

export const ingressClassPrinter: Printer = {
  columns: [
    NAME,
    col("Controller", "string", "Controller that is responsible for handling this class"),
    col("Parameters", "string", "A reference to a resource with additional parameters"),
    AGE,
  ],
  cells: (ic, ctx) => [
    nameOf(ic),
    str(ic.spec?.controller),
    ingressClassParameters(ic.spec?.parameters),
    ageOf(ic, ctx),
  ],
};

export const networkPolicyPrinter: Printer = {
  columns: [NAME, col("Pod-Selector", "string", desc["NetworkPolicySpec.podSelector"]), AGE],
  cells: (np, ctx) => [nameOf(np), formatLabelSelector(np.spec?.podSelector), ageOf(np, ctx)],
};
