// Protobuf field tables for batch/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const BATCH_V1: PackageTable = {
  id: "batch/v1",
  apiVersion: "batch/v1",
  kinds: ["Job", "CronJob"],
  messages: {
    CronJob: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:CronJobSpec:o 3:status:CronJobStatus:o"],
    CronJobSpec: [
      "1:schedule:s 8:timeZone:s:op 2:startingDeadlineSeconds:i64:op 3:concurrencyPolicy:s:o",
      "4:suspend:b:op 5:jobTemplate:JobTemplateSpec 6:successfulJobsHistoryLimit:i32:op",
      "7:failedJobsHistoryLimit:i32:op",
    ],
    CronJobStatus: [
      "1:active:core/v1.ObjectReference:or 4:lastScheduleTime:@Time:op 5:lastSuccessfulTime:@Time:op",
    ],
    Job: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:JobSpec:o 3:status:JobStatus:o"],
    JobCondition: [
      "1:type:s 2:status:s 3:lastProbeTime:@Time:o 4:lastTransitionTime:@Time:o 5:reason:s:o",
      "6:message:s:o",
    ],
    JobSpec: [
      "1:parallelism:i32:op 2:completions:i32:op 3:activeDeadlineSeconds:i64:op",
      "11:podFailurePolicy:PodFailurePolicy:op 16:successPolicy:SuccessPolicy:op 7:backoffLimit:i32:op",
      "12:backoffLimitPerIndex:i32:op 13:maxFailedIndexes:i32:op 4:selector:meta/v1.LabelSelector:op",
      "5:manualSelector:b:op 6:template:core/v1.PodTemplateSpec 8:ttlSecondsAfterFinished:i32:op",
      "9:completionMode:s:op 10:suspend:b:op 14:podReplacementPolicy:s:op 15:managedBy:s:op",
    ],
    JobStatus: [
      "1:conditions:JobCondition:or 2:startTime:@Time:op 3:completionTime:@Time:op 4:active:i32:o",
      "5:succeeded:i32:o 6:failed:i32:o 11:terminating:i32:op 7:completedIndexes:s:o",
      "10:failedIndexes:s:op 8:uncountedTerminatedPods:UncountedTerminatedPods:op 9:ready:i32:op",
    ],
    JobTemplateSpec: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:JobSpec:o"],
    PodFailurePolicy: ["1:rules:PodFailurePolicyRule:r"],
    PodFailurePolicyOnExitCodesRequirement: ["1:containerName:s:op 2:operator:s 3:values:i32:r"],
    PodFailurePolicyOnPodConditionsPattern: ["1:type:s 2:status:s"],
    PodFailurePolicyRule: [
      "1:action:s 2:onExitCodes:PodFailurePolicyOnExitCodesRequirement:op",
      "3:onPodConditions:PodFailurePolicyOnPodConditionsPattern:or",
    ],
    SuccessPolicy: ["1:rules:SuccessPolicyRule:r"],
    SuccessPolicyRule: ["1:succeededIndexes:s:op 2:succeededCount:i32:op"],
    UncountedTerminatedPods: ["1:succeeded:s:or 2:failed:s:or"],
  },
};
