// The resource registry: which group/version/resources this server serves.
// Built-in kinds are fixed; custom resources come and go with their CRDs.
import { builtinGroupOrder, builtinResources } from "./builtin.ts";
import type { ResourceInfo } from "./types.ts";

export class ResourceRegistry {
  private builtins: ResourceInfo[] = builtinResources;
  /** Custom resources by CRD name. */
  private readonly custom = new Map<string, ResourceInfo[]>();
  private index = new Map<string, ResourceInfo>();
  /** Storage prefix → the resource in its storage version; rebuilt by reindex(). */
  private byStoragePrefix = new Map<string, ResourceInfo>();
  private listeners: (() => void)[] = [];
  private generation = 0;

  constructor() {
    this.reindex();
  }

  /** A counter that changes whenever the set of resources changes. */
  version(): number {
    return this.generation;
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.index.get(`${group}/${version}/${resource}`);
  }

  /** Every served resource. */
  all(): ResourceInfo[] {
    return [...this.index.values()];
  }

  /** One entry per storage prefix: the version objects are stored in. */
  storageResources(): ResourceInfo[] {
    return [...this.byStoragePrefix.values()];
  }

  /** The resource whose stored version lives under a storage prefix (several lookups per request). */
  storageInfo(prefix: string): ResourceInfo | undefined {
    return this.byStoragePrefix.get(prefix);
  }

  /** Groups in preference order, each with its versions (preferred first). */
  groups(): { group: string; versions: string[] }[] {
    const byGroup = new Map<string, string[]>();
    for (const r of this.all()) {
      const vs = byGroup.get(r.group) ?? [];
      if (!vs.includes(r.version)) vs.push(r.version);
      byGroup.set(r.group, vs);
    }
    const order = (g: string) => {
      const i = builtinGroupOrder.indexOf(g);
      return g === "" ? -1 : i === -1 ? 1000 : i;
    };
    return [...byGroup.entries()]
      .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
      .map(([group, versions]) => ({ group, versions: sortVersions(versions) }));
  }

  setCustom(crdName: string, infos: ResourceInfo[]): void {
    if (infos.length === 0) this.custom.delete(crdName);
    else this.custom.set(crdName, infos);
    this.reindex();
  }

  private reindex(): void {
    const index = new Map<string, ResourceInfo>();
    for (const r of this.builtins) index.set(`${r.group}/${r.version}/${r.resource}`, r);
    for (const infos of this.custom.values()) {
      for (const r of infos) {
        const k = `${r.group}/${r.version}/${r.resource}`;
        if (!index.has(k)) index.set(k, r);
      }
    }
    const byStoragePrefix = new Map<string, ResourceInfo>();
    for (const r of index.values()) {
      if (!byStoragePrefix.has(r.storagePrefix) || isStorageVersion(r)) byStoragePrefix.set(r.storagePrefix, r);
    }
    this.index = index;
    this.byStoragePrefix = byStoragePrefix;
    this.generation++;
    for (const fn of this.listeners) fn();
  }
}

function isStorageVersion(r: ResourceInfo): boolean {
  if (r.crd) return r.crd.storage;
  // Shared built-in storage: events in core/v1, HPAs in autoscaling/v2.
  return r.group === "" || r.version === "v2";
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (apimachinery version.CompareKubeAwareVersionStrings). */
export function sortVersions(vs: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const tier = m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1;
    return [tier, Number(m[1]), Number(m[3] ?? 0)];
  };
  return [...vs].sort((a, b) => {
    const [ta, ma, na] = rank(a);
    const [tb, mb, nb] = rank(b);
    if (ta === 0 && tb === 0) return a.localeCompare(b);
    return tb - ta || mb - ma || nb - na;
  });
}
