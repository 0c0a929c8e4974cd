// The Kubernetes client contract that in-process users (the simulator, tests)
// program against: the Kubernetes API, nothing below it. A client is
// either the in-process transport of our own API server (fast, same
// semantics: admission, validation, resourceVersions, watch) or HTTP to any
// cluster. Controllers never see which.
import type { KObject } from "./registry/types.ts";

export type { KObject };

/** A resource as the API names it: core pods are { group: "", version: "v1", resource: "pods" }. */
export type Resource = { group: string; version: string; resource: string };

export type ListOptions = { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string };

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export type WatchOptions = { resourceVersion: string; labelSelector?: string; fieldSelector?: string; allowWatchBookmarks?: boolean };

export type PatchType = "merge" | "strategic" | "json";

export type DeleteOptions = {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
};

/** A failed call: `code` is the HTTP status and `reason` the Status reason ("NotFound", "Conflict", "Expired", ...). */
export class KubeError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

export const isNotFound = (e: unknown) => e instanceof KubeError && e.code === 404;
export const isConflict = (e: unknown) => e instanceof KubeError && e.code === 409;
export const isGone = (e: unknown) => e instanceof KubeError && e.code === 410;

export interface KubeClient {
  get(r: Resource, namespace: string, name: string): Promise<KObject>;
  list(r: Resource, namespace: string | undefined, opts?: ListOptions): Promise<{ items: KObject[]; resourceVersion: string; continue?: string }>;
  create(r: Resource, namespace: string, obj: KObject, subresource?: { name: string; subresource: string }): Promise<KObject>;
  update(r: Resource, namespace: string, obj: KObject, subresource?: string): Promise<KObject>;
  patch(r: Resource, namespace: string, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KObject>;
  delete(r: Resource, namespace: string, name: string, opts?: DeleteOptions): Promise<void>;
  /**
   * Streams changes after resourceVersion. `onClose` gets a KubeError with
   * code 410 when the version is too old (relist), or undefined when the
   * server ended the stream (resume from the last seen resourceVersion).
   */
  watch(
    r: Resource,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (type: WatchEventType, obj: KObject) => void,
    onClose: (err?: KubeError) => void,
  ): { stop(): void };
}

export const R = {
  pods: { group: "", version: "v1", resource: "pods" },
  nodes: { group: "", version: "v1", resource: "nodes" },
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  services: { group: "", version: "v1", resource: "services" },
  endpoints: { group: "", version: "v1", resource: "endpoints" },
  events: { group: "", version: "v1", resource: "events" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  pvcs: { group: "", version: "v1", resource: "persistentvolumeclaims" },
  pvs: { group: "", version: "v1", resource: "persistentvolumes" },
  deployments: { group: "apps", version: "v1", resource: "deployments" },
  replicasets: { group: "apps", version: "v1", resource: "replicasets" },
  statefulsets: { group: "apps", version: "v1", resource: "statefulsets" },
  daemonsets: { group: "apps", version: "v1", resource: "daemonsets" },
  controllerrevisions: { group: "apps", version: "v1", resource: "controllerrevisions" },
  jobs: { group: "batch", version: "v1", resource: "jobs" },
  cronjobs: { group: "batch", version: "v1", resource: "cronjobs" },
  hpas: { group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers" },
  pdbs: { group: "policy", version: "v1", resource: "poddisruptionbudgets" },
  leases: { group: "coordination.k8s.io", version: "v1", resource: "leases" },
  endpointslices: { group: "discovery.k8s.io", version: "v1", resource: "endpointslices" },
  storageclasses: { group: "storage.k8s.io", version: "v1", resource: "storageclasses" },
} satisfies Record<string, Resource>;
