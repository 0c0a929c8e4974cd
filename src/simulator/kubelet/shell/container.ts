// The shell state of one container session: its environment, filesystem
// and hostname, read through the Kubernetes API (ConfigMaps, Secrets,
// Services, the Node's allocatable) when the session starts.
import { type KObject, type KubeClient, R } from "../../../apiserver/client.ts";
import { containerEnvironment, podHostname, SourceCache, visibleServices } from "./environment.ts";
import { containerFilesystem } from "./filesystem.ts";
import type { ShellState } from "./Shell.ts";

export async function shellState(client: KubeClient, pod: KObject, container: KObject): Promise<ShellState> {
  const sources = new SourceCache(client, pod.metadata?.namespace ?? "default");
  const node = pod.spec?.nodeName ? await client.get(R.nodes, "", pod.spec.nodeName).catch(() => undefined) : undefined;
  const allocatable: Record<string, string> = node?.status?.allocatable ?? {};
  const services = await visibleServices(client, pod).catch(() => []);
  const env = await containerEnvironment({ pod, container, sources, services, allocatable });
  const fs = await containerFilesystem({ pod, sources, allocatable }, container);
  return { env: new Map(env), vars: new Map(), cwd: container.workingDir || "/", fs, hostname: podHostname(pod), status: 0 };
}
