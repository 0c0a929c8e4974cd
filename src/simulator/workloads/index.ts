// The workload controllers of a simulated cluster, with upstream semantics:
// ReplicaSet, Deployment, StatefulSet, DaemonSet, Job (+ TTL after finished)
// and CronJob. They reach the cluster only through the KubeClient and time
// only through the injected clock.
import type { SimController } from "../controller.ts";
import { CronJobController } from "./CronJobController.ts";
import { DaemonSetController } from "./DaemonSetController.ts";
import { DeploymentController } from "./DeploymentController.ts";
import { JobController, TtlAfterFinishedController } from "./JobController.ts";
import { ReplicaSetController } from "./ReplicaSetController.ts";
import { StatefulSetController } from "./StatefulSetController.ts";

export type WorkloadControllersOptions = {
  /** Workers per controller (default 8). */
  concurrency?: number;
};

export function workloadControllers(opts: WorkloadControllersOptions = {}): SimController[] {
  const concurrency = opts.concurrency;
  return [
    new ReplicaSetController({ concurrency }),
    new DeploymentController({ concurrency }),
    new StatefulSetController({ concurrency }),
    new DaemonSetController({ concurrency }),
    new JobController({ concurrency }),
    new TtlAfterFinishedController(),
    new CronJobController({ concurrency }),
  ];
}

export {
  CronJobController,
  DaemonSetController,
  DeploymentController,
  JobController,
  ReplicaSetController,
  StatefulSetController,
  TtlAfterFinishedController,
};
export { nextRun, parseSchedule } from "../../cron/cron.ts";
export { EventRecorder } from "../events.ts";
