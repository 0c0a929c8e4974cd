// Services, Ingresses, ConfigMaps, Secrets and PersistentVolumeClaims in the
// console: their routes, the cells of their lists as `kubectl get` prints
// them (printService, printIngress, printConfigMap, printSecret and
// printPersistentVolumeClaim of pkg/printers/internalversion/printers.go),
// the YAML a new one starts from, and the routes that tell them from
// workloads (YamlEditPage edits both).
import { stringify } from "yaml";
import { appRoutes, type KObject } from "../api/apps.ts";
import { templateFor } from "../apps/templates.ts";

const e = encodeURIComponent;

export const RESOURCE_PLURALS = ["services", "ingresses", "configmaps", "secrets", "persistentvolumeclaims"] as const;
export type ResourcePlural = (typeof RESOURCE_PLURALS)[number];

export const isResource = (plural: string | undefined): plural is ResourcePlural =>
  (RESOURCE_PLURALS as readonly string[]).includes(plural ?? "");

const nsQuery = (namespace?: string) => (namespace ? `?namespace=${e(namespace)}` : "");

export const resourceRoutes = {
  list: (c: string, plural = "services", namespace?: string) => `/clusters/${e(c)}/resources/${plural}${nsQuery(namespace)}`,
  create: (c: string, plural: string, namespace?: string) =>
    `/clusters/${e(c)}/resources/${plural}/create${nsQuery(namespace)}`,
  object: (c: string, n: string, plural: string, name: string) =>
    `/clusters/${e(c)}/namespaces/${e(n)}/${plural}/${e(name)}`,
};

/** The list page of a kind: the workloads section for workloads, this section for the others. */
export const listRouteOf = (c: string, plural: string, namespace?: string) =>
  isResource(plural) ? resourceRoutes.list(c, plural, namespace) : appRoutes.workloads(c, plural, namespace);

/** i18n keys of a kind's name and of the section it is listed in. */
export const kindLabelKey = (plural: string) => (isResource(plural) ? `resources.kind.${plural}` : `apps.kind.${plural}`);
export const sectionKey = (plural: string) => (isResource(plural) ? "resources.title" : "apps.workloads");

// --- kubectl get's cells ---

const NONE = "<none>";

/** printService's PORT(S): port/protocol, port:nodePort/protocol with a node port. */
export function servicePorts(o: KObject): string {
  const ports: any[] = o.spec?.ports ?? [];
  const s = ports
    .map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`))
    .join(",");
  return s || NONE;
}

/** printService's CLUSTER-IP: the first of spec.clusterIPs. */
export const serviceClusterIP = (o: KObject): string => o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? NONE;

/** The load balancer's addresses: each ingress point's IP, else its hostname, sorted and unique (sets.String). */
function lbAddresses(status: any): string[] {
  const out = new Set<string>();
  for (const i of status?.loadBalancer?.ingress ?? []) {
    if (i.ip) out.add(i.ip);
    else if (i.hostname) out.add(i.hostname);
  }
  return [...out].sort();
}

/** getServiceExternalIP: external IPs, the load balancer's (or <pending>), an ExternalName's name. */
export function serviceExternalIP(o: KObject): string {
  const external: string[] = o.spec?.externalIPs ?? [];
  switch (o.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : NONE;
    case "LoadBalancer": {
      const all = [...lbAddresses(o.status), ...external];
      return all.length ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return o.spec?.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** printIngress's HOSTS (formatHosts): at most three, "*" for none. */
export function ingressHosts(o: KObject): string {
  const rules: any[] = o.spec?.rules ?? [];
  const hosts = rules
    .map((r) => r.host)
    .filter(Boolean)
    .slice(0, 3);
  if (!hosts.length) return "*";
  return rules.length > 3 ? `${hosts.join(",")} + ${rules.length - 3} more...` : hosts.join(",");
}

/** printIngress's PORTS (formatPorts): 80, and 443 with TLS. */
export const ingressPorts = (o: KObject): string => ((o.spec?.tls ?? []).length ? "80, 443" : "80");
export const ingressAddress = (o: KObject): string => lbAddresses(o.status).join(",");
export const ingressClass = (o: KObject): string => o.spec?.ingressClassName ?? NONE;

/** printConfigMap's DATA: data and binaryData keys. */
export const configMapDataCount = (o: KObject): number =>
  Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length;

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP, in that order. */
export function accessModes(modes: string[] | undefined): string {
  const short: [string, string][] = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return short
    .filter(([m]) => modes?.includes(m))
    .map(([, s]) => s)
    .join(",");
}

/** printPersistentVolumeClaim: Terminating while deleted; capacity and modes only once bound to a volume. */
export function pvcCells(o: KObject) {
  const bound = !!o.spec?.volumeName;
  return {
    status: o.metadata.deletionTimestamp ? "Terminating" : (o.status?.phase ?? ""),
    volume: o.spec?.volumeName ?? "",
    capacity: bound ? (o.status?.capacity?.storage ?? "") : "",
    accessModes: bound ? accessModes(o.status?.accessModes) : "",
    // GetPersistentVolumeClaimClass: the beta annotation first, then the field.
    storageClass:
      o.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? o.spec?.storageClassName ?? "",
  };
}

// --- templates ---

const TEMPLATES: Record<ResourcePlural, (metadata: Record<string, unknown>) => unknown> = {
  services: (metadata) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: { type: "ClusterIP", selector: { app: "my-app" }, ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
  }),
  ingresses: (metadata) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata,
    spec: {
      rules: [
        {
          host: "my-app.example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "my-app", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  }),
  configmaps: (metadata) => ({ apiVersion: "v1", kind: "ConfigMap", metadata, data: { key: "value" } }),
  secrets: (metadata) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    type: "Opaque",
    stringData: { password: "change-me" },
  }),
  persistentvolumeclaims: (metadata) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata,
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  }),
};

/** The YAML a new object of `plural` starts from. */
export function templateOf(plural: string, namespace: string | undefined): string {
  if (!isResource(plural)) return templateFor(plural, namespace);
  const names: Record<ResourcePlural, string> = {
    services: "my-app",
    ingresses: "my-app",
    configmaps: "my-config",
    secrets: "my-secret",
    persistentvolumeclaims: "my-data",
  };
  const metadata = { name: names[plural], ...(namespace ? { namespace } : {}) };
  return stringify(TEMPLATES[plural](metadata));
}
