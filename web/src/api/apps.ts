// The application REST of issue 13 as the console calls it: workload kinds
// (what each offers), object paths under a member's namespace, actions,
// revisions, scaling, pods and their logs and terminal. Every call is made in
// the member as the caller, so the member's RBAC has the last word; the
// console offers only what GET /me allows (api/me.ts).
import { api, apiFetch, API_PREFIX, type Query } from "./client.ts";
import { session } from "./session.ts";

const e = encodeURIComponent;

/** A Kubernetes object as the REST API answers it (lists add its cluster). */
export type KObject = {
  apiVersion?: string;
  kind?: string;
  cluster?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    resourceVersion?: string;
    ownerReferences?: { kind: string; name: string }[];
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
  [k: string]: unknown;
};

export type WorkloadAction = "restart" | "pause" | "resume" | "stop" | "start";

export type WorkloadKind = {
  plural: "deployments" | "statefulsets" | "daemonsets" | "jobs" | "cronjobs";
  kind: string;
  apiVersion: string;
  /** The actions its REST offers (routes/workloadActions.ts ACTIONS). */
  actions: WorkloadAction[];
  revisions: boolean;
  /** Has a scale subresource (manual replicas, HPA). */
  scalable: boolean;
};

export const WORKLOAD_KINDS: WorkloadKind[] = [
  {
    plural: "deployments",
    kind: "Deployment",
    apiVersion: "apps/v1",
    actions: ["restart", "pause", "resume", "stop", "start"],
    revisions: true,
    scalable: true,
  },
  {
    plural: "statefulsets",
    kind: "StatefulSet",
    apiVersion: "apps/v1",
    actions: ["restart", "stop", "start"],
    revisions: true,
    scalable: true,
  },
  {
    plural: "daemonsets",
    kind: "DaemonSet",
    apiVersion: "apps/v1",
    actions: ["restart"],
    revisions: true,
    scalable: false,
  },
  {
    plural: "jobs",
    kind: "Job",
    apiVersion: "batch/v1",
    actions: ["restart"],
    revisions: false,
    scalable: false,
  },
  {
    plural: "cronjobs",
    kind: "CronJob",
    apiVersion: "batch/v1",
    actions: ["pause", "resume"],
    revisions: false,
    scalable: false,
  },
];

export function workloadKind(plural: string | undefined): WorkloadKind | undefined {
  return WORKLOAD_KINDS.find((k) => k.plural === plural);
}

/** The object kinds the REST creates and replaces (routes/objects.ts), by their Kind. */
export const PLURAL_OF_KIND: Record<string, string> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  Job: "jobs",
  CronJob: "cronjobs",
  Service: "services",
  Ingress: "ingresses",
  ConfigMap: "configmaps",
  Secret: "secrets",
  PersistentVolumeClaim: "persistentvolumeclaims",
  ServiceAccount: "serviceaccounts",
};

const ns = (c: string, n: string) => `/clusters/${e(c)}/namespaces/${e(n)}`;

export const appPaths = {
  /** The cache's list of a kind: one namespace, or every namespace the caller may read. */
  list: (c: string, plural: string, namespace?: string) =>
    namespace ? `${ns(c, namespace)}/${plural}` : `/clusters/${e(c)}/${plural}`,
  object: (c: string, n: string, plural: string, name: string) => `${ns(c, n)}/${plural}/${e(name)}`,
  create: (c: string, n: string, plural: string) => `${ns(c, n)}/${plural}/json`,
  json: (c: string, n: string, plural: string, name: string) => `${ns(c, n)}/${plural}/${e(name)}/json`,
  action: (c: string, n: string, plural: string, name: string, action: string) =>
    `${ns(c, n)}/${plural}/${e(name)}:${action}`,
  revisions: (c: string, n: string, plural: string, name: string) =>
    `${ns(c, n)}/${plural}/${e(name)}/revisions`,
  diff: (c: string, n: string, plural: string, name: string, a: number, b: number) =>
    `${ns(c, n)}/${plural}/${e(name)}/revisions/${a}/diff/${b}`,
  timeline: (c: string, n: string, plural: string, name: string) =>
    `${ns(c, n)}/${plural}/${e(name)}/timeline`,
  scale: (c: string, n: string, plural: string, name: string) => `${ns(c, n)}/${plural}/${e(name)}/scale`,
  pod: (c: string, n: string, name: string) => `${ns(c, n)}/pods/${e(name)}`,
  containers: (c: string, n: string, name: string) => `${ns(c, n)}/pods/${e(name)}/containers`,
  logs: (c: string, n: string, name: string) => `${ns(c, n)}/pods/${e(name)}/logs`,
  terminal: (c: string, n: string, pod: string, container: string) =>
    `${ns(c, n)}/pods/${e(pod)}/containers/${e(container)}/terminal`,
};

/** Console routes of the application pages. */
export const appRoutes = {
  workloads: (c: string, plural = "deployments", namespace?: string) =>
    `/clusters/${e(c)}/workloads/${plural}${namespace ? `?namespace=${e(namespace)}` : ""}`,
  form: (c: string, plural: string, namespace?: string) =>
    `/clusters/${e(c)}/workloads/${plural}/form${namespace ? `?namespace=${e(namespace)}` : ""}`,
  create: (c: string, plural: string, namespace?: string) =>
    `/clusters/${e(c)}/workloads/${plural}/create${namespace ? `?namespace=${e(namespace)}` : ""}`,
  workload: (c: string, n: string, plural: string, name: string, tab?: string) =>
    `/clusters/${e(c)}/namespaces/${e(n)}/${plural}/${e(name)}${tab ? `?tab=${tab}` : ""}`,
  edit: (c: string, n: string, plural: string, name: string) =>
    `/clusters/${e(c)}/namespaces/${e(n)}/${plural}/${e(name)}/edit`,
  pod: (c: string, n: string, name: string, tab?: string) =>
    `/clusters/${e(c)}/namespaces/${e(n)}/pods/${e(name)}${tab ? `?tab=${tab}` : ""}`,
};

export type Revision = {
  revision: number;
  name?: string;
  time?: string;
  images?: string[];
  changeCause?: string;
  current?: boolean;
};
export type TimelineEntry = {
  time: string;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  user?: string;
  source: "audit" | "revision" | "event" | "object";
  object?: string;
  revision?: number;
  count?: number;
};
export type ContainerView = {
  name: string;
  image: string;
  type: "init" | "container" | "ephemeral";
  state: "Waiting" | "Running" | "Terminated" | "";
  reason?: string;
  ready: boolean;
  restartCount: number;
  startedAt?: string;
};

/** Writes an object given as YAML text (create, or replace when `name` is given); dryRun validates only. */
export function writeYaml(
  c: string,
  n: string,
  plural: string,
  yaml: string,
  opts: { name?: string; dryRun?: boolean },
): Promise<KObject> {
  const path = opts.name ? appPaths.json(c, n, plural, opts.name) : appPaths.create(c, n, plural);
  const query: Query = opts.dryRun ? { dryRun: "All" } : {};
  return api<KObject>(opts.name ? "PUT" : "POST", path, {
    raw: yaml,
    query,
    headers: { "content-type": "application/yaml" },
  });
}

/** A strategic merge patch (as kubectl set image sends it). */
export function patchStrategic(
  c: string,
  n: string,
  plural: string,
  name: string,
  patch: unknown,
): Promise<KObject> {
  return api<KObject>("PATCH", appPaths.object(c, n, plural, name), {
    raw: JSON.stringify(patch),
    headers: { "content-type": "application/strategic-merge-patch+json" },
  });
}

export const runAction = (
  c: string,
  n: string,
  plural: string,
  name: string,
  action: string,
  body?: unknown,
) => api<unknown>("POST", appPaths.action(c, n, plural, name, action), { body });

export async function revisionDiff(
  c: string,
  n: string,
  plural: string,
  name: string,
  a: number,
  b: number,
  signal?: AbortSignal,
): Promise<string> {
  const res = await apiFetch("GET", appPaths.diff(c, n, plural, name, a, b), {
    signal,
    headers: { accept: "text/plain" },
  });
  return res.text();
}

/** The WebSocket of a container's terminal: browsers cannot set Authorization, so the token rides in a subprotocol (kube's convention). */
export function openTerminalSocket(c: string, n: string, pod: string, container: string): WebSocket {
  const token = session.get()?.token ?? "";
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(token)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  // Through globalThis: this module is also imported by Node tests (resources/model.ts), whose types know no `location`.
  const { protocol, host } = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
  const scheme = protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${host}${API_PREFIX}${appPaths.terminal(c, n, pod, container)}`;
  return new WebSocket(url, ["terminal.kpanda.io", `base64url.bearer.authorization.k8s.io.${b64}`]);
}

/** A label selector string from a workload's spec.selector (matchLabels and matchExpressions). */
export function selectorString(
  sel:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
): string {
  if (!sel) return "";
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const x of sel.matchExpressions ?? []) {
    if (x.operator === "In") parts.push(`${x.key} in (${(x.values ?? []).join(",")})`);
    else if (x.operator === "NotIn") parts.push(`${x.key} notin (${(x.values ?? []).join(",")})`);
    else if (x.operator === "Exists") parts.push(x.key);
    else if (x.operator === "DoesNotExist") parts.push(`!${x.key}`);
  }
  return parts.join(",");
}

/** The containers of a workload's pod template (a CronJob's through its job template). */
export function templateContainers(o: KObject): { name: string; image: string }[] {
  const spec =
    o.kind === "CronJob" || o.spec?.jobTemplate
      ? o.spec?.jobTemplate?.spec?.template?.spec
      : o.spec?.template?.spec;
  return (spec?.containers ?? []).map((c: any) => ({ name: c.name, image: c.image ?? "" }));
}
