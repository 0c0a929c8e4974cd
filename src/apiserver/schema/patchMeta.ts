// Strategic-merge-patch metadata of the built-in types, as data. Each entry
// copies the `patchStrategy` / `patchMergeKey` struct tags of the upstream Go
// types (k8s.io/api <group>/<version>/types.go and
// k8s.io/apimachinery pkg/apis/meta/v1/types.go), keyed by the
// @kubernetes/client-node model name and the JSON field name. Fields without
// a tag are absent: kube-apiserver replaces such lists and merges such maps.
// Types that share Go structs appear once per model name that embeds them
// (EphemeralContainerCommon is inlined into V1EphemeralContainer).

export type PatchStrategy = "merge" | "replace" | "retainKeys" | "merge,retainKeys";

export type PatchMeta = {
  strategy: PatchStrategy;
  /** For lists of objects merged by key. Absent for a merged list of primitives. */
  mergeKey?: string;
};

const byKey = (mergeKey: string): PatchMeta => ({ strategy: "merge", mergeKey });
const byType = byKey("type");
const byName = byKey("name");
const containerFields = {
  ports: byKey("containerPort"),
  env: byName,
  volumeMounts: byKey("mountPath"),
  volumeDevices: byKey("devicePath"),
};

const TABLE: Record<string, Record<string, PatchMeta>> = {
  // meta/v1
  V1ObjectMeta: { finalizers: { strategy: "merge" }, ownerReferences: byKey("uid") },
  // core/v1
  V1PodSpec: {
    volumes: { strategy: "merge,retainKeys", mergeKey: "name" },
    initContainers: byName,
    containers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    hostAliases: byKey("ip"),
    topologySpreadConstraints: byKey("topologyKey"),
    schedulingGates: byName,
    resourceClaims: { strategy: "merge,retainKeys", mergeKey: "name" },
  },
  V1Container: containerFields,
  V1EphemeralContainer: containerFields,
  V1ContainerStatus: { volumeMounts: byKey("mountPath"), allocatedResourcesStatus: byName },
  V1PodStatus: {
    conditions: byType,
    hostIPs: byKey("ip"),
    podIPs: byKey("ip"),
    resourceClaimStatuses: { strategy: "merge,retainKeys", mergeKey: "name" },
  },
  V1PersistentVolumeClaimStatus: { conditions: byType },
  V1ReplicationControllerStatus: { conditions: byType },
  V1ServiceSpec: { ports: byKey("port") },
  V1ServiceStatus: { conditions: byType },
  V1ServiceAccount: { secrets: byName },
  V1NodeSpec: { podCIDRs: { strategy: "merge" } },
  V1NodeStatus: { conditions: byType, addresses: byType },
  V1NamespaceStatus: { conditions: byType },
  V1ComponentStatus: { conditions: byType },
  // apps/v1
  V1DeploymentSpec: { strategy: { strategy: "retainKeys" } },
  V1DeploymentStatus: { conditions: byType },
  V1StatefulSetStatus: { conditions: byType },
  V1DaemonSetStatus: { conditions: byType },
  V1ReplicaSetStatus: { conditions: byType },
  // batch/v1 (CronJob has no tagged fields)
  V1JobStatus: { conditions: byType },
  // autoscaling/v2 (autoscaling/v1 has no tagged fields)
  V2HorizontalPodAutoscalerStatus: { conditions: byType },
  // policy/v1
  V1PodDisruptionBudgetSpec: { selector: { strategy: "replace" } },
  V1PodDisruptionBudgetStatus: { conditions: byType },
  // networking/v1: only ServiceCIDRStatus (not served here); rbac, storage
  // (except CSINode), coordination, events.k8s.io and apiextensions have none.
  V1ServiceCIDRStatus: { conditions: byType },
  V1CSINodeSpec: { drivers: byName },
};

/** The patch strategy of `field` in model `typeName`, or undefined when the field has none. */
export function patchMetaFor(typeName: string, field: string): PatchMeta | undefined {
  const fields = TABLE[typeName];
  return fields && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** Every entry, for tests and for building the OpenAPI document. */
export function allPatchMeta(): [typeName: string, field: string, meta: PatchMeta][] {
  return Object.entries(TABLE).flatMap(([t, fs]) => Object.entries(fs).map(([f, m]) => [t, f, m] as [string, string, PatchMeta]));
}
