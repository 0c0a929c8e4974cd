// What the kubelet writes when a container's main process exits by itself
// (in the simulator: the shell of a container attached with stdin, after
// `exit` or the end of its input). The rules are the kubelet's
// (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/):
// - restartPolicy Always, or OnFailure with a non-zero code: the container is
//   restarted; restartCount grows and lastState keeps the termination;
// - otherwise it stays terminated (Completed for 0, Error for the rest), and
//   once no container runs the pod is Succeeded if every one exited 0, else Failed;
// - ephemeral containers are never restarted.
import type { KObject } from "../../apiserver/client.ts";
import { rfc3339 } from "../events.ts";
import { conditions, containerID, readiness } from "./podStages.ts";

const terminated = (s: KObject, code: number, now: number) => ({
  exitCode: code,
  reason: code === 0 ? "Completed" : "Error",
  startedAt: s.state?.running?.startedAt ?? rfc3339(now),
  finishedAt: rfc3339(now),
  containerID: s.containerID,
});

/** The pod's new status after `name`'s main process exited with `code`, or undefined when that container is not running. */
export function containerExitStatus(pod: KObject, name: string, code: number, now: number): KObject | undefined {
  const eph: KObject[] = pod.status?.ephemeralContainerStatuses ?? [];
  const e = eph.find((s) => s.name === name);
  if (e) {
    if (!e.state?.running) return undefined;
    const ephemeralContainerStatuses = eph.map((s) => (s === e ? { ...s, state: { terminated: terminated(s, code, now) } } : s));
    return { ...pod.status, ephemeralContainerStatuses };
  }
  const all: KObject[] = pod.status?.containerStatuses ?? [];
  const c = all.find((s) => s.name === name);
  if (!c?.state?.running) return undefined;
  const policy = pod.spec?.restartPolicy ?? "Always";
  const restart = policy === "Always" || (policy === "OnFailure" && code !== 0);
  const next: KObject = restart
    ? {
        ...c,
        restartCount: (c.restartCount ?? 0) + 1,
        lastState: { terminated: terminated(c, code, now) },
        state: { running: { startedAt: rfc3339(now) } },
        containerID: containerID(pod, name, (c.restartCount ?? 0) + 1),
      }
    : { ...c, ready: false, started: false, state: { terminated: terminated(c, code, now) } };
  const statuses: KObject[] = all.map((s) => (s === c ? next : s));
  if (restart) return { ...pod.status, containerStatuses: statuses };
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  if (statuses.some((s) => s.state?.running)) {
    return { ...pod.status, containerStatuses: statuses, conditions: readiness(pod, now, notReady.length === 0, notReady) };
  }
  const failed = statuses.some((s) => (s.state?.terminated?.exitCode ?? 0) !== 0);
  const conds = readiness(pod, now, false, [], "PodCompleted");
  return {
    ...pod.status,
    phase: failed ? "Failed" : "Succeeded",
    containerStatuses: statuses,
    conditions: conditions({ status: { conditions: conds } }, now, [{ type: "PodReadyToStartContainers", status: "False" }]),
  };
}
