// Protobuf field tables for autoscaling/v1, autoscaling/v2, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const AUTOSCALING_V1: PackageTable = {
  id: "autoscaling/v1",
  apiVersion: "autoscaling/v1",
  kinds: ["HorizontalPodAutoscaler", "Scale"],
  messages: {
    CrossVersionObjectReference: ["1:kind:s 2:name:s 3:apiVersion:s:o"],
    HorizontalPodAutoscaler: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:HorizontalPodAutoscalerSpec:o",
      "3:status:HorizontalPodAutoscalerStatus:o",
    ],
    HorizontalPodAutoscalerSpec: [
      "1:scaleTargetRef:CrossVersionObjectReference 2:minReplicas:i32:op 3:maxReplicas:i32",
      "4:targetCPUUtilizationPercentage:i32:op",
    ],
    HorizontalPodAutoscalerStatus: [
      "1:observedGeneration:i64:op 2:lastScaleTime:@Time:op 3:currentReplicas:i32 4:desiredReplicas:i32",
      "5:currentCPUUtilizationPercentage:i32:op",
    ],
    Scale: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:ScaleSpec:o 3:status:ScaleStatus:o"],
    ScaleSpec: ["1:replicas:i32:o"],
    ScaleStatus: ["1:replicas:i32 2:selector:s:o"],
  },
};

export const AUTOSCALING_V2: PackageTable = {
  id: "autoscaling/v2",
  apiVersion: "autoscaling/v2",
  kinds: ["HorizontalPodAutoscaler"],
  messages: {
    ContainerResourceMetricSource: ["1:name:s 2:target:MetricTarget 3:container:s"],
    ContainerResourceMetricStatus: ["1:name:s 2:current:MetricValueStatus 3:container:s"],
    CrossVersionObjectReference: ["1:kind:s 2:name:s 3:apiVersion:s:o"],
    ExternalMetricSource: ["1:metric:MetricIdentifier 2:target:MetricTarget"],
    ExternalMetricStatus: ["1:metric:MetricIdentifier 2:current:MetricValueStatus"],
    HPAScalingPolicy: ["1:type:s 2:value:i32 3:periodSeconds:i32"],
    HPAScalingRules: [
      "3:stabilizationWindowSeconds:i32:op 1:selectPolicy:s:op 2:policies:HPAScalingPolicy:or",
    ],
    HorizontalPodAutoscaler: [
      "1:metadata:meta/v1.ObjectMeta:o 2:spec:HorizontalPodAutoscalerSpec:o",
      "3:status:HorizontalPodAutoscalerStatus:o",
    ],
    HorizontalPodAutoscalerBehavior: ["1:scaleUp:HPAScalingRules:op 2:scaleDown:HPAScalingRules:op"],
    HorizontalPodAutoscalerCondition: [
      "1:type:s 2:status:s 3:lastTransitionTime:@Time:o 4:reason:s:o 5:message:s:o",
    ],
    HorizontalPodAutoscalerSpec: [
      "1:scaleTargetRef:CrossVersionObjectReference 2:minReplicas:i32:op 3:maxReplicas:i32",
      "4:metrics:MetricSpec:or 5:behavior:HorizontalPodAutoscalerBehavior:op",
    ],
    HorizontalPodAutoscalerStatus: [
      "1:observedGeneration:i64:op 2:lastScaleTime:@Time:op 3:currentReplicas:i32:o",
      "4:desiredReplicas:i32 5:currentMetrics:MetricStatus:r",
      "6:conditions:HorizontalPodAutoscalerCondition:or",
    ],
    MetricIdentifier: ["1:name:s 2:selector:meta/v1.LabelSelector:op"],
    MetricSpec: [
      "1:type:s 2:object:ObjectMetricSource:op 3:pods:PodsMetricSource:op",
      "4:resource:ResourceMetricSource:op 7:containerResource:ContainerResourceMetricSource:op",
      "5:external:ExternalMetricSource:op",
    ],
    MetricStatus: [
      "1:type:s 2:object:ObjectMetricStatus:op 3:pods:PodsMetricStatus:op",
      "4:resource:ResourceMetricStatus:op 7:containerResource:ContainerResourceMetricStatus:op",
      "5:external:ExternalMetricStatus:op",
    ],
    MetricTarget: ["1:type:s 2:value:@Quantity:op 3:averageValue:@Quantity:op 4:averageUtilization:i32:op"],
    MetricValueStatus: ["1:value:@Quantity:op 2:averageValue:@Quantity:op 3:averageUtilization:i32:op"],
    ObjectMetricSource: [
      "1:describedObject:CrossVersionObjectReference 2:target:MetricTarget 3:metric:MetricIdentifier",
    ],
    ObjectMetricStatus: [
      "1:metric:MetricIdentifier 2:current:MetricValueStatus",
      "3:describedObject:CrossVersionObjectReference",
    ],
    PodsMetricSource: ["1:metric:MetricIdentifier 2:target:MetricTarget"],
    PodsMetricStatus: ["1:metric:MetricIdentifier 2:current:MetricValueStatus"],
    ResourceMetricSource: ["1:name:s 2:target:MetricTarget"],
    ResourceMetricStatus: ["1:name:s 2:current:MetricValueStatus"],
  },
};
