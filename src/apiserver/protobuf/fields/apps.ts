// Protobuf field tables for apps/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const APPS_V1: PackageTable = {
  id: "apps/v1",
  apiVersion: "apps/v1",
  kinds: ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"],
  messages: {
    ControllerRevision: ["1:metadata:meta/v1.ObjectMeta:o 2:data:@RawExtension:o 3:revision:i64"],
    DaemonSet: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:DaemonSetSpec:o 3:status:DaemonSetStatus:o"],
    DaemonSetCondition: ["1:type:s 2:status:s 3:lastTransitionTime:@Time:o 4:reason:s:o 5:message:s:o"],
    DaemonSetSpec: [
      "1:selector:meta/v1.LabelSelector:p 2:template:core/v1.PodTemplateSpec",
      "3:updateStrategy:DaemonSetUpdateStrategy:o 4:minReadySeconds:i32:o 6:revisionHistoryLimit:i32:op",
    ],
    DaemonSetStatus: [
      "1:currentNumberScheduled:i32 2:numberMisscheduled:i32 3:desiredNumberScheduled:i32",
      "4:numberReady:i32 5:observedGeneration:i64:o 6:updatedNumberScheduled:i32:o",
      "7:numberAvailable:i32:o 8:numberUnavailable:i32:o 9:collisionCount:i32:op",
      "10:conditions:DaemonSetCondition:or",
    ],
    DaemonSetUpdateStrategy: ["1:type:s:o 2:rollingUpdate:RollingUpdateDaemonSet:op"],
    Deployment: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:DeploymentSpec:o 3:status:DeploymentStatus:o"],
    DeploymentCondition: [
      "1:type:s 2:status:s 6:lastUpdateTime:@Time:o 7:lastTransitionTime:@Time:o 4:reason:s:o",
      "5:message:s:o",
    ],
    DeploymentSpec: [
      "1:replicas:i32:op 2:selector:meta/v1.LabelSelector:p 3:template:core/v1.PodTemplateSpec",
      "4:strategy:DeploymentStrategy:o 5:minReadySeconds:i32:o 6:revisionHistoryLimit:i32:op",
      "7:paused:b:o 9:progressDeadlineSeconds:i32:op",
    ],
    DeploymentStatus: [
      "1:observedGeneration:i64:o 2:replicas:i32:o 3:updatedReplicas:i32:o 7:readyReplicas:i32:o",
      "4:availableReplicas:i32:o 5:unavailableReplicas:i32:o 6:conditions:DeploymentCondition:or",
      "8:collisionCount:i32:op",
    ],
    DeploymentStrategy: ["1:type:s:o 2:rollingUpdate:RollingUpdateDeployment:op"],
    ReplicaSet: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:ReplicaSetSpec:o 3:status:ReplicaSetStatus:o"],
    ReplicaSetCondition: ["1:type:s 2:status:s 3:lastTransitionTime:@Time:o 4:reason:s:o 5:message:s:o"],
    ReplicaSetSpec: [
      "1:replicas:i32:op 4:minReadySeconds:i32:o 2:selector:meta/v1.LabelSelector:p",
      "3:template:core/v1.PodTemplateSpec:o",
    ],
    ReplicaSetStatus: [
      "1:replicas:i32 2:fullyLabeledReplicas:i32:o 4:readyReplicas:i32:o 5:availableReplicas:i32:o",
      "3:observedGeneration:i64:o 6:conditions:ReplicaSetCondition:or",
    ],
    RollingUpdateDaemonSet: ["1:maxUnavailable:@IntOrString:op 2:maxSurge:@IntOrString:op"],
    RollingUpdateDeployment: ["1:maxUnavailable:@IntOrString:op 2:maxSurge:@IntOrString:op"],
    RollingUpdateStatefulSetStrategy: ["1:partition:i32:op 2:maxUnavailable:@IntOrString:op"],
    StatefulSet: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:StatefulSetSpec:o 3:status:StatefulSetStatus:o"],
    StatefulSetCondition: ["1:type:s 2:status:s 3:lastTransitionTime:@Time:o 4:reason:s:o 5:message:s:o"],
    StatefulSetOrdinals: ["1:start:i32"],
    StatefulSetPersistentVolumeClaimRetentionPolicy: ["1:whenDeleted:s:o 2:whenScaled:s:o"],
    StatefulSetSpec: [
      "1:replicas:i32:op 2:selector:meta/v1.LabelSelector:p 3:template:core/v1.PodTemplateSpec",
      "4:volumeClaimTemplates:core/v1.PersistentVolumeClaim:or 5:serviceName:s",
      "6:podManagementPolicy:s:o 7:updateStrategy:StatefulSetUpdateStrategy:o",
      "8:revisionHistoryLimit:i32:op 9:minReadySeconds:i32:o",
      "10:persistentVolumeClaimRetentionPolicy:StatefulSetPersistentVolumeClaimRetentionPolicy:op",
      "11:ordinals:StatefulSetOrdinals:op",
    ],
    StatefulSetStatus: [
      "1:observedGeneration:i64:o 2:replicas:i32 3:readyReplicas:i32:o 4:currentReplicas:i32:o",
      "5:updatedReplicas:i32:o 6:currentRevision:s:o 7:updateRevision:s:o 9:collisionCount:i32:op",
      "10:conditions:StatefulSetCondition:or 11:availableReplicas:i32",
    ],
    StatefulSetUpdateStrategy: ["1:type:s:o 2:rollingUpdate:RollingUpdateStatefulSetStrategy:op"],
  },
};
