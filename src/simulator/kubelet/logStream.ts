// Writing a container's log to a client: the lines so far (after
// sinceSeconds/sinceTime and tailLines), then with `follow` each new line
// when the cluster's clock reaches its time, until the client goes away,
// limitBytes is reached, or the container's run ends (its exit line is the
// last). Only a following client holds a timer, and only one at a time.
import type { KObject } from "../../apiserver/client.ts";
import type { Clock } from "../clock.ts";
import { ContainerLog, containerRun, formatLine, type LogOptions, lineInterval, startIndex } from "./logs.ts";

export type LogSource = {
  clock: Clock;
  /** The pod as the kubelet sees it now (undefined once gone). */
  pod(): KObject | undefined;
  /** The knob: ms between lines when the pod does not say. */
  lineMs: number;
};

/** How long a follower sleeps at most before looking at the container again. */
const RECHECK_MS = 1000;

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      t.cancel();
      resolve();
    };
    const t = clock.after(ms, () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Streams the log of container `cname`. Returns the kubelet's error text
 * (answered as 400) when there is no run to read, before writing anything.
 */
export async function streamLog(
  src: LogSource,
  cname: string,
  opts: LogOptions & { follow?: boolean },
  write: (s: string) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  let pod = src.pod();
  if (!pod) return "pod does not exist";
  const run = containerRun(pod, cname, !!opts.previous);
  if (typeof run === "string") return run;
  let log = new ContainerLog(pod, run, lineInterval(pod, src.lineMs));
  let now = src.clock.now();
  const n = log.count(now);
  let i = startIndex(log, opts, n, now);
  let left = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (upto: number) => {
    for (; i < upto && left > 0; i++) {
      let s = formatLine(log.line(i), opts.timestamps);
      if (Buffer.byteLength(s) > left) s = Buffer.from(s).subarray(0, left).toString();
      left -= Buffer.byteLength(s);
      write(s);
    }
  };
  emit(n);
  if (!opts.follow || opts.previous || run.finishedAt !== undefined) return undefined;
  while (!signal.aborted && left > 0) {
    const next = i < 3 ? log.line(i)[0] : log.interval ? log.periodicAt(i - 3) : now + RECHECK_MS;
    await sleep(src.clock, Math.max(0, Math.min(next - now, RECHECK_MS)), signal);
    if (signal.aborted) break;
    now = src.clock.now();
    pod = src.pod();
    const cur = pod ? containerRun(pod, cname, false) : undefined;
    if (typeof cur !== "object" || cur.startedAt !== run.startedAt) {
      // This run ended: its last lines, from the restart's lastState when there is one.
      const last = pod ? containerRun(pod, cname, true) : undefined;
      if (pod && typeof last === "object" && last.startedAt === run.startedAt) {
        log = new ContainerLog(pod, last, lineInterval(pod, src.lineMs));
        emit(log.count(now));
      }
      break;
    }
    if (cur.finishedAt !== undefined) log = new ContainerLog(pod!, cur, lineInterval(pod!, src.lineMs));
    emit(log.count(now));
    if (cur.finishedAt !== undefined) break;
  }
  return undefined;
}
