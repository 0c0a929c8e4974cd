// Printers for core/v1 kinds other than pods, events and storage: services,
// endpoints, nodes, namespaces, configmaps, secrets, serviceaccounts, quotas.
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { arr, formatLabels, int, quantity, str } from "./format.ts";
import { col, type Printer } from "./types.ts";

/** Unique LB ingress IPs (or hostnames), sorted, joined by ",". Server-side printing is always wide. */
function loadBalancerIPs(status: any): string {
  const set = new Set<string>();
  for (const ing of arr(status?.loadBalancer?.ingress)) {
    if (ing?.ip) set.add(ing.ip);
    else if (ing?.hostname) set.add(ing.hostname);
  }
  return [...set].sort().join(",");
}

function serviceExternalIP(svc: KObject): string {
  const externalIPs: string[] = arr(svc.spec?.externalIPs);
  switch (svc.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIPs(svc.status);
      if (externalIPs.length > 0) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return str(svc.spec?.externalName);
  }
  return "<unknown>";
}

function servicePorts(ports: unknown): string {
  const s = arr(ports)
    .map((p) => {
      const proto = p?.protocol || "TCP";
      return p?.nodePort > 0 ? `${int(p.port)}:${p.nodePort}/${proto}` : `${int(p?.port)}/${proto}`;
    })
    .join(",");
  return s || "<none>";
}

export const servicePrinter: Printer = {
  columns: [
    NAME,
    col("Type", "string", desc["ServiceSpec.type"]),
    col("Cluster-IP", "string", desc["ServiceSpec.clusterIP"]),
    col("External-IP", "string", desc["ServiceSpec.externalIPs"]),
    col("Port(s)", "string", desc["ServiceSpec.ports"]),
    AGE,
    col("Selector", "string", desc["ServiceSpec.selector"], 1),
  ],
  cells: (svc, ctx) => [
    nameOf(svc),
    svc.spec?.type ?? "ClusterIP",
    svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || "<none>",
    serviceExternalIP(svc),
    servicePorts(svc.spec?.ports),
    ageOf(svc, ctx),
    formatLabels(svc.spec?.selector),
  ],
};

function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints: up to three ip:port pairs, then " + N more...". */
export function formatEndpoints(ep: KObject): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = arr(ss?.addresses);
    const ports = arr(ss?.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(str(a?.ip));
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(hostPort(str(a?.ip), int(p?.port)));
    }
  }
  const ret = list.join(",");
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer = {
  columns: [NAME, col("Endpoints", "string", desc["Endpoints.subsets"]), AGE],
  cells: (ep, ctx) => [nameOf(ep), formatEndpoints(ep), ageOf(ep, ctx)],
};

function nodeStatus(node: KObject): string {
  const status: string[] = [];
  const ready = arr(node.status?.conditions).findLast((c) => c?.type === "Ready");
  if (ready) status.push(ready.status === "True" ? "Ready" : "NotReady");
  else status.push("Unknown");
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** Roles from node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label value. */
export function nodeRoles(node: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return [...roles].sort().join(",") || "<none>";
}

function nodeAddress(node: KObject, type: string): string {
  return arr(node.status?.addresses).find((a) => a?.type === type)?.address ?? "<none>";
}

export const nodePrinter: Printer = {
  columns: [
    NAME,
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    AGE,
    col("Version", "string", desc["NodeSystemInfo.kubeletVersion"]),
    col("Internal-IP", "string", desc["NodeStatus.addresses"], 1),
    col("External-IP", "string", desc["NodeStatus.addresses"], 1),
    col("OS-Image", "string", desc["NodeSystemInfo.osImage"], 1),
    col("Kernel-Version", "string", desc["NodeSystemInfo.kernelVersion"], 1),
    col("Container-Runtime", "string", desc["NodeSystemInfo.containerRuntimeVersion"], 1),
  ],
  cells(node, ctx) {
    const info = node.status?.nodeInfo ?? {};
    return [
      nameOf(node),
      nodeStatus(node),
      nodeRoles(node),
      ageOf(node, ctx),
      str(info.kubeletVersion),
      nodeAddress(node, "InternalIP"),
      nodeAddress(node, "ExternalIP"),
      info.osImage || "<unknown>",
      info.kernelVersion || "<unknown>",
      info.containerRuntimeVersion || "<unknown>",
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [NAME, col("Status", "string", "The status of the namespace"), AGE],
  cells: (ns, ctx) => [nameOf(ns), str(ns.status?.phase), ageOf(ns, ctx)],
};

function keyCount(...maps: unknown[]): number {
  const keys = new Set<string>();
  for (const m of maps) if (m && typeof m === "object") for (const k of Object.keys(m)) keys.add(k);
  return keys.size;
}

export const configMapPrinter: Printer = {
  columns: [NAME, col("Data", "string", desc["ConfigMap.data"]), AGE],
  cells: (cm, ctx) => [
    nameOf(cm),
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    ageOf(cm, ctx),
  ],
};

export const secretPrinter: Printer = {
  columns: [
    NAME,
    col("Type", "string", desc["Secret.type"]),
    col("Data", "string", desc["Secret.data"]),
    AGE,
  ],
  // stringData is merged into data on decode, so a key in both counts once.
  cells: (s, ctx) => [nameOf(s), s.type || "Opaque", keyCount(s.data, s.stringData), ageOf(s, ctx)],
};

export const serviceAccountPrinter: Printer = {
  columns: [NAME, col("Secrets", "string", desc["ServiceAccount.secrets"]), AGE],
  cells: (sa, ctx) => [nameOf(sa), arr(sa.secrets).length, ageOf(sa, ctx)],
};

/** "resource: used/hard" pairs, sorted by resource name, split into requests and limits.* */
function quotaColumns(rq: KObject): [string, string] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const pieces = name.split(".");
    const target = pieces.length > 1 && pieces[0] === "limits" ? limits : requests;
    target.push(`${name}: ${quantity(used[name])}/${quantity(hard[name])}`);
  }
  return [requests.join(", "), limits.join(", ")];
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    NAME,
    col(
      "Request",
      "string",
      "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    col(
      "Limit",
      "string",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    AGE,
  ],
  cells: (rq, ctx) => [nameOf(rq), ...quotaColumns(rq), ageOf(rq, ctx)],
};
