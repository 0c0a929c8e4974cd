// The shapes the REST API answers (from the route schemas in
// src/platform/http/routes/ and /openapi.json), as the console reads them.
export type Paged<T> = { items: T[]; pagination: { total: number; page: number; pageSize: number } };

export type Phase = "Integrating" | "Running" | "Unknown" | "Removing";

export type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };

export type Cluster = {
  metadata: { name: string; creationTimestamp?: string; labels: Record<string, string> };
  spec: { alias?: string; labels: Record<string, string>; provider?: string; deletionProtection: boolean; credentialSource?: string };
  status: {
    phase: Phase;
    kubernetesVersion?: string;
    conditions: Condition[];
    lastSeen?: string;
    latencyMs?: number;
    credentialExpiresAt?: string;
  };
};

/** Cores or bytes; usage is null where the member serves no metrics.k8s.io. */
export type Resources = { capacity: number; allocatable: number; requested: number; usage: number | null };

export type WarningEvent = {
  namespace?: string;
  kind?: string;
  name?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
};

export type ClusterSummary = {
  cluster: string;
  alias?: string;
  labels?: Record<string, string>;
  phase: Phase;
  stale: boolean;
  lastSeen?: string;
  computedAt?: string;
  version?: string;
  provider?: string;
  nodes?: { ready: number; total: number };
  cpu?: Resources;
  memory?: Resources;
  pods?: number;
  namespaces?: number;
  metricsAvailable?: boolean;
  warningEvents?: WarningEvent[];
};

export type ValidationReport = {
  reachable: boolean;
  error?: string;
  authenticated?: boolean;
  serverVersion?: string;
  permissions?: { clusterAdmin?: boolean; sufficient?: boolean; missing?: string[] };
  credential?: { type?: string; expiresAt?: string; subject?: string };
  warnings?: string[];
};

export type Taint = { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute"; timeAdded?: string };

export type NodeItem = {
  name: string;
  status: "Ready" | "NotReady" | "Unknown";
  unschedulable: boolean;
  roles: string[];
  version?: string;
  internalIP?: string;
  creationTimestamp?: string;
  labels: Record<string, string>;
  taints: Taint[];
  pods: number;
  allocatable?: { cpu: number; memory: number; pods: number };
  usage: { cpu: number; memory: number } | null;
};

export type NodeDetail = NodeItem & {
  annotations: Record<string, string>;
  conditions: (Condition & { lastHeartbeatTime?: string })[];
  addresses: { type: string; address: string }[];
  nodeInfo: Record<string, string>;
  capacity?: { cpu: number; memory: number; pods: number };
  podList: { namespace: string; name: string; phase: string; podIP?: string; requests?: { cpu: number; memory: number }; creationTimestamp?: string }[];
  events: { type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string; source?: string }[];
};

export type PodRef = { namespace: string; name: string; reason?: string };
export type DrainReport = { evicted: PodRef[]; failed: PodRef[]; skipped: PodRef[] };

export type NamespaceItem = { name: string; status: string; labels: Record<string, string>; creationTimestamp?: string };

export type User = { name: string; displayName?: string; disabled: boolean; createdAt?: string };

export type Role = "Owner" | "ClusterAdmin" | "NSAdmin" | "NSEditor" | "NSViewer";
export const ROLES: Role[] = ["Owner", "ClusterAdmin", "NSAdmin", "NSEditor", "NSViewer"];

export type RoleBinding = { name: string; user: string; role: Role; cluster?: string; namespace?: string };

export type ApiToken = { name: string; user: string; expiresAt: string; createdAt?: string; expired: boolean };
export type NewApiToken = ApiToken & { token: string };

export type AuditEntry = {
  time: string;
  user: string;
  sourceIP: string;
  verb: string;
  cluster?: string;
  namespace?: string;
  resource?: string;
  name?: string;
  code: number;
  path: string;
  via: "rest" | "proxy" | "login";
};

/** The action vocabulary of GET /me (src/platform/access/roles.ts ACTIONS). */
export type Action =
  | "users.manage"
  | "clusters.create"
  | "audit.view"
  | "cluster.view"
  | "cluster.kubeconfig"
  | "cluster.edit"
  | "cluster.delete"
  | "cluster.audit"
  | "nodes.view"
  | "nodes.edit"
  | "namespaces.create"
  | "namespace.view"
  | "workloads.view"
  | "workloads.edit"
  | "secrets.view"
  | "exec"
  | "rbac.edit"
  | "namespace.edit"
  | "namespace.podSecurity"
  | "namespace.delete";

export type Me = {
  name: string;
  owner: boolean;
  actions: Action[];
  bindings: RoleBinding[];
  clusters: { name: string; role?: Role; actions: Action[] }[];
  namespaces: { cluster: string; namespace: string; role: Role; actions: Action[] }[];
};
