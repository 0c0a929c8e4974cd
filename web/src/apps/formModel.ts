// What the create-by-form wizard collects, and the Kubernetes objects it
// makes of it: a Deployment, StatefulSet or DaemonSet (apps/v1) with one
// container, and optionally a Service in front of it (core/v1). Empty fields
// are left out, so the member's defaults apply as they would to kubectl.
export type EnvRow = {
  name: string;
  source: "value" | "configMap" | "secret";
  value: string;
  ref: string;
  key: string;
};
export type Probe = { type: "none" | "http" | "tcp"; path: string; port: string };

export type AppForm = {
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  name: string;
  namespace: string;
  replicas: string;
  labels: Record<string, string>;
  image: string;
  command: string;
  args: string;
  ports: string;
  env: EnvRow[];
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  readiness: Probe;
  liveness: Probe;
  service: { enabled: boolean; type: "ClusterIP" | "NodePort"; port: string };
  strategy: "" | "RollingUpdate" | "Recreate";
  annotations: Record<string, string>;
};

export const emptyForm = (namespace = ""): AppForm => ({
  kind: "Deployment",
  name: "",
  namespace,
  replicas: "1",
  labels: {},
  image: "",
  command: "",
  args: "",
  ports: "",
  env: [],
  requests: { cpu: "", memory: "" },
  limits: { cpu: "", memory: "" },
  readiness: { type: "none", path: "/", port: "" },
  liveness: { type: "none", path: "/", port: "" },
  service: { enabled: false, type: "ClusterIP", port: "" },
  strategy: "",
  annotations: {},
});

export const PLURAL: Record<AppForm["kind"], string> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
};

/** Words split on spaces ("sh -c 'echo hi'" keeps the quoted part whole). */
export function words(s: string): string[] {
  return [...s.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

export function portsOf(f: AppForm): number[] {
  return f.ports
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

const nonEmpty = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v.trim()));

function probe(p: Probe) {
  const port = Number(p.port);
  if (p.type === "http") return { httpGet: { path: p.path || "/", port } };
  if (p.type === "tcp") return { tcpSocket: { port } };
  return undefined;
}

function envOf(rows: EnvRow[]) {
  return rows
    .filter((r) => r.name.trim())
    .map((r) => {
      if (r.source === "configMap")
        return { name: r.name, valueFrom: { configMapKeyRef: { name: r.ref, key: r.key } } };
      if (r.source === "secret")
        return { name: r.name, valueFrom: { secretKeyRef: { name: r.ref, key: r.key } } };
      return { name: r.name, value: r.value };
    });
}

/** The workload, and the Service when asked for. */
export function objectsOf(f: AppForm): { workload: any; service?: any } {
  const labels = { app: f.name, ...nonEmpty(f.labels) };
  const resources = { requests: nonEmpty(f.requests), limits: nonEmpty(f.limits) };
  const container = {
    name: f.name || "main",
    image: f.image,
    ...(f.command.trim() ? { command: words(f.command) } : {}),
    ...(f.args.trim() ? { args: words(f.args) } : {}),
    ...(portsOf(f).length ? { ports: portsOf(f).map((containerPort) => ({ containerPort })) } : {}),
    ...(f.env.length ? { env: envOf(f.env) } : {}),
    ...(Object.keys(resources.requests).length || Object.keys(resources.limits).length
      ? { resources: Object.fromEntries(Object.entries(resources).filter(([, v]) => Object.keys(v).length)) }
      : {}),
    ...(probe(f.readiness) ? { readinessProbe: probe(f.readiness) } : {}),
    ...(probe(f.liveness) ? { livenessProbe: probe(f.liveness) } : {}),
  };
  const annotations = nonEmpty(f.annotations);
  const spec: any = {
    selector: { matchLabels: { app: f.name } },
    template: { metadata: { labels }, spec: { containers: [container] } },
  };
  if (f.kind !== "DaemonSet") spec.replicas = Number(f.replicas);
  if (f.kind === "StatefulSet") spec.serviceName = f.name;
  if (f.kind === "Deployment" && f.strategy) spec.strategy = { type: f.strategy };
  if (f.kind === "DaemonSet" && f.strategy === "RollingUpdate")
    spec.updateStrategy = { type: "RollingUpdate" };
  const workload = {
    apiVersion: "apps/v1",
    kind: f.kind,
    metadata: {
      name: f.name,
      namespace: f.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec,
  };
  if (!f.service.enabled) return { workload };
  const port = Number(f.service.port || portsOf(f)[0]);
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: f.name, namespace: f.namespace, labels },
    spec: {
      type: f.service.type,
      selector: { app: f.name },
      ports: [{ port, targetPort: portsOf(f)[0] ?? port }],
    },
  };
  return { workload, service };
}
