// A container's synthetic filesystem: a few directories of a busybox-like
// image, the files kubelet writes into every container (/etc/hostname,
// /etc/hosts, /etc/resolv.conf) and the pod's volumes at their mount paths,
// with the files a real kubelet would project there: ConfigMap and Secret
// keys (or their `items`), downward API items, projected sources. Built once
// per exec or attach session, read-only.
import type { KObject } from "../../../apiserver/client.ts";
import { fieldRefValue, podHostname, resourceFieldValue, type SourceCache } from "./environment.ts";

export type FsNode = { dir: Map<string, FsNode> } | { file: string };

const dir = (): FsNode => ({ dir: new Map() });

/** Splits a path against cwd into its segments, resolving . and .. */
export function resolvePath(cwd: string, path: string): string[] {
  const out: string[] = [];
  for (const seg of `${path.startsWith("/") ? "" : cwd}/${path}`.split("/")) {
    if (!seg || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out;
}

export class Filesystem {
  readonly root: FsNode = dir();

  lookup(segs: string[]): FsNode | undefined {
    let n: FsNode | undefined = this.root;
    for (const s of segs) {
      if (!n || !("dir" in n)) return undefined;
      n = n.dir.get(s);
    }
    return n;
  }

  /** Creates every directory on the way and puts node at the end. */
  put(path: string, node: FsNode): void {
    const segs = resolvePath("/", path);
    const last = segs.pop();
    let n = this.root;
    for (const s of segs) {
      if (!("dir" in n)) return;
      let next = n.dir.get(s);
      if (!next || !("dir" in next)) {
        next = dir();
        n.dir.set(s, next);
      }
      n = next;
    }
    if (last && "dir" in n) n.dir.set(last, node);
  }
}

/** kubelet's managed /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent). */
export function hostsFile(pod: KObject): string {
  const name = podHostname(pod);
  const sub = pod.spec?.subdomain;
  const host = sub ? `${name}.${sub}.${pod.metadata?.namespace}.svc.cluster.local\t${name}` : name;
  const lines = [
    "# Kubernetes-managed hosts file.",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "fe00::0\tip6-mcastprefix",
    "fe00::1\tip6-allnodes",
    "fe00::2\tip6-allrouters",
  ];
  if (pod.status?.podIP) lines.push(`${pod.status.podIP}\t${host}`);
  const aliases: KObject[] = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push("", "# Entries added by HostAliases.");
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join("\t")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** ClusterFirst DNS as kubelet writes it, with the simulated cluster's DNS service address. */
export function resolvConf(pod: KObject): string {
  const ns = pod.metadata?.namespace;
  return `search ${ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`;
}

/**
 * A stand-in for a projected service account token: JWT-shaped, naming the
 * account, but unsigned (the simulated kubelet does not call TokenRequest),
 * so no server accepts it.
 */
function tokenPlaceholder(pod: KObject): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const sub = `system:serviceaccount:${pod.metadata?.namespace}:${pod.spec?.serviceAccountName ?? "default"}`;
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub, iss: "https://kubernetes.default.svc.cluster.local" })}.`;
}

type Ctx = { pod: KObject; sources: SourceCache; allocatable: Record<string, string> };

/** The files of one volume source (relative path → content). */
async function volumeFiles(ctx: Ctx, src: KObject): Promise<[string, string][]> {
  const keyed = async (kind: "configMap" | "secret", name: string, items: KObject[] | undefined) => {
    const data = (await ctx.sources.get(kind, name)) ?? {};
    if (items?.length) return items.filter((i) => i.key in data).map((i): [string, string] => [i.path, data[i.key]]);
    return Object.keys(data)
      .sort()
      .map((k): [string, string] => [k, data[k]]);
  };
  if (src.configMap) return keyed("configMap", src.configMap.name, src.configMap.items);
  if (src.secret) return keyed("secret", src.secret.secretName ?? src.secret.name, src.secret.items);
  if (src.downwardAPI) {
    return (src.downwardAPI.items ?? []).map((i: KObject): [string, string] => [
      i.path,
      i.fieldRef ? fieldRefValue(ctx.pod, i.fieldRef.fieldPath ?? "") : resourceFieldValue(ctx.pod, i.resourceFieldRef ?? {}, ctx.allocatable),
    ]);
  }
  if (src.serviceAccountToken) return [[src.serviceAccountToken.path ?? "token", tokenPlaceholder(ctx.pod)]];
  if (src.projected) {
    const out: [string, string][] = [];
    for (const s of src.projected.sources ?? []) out.push(...(await volumeFiles(ctx, s)));
    return out;
  }
  return [];
}

/** The container's filesystem: image directories, kubelet's /etc files and the mounted volumes. */
export async function containerFilesystem(ctx: Ctx, container: KObject): Promise<Filesystem> {
  const fs = new Filesystem();
  for (const d of ["bin", "dev", "home", "proc", "root", "sys", "tmp", "usr/bin", "usr/local/bin", "var/log", "etc"]) fs.put(`/${d}`, dir());
  fs.put("/etc/hostname", { file: `${podHostname(ctx.pod)}\n` });
  fs.put("/etc/hosts", { file: hostsFile(ctx.pod) });
  fs.put("/etc/resolv.conf", { file: resolvConf(ctx.pod) });
  const volumes = new Map<string, KObject>((ctx.pod.spec?.volumes ?? []).map((v: KObject) => [v.name, v]));
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v || !m.mountPath) continue;
    const vol = new Filesystem();
    for (const [p, content] of await volumeFiles(ctx, v)) vol.put(p, { file: content });
    fs.put(m.mountPath, m.subPath ? (vol.lookup(resolvePath("/", m.subPath)) ?? dir()) : vol.root);
  }
  return fs;
}
