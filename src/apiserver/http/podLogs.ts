// pods/log without kubelets: this API server has no node to proxy to, so it
// answers with a few synthetic lines derived from the pod itself (container
// name, image, start and finish times from its status, as a simulated
// kubelet wrote them). A container that never started answers 400 like
// kubelet's "waiting to start". Nothing else is invented.
import type { KObject } from "../registry/types.ts";
import { badRequest } from "../registry/errors.ts";

export type LogOptions = { container?: string; tailLines?: number; timestamps?: boolean; previous?: boolean };

export function podLogs(pod: KObject, opts: LogOptions): string {
  const name = pod.metadata?.name;
  const containers: KObject[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let cname = opts.container;
  if (!cname) {
    const main: KObject[] = pod.spec?.containers ?? [];
    if (main.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.map((c) => c.name).join(" ")}]`);
    }
    cname = main[0].name;
  }
  const c = containers.find((x) => x.name === cname);
  if (!c) throw badRequest(`container ${cname} is not valid for pod ${name}`);
  const statuses: KObject[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const st = statuses.find((s) => s.name === cname);
  const state = opts.previous ? st?.lastState : st?.state;
  const run = state?.running ?? state?.terminated;
  if (!run?.startedAt) {
    if (opts.previous) throw badRequest(`previous terminated container "${cname}" in pod "${name}" not found`);
    const why = st?.state?.waiting?.reason ?? "ContainerCreating";
    throw badRequest(`container "${cname}" in pod "${name}" is waiting to start: ${why}`);
  }
  const t0 = Date.parse(run.startedAt);
  const at = (s: number) => new Date(t0 + s * 1000).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
  const lines: [number, string][] = [
    [0, `starting ${cname} (image ${c.image})`],
    [0, `pod ${pod.metadata?.namespace}/${name} on node ${pod.spec?.nodeName ?? "<none>"}, IP ${pod.status?.podIP ?? "<none>"}`],
    [1, `${cname} is running`],
  ];
  if (state?.terminated) {
    const fin = (Date.parse(state.terminated.finishedAt ?? run.startedAt) - t0) / 1000;
    lines.push([Math.max(1, fin), `${cname} exited with code ${state.terminated.exitCode ?? 0}`]);
  }
  let out = lines.map(([s, l]) => (opts.timestamps ? `${at(s)} ${l}` : l));
  if (opts.tailLines !== undefined && opts.tailLines >= 0) out = out.slice(Math.max(0, out.length - opts.tailLines));
  return out.map((l) => `${l}\n`).join("");
}
