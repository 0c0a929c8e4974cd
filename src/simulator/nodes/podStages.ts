// The default pod lifecycle of a simulated kubelet, as stages (stages.ts).
// The first matching stage wins, so order matters:
//
//   deleting ─────────────────────────────────────────► pod-delete (gone)
//   running, an ephemeral container without status ──► pod-ephemeral-start (it runs)
//   bound, no hostIP ─► pod-create (ContainerCreating)
//     ├ bad image ─► pod-image-pull-error (ErrImagePull) ⇄ pod-image-pull-backoff (ImagePullBackOff)
//     └ otherwise ─► pod-start (Running; Ready unless a readiness probe)
//          ├ crashloop image ─► pod-crash (CrashLoopBackOff) ⇄ pod-crash-restart
//          ├ Job pod or run-seconds annotation ─► pod-complete (Succeeded/Failed)
//          └ readiness probe ─► pod-ready (Ready after initialDelaySeconds)
//
// Image conventions: an image with ":notfound" or from the "invalid/"
// repository cannot be pulled; an image whose name contains "crashloop"
// exits with code 1 after crashAfterMs and restarts with back-off.
// Annotations: sim.kpanda.io/run-seconds makes a pod with restartPolicy
// Never/OnFailure (or any Job pod) finish after that many seconds;
// sim.kpanda.io/exit-code makes it finish with that code (non-zero: Failed).
import { createHash } from "node:crypto";
import type { KObject } from "../../apiserver/client.ts";
import { rfc3339 } from "../events.ts";
import type { Expression, Stage, StageEnv, StageEvent } from "./stages.ts";

export const BAD_IMAGE = "(:notfound|^invalid/)";
export const CRASH_IMAGE = "crashloop";
export const RUN_SECONDS = "sim.kpanda.io/run-seconds";
export const EXIT_CODE = "sim.kpanda.io/exit-code";

const e = (key: string, operator: Expression["operator"], ...values: string[]): Expression => ({ key, operator, values });
const notDeleting = e(".metadata.deletionTimestamp", "DoesNotExist");
const phase = (...p: string[]) => e(".status.phase", "In", ...p);
const waiting = (...r: string[]) => e(".status.containerStatuses.state.waiting.reason", "In", ...r);

/** docker.io/library/nginx:latest for "nginx", as the runtime reports it. */
export function imageRef(image: string): string {
  let ref = image;
  const first = ref.split("/")[0];
  if (!ref.includes("/")) ref = `docker.io/library/${ref}`;
  else if (!first.includes(".") && !first.includes(":") && first !== "localhost") ref = `docker.io/${ref}`;
  const last = ref.slice(ref.lastIndexOf("/") + 1);
  if (!last.includes(":") && !ref.includes("@")) ref += ":latest";
  return ref;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
const imageID = (image: string) => `${imageRef(image).replace(/:[^:/@]+$/, "")}@sha256:${hash(imageRef(image))}`;
export const containerID = (pod: KObject, name: string, restart: number) => `containerd://${hash(`${pod.metadata?.uid}/${name}/${restart}`)}`;
const isBad = (image: string) => new RegExp(BAD_IMAGE).test(image ?? "");
const isCrash = (image: string) => (image ?? "").includes(CRASH_IMAGE);
const field = (c: KObject) => `spec.containers{${c.name}}`;

/** Sets pod conditions by type, keeping lastTransitionTime when the status stays; upstream's order. */
export function conditions(pod: KObject, now: number, set: { type: string; status: string; reason?: string; message?: string }[]): KObject[] {
  const old = new Map<string, KObject>((pod.status?.conditions ?? []).map((c: KObject) => [c.type, c]));
  for (const s of set) {
    const prev = old.get(s.type);
    const c: KObject = { type: s.type, status: s.status, lastProbeTime: null, lastTransitionTime: prev?.status === s.status ? prev.lastTransitionTime : rfc3339(now) };
    if (s.reason) c.reason = s.reason;
    if (s.message) c.message = s.message;
    old.set(s.type, c);
  }
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  return [...old.values()].sort((a, b) => (order.indexOf(a.type) + 1 || 99) - (order.indexOf(b.type) + 1 || 99));
}

export function readiness(pod: KObject, now: number, ready: boolean, notReady: string[], reason = "ContainersNotReady") {
  const msg = `containers with unready status: [${notReady.join(" ")}]`;
  return conditions(pod, now, [
    ready ? { type: "Ready", status: "True" } : { type: "Ready", status: "False", reason, message: reason === "PodCompleted" ? undefined : msg },
    ready ? { type: "ContainersReady", status: "True" } : { type: "ContainersReady", status: "False", reason, message: reason === "PodCompleted" ? undefined : msg },
  ]);
}

const containers = (pod: KObject): KObject[] => pod.spec?.containers ?? [];
const statusOf = (pod: KObject, name: string): KObject | undefined => (pod.status?.containerStatuses ?? []).find((s: KObject) => s.name === name);
const base = (c: KObject) => ({ name: c.name, image: imageRef(c.image), imageID: "", lastState: {} as KObject, restartCount: 0 });

function pullEvents(c: KObject): StageEvent[] {
  const img = c.image;
  if (c.imagePullPolicy === "Always")
    return [
      { type: "Normal", reason: "Pulling", message: `Pulling image "${img}"`, fieldPath: field(c) },
      { type: "Normal", reason: "Pulled", message: `Successfully pulled image "${img}" in 812ms (812ms including waiting). Image size: 72195292 bytes.`, fieldPath: field(c) },
    ];
  return [{ type: "Normal", reason: "Pulled", message: `Container image "${img}" already present on machine`, fieldPath: field(c) }];
}

const startEvents = (c: KObject): StageEvent[] => [
  { type: "Normal", reason: "Created", message: `Created container: ${c.name}`, fieldPath: field(c) },
  { type: "Normal", reason: "Started", message: `Started container ${c.name}`, fieldPath: field(c) },
];

const hasProbe = (c: KObject) => !!c.readinessProbe;

const podCreate: Stage = {
  name: "pod-create",
  selector: { matchExpressions: [notDeleting, e(".spec.nodeName", "Exists"), e(".status.hostIP", "DoesNotExist"), e(".status.phase", "NotIn", "Succeeded", "Failed")] },
  next(pod, env) {
    const names = containers(pod).map((c) => c.name);
    const inits: KObject[] = pod.spec?.initContainers ?? [];
    return {
      status: {
        phase: "Pending",
        hostIP: env.hostIP,
        hostIPs: [{ ip: env.hostIP }],
        startTime: pod.status?.startTime ?? rfc3339(env.now),
        conditions: conditions(pod, env.now, [
          { type: "PodReadyToStartContainers", status: "False" },
          inits.length
            ? { type: "Initialized", status: "False", reason: "ContainersNotInitialized", message: `containers with incomplete status: [${inits.map((c) => c.name).join(" ")}]` }
            : { type: "Initialized", status: "True" },
          { type: "Ready", status: "False", reason: "ContainersNotReady", message: `containers with unready status: [${names.join(" ")}]` },
          { type: "ContainersReady", status: "False", reason: "ContainersNotReady", message: `containers with unready status: [${names.join(" ")}]` },
          { type: "PodScheduled", status: "True" },
        ]),
        containerStatuses: containers(pod).map((c) => ({ ...base(c), state: { waiting: { reason: "ContainerCreating" } }, ready: false, started: false })),
        ...(inits.length ? { initContainerStatuses: inits.map((c) => ({ ...base(c), state: { waiting: { reason: "PodInitializing" } }, ready: false, started: false })) } : {}),
      },
    };
  },
};

const pullFailure = (img: string) =>
  `failed to pull and unpack image "${imageRef(img)}": failed to resolve reference "${imageRef(img)}": ${imageRef(img)}: not found`;

const podImagePullError: Stage = {
  name: "pod-image-pull-error",
  selector: { matchExpressions: [notDeleting, phase("Pending"), e(".status.hostIP", "Exists"), waiting("ContainerCreating", "ImagePullBackOff"), e(".spec.containers.image", "Matches", BAD_IMAGE)] },
  delay: { ms: "pullMs", from: (pod, k) => (valuesWaiting(pod).includes("ImagePullBackOff") ? k.pullBackoffMs : undefined) },
  next(pod, env) {
    const events: StageEvent[] = [];
    const statuses = containers(pod).map((c) => {
      const cur = statusOf(pod, c.name) ?? { ...base(c), ready: false, started: false };
      if (!isBad(c.image)) return cur;
      const message = `rpc error: code = NotFound desc = ${pullFailure(c.image)}`;
      events.push(
        { type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"`, fieldPath: field(c) },
        { type: "Warning", reason: "Failed", message: `Failed to pull image "${c.image}": ${message}`, fieldPath: field(c) },
        { type: "Warning", reason: "Failed", message: "Error: ErrImagePull", fieldPath: field(c) },
      );
      return { ...cur, state: { waiting: { reason: "ErrImagePull", message } } };
    });
    return { status: { containerStatuses: statuses, conditions: conditions(pod, env.now, [{ type: "PodReadyToStartContainers", status: "True" }]) }, events };
  },
};

function valuesWaiting(pod: KObject): string[] {
  return (pod.status?.containerStatuses ?? []).map((s: KObject) => s.state?.waiting?.reason).filter(Boolean);
}

const podImagePullBackoff: Stage = {
  name: "pod-image-pull-backoff",
  selector: { matchExpressions: [notDeleting, phase("Pending"), waiting("ErrImagePull")] },
  delay: { ms: 1000 },
  next(pod) {
    const events: StageEvent[] = [];
    const statuses = (pod.status?.containerStatuses ?? []).map((s: KObject) => {
      if (s.state?.waiting?.reason !== "ErrImagePull") return s;
      const c = containers(pod).find((x) => x.name === s.name) ?? { name: s.name, image: s.image };
      events.push(
        { type: "Normal", reason: "BackOff", message: `Back-off pulling image "${c.image}"`, fieldPath: field(c) },
        { type: "Warning", reason: "Failed", message: "Error: ImagePullBackOff", fieldPath: field(c) },
      );
      return { ...s, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}": ErrImagePull: ${pullFailure(c.image)}` } } };
    });
    return { status: { containerStatuses: statuses }, events };
  },
};

const podStart: Stage = {
  name: "pod-start",
  selector: { matchExpressions: [notDeleting, phase("Pending"), e(".status.hostIP", "Exists"), waiting("ContainerCreating"), e(".spec.containers.image", "NotMatches", BAD_IMAGE)] },
  delay: { ms: "startMs", jitterMs: "startJitterMs" },
  next(pod, env) {
    const now = rfc3339(env.now);
    const events: StageEvent[] = [];
    const statuses = containers(pod).map((c) => {
      events.push(...pullEvents(c), ...startEvents(c));
      const ready = !hasProbe(c) && !isCrash(c.image);
      return { ...base(c), imageID: imageID(c.image), containerID: containerID(pod, c.name, 0), state: { running: { startedAt: now } }, ready, started: true };
    });
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
    const inits: KObject[] = pod.spec?.initContainers ?? [];
    const ip = pod.spec?.hostNetwork ? env.hostIP : env.podIP();
    return {
      status: {
        phase: "Running",
        podIP: ip,
        podIPs: [{ ip }],
        conditions: conditions({ status: { conditions: readiness(pod, env.now, notReady.length === 0, notReady) } }, env.now, [
          { type: "PodReadyToStartContainers", status: "True" },
          { type: "Initialized", status: "True" },
        ]),
        containerStatuses: statuses,
        ...(inits.length
          ? {
              initContainerStatuses: inits.map((c) => ({
                ...base(c),
                imageID: imageID(c.image),
                containerID: containerID(pod, c.name, 0),
                state: { terminated: { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now, containerID: containerID(pod, c.name, 0) } },
                ready: true,
                started: false,
              })),
            }
          : {}),
      },
      events,
    };
  },
};

const backoffMs = (restarts: number) => Math.min(10_000 * 2 ** Math.max(0, restarts - 1), 300_000);

const podCrash: Stage = {
  name: "pod-crash",
  selector: { matchExpressions: [notDeleting, phase("Running"), e(".spec.containers.image", "Matches", CRASH_IMAGE), e(".status.containerStatuses.state.waiting.reason", "NotIn", "CrashLoopBackOff")] },
  delay: { ms: "crashAfterMs" },
  next(pod, env) {
    const events: StageEvent[] = [];
    const statuses = (pod.status?.containerStatuses ?? []).map((s: KObject) => {
      const c = containers(pod).find((x) => x.name === s.name);
      if (!c || !isCrash(c.image) || !s.state?.running) return s;
      const restartCount = (s.restartCount ?? 0) + 1;
      const who = `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
      events.push({ type: "Warning", reason: "BackOff", message: `Back-off restarting failed container ${c.name} in pod ${who}`, fieldPath: field(c) });
      return {
        ...s,
        restartCount,
        ready: false,
        started: false,
        lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: s.state.running.startedAt, finishedAt: rfc3339(env.now), containerID: s.containerID } },
        state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${backoffMs(restartCount) / 1000}s restarting failed container=${c.name} pod=${who}` } },
      };
    });
    const notReady = statuses.filter((s: KObject) => !s.ready).map((s: KObject) => s.name);
    return { status: { containerStatuses: statuses, conditions: readiness(pod, env.now, notReady.length === 0, notReady) }, events };
  },
};

const podCrashRestart: Stage = {
  name: "pod-crash-restart",
  selector: { matchExpressions: [notDeleting, phase("Running"), waiting("CrashLoopBackOff")] },
  delay: { from: (pod) => backoffMs(Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s: KObject) => s.restartCount ?? 0))) },
  next(pod, env) {
    const events: StageEvent[] = [];
    const statuses = (pod.status?.containerStatuses ?? []).map((s: KObject) => {
      if (s.state?.waiting?.reason !== "CrashLoopBackOff") return s;
      const c = containers(pod).find((x) => x.name === s.name) ?? { name: s.name, image: s.image };
      events.push({ type: "Normal", reason: "Pulled", message: `Container image "${c.image}" already present on machine`, fieldPath: field(c) }, ...startEvents(c));
      return { ...s, containerID: containerID(pod, s.name, s.restartCount ?? 0), state: { running: { startedAt: rfc3339(env.now) } }, ready: false, started: true };
    });
    return { status: { containerStatuses: statuses }, events };
  },
};

function runMs(pod: KObject, jobRunMs: number): number {
  const s = Number(pod.metadata?.annotations?.[RUN_SECONDS]);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : jobRunMs;
}

function complete(pod: KObject, env: StageEnv) {
  const code = Number(pod.metadata?.annotations?.[EXIT_CODE] ?? 0) || 0;
  const statuses = (pod.status?.containerStatuses ?? []).map((s: KObject) => ({
    ...s,
    ready: false,
    started: false,
    state: {
      terminated: {
        exitCode: code,
        reason: code === 0 ? "Completed" : "Error",
        startedAt: s.state?.running?.startedAt ?? rfc3339(env.now),
        finishedAt: rfc3339(env.now),
        containerID: s.containerID,
      },
    },
  }));
  const conds = readiness(pod, env.now, false, [], "PodCompleted");
  return {
    status: {
      phase: code === 0 ? "Succeeded" : "Failed",
      containerStatuses: statuses,
      conditions: conditions({ status: { conditions: conds } }, env.now, [{ type: "PodReadyToStartContainers", status: "False" }]),
    },
  };
}

const podCompleteJob: Stage = {
  name: "pod-complete",
  selector: { matchExpressions: [notDeleting, phase("Running"), e(".metadata.ownerReferences.kind", "In", "Job"), e(".status.containerStatuses.state.waiting.reason", "DoesNotExist")] },
  delay: { from: (pod, k) => runMs(pod, k.jobRunMs) },
  next: complete,
};

const podCompleteAnnotated: Stage = {
  name: "pod-complete-annotated",
  selector: {
    matchExpressions: [
      notDeleting,
      phase("Running"),
      e(`.metadata.annotations["${RUN_SECONDS}"]`, "Exists"),
      e(".spec.restartPolicy", "In", "Never", "OnFailure"),
      e(".status.containerStatuses.state.waiting.reason", "DoesNotExist"),
    ],
  },
  delay: { from: (pod, k) => runMs(pod, k.jobRunMs) },
  next: complete,
};

const podReady: Stage = {
  name: "pod-ready",
  selector: {
    matchExpressions: [
      notDeleting,
      phase("Running"),
      e(".status.conditions[type=Ready].status", "In", "False"),
      e(".status.containerStatuses.state.waiting.reason", "DoesNotExist"),
      e(".spec.containers.image", "NotMatches", CRASH_IMAGE),
    ],
  },
  delay: { from: (pod) => 1000 * Math.max(0, ...containers(pod).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0)) },
  next(pod, env) {
    const statuses = (pod.status?.containerStatuses ?? []).map((s: KObject) => ({ ...s, ready: true }));
    return { status: { containerStatuses: statuses, conditions: readiness(pod, env.now, true, []) } };
  },
};

/** Starts ephemeral containers added through pods/ephemeralcontainers (kubectl debug), as kubelet starts any container. */
const podEphemeralStart: Stage = {
  name: "pod-ephemeral-start",
  selector: {
    matchExpressions: [
      e(".spec.ephemeralContainers.name", "Exists"),
      notDeleting,
      phase("Running"),
      { key: ".spec.ephemeralContainers.name", operator: "NotAllIn", valuesFrom: ".status.ephemeralContainerStatuses.name" },
    ],
  },
  delay: { ms: "startMs" },
  next(pod, env) {
    const have: KObject[] = pod.status?.ephemeralContainerStatuses ?? [];
    const events: StageEvent[] = [];
    const added = (pod.spec?.ephemeralContainers ?? [])
      .filter((c: KObject) => !have.some((s) => s.name === c.name))
      .map((c: KObject) => {
        const fieldPath = `spec.ephemeralContainers{${c.name}}`;
        events.push(...[...pullEvents(c), ...startEvents(c)].map((ev) => ({ ...ev, fieldPath })));
        const running = { startedAt: rfc3339(env.now) };
        return { ...base(c), imageID: imageID(c.image), containerID: containerID(pod, c.name, 0), state: { running }, ready: false };
      });
    return { status: { ephemeralContainerStatuses: [...have, ...added] }, events };
  },
};

const podDelete: Stage = {
  name: "pod-delete",
  selector: { matchExpressions: [e(".metadata.deletionTimestamp", "Exists")] },
  delay: {
    from: (pod, k) => {
      const p = pod.status?.phase;
      if (p === "Succeeded" || p === "Failed" || !pod.status?.hostIP) return 0;
      return Math.min((pod.metadata?.deletionGracePeriodSeconds ?? 30) * 1000, k.shutdownMs);
    },
  },
  next(pod) {
    const events: StageEvent[] = (pod.status?.containerStatuses ?? [])
      .filter((s: KObject) => s.state?.running)
      .map((s: KObject) => ({ type: "Normal", reason: "Killing", message: `Stopping container ${s.name}`, fieldPath: `spec.containers{${s.name}}` }));
    return { delete: true, events };
  },
};

/** The default pod stages, in match order. */
export const DEFAULT_POD_STAGES: readonly Stage[] = [
  podDelete,
  podEphemeralStart,
  podCreate,
  podImagePullError,
  podImagePullBackoff,
  podStart,
  podCrash,
  podCrashRestart,
  podCompleteJob,
  podCompleteAnnotated,
  podReady,
];
