// A simulated container's log, as the kubelet's /containerLogs serves it.
// The log is a pure function of the container's status and the time: three
// lines at start (name and image, the pod's place, "is running" a second
// later), then one line every `interval` while it runs (kwok's ClusterLogs
// replay a file the same way), and its exit code once it has terminated.
// `follow` keeps writing those lines as the cluster's clock reaches them,
// until the client goes away or the container stops (the caller re-checks).
import type { KObject } from "../../apiserver/client.ts";

/** Lines per second of a running container's log, on a pod; "0" writes none after start. */
export const LOG_RATE_ANNOTATION = "sim.kpanda.io/log-lines-per-second";

export type LogOptions = {
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
};

/** One run of a container, as its status tells it. */
export type ContainerRun = { name: string; image: string; startedAt: number; finishedAt?: number; exitCode?: number };

/** Every container spec of a pod: init, regular and ephemeral (kubecontainer.GetContainerSpec). */
export function containerSpec(pod: KObject, name: string): KObject | undefined {
  for (const list of [pod.spec?.initContainers, pod.spec?.containers, pod.spec?.ephemeralContainers]) {
    const c = (list ?? []).find((x: KObject) => x.name === name);
    if (c) return c;
  }
  return undefined;
}

/** The container's status, from whichever list holds it. */
export function containerStatus(pod: KObject, name: string): KObject | undefined {
  for (const list of [pod.status?.initContainerStatuses, pod.status?.containerStatuses, pod.status?.ephemeralContainerStatuses]) {
    const s = (list ?? []).find((x: KObject) => x.name === name);
    if (s) return s;
  }
  return undefined;
}

/**
 * The run whose log is asked for, or the kubelet's error text (an HTTP 400):
 * kuberuntime's "is waiting to start" and "previous terminated container ... not found".
 */
export function containerRun(pod: KObject, cname: string, previous: boolean): ContainerRun | string {
  const name = pod.metadata?.name;
  const st = containerStatus(pod, cname);
  const state = previous ? st?.lastState : st?.state;
  const run = state?.running ?? state?.terminated;
  if (!run?.startedAt) {
    if (previous) return `previous terminated container "${cname}" in pod "${name}" not found`;
    return `container "${cname}" in pod "${name}" is waiting to start: ${st?.state?.waiting?.reason ?? "ContainerCreating"}`;
  }
  const startedAt = Date.parse(run.startedAt);
  const out: ContainerRun = { name: cname, image: containerSpec(pod, cname)?.image ?? st?.image ?? "", startedAt };
  if (state?.terminated) {
    out.finishedAt = Math.max(startedAt, Date.parse(state.terminated.finishedAt ?? run.startedAt));
    out.exitCode = state.terminated.exitCode ?? 0;
  }
  return out;
}

/** Milliseconds between a running container's lines: the pod's annotation, else the knob; 0 for none. */
export function lineInterval(pod: KObject, knobMs: number): number {
  const v = pod.metadata?.annotations?.[LOG_RATE_ANNOTATION];
  if (v !== undefined) {
    const rate = Number(v);
    if (Number.isFinite(rate) && rate > 0) return Math.max(1, Math.round(1000 / rate));
    if (rate === 0) return 0;
  }
  return knobMs;
}

/**
 * The log as a list of timed lines, read by index so that a long-running
 * container's tail costs no more than its length: the three start lines,
 * `periodic` lines, then the exit line if it terminated.
 */
export class ContainerLog {
  readonly run: ContainerRun;
  private readonly pod: KObject;
  /** Milliseconds between periodic lines; 0 for none. */
  readonly interval: number;

  constructor(pod: KObject, run: ContainerRun, interval: number) {
    this.pod = pod;
    this.run = run;
    this.interval = interval;
  }

  /** How many periodic lines have been written by time t. */
  periodicBy(t: number): number {
    const end = Math.min(t, this.run.finishedAt ?? t);
    if (!this.interval || end < this.firstPeriodic()) return 0;
    return Math.floor((end - this.firstPeriodic()) / this.interval) + 1;
  }

  /** The time of periodic line k (0-based): after the "is running" line. */
  periodicAt(k: number): number {
    return this.firstPeriodic() + k * this.interval;
  }

  private firstPeriodic(): number {
    return this.run.startedAt + 1000 + this.interval;
  }

  /** Lines written by time t: [time, text] by index. */
  count(t: number): number {
    return 3 + this.periodicBy(t) + (this.run.finishedAt !== undefined && this.run.finishedAt <= t ? 1 : 0);
  }

  line(i: number): [number, string] {
    const { run, pod } = this;
    if (i === 0) return [run.startedAt, `starting ${run.name} (image ${run.image})`];
    if (i === 1) return [run.startedAt, `pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${pod.spec?.nodeName ?? "<none>"}, IP ${pod.status?.podIP ?? "<none>"}`];
    if (i === 2) return [run.startedAt + 1000, `${run.name} is running`];
    const k = i - 3;
    if (k < this.periodicBy(run.finishedAt ?? Number.POSITIVE_INFINITY)) return [this.periodicAt(k), `${run.name}: tick ${k + 1}`];
    const fin = Math.max(run.startedAt + 1000, run.finishedAt ?? 0);
    return [fin, `${run.name} exited with code ${run.exitCode ?? 0}`];
  }

  /** The index of the first line at or after t. */
  firstAt(t: number, n: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.line(mid)[0] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** kuberuntime's timestamp form: RFC 3339 with nine fractional digits. */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/** The first index to send for these options, given n lines so far. */
export function startIndex(log: ContainerLog, opts: LogOptions, n: number, now: number): number {
  let from = 0;
  const since = opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : opts.sinceTime ? Date.parse(opts.sinceTime) : undefined;
  if (since !== undefined && Number.isFinite(since)) from = log.firstAt(since, n);
  if (opts.tailLines !== undefined && opts.tailLines >= 0) from = Math.max(from, n - opts.tailLines);
  return from;
}

export function formatLine(line: [number, string], timestamps: boolean | undefined): string {
  return timestamps ? `${logTimestamp(line[0])} ${line[1]}\n` : `${line[1]}\n`;
}

/** Parses the kubelet's containerLogs query (PodLogOptions, v1 parameter names). */
export function logOptions(q: URLSearchParams): LogOptions & { follow: boolean } | string {
  const int = (k: string) => {
    const v = q.get(k);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    return Number.isInteger(n) ? n : Number.NaN;
  };
  const bool = (k: string) => ["true", "1"].includes(q.get(k) ?? "");
  let tailLines = int("tailLines");
  const tail = q.get("tail");
  if (tail) tailLines = tail === "all" ? undefined : Number(tail);
  const opts = { follow: bool("follow"), previous: bool("previous"), timestamps: bool("timestamps"), tailLines, sinceSeconds: int("sinceSeconds"), sinceTime: q.get("sinceTime") ?? undefined, limitBytes: int("limitBytes") };
  for (const k of ["tailLines", "sinceSeconds", "limitBytes"] as const) if (Number.isNaN(opts[k])) return '{"message": "Unable to decode query."}';
  // ValidatePodLogOptions: negative tail, since < 1, limitBytes < 1, both since forms.
  if ((opts.tailLines ?? 0) < 0 || (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) || (opts.limitBytes !== undefined && opts.limitBytes < 1) || (opts.sinceSeconds !== undefined && opts.sinceTime)) {
    return '{"message": "Invalid request."}';
  }
  return opts;
}
