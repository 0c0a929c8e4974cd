// The Pod printer: READY, STATUS, RESTARTS as kubectl shows them. The STATUS
// cell is the subtle part; podStatus follows printPod in kube's
// pkg/printers/internalversion step by step.
import type { KObject } from "../registry/types.ts";
import { desc } from "./descriptions.ts";
import { humanDuration, parseTime, since } from "./duration.ts";
import { arr } from "./format.ts";
import { col, type PrintContext, type Printer, type TableRowCondition } from "./types.ts";

const columns = [
  col("Name", "string", desc["ObjectMeta.name"], 0, "name"),
  col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
  col("Status", "string", "The aggregate status of the containers in this pod."),
  col(
    "Restarts",
    "string",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  col("Age", "string", desc["ObjectMeta.creationTimestamp"]),
  col("IP", "string", desc["PodStatus.podIP"], 1),
  col("Node", "string", desc["PodSpec.nodeName"], 1),
  col("Nominated Node", "string", desc["PodStatus.nominatedNodeName"], 1),
  col("Readiness Gates", "string", desc["PodSpec.readinessGates"], 1),
];

const succeeded: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
];
const failed: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
];

/** Running totals while walking container statuses. */
type Tally = { restarts: number; lastRestart: number; ready: number };

function noteRestarts(t: Tally, cs: any): void {
  t.restarts += typeof cs?.restartCount === "number" ? cs.restartCount : 0;
  const finished = parseTime(cs?.lastState?.terminated?.finishedAt);
  if (finished !== undefined && finished > t.lastRestart) t.lastRestart = finished;
}

function hasCondition(pod: KObject, type: string): boolean {
  for (const c of arr(pod.status?.conditions)) {
    if (c?.type === type) return c.status === "True";
  }
  return false;
}

/** Walks init container statuses; returns the Init:… reason when initialization is not done. */
function initStatus(pod: KObject, all: Tally, sidecars: Tally): string | undefined {
  const specList = arr(pod.spec?.initContainers);
  const specs = new Map<string, any>(specList.map((c) => [c?.name, c]));
  const total = specList.length;
  const statuses = arr(pod.status?.initContainerStatuses);
  for (let i = 0; i < statuses.length; i++) {
    const cs = statuses[i];
    const restartable = specs.get(cs?.name)?.restartPolicy === "Always";
    noteRestarts(all, cs);
    if (restartable) noteRestarts(sidecars, cs);
    const terminated = cs?.state?.terminated;
    const waiting = cs?.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && cs?.started === true) {
      if (cs.ready) sidecars.ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) return `Init:${terminated.reason}`;
      return terminated.signal
        ? `Init:Signal:${terminated.signal}`
        : `Init:ExitCode:${terminated.exitCode ?? 0}`;
    }
    if (waiting?.reason && waiting.reason !== "PodInitializing") return `Init:${waiting.reason}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
}

/** Walks app container statuses from last to first; the first one listed wins the reason. */
function containerStatus(pod: KObject, t: Tally, reason: string): string {
  let hasRunning = false;
  const statuses = arr(pod.status?.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i];
    noteRestarts(t, cs);
    const waiting = cs?.state?.waiting;
    const terminated = cs?.state?.terminated;
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) {
      reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
    } else if (cs?.ready && cs?.state?.running) {
      hasRunning = true;
      t.ready++;
    }
  }
  if (reason === "Completed" && hasRunning) reason = hasCondition(pod, "Ready") ? "Running" : "NotReady";
  return reason;
}

/** READY, STATUS and RESTARTS cells of a pod. */
export function podStatus(pod: KObject, now: number): { ready: string; status: string; restarts: string } {
  const phase: string = pod.status?.phase ?? "";
  let reason: string = pod.status?.reason || phase;
  for (const c of arr(pod.status?.conditions)) {
    if (c?.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }
  const initContainers = arr(pod.spec?.initContainers);
  const sidecarCount = initContainers.filter((c) => c?.restartPolicy === "Always").length;
  const total = arr(pod.spec?.containers).length + sidecarCount;

  const all: Tally = { restarts: 0, lastRestart: 0, ready: 0 };
  const sidecars: Tally = { restarts: 0, lastRestart: 0, ready: 0 };
  const initReason = initStatus(pod, all, sidecars);
  let tally = all;
  if (initReason !== undefined) reason = initReason;
  if (initReason === undefined || hasCondition(pod, "Initialized")) {
    tally = sidecars;
    reason = containerStatus(pod, tally, reason);
  } else {
    tally.ready = sidecars.ready;
  }

  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && pod.status?.reason === "NodeLost") reason = "Unknown";
  else if (deleting && phase !== "Failed" && phase !== "Succeeded") reason = "Terminating";

  let restarts = String(tally.restarts);
  if (tally.restarts !== 0 && tally.lastRestart !== 0) {
    restarts = `${tally.restarts} (${humanDuration(now - tally.lastRestart)} ago)`;
  }
  return { ready: `${tally.ready}/${total}`, status: reason, restarts };
}

function readinessGates(pod: KObject): string {
  const gates = arr(pod.spec?.readinessGates);
  if (gates.length === 0) return "<none>";
  let ok = 0;
  for (const g of gates) {
    const c = arr(pod.status?.conditions).find((x) => x?.type === g?.conditionType);
    if (c?.status === "True") ok++;
  }
  return `${ok}/${gates.length}`;
}

function podCells(pod: KObject, ctx: PrintContext): unknown[] {
  const s = podStatus(pod, ctx.now);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || "<none>";
  return [
    pod.metadata?.name ?? "",
    s.ready,
    s.status,
    s.restarts,
    since(pod.metadata?.creationTimestamp, ctx.now),
    ip,
    pod.spec?.nodeName || "<none>",
    pod.status?.nominatedNodeName || "<none>",
    readinessGates(pod),
  ];
}

export const podPrinter: Printer = {
  columns,
  cells: podCells,
  conditions(pod) {
    if (pod.status?.phase === "Succeeded") return succeeded;
    if (pod.status?.phase === "Failed") return failed;
    return undefined;
  },
};
